/**
 * The fast backend's cost and gradient for a block of examples, in one WebAssembly instance: the cost function of
 * ./../cost.ts (same formulas, same network shapes) with the layer products, the sigmoid and the cost fused in
 * SIMD kernels (wasm/kernels.ts). It returns unscaled sums (Σ of cost terms, Σ of per-example gradients), so that
 * blocks computed by several threads add up, in a fixed order, to the whole.
 *
 * Everything is laid out once, when the partition is made (X in compressed rows and columns when it is sparse
 * enough, weights transposed and padded, every activation and delta buffer): an evaluation allocates nothing.
 *
 * Shapes, for sizes [s0, …, sL], m examples, hp(l) = s(l) rounded up to the vector width:
 *   Wt(l): (s(l-1)+1) × hp(l)   (Θ(l) transposed, bias row first)     Z(l), A(l), D(l): m × hp(l)
 */
import { ShapeError } from '../../errors.js';
import { Matrix } from '../../linalg/matrix.js';
import { Arena, instantiate, type WasmKernels } from '../../linalg/wasm/instance.js';
import { checkLayerSizes, paramCount } from '../params.js';
import { COURSE_ARCHITECTURE, type Activation, type Architecture } from '../activations.js';

/** The arithmetic of the wasm backend: float64 (as the reference) or float32 (twice the SIMD lanes). */
export type Precision = 'f64' | 'f32';

/**
 * Below this density of non-zeros the input layer runs on compressed X. In the SIMD kernels a non-zero costs
 * one index load more than a dense element, so sparse pays up to high densities (measured: ex4 data at 48%
 * non-zeros runs 1.8× faster sparse).
 */
export const WASM_SPARSE_THRESHOLD = 0.7;

/** Bytes of deltas a block of the backward product reads (a part of a 48 KB L1 data cache). */
export const L1_BUDGET = 24 * 1024;

export interface PartitionOptions {
  precision?: Precision;
  /** force the dense or the sparse input kernels; default: by density */
  sparse?: boolean;
  /** the compiled kernels to instantiate (threads share the caller's); default: this thread's */
  module?: WebAssembly.Module;
  /** hidden activation and output layer; default the course's sigmoid network */
  architecture?: Architecture;
}

const ACTIVATION_CODE: Record<Activation, number> = { sigmoid: 1, tanh: 2, relu: 3 };

interface Layer {
  /** inputs (without the bias) and units */
  nIn: number;
  nOut: number;
  hp: number;
  Wt: number;
  /** Θ without its bias column, K × hp(l-1) (for back-propagating deltas; layers after the first) */
  Wr: number;
  Z: number;
  A: number;
  D: number;
  Gt: number;
}

const roundUp = (n: number, w: number) => Math.ceil(n / w) * w;

export class WasmPartition {
  readonly sizes: readonly number[];
  readonly m: number;
  readonly precision: Precision;
  readonly sparse: boolean;
  readonly arch: Architecture;
  private readonly k: WasmKernels;
  private readonly arena: Arena;
  private readonly layers: Layer[];
  private readonly targets: number;
  private readonly Xdense: number = 0;
  private readonly csr = { start: 0, index: 0, vals: 0 };
  private readonly csc = { start: 0, index: 0, vals: 0 };
  /** mini-batch scratch: the batch's rows and targets, and its compressed columns (grown as needed) */
  private batch = { capacity: 0, nnzCapacity: 0, rows: 0, targets: 0, start: 0, offs: 0, vals: 0 };
  private maxRowNnz = 0;
  /** the backward product runs over blocks of this many rows (its deltas then fit the L1 cache) */
  private readonly chunkRows: number = 1;
  private readonly chunks: number = 1;
  /** f32 buffers of the input layer (precision f32) */
  private readonly f32 = { Wt: 0, Z: 0, D: 0, Gt: 0 };

  constructor(sizes: readonly number[], X: Matrix, targets: ArrayLike<number>, options: PartitionOptions = {}) {
    checkLayerSizes(sizes);
    if (X.cols !== sizes[0]) throw new ShapeError(`the data has ${X.cols} columns but the network expects ${sizes[0]} inputs`);
    if (targets.length !== X.rows) throw new ShapeError(`the data has ${X.rows} examples but there are ${targets.length} labels`);
    this.sizes = [...sizes];
    this.m = X.rows;
    this.precision = options.precision ?? 'f64';
    const m = X.rows;
    const n0 = X.cols;
    let nnz = 0;
    for (let i = 0; i < X.data.length; i++) if (X.data[i] !== 0) nnz++;
    this.sparse = options.sparse ?? nnz < WASM_SPARSE_THRESHOLD * X.data.length;
    // f32 runs the input layer on the sparse f32 kernels only
    if (this.precision === 'f32') this.sparse = true;

    this.k = instantiate(options.module);
    this.arch = options.architecture ?? COURSE_ARCHITECTURE;
    this.k.setActivation(ACTIVATION_CODE[this.arch.activation]);
    const a = new Arena(this.k);
    this.arena = a;
    const L = sizes.length - 1;
    this.layers = [];
    for (let l = 1; l <= L; l++) {
      const nIn = sizes[l - 1];
      const nOut = sizes[l];
      // f32: the input layer's products run on 4 lanes
      const hp = roundUp(nOut, this.precision === 'f32' && l === 1 ? 4 : 2);
      const rows = m * hp * 8;
      this.layers.push({
        nIn,
        nOut,
        hp,
        Wt: a.alloc((nIn + 1) * hp * 8),
        Wr: l > 1 ? a.alloc(nOut * this.layers[l - 2].hp * 8) : 0,
        Z: a.alloc(rows),
        A: a.alloc(rows),
        D: a.alloc(rows),
        Gt: a.alloc((nIn + 1) * hp * 8),
      });
    }
    this.targets = a.alloc(m * 4);
    const vbytes = this.precision === 'f32' ? 4 : 8;
    if (this.sparse) {
      this.csr = { start: a.alloc((m + 1) * 4), index: a.alloc(nnz * 4), vals: a.alloc(nnz * vbytes) };
      this.chunkRows = Math.max(1, Math.floor(L1_BUDGET / (this.layers[0].hp * vbytes)));
      this.chunks = Math.max(1, Math.ceil(m / this.chunkRows));
      this.csc = { start: a.alloc(this.chunks * (n0 + 1) * 4), index: a.alloc(nnz * 4), vals: a.alloc(nnz * vbytes) };
    } else {
      this.Xdense = a.alloc(m * n0 * 8);
    }
    if (this.precision === 'f32') {
      const l1 = this.layers[0];
      this.f32 = {
        Wt: a.alloc((n0 + 1) * l1.hp * 4),
        Z: a.alloc(m * l1.hp * 4),
        D: a.alloc(m * l1.hp * 4),
        Gt: a.alloc((n0 + 1) * l1.hp * 4),
      };
    }

    // Fill X and the targets (views only now: the memory no longer grows).
    const t = a.i32(this.targets, m);
    for (let i = 0; i < m; i++) t[i] = targets[i];
    if (this.sparse) this.fillSparse(X, nnz);
    else a.f64(this.Xdense, m * n0).set(X.data);
    for (let l = 0; l < this.layers.length; l++) {
      // padding columns of the weights stay zero, so padded units contribute nothing
      const layer = this.layers[l];
      a.f64(layer.Wt, (layer.nIn + 1) * layer.hp).fill(0);
      if (l > 0) a.f64(layer.Wr, layer.nOut * this.layers[l - 1].hp).fill(0);
    }
    if (this.precision === 'f32') a.f32(this.f32.Wt, (n0 + 1) * this.layers[0].hp).fill(0);
  }

  private fillSparse(X: Matrix, nnz: number): void {
    const a = this.arena;
    const m = X.rows;
    const n = X.cols;
    const x = X.data;
    const rs = a.i32(this.csr.start, m + 1);
    const ri = a.i32(this.csr.index, nnz);
    const cs = a.i32(this.csc.start, this.chunks * (n + 1));
    const ci = a.i32(this.csc.index, nnz);
    const vals = (at: number) => (this.precision === 'f32' ? a.f32(at, nnz) : a.f64(at, nnz));
    const rv = vals(this.csr.vals);
    const cv = vals(this.csc.vals);
    // The kernels take byte offsets, not indices: of row 1 + j of Wt (forward) and of row i of D (backward).
    const rowBytes = this.layers[0].hp * (this.precision === 'f32' ? 4 : 8);
    // compressed rows
    let q = 0;
    for (let i = 0; i < m; i++) {
      rs[i] = q;
      for (let j = 0; j < n; j++) {
        const v = x[i * n + j];
        if (v !== 0) {
          ri[q] = j;
          rv[q++] = v;
        }
      }
    }
    rs[m] = q;
    for (let i = 0; i < m; i++) this.maxRowNnz = Math.max(this.maxRowNnz, rs[i + 1] - rs[i]);
    // compressed columns, block of rows by block of rows: block c's column j holds its rows in increasing order,
    // at cs[c·(n+1) + j] .. cs[c·(n+1) + j + 1] - 1 of the shared index and value arrays
    q = 0;
    const next = new Int32Array(n);
    for (let c = 0; c < this.chunks; c++) {
      const i0 = c * this.chunkRows;
      const i1 = Math.min(m, i0 + this.chunkRows);
      const base = c * (n + 1);
      const counts = new Int32Array(n);
      for (let p = rs[i0]; p < rs[i1]; p++) counts[ri[p]]++;
      for (let j = 0; j < n; j++) {
        cs[base + j] = q;
        next[j] = q;
        q += counts[j];
      }
      cs[base + n] = q;
      for (let i = i0; i < i1; i++) {
        for (let p = rs[i]; p < rs[i + 1]; p++) {
          const at = next[ri[p]]++;
          ci[at] = i * rowBytes;
          cv[at] = rv[p];
        }
      }
    }
    for (let p = 0; p < nnz; p++) ri[p] = (ri[p] + 1) * rowBytes;
  }

  /** Whether this block evaluates mini-batches (`run` with rows): when X is kept compressed. */
  get batches(): boolean {
    return this.sparse;
  }

  /**
   * Lays out a mini-batch: its row list and targets, and its compressed columns (built from the compressed rows,
   * with byte offsets of rows 0..b-1 of D), for the backward product. Grows the scratch space when needed.
   */
  private prepareBatch(rows: Int32Array): { rows: number; targets: number; start: number; offs: number; vals: number } {
    if (!this.sparse) throw new ShapeError('mini-batches need the compressed input (dense data evaluates whole)');
    const { arena: a, m } = this;
    const n = this.sizes[0];
    const b = rows.length;
    const f32 = this.precision === 'f32';
    const vbytes = f32 ? 4 : 8;
    const hp = this.layers[0].hp;
    const rowBytes = hp * vbytes;
    if (b > m) throw new ShapeError(`a batch of ${b} rows from a block of ${m}`);
    if (b > this.batch.capacity) {
      const nnzCap = b * this.maxRowNnz;
      this.batch = {
        capacity: b,
        nnzCapacity: nnzCap,
        rows: a.alloc(b * 4),
        targets: a.alloc(b * 4),
        start: a.alloc((n + 1) * 4),
        offs: a.alloc(Math.max(1, nnzCap) * 4),
        vals: a.alloc(Math.max(1, nnzCap) * vbytes),
      };
    }
    const B = this.batch;
    const rs = a.i32(this.csr.start, m + 1);
    const nnzAll = rs[m];
    const ro = a.i32(this.csr.index, nnzAll);
    const rv = f32 ? a.f32(this.csr.vals, nnzAll) : a.f64(this.csr.vals, nnzAll);
    const allTargets = a.i32(this.targets, m);
    const br = a.i32(B.rows, b);
    const bt = a.i32(B.targets, b);
    const cs = a.i32(B.start, n + 1);
    cs.fill(0);
    for (let i = 0; i < b; i++) {
      const r = rows[i];
      if (!(r >= 0 && r < m)) throw new ShapeError(`batch row ${r} is outside 0..${m - 1}`);
      br[i] = r;
      bt[i] = allTargets[r];
      for (let q = rs[r]; q < rs[r + 1]; q++) cs[ro[q] / rowBytes]++; // (1 + j)·rowBytes → counts at j + 1
    }
    for (let j = 0; j < n; j++) cs[j + 1] += cs[j];
    const next = Int32Array.from(cs.subarray(0, n));
    const bo = a.i32(B.offs, B.nnzCapacity);
    const bv = f32 ? a.f32(B.vals, B.nnzCapacity) : a.f64(B.vals, B.nnzCapacity);
    for (let i = 0; i < b; i++) {
      const r = br[i];
      for (let q = rs[r]; q < rs[r + 1]; q++) {
        const at = next[ro[q] / rowBytes - 1]++;
        bo[at] = i * rowBytes;
        bv[at] = rv[q];
      }
    }
    return B;
  }

  /**
   * The predicted output unit (argmax of the output activations, the first on ties) of each example of this block
   * for the weights `params`, written to `out`.
   */
  predict(params: Float64Array, out: Int32Array): void {
    this.run(params, null);
    const last = this.layers[this.layers.length - 1];
    const A = this.arena.f64(last.A, this.m * last.hp);
    for (let i = 0; i < this.m; i++) {
      const row = i * last.hp;
      let best = 0;
      for (let k = 1; k < last.nOut; k++) if (A[row + k] > A[row + best]) best = k;
      out[i] = best;
    }
  }

  /**
   * For the weights `params` (unrolled row-major, as costFunction takes them): returns Σ over this block's
   * examples of the cross-entropy terms y·log h + (1-y)·log(1-h), and, when `gradSums` is given, writes there
   * Σ over the examples of δ(l+1)ᵀ·[1 a(l)] for every layer (unscaled, unregularized). With `rows`, over those
   * examples only (a mini-batch; indices into this block, compressed input only: see `batches`).
   */
  run(params: Float64Array, gradSums: Float64Array | null, rows?: Int32Array): number {
    if (params.length !== paramCount(this.sizes)) {
      throw new ShapeError(`layers [${this.sizes.join(', ')}] need ${paramCount(this.sizes)} parameters, got ${params.length}`);
    }
    const { k, arena: a, layers } = this;
    const m = rows === undefined ? this.m : rows.length;
    const batch = rows === undefined ? undefined : this.prepareBatch(rows);
    const targets = batch === undefined ? this.targets : batch.targets;
    const rowList = batch === undefined ? 0 : batch.rows;
    const L = layers.length;
    const f32 = this.precision === 'f32';

    // Weights: Θ(l) (s(l) × (s(l-1)+1), row-major in params) into Wt(l) ((s(l-1)+1) × hp), and without the
    // bias column into Wr(l) (s(l) × hp(l-1)).
    let off = 0;
    for (let l = 0; l < L; l++) {
      const layer = layers[l];
      const w1 = layer.nIn + 1;
      const Wt = a.f64(layer.Wt, w1 * layer.hp);
      for (let r = 0; r < layer.nOut; r++) for (let c = 0; c < w1; c++) Wt[c * layer.hp + r] = params[off + r * w1 + c];
      if (l > 0) {
        const hpPrev = layers[l - 1].hp;
        const Wr = a.f64(layer.Wr, layer.nOut * hpPrev);
        for (let r = 0; r < layer.nOut; r++) for (let c = 1; c < w1; c++) Wr[r * hpPrev + c - 1] = params[off + r * w1 + c];
      }
      off += layer.nOut * w1;
    }

    // Forward: each product also applies the sigmoid for a hidden layer (A = σ(Z), fused); the output layer's
    // activations, deltas and cost terms come from outputLayer.
    let cost = 0;
    for (let l = 0; l < L; l++) {
      const layer = layers[l];
      const hidden = l < L - 1;
      const A = hidden ? layer.A : 0;
      if (l === 0) {
        if (f32) {
          k.narrow(layer.Wt, this.f32.Wt, (layer.nIn + 1) * layer.hp);
          k.fwdSparse32(this.csr.start, this.csr.index, this.csr.vals, m, this.f32.Wt, layer.hp, this.f32.Z, A, rowList);
          if (!hidden) k.widen(this.f32.Z, layer.Z, m * layer.hp);
        } else if (this.sparse) {
          k.fwdSparse64(this.csr.start, this.csr.index, this.csr.vals, m, layer.Wt, layer.hp, layer.Z, A, rowList);
        } else {
          k.fwdDense64(this.Xdense, m, layer.nIn, layer.nIn, layer.Wt, layer.hp, layer.Z, A);
        }
      } else {
        const prev = layers[l - 1];
        k.fwdDense64(prev.A, m, prev.nOut, prev.hp, layer.Wt, layer.hp, layer.Z, A);
      }
      if (!hidden) {
        if (this.arch.output === 'softmax') cost = k.outputSoftmax64(layer.Z, layer.A, m, layer.nOut, layer.hp, targets, layer.D);
        else if (f32) cost = k.outputLayer32(layer.Z, layer.A, m, layer.nOut, layer.hp, targets, layer.D);
        else cost = k.outputLayer64(layer.Z, layer.A, m, layer.nOut, layer.hp, targets, layer.D);
      }
    }
    if (gradSums === null) return cost;
    if (gradSums.length !== params.length) throw new ShapeError(`the gradient buffer has ${gradSums.length} entries but there are ${params.length} parameters`);

    // Backward: D(L) is set by the output layer; Gt(l) = Σ_i [1 a(l-1)_i]ᵀ δ(l)_i, then δ(l-1).
    for (let l = L - 1; l >= 0; l--) {
      const layer = layers[l];
      if (l === 0) {
        if (f32) {
          // a hidden layer's deltas were stored as f32 (deltaBack64to32); an output layer's are f64
          if (L === 1) k.narrow(layer.D, this.f32.D, m * layer.hp);
          k.sumRows32to64(this.f32.D, m, layer.hp, layer.Gt);
          if (batch !== undefined) {
            k.bwdSparse32(batch.start, batch.offs, batch.vals, layer.nIn, this.f32.D, layer.hp, this.f32.Gt, 0);
          } else {
            for (let c = 0; c < this.chunks; c++) {
              k.bwdSparse32(this.csc.start + c * (layer.nIn + 1) * 4, this.csc.index, this.csc.vals, layer.nIn, this.f32.D, layer.hp, this.f32.Gt, c > 0 ? 1 : 0);
            }
          }
          k.widen(this.f32.Gt + layer.hp * 4, layer.Gt + layer.hp * 8, layer.nIn * layer.hp);
        } else if (this.sparse) {
          k.sumRows64(layer.D, m, layer.hp, layer.Gt);
          if (batch !== undefined) {
            k.bwdSparse64(batch.start, batch.offs, batch.vals, layer.nIn, layer.D, layer.hp, layer.Gt, 0);
          } else {
            for (let c = 0; c < this.chunks; c++) {
              k.bwdSparse64(this.csc.start + c * (layer.nIn + 1) * 4, this.csc.index, this.csc.vals, layer.nIn, layer.D, layer.hp, layer.Gt, c > 0 ? 1 : 0);
            }
          }
        } else {
          k.bwdDense64(this.Xdense, m, layer.nIn, layer.nIn, layer.D, layer.hp, layer.Gt);
        }
      } else {
        const prev = layers[l - 1];
        k.bwdDense64(prev.A, m, prev.nOut, prev.hp, layer.D, layer.hp, layer.Gt);
        if (f32 && l === 1) k.deltaBack64to32(layer.D, m, layer.nOut, layer.hp, layer.Wr, prev.hp, prev.A, this.f32.D);
        else k.deltaBack64(layer.D, m, layer.nOut, layer.hp, layer.Wr, prev.hp, prev.A, prev.D);
      }
    }

    // Gt(l) back to the parameters' row-major layout.
    off = 0;
    for (const layer of layers) {
      const w1 = layer.nIn + 1;
      const Gt = a.f64(layer.Gt, w1 * layer.hp);
      for (let r = 0; r < layer.nOut; r++) for (let c = 0; c < w1; c++) gradSums[off + r * w1 + c] = Gt[c * layer.hp + r];
      off += layer.nOut * w1;
    }
    return cost;
  }
}
