/**
 * Where everything of a fast evaluator lives in its one WebAssembly memory, laid out once by the thread that
 * creates the evaluator and handed to every thread (a plain object of byte offsets; the memory is shared when
 * there are several threads). An evaluation allocates nothing.
 *
 * Shared by all threads (written by the caller between evaluations, read by all during one):
 *   X once, in compressed rows (f64 or f32 values, column indices stored as byte offsets of Wt's rows) or dense;
 *   the targets; the weights (the parameters as given, then each layer's Wt or, the input layer on compressed X,
 *   its panels Wp (f64 or f32), and Wr); the rows
 *   and targets of the current mini-batch; the gradient written by the last step; the predictions.
 * Each thread's own: a chunk's Z, A, D per layer, its partial sums Gt per layer (of a mini-batch), and the scratch
 * of a chunk's compressed columns.
 * Each block's own (whole-set evaluations cut the rows into B blocks, B fixed by the data and the network, never
 * by the thread count): its partial sums Gt per layer, its sum of cost terms, and (built at the first whole-set
 * gradient) its compressed columns. The threads take the blocks one at a time, as each is free (a thread on a
 * slower core takes fewer), and the blocks' sums are added in block order: the result does not depend on which
 * thread took which block, nor on how many threads there are.
 *
 * Shapes, for sizes [s0, …, sL], hp(l) = s(l) rounded up to the vector width, C rows per chunk:
 *   Wt(l): (s(l-1)+1) × hp(l)   Wr(l): s(l) × hp(l-1)   Z(l), A(l), D(l): C × hp(l)   Gt(l): (s(l-1)+1) × hp(l)
 */
import { ShapeError } from '../../errors.js';
import type { Matrix } from '../../linalg/matrix.js';
import type { Arena } from '../../linalg/wasm/instance.js';
import { paramCount } from '../params.js';
import type { Activation, Architecture } from '../activations.js';

/** The arithmetic of the wasm backend's first layer: float64 (as the reference) or float32 (twice the SIMD lanes). */
export type Precision = 'f64' | 'f32';

/**
 * Below this density of non-zeros the input layer runs on compressed X. In the SIMD kernels a non-zero costs
 * one index load more than a dense element, so sparse pays up to high densities (measured: ex4 data at 48%
 * non-zeros runs 1.8× faster sparse).
 */
export const WASM_SPARSE_THRESHOLD = 0.7;

/**
 * Bytes of one chunk's buffer of the first layer (C × hp(1) × 8): the backward product reads a chunk's deltas
 * once per column of X, so they should stay in the L1 cache (48 KiB here). Measured on ex4 (hp 26) on one thread:
 * C = 157 runs an f64 evaluation 5% faster than C = 512 (f32 1%). At least MIN_CHUNK rows, so that a wide layer's
 * per-chunk work (its partial sums are read and written once per chunk) stays small beside the products.
 */
export const CHUNK_BYTES = 32 * 1024;
export const MIN_CHUNK = 128;
export const MAX_CHUNK = 512;

/**
 * Blocks of a whole-set evaluation: at most MAX_BLOCKS, MIN_BLOCK_ROWS rows or more on average, and their partial
 * sums within BLOCK_SUMS_BYTES in all. Each block adds its partial sums to the reduction: on ex4 in f32, 16 blocks
 * made an evaluation 10% slower than 8. 8 split evenly on 2, 4 or 8 threads of equal speed; on this project's
 * 2-core VMs, where one vCPU often runs the sparse products 1.5× slower than the other, blocks taken as they come
 * beat the even split (measured on ex4 in f64 while one vCPU was slow: 8 blocks 2–5% faster, 16 blocks 8–9%).
 */
export const MAX_BLOCKS = 8;
export const MIN_BLOCK_ROWS = 64;
export const BLOCK_SUMS_BYTES = 64 * 1024 * 1024;

/**
 * The panels of the sparse forward product's weights (Wp): units per panel (the widest register block of
 * wasm/products.ts, 7 vectors) and bytes from one row of a panel to the next. scripts/gen-products.mjs has the
 * same numbers (test/linalg/generated.test.ts checks them).
 */
export const PANEL_UNITS = { f64: 14, f32: 28 } as const;
export const PANEL_ROW_BYTES = 128;

export const ACTIVATION_CODE: Record<Activation, number> = { sigmoid: 1, tanh: 2, relu: 3 };

export interface LayerPlan {
  /** inputs (without the bias) and units, and the units padded to the vector width */
  nIn: number;
  nOut: number;
  hp: number;
  /** offset of this layer's Θ in the parameters (in elements) */
  paramOffset: number;
  /** Θᵀ padded, (nIn+1) × hp f64 (0 for the input layer on compressed X, which has Wp instead) */
  Wt: number;
  /**
   * The input layer on compressed X: Θᵀ in panels of PANEL_UNITS units, each (nIn+1) rows PANEL_ROW_BYTES apart, in
   * the precision of the products (scripts/gen-products.mjs says why); else 0. panelBytes: bytes per panel.
   */
  Wp: number;
  panelBytes: number;
  /**
   * f64 per unit: Σ Θ[u][c]² off the bias column (the penalty's sum, written by the thread that finishes unit u,
   * added over the units in order)
   */
  squares: number;
  /** Θ without its bias column, s(l) × hp(l-1) (layers after the first), else 0 */
  Wr: number;
}

export interface ThreadLayerPlan {
  Z: number;
  A: number;
  D: number;
  Gt: number;
  /**
   * The units u0 … u1-1 this thread finishes in the gradient (its slice of the layer), and pointers (i32) to the
   * partial sums of this layer at column u0 for the reduction: T to the threads' Gt, in thread order (a
   * mini-batch), and B to the blocks' Gt, in block order (the whole set)
   */
  u0: number;
  u1: number;
  /** the units p0 … p1-1 this thread packs into Wt (or Wp): its slice, in whole panels for Wp */
  p0: number;
  p1: number;
  parts: number;
  blockParts: number;
}

/** A block of a whole-set evaluation: rows r0 … r1-1, cut into chunks of plan.chunk rows. */
export interface BlockPlan {
  r0: number;
  r1: number;
  /** per layer: the block's partial sums, (nIn+1) × hp f64 */
  Gt: number[];
  /** f64: the sum of the block's cost terms in the last evaluation */
  terms: number;
  /** the block's compressed columns, chunk by chunk: start (chunks × (n+1) i32), offs and vals (its non-zeros) */
  cscStart: number;
  cscOffs: number;
  cscVals: number;
  /** i32: 1 once the compressed columns are built */
  ready: number;
}

export interface ThreadPlan {
  layers: ThreadLayerPlan[];
  /** precision f32: the first layer's Z and D (C × hp, f32) and its partial product ((n+1) × hp, f32) */
  Z32: number;
  D32: number;
  Gt32: number;
  /** a chunk's compressed columns (start: n+1 i32, offs and vals: C × the most non-zeros of a row), and scratch */
  cscStart: number;
  cscOffs: number;
  cscVals: number;
  cscNext: number;
  /** dense data: a mini-batch chunk's rows gathered (C × n f64) */
  gathered: number;
  /** f64: the sum of this thread's cost terms in the last mini-batch */
  terms: number;
}

/** The f64 arguments an evaluation or an update step finds in the plan's args. */
export const ARGS = 8;

export interface Plan {
  sizes: number[];
  m: number;
  n: number;
  precision: Precision;
  sparse: boolean;
  activation: number;
  output: 'sigmoid' | 'softmax';
  threads: number;
  /** rows per chunk */
  chunk: number;
  /** bytes per value of the first layer's products (4 in f32) and bytes of a row of its Z and D */
  vbytes: number;
  rowBytes: number;
  /**
   * PANEL_ROW_BYTES = 2^shift·odd, inverse·odd ≡ 1 (mod 2³²): the compressed rows' offsets divided by it exactly
   * (wasm/layout.ts: chunkColumns)
   */
  shift: number;
  inverse: number;
  layers: LayerPlan[];
  /** how many parameters there are (P) */
  paramCount: number;
  /** the parameters (f64, row-major Θ(1), Θ(2), …), written by the caller before each evaluation */
  params: number;
  /** the gradient (f64, the parameters' layout), written by the threads' reductions */
  grad: number;
  /**
   * f64 × ARGS: the rows the current evaluation averages over (m, or a batch's b) and its λ; or an update rule's
   * scalars (threaded.ts: ADAM_ARGS)
   */
  args: number;
  targets: number;
  /** the current mini-batch's rows and their targets (i32, capacity m) */
  batchRows: number;
  batchTargets: number;
  /** each example's predicted unit (i32 × m) */
  predictions: number;
  /** X in compressed rows: start (m+1), offs (byte offsets (1 + j)·PANEL_ROW_BYTES), vals; or dense (m × n f64) */
  csr: { start: number; offs: number; vals: number; nnz: number; maxRowNnz: number };
  dense: number;
  thread: ThreadPlan[];
  blocks: BlockPlan[];
}

export interface PlanOptions {
  precision?: Precision;
  /** force the sparse or the dense input kernels; default: by density */
  sparse?: boolean;
  architecture: Architecture;
  threads: number;
  /** rows per chunk (default: by the first layer's width) */
  chunk?: number;
  /** blocks of a whole-set evaluation (default: blockCount) */
  blocks?: number;
}

const roundUp = (n: number, w: number) => Math.ceil(n / w) * w;

/** The rows of chunk size for a first layer of `hp` units. */
export function chunkRows(hp: number): number {
  return Math.max(MIN_CHUNK, Math.min(MAX_CHUNK, Math.floor(CHUNK_BYTES / (hp * 8))));
}

/** d = 2^shift·odd and the inverse of odd modulo 2³² (Newton's iteration doubles the correct bits each step). */
export function exactDivision(d: number): { shift: number; inverse: number } {
  let shift = 0;
  while (((d >>> shift) & 1) === 0) shift++;
  const odd = d >>> shift;
  let x = odd; // correct to 3 bits: odd·odd ≡ 1 (mod 8)
  for (let i = 0; i < 5; i++) x = Math.imul(x, 2 - Math.imul(odd, x));
  return { shift, inverse: x | 0 };
}

/** Thread t's slice u0 … u1-1 of a layer's units, in whole groups of `group` units. */
function unitSlice(t: number, T: number, units: number, group: number): [number, number] {
  const groups = Math.ceil(units / group);
  const at = (k: number) => Math.min(units, group * Math.round((k * groups) / T));
  return [at(t), at(t + 1)];
}

/**
 * Rows r0 … r1-1 of block b of B: sizes falling linearly (B, B-1, …, 1 parts of B(B+1)/2), so that the threads,
 * taking the blocks in order, end on small ones and wait little for each other at the end of an evaluation (with
 * equal blocks a thread could wait a whole block: on ex4 in f32 on 2 threads, the waits took 0.40 ms of a 2.5 ms
 * evaluation, 0.16 ms with these).
 */
export function blockRows(b: number, B: number, m: number): [number, number] {
  const parts = (B * (B + 1)) / 2;
  const before = (k: number) => (k * (2 * B - k + 1)) / 2; // the parts of blocks 0 … k-1
  return [Math.round((before(b) * m) / parts), Math.round((before(b + 1) * m) / parts)];
}

/**
 * How many blocks a whole-set evaluation of m rows cuts into (see MAX_BLOCKS): a function of the data and the
 * network only, so that the sums are the same on any number of threads.
 */
export function blockCount(m: number, layers: readonly { nIn: number; hp: number }[]): number {
  const sumsBytes = layers.reduce((s, l) => s + (l.nIn + 1) * l.hp * 8, 0);
  return Math.max(1, Math.min(MAX_BLOCKS, Math.floor(m / MIN_BLOCK_ROWS), Math.floor(BLOCK_SUMS_BYTES / sumsBytes)));
}

/** Counts the non-zeros of X, and the most in a row. */
function countNonZeros(X: Matrix): { nnz: number; maxRowNnz: number } {
  const x = X.data;
  let nnz = 0;
  let maxRowNnz = 0;
  for (let i = 0; i < X.rows; i++) {
    const before = nnz;
    const end = (i + 1) * X.cols;
    for (let p = i * X.cols; p < end; p++) if (x[p] !== 0) nnz++;
    maxRowNnz = Math.max(maxRowNnz, nnz - before);
  }
  return { nnz, maxRowNnz };
}

/**
 * Lays out an evaluator for a network of `sizes` on X (m × n) and its targets in `arena`, and fills in X and the
 * targets. The weights, gradient and per-thread buffers are reserved, not filled.
 */
export function makePlan(arena: Arena, sizes: readonly number[], X: Matrix, targets: ArrayLike<number>, options: PlanOptions): Plan {
  if (X.cols !== sizes[0]) throw new ShapeError(`the data has ${X.cols} columns but the network expects ${sizes[0]} inputs`);
  if (targets.length !== X.rows) throw new ShapeError(`the data has ${X.rows} examples but there are ${targets.length} labels`);
  const m = X.rows;
  const n = X.cols;
  const precision = options.precision ?? 'f64';
  const { nnz, maxRowNnz } = countNonZeros(X);
  // f32 runs the input layer on the sparse f32 kernels only
  const sparse = precision === 'f32' || (options.sparse ?? nnz < WASM_SPARSE_THRESHOLD * X.data.length);
  const f32 = precision === 'f32';
  const vbytes = f32 ? 4 : 8;
  const T = Math.max(1, Math.min(options.threads, Math.max(1, m)));
  const L = sizes.length - 1;
  const a = arena;

  const layers: LayerPlan[] = [];
  let paramOffset = 0;
  for (let l = 1; l <= L; l++) {
    const nIn = sizes[l - 1];
    const nOut = sizes[l];
    // f32: the input layer's products run on 4 lanes
    const hp = roundUp(nOut, f32 && l === 1 ? 4 : 2);
    const panels = sparse && l === 1;
    const panelBytes = panels ? (nIn + 1) * PANEL_ROW_BYTES : 0;
    layers.push({
      nIn,
      nOut,
      hp,
      paramOffset,
      Wt: panels ? 0 : a.alloc((nIn + 1) * hp * 8),
      Wp: panels ? a.alloc(Math.ceil(hp / PANEL_UNITS[precision]) * panelBytes) : 0,
      panelBytes,
      squares: a.alloc(nOut * 8),
      Wr: l > 1 ? a.alloc(nOut * layers[l - 2].hp * 8) : 0,
    });
    paramOffset += nOut * (nIn + 1);
  }
  const hp1 = layers[0].hp;
  const rowBytes = hp1 * vbytes;
  const chunk = options.chunk ?? chunkRows(hp1);
  const P = paramCount(sizes);
  const params = a.alloc(P * 8);
  const grad = a.alloc(P * 8);
  const args = a.alloc(ARGS * 8);
  const targetsAt = a.alloc(m * 4);
  const batchRows = a.alloc(m * 4);
  const batchTargets = a.alloc(m * 4);
  const predictions = a.alloc(m * 4);
  const csr = { start: 0, offs: 0, vals: 0, nnz, maxRowNnz };
  let dense = 0;
  if (sparse) {
    csr.start = a.alloc((m + 1) * 4);
    csr.offs = a.alloc(nnz * 4);
    csr.vals = a.alloc(nnz * vbytes);
  } else {
    dense = a.alloc(m * n * 8);
  }

  const B = Math.max(1, Math.min(options.blocks ?? blockCount(m, layers), m));
  const thread: ThreadPlan[] = [];
  for (let t = 0; t < T; t++) {
    const tl = layers.map((layer) => {
      // an even share of the units to finish (the reduction is most of the work), whole panels to pack
      const [u0, u1] = unitSlice(t, T, layer.nOut, 1);
      const [p0, p1] = unitSlice(t, T, layer.nOut, layer.Wp === 0 ? 1 : PANEL_UNITS[precision]);
      return {
        Z: a.alloc(chunk * layer.hp * 8),
        A: a.alloc(chunk * layer.hp * 8),
        D: a.alloc(chunk * layer.hp * 8),
        Gt: a.alloc((layer.nIn + 1) * layer.hp * 8),
        u0,
        u1,
        p0,
        p1,
        parts: a.alloc(T * 4),
        blockParts: a.alloc(B * 4),
      };
    });
    thread.push({
      layers: tl,
      Z32: f32 ? a.alloc(chunk * hp1 * 4) : 0,
      D32: f32 ? a.alloc(chunk * hp1 * 4) : 0,
      Gt32: f32 ? a.alloc((n + 1) * hp1 * 4) : 0,
      cscStart: sparse ? a.alloc((n + 1) * 4) : 0,
      cscOffs: sparse ? a.alloc(Math.max(1, chunk * maxRowNnz) * 4) : 0,
      cscVals: sparse ? a.alloc(Math.max(1, chunk * maxRowNnz) * vbytes) : 0,
      cscNext: sparse ? a.alloc(n * 4) : 0,
      gathered: sparse ? 0 : a.alloc(chunk * n * 8),
      terms: a.alloc(8),
    });
  }
  const blocks: BlockPlan[] = [];
  for (let b = 0; b < B; b++) {
    const [r0, r1] = blockRows(b, B, m);
    blocks.push({
      r0,
      r1,
      // reserved now, written at the first whole-set evaluation (untouched pages cost no memory until then)
      Gt: layers.map((layer) => a.alloc((layer.nIn + 1) * layer.hp * 8)),
      terms: a.alloc(8),
      cscStart: sparse ? a.alloc(Math.max(1, Math.ceil((r1 - r0) / chunk)) * (n + 1) * 4) : 0,
      cscOffs: 0,
      cscVals: 0,
      ready: a.alloc(4),
    });
  }
  // the blocks' compressed columns hold each non-zero once: laid out after the row counts are known (below)
  const plan: Plan = {
    sizes: [...sizes],
    m,
    n,
    precision,
    sparse,
    activation: ACTIVATION_CODE[options.architecture.activation],
    output: options.architecture.output,
    threads: T,
    chunk,
    vbytes,
    rowBytes,
    ...exactDivision(PANEL_ROW_BYTES),
    layers,
    paramCount: P,
    params,
    grad,
    args,
    targets: targetsAt,
    batchRows,
    batchTargets,
    predictions,
    csr,
    dense,
    thread,
    blocks,
  };
  if (sparse) {
    const rs = fillCompressedRows(a, plan, X);
    for (const block of blocks) {
      const blockNnz = rs[block.r1] - rs[block.r0];
      block.cscOffs = a.alloc(Math.max(1, blockNnz) * 4);
      block.cscVals = a.alloc(Math.max(1, blockNnz) * vbytes);
    }
  } else {
    a.f64(dense, m * n).set(X.data);
  }
  // Views only now: a private memory no longer grows.
  const tv = a.i32(targetsAt, m);
  for (let i = 0; i < m; i++) tv[i] = targets[i];
  for (const tp of thread) {
    for (let l = 0; l < L; l++) {
      const u0 = tp.layers[l].u0 * 8;
      a.i32(tp.layers[l].parts, T).set(thread.map((other) => other.layers[l].Gt + u0));
      a.i32(tp.layers[l].blockParts, B).set(blocks.map((block) => block.Gt[l] + u0));
    }
  }
  return plan;
}

/**
 * X into the plan's compressed rows (column indices as byte offsets (1 + j)·PANEL_ROW_BYTES of the row of a panel
 * a non-zero meets); returns the row starts (a copy, for laying out the blocks).
 */
function fillCompressedRows(a: Arena, plan: Plan, X: Matrix): Int32Array {
  const { m, n } = plan;
  const rowBytes = PANEL_ROW_BYTES;
  const { nnz } = plan.csr;
  const start = new Int32Array(m + 1);
  const offs = a.i32(plan.csr.offs, nnz);
  // one loop per value type, so that each store site sees one kind of array
  if (plan.precision === 'f32') compressRows(X.data, m, n, rowBytes, start, offs, a.f32(plan.csr.vals, nnz));
  else compressRows(X.data, m, n, rowBytes, start, offs, a.f64(plan.csr.vals, nnz));
  a.i32(plan.csr.start, m + 1).set(start);
  return start;
}

function compressRows<V extends Float32Array | Float64Array>(x: Float64Array, m: number, n: number, rowBytes: number, start: Int32Array, offs: Int32Array, vals: V): void {
  const nnz = vals.length;
  let q = 0;
  for (let i = 0; i < m; i++) {
    start[i] = q;
    const base = i * n;
    for (let j = 0; j < n; j++) {
      const v = x[base + j];
      if (v !== 0) {
        offs[q] = (j + 1) * rowBytes;
        vals[q++] = v;
      }
    }
  }
  start[m] = q;
  if (q !== nnz) throw new Error(`internal: ${q} non-zeros, ${nnz} counted`);
}
