/**
 * One thread's share of a fast evaluation: the cost function of ../cost.ts (same formulas, same network shapes)
 * with the layer products, activations and cost fused in SIMD kernels (wasm/kernels.ts), over a set of rows taken
 * a chunk at a time (a chunk's activations and deltas stay in the cache). It returns unscaled sums (Σ of cost
 * terms, and Σ of per-example gradients in its Gt buffers) so that the threads' shares add up, in a fixed order,
 * to the whole: see ./threaded.ts.
 *
 * A thread's rows are the blocks of the whole set it takes (rows r0..r1-1 of a block of the plan; each block's
 * sums go to the block's own buffers) or its part of a mini-batch (positions p0..p1-1 of the batch's row list;
 * the sums go to the thread's buffers). The first layer's backward product needs X by columns: for a block, built
 * once at the first gradient and kept; for a mini-batch's chunk, built from the compressed rows in one pass over
 * its non-zeros (wasm/layout.ts: chunkColumns).
 */
import { instantiate, type WasmKernels } from '../../linalg/wasm/instance.js';
import { PANEL_ROW_BYTES, PANEL_UNITS, type BlockPlan, type LayerPlan, type Plan, type ThreadPlan } from './plan.js';

export type { Precision } from './plan.js';

/**
 * What a chunk of rows is: rows base..base+count-1, or the rows listed at `list` (a pointer), with their targets;
 * where its partial sums go (a Gt per layer); and its compressed columns, built (a block's) or to build now (null).
 */
interface Chunk {
  list: number;
  base: number;
  count: number;
  targets: number;
  sums: readonly number[];
  csc: { start: number; offs: number; vals: number } | null;
}

export class WasmPartition {
  readonly plan: Plan;
  readonly t: number;
  readonly k: WasmKernels;
  private readonly tp: ThreadPlan;
  private readonly memory: WebAssembly.Memory;
  /** views made once (the memory no longer grows once laid out): an evaluation allocates nothing */
  private readonly view: { rowStart: Int32Array };
  /** this thread's own partial sums (a mini-batch), per layer */
  private readonly sums: number[];

  constructor(plan: Plan, t: number, module: WebAssembly.Module, memory: WebAssembly.Memory) {
    this.plan = plan;
    this.t = t;
    this.tp = plan.thread[t];
    this.memory = memory;
    this.k = instantiate(module, memory);
    this.k.setActivation(plan.activation);
    this.view = {
      rowStart: plan.sparse ? this.i32(plan.csr.start, plan.m + 1) : new Int32Array(0),
    };
    this.sums = this.tp.layers.map((layer) => layer.Gt);
  }

  private i32(at: number, count: number): Int32Array {
    return new Int32Array(this.memory.buffer, at, count);
  }

  private f64(at: number, count: number): Float64Array {
    return new Float64Array(this.memory.buffer, at, count);
  }

  /** Each layer's units u0 … u1-1 this thread finishes (`pack`: packs), or all of them with `all`. */
  private units(l: number, all: boolean, pack = false): { u0: number; u1: number } {
    if (all) return { u0: 0, u1: this.plan.layers[l].nOut };
    const tl = this.tp.layers[l];
    return pack ? { u0: tl.p0, u1: tl.p1 } : tl;
  }

  /**
   * This thread's slice of units of every layer (all of them with `all`): from the parameters at plan.params into
   * Wt and Wr, or, the input layer on compressed X, into its panels Wp (its packing slice is whole panels: ./plan.ts).
   */
  packWeights(all = false): void {
    const { plan, k } = this;
    for (let l = 0; l < plan.layers.length; l++) {
      const layer = plan.layers[l];
      const { u0, u1 } = this.units(l, all, true);
      const at = plan.params + (layer.paramOffset + u0 * (layer.nIn + 1)) * 8;
      if (layer.Wp !== 0) {
        this.packPanels(layer, u0, u1, at);
        continue;
      }
      const hpPrev = l > 0 ? plan.layers[l - 1].hp : 0;
      k.packWeights(at, layer.nIn, u1 - u0, layer.hp, layer.Wt + u0 * 8, 0, layer.Wr === 0 ? 0 : layer.Wr + u0 * hpPrev * 8, hpPrev);
    }
  }

  /**
   * Units u0 … u1-1 (whole panels) of the input layer into its panels: each panel is a Wt of PANEL_UNITS columns
   * whose rows are PANEL_ROW_BYTES apart, which the Wt kernel writes (in f32 through its Wt32 output).
   */
  private packPanels(layer: LayerPlan, u0: number, u1: number, at: number): void {
    const { plan, k } = this;
    const U = PANEL_UNITS[plan.precision];
    for (let u = u0; u < u1; u += U) {
      const count = Math.min(U, u1 - u);
      const panel = layer.Wp + (u / U) * layer.panelBytes;
      const from = at + (u - u0) * (layer.nIn + 1) * 8;
      if (plan.precision === 'f32') k.packWeights(from, layer.nIn, count, PANEL_ROW_BYTES / 4, 0, panel, 0, 0);
      else k.packWeights(from, layer.nIn, count, PANEL_ROW_BYTES / 8, panel, 0, 0, 0);
    }
  }

  /**
   * This thread's slice of units of every layer (all of them with `all`, thread 0 only): each unit's Σ Θ² off the
   * bias column into the layer's `squares`, and with `gradient`, the gradient rows from the partial sums, scaled by
   * 1/m and regularized with λ/m (wasm/layout.ts: finishLayer). The sums are the blocks' (`parts` 'blocks': a
   * whole-set evaluation), added in block order, or the first `parts` threads' (a mini-batch), in thread order.
   */
  finish(gradient: boolean, parts: number | 'blocks', m: number, lambda: number, all = false): void {
    const { plan, k, tp } = this;
    for (let l = 0; l < plan.layers.length; l++) {
      const layer = plan.layers[l];
      const { u0, u1 } = this.units(l, all);
      // thread 0's pointers start at unit 0: they serve `all` too
      const ptrs = parts === 'blocks' ? tp.layers[l].blockParts : tp.layers[l].parts;
      const count = parts === 'blocks' ? plan.blocks.length : parts;
      const at = (layer.paramOffset + u0 * (layer.nIn + 1)) * 8;
      k.unitSquaresOffBias(plan.params + at, layer.nIn, u1 - u0, layer.squares + u0 * 8);
      if (gradient) k.finishLayer(plan.params + at, layer.nIn, u1 - u0, layer.hp, ptrs, count, 1 / m, lambda / m, plan.grad + at);
    }
  }

  /** Block b of the whole set: the sum of its cost terms at its `terms` and, with `gradient`, its partial sums in its Gt. */
  runBlock(b: number, gradient: boolean): void {
    const { plan } = this;
    const block = plan.blocks[b];
    if (gradient && plan.sparse) this.buildBlockColumns(block);
    const { r0, r1 } = block;
    const C = plan.chunk;
    let terms = 0;
    for (let i = r0, c = 0; i < r1; i += C, c++) {
      const count = Math.min(C, r1 - i);
      const csc = plan.sparse ? this.blockColumns(block, i, c) : null;
      terms += this.runChunk({ list: 0, base: i, count, targets: plan.targets + i * 4, sums: block.Gt, csc }, gradient, c > 0);
    }
    if (gradient && r1 === r0) this.zeroSums(block.Gt);
    this.f64(block.terms, 1)[0] = terms;
  }

  /** Σ of the cost terms over positions p0..p1-1 of the current mini-batch, with the partial sums in Gt. */
  runBatch(p0: number, p1: number): number {
    const C = this.plan.chunk;
    let terms = 0;
    for (let p = p0; p < p1; p += C) {
      const count = Math.min(C, p1 - p);
      terms += this.runChunk({ list: this.plan.batchRows + p * 4, base: 0, count, targets: this.plan.batchTargets + p * 4, sums: this.sums, csc: null }, true, p > p0);
    }
    if (p1 === p0) this.zeroSums(this.sums);
    return terms;
  }

  /** A few chunks, cost and gradient into this thread's own sums, so that the engine compiles the hot code first. */
  warmUp(): void {
    const { r0, r1 } = this.plan.blocks[0];
    const count = Math.min(this.plan.chunk, r1 - r0);
    if (count === 0) return;
    for (let w = 0; w < 2; w++) this.runChunk({ list: 0, base: r0, count, targets: this.plan.targets + r0 * 4, sums: this.sums, csc: null }, true, false);
  }

  /** The predicted unit of each row of block b, into plan.predictions. */
  predictBlock(b: number): void {
    const { plan, k } = this;
    const { r0, r1 } = plan.blocks[b];
    const last = plan.layers[plan.layers.length - 1];
    const out = this.tp.layers[plan.layers.length - 1];
    for (let i = r0; i < r1; i += plan.chunk) {
      const count = Math.min(plan.chunk, r1 - i);
      this.runChunk({ list: 0, base: i, count, targets: plan.targets + i * 4, sums: this.sums, csc: null }, false, false);
      k.argmaxRows(out.A, count, last.nOut, last.hp, plan.predictions + i * 4);
    }
  }

  private zeroSums(sums: readonly number[]): void {
    for (let l = 0; l < this.plan.layers.length; l++) {
      const layer = this.plan.layers[l];
      this.f64(sums[l], (layer.nIn + 1) * layer.hp).fill(0);
    }
  }

  /** Chunk c (its first row i) of a block: where its compressed columns are. */
  private blockColumns(block: BlockPlan, i: number, c: number): { start: number; offs: number; vals: number } {
    const { plan } = this;
    const q = this.view.rowStart[i] - this.view.rowStart[block.r0];
    return { start: block.cscStart + c * (plan.n + 1) * 4, offs: block.cscOffs + q * 4, vals: block.cscVals + q * plan.vbytes };
  }

  /** A block's compressed columns, chunk by chunk, once (the rows do not change), by whichever thread takes it first. */
  private buildBlockColumns(block: BlockPlan): void {
    const { plan, k, tp } = this;
    const ready = this.i32(block.ready, 1);
    if (ready[0] === 1) return;
    const { r0, r1 } = block;
    for (let i = r0, c = 0; i < r1; i += plan.chunk, c++) {
      const count = Math.min(plan.chunk, r1 - i);
      const at = this.blockColumns(block, i, c);
      k.chunkColumns(
        plan.csr.start, plan.csr.offs, plan.csr.vals, 0, i, count, plan.n, plan.shift, plan.inverse,
        at.start, at.offs, at.vals, plan.rowBytes, plan.precision === 'f32' ? 1 : 0, tp.cscNext,
      );
    }
    ready[0] = 1;
  }

  /**
   * Forward (and with `gradient`, backward) over one chunk; returns the sum of its cost terms. `accumulate`: add
   * to the chunk's partial sums instead of starting them.
   */
  private runChunk(ch: Chunk, gradient: boolean, accumulate: boolean): number {
    const { plan, k, tp } = this;
    const L = plan.layers.length;
    const f32 = plan.precision === 'f32';
    const { count } = ch;
    let src = 0; // dense data: the chunk's rows
    let cost = 0;
    for (let l = 0; l < L; l++) {
      const layer = plan.layers[l];
      const buf = tp.layers[l];
      const hidden = l < L - 1;
      const A = hidden ? buf.A : 0;
      if (l === 0) {
        if (plan.sparse) {
          // with a row list the kernels read start[rows[i]]; without, start[base + i]
          const start = ch.list === 0 ? plan.csr.start + ch.base * 4 : plan.csr.start;
          if (f32) {
            k.fwdSparse32(start, plan.csr.offs, plan.csr.vals, count, layer.Wp, layer.panelBytes, layer.hp, tp.Z32, A, ch.list);
            if (!hidden) k.widen(tp.Z32, buf.Z, count * layer.hp);
          } else {
            k.fwdSparse64(start, plan.csr.offs, plan.csr.vals, count, layer.Wp, layer.panelBytes, layer.hp, buf.Z, A, ch.list);
          }
        } else {
          if (ch.list === 0) src = plan.dense + ch.base * plan.n * 8;
          else {
            k.gatherRows64(plan.dense, plan.n, ch.list, count, tp.gathered);
            src = tp.gathered;
          }
          k.fwdDense64(src, count, layer.nIn, layer.nIn, layer.Wt, layer.hp, buf.Z, A);
        }
      } else {
        const prev = plan.layers[l - 1];
        k.fwdDense64(tp.layers[l - 1].A, count, prev.nOut, prev.hp, layer.Wt, layer.hp, buf.Z, A);
      }
      if (!hidden) {
        if (plan.output === 'softmax') cost = k.outputSoftmax64(buf.Z, buf.A, count, layer.nOut, layer.hp, ch.targets, buf.D);
        else if (f32) cost = k.outputLayer32(buf.Z, buf.A, count, layer.nOut, layer.hp, ch.targets, buf.D);
        else cost = k.outputLayer64(buf.Z, buf.A, count, layer.nOut, layer.hp, ch.targets, buf.D);
      }
    }
    if (!gradient) return cost;

    // Backward: D(L) is set by the output layer; Gt(l) (+)= Σ_i [1 a(l-1)_i]ᵀ δ(l)_i, then δ(l-1).
    const acc = accumulate ? 1 : 0;
    for (let l = L - 1; l >= 0; l--) {
      const layer = plan.layers[l];
      const buf = tp.layers[l];
      const Gt = ch.sums[l];
      if (l > 0) {
        const prev = plan.layers[l - 1];
        const pbuf = tp.layers[l - 1];
        k.bwdDense64(pbuf.A, count, prev.nOut, prev.hp, buf.D, layer.hp, Gt, acc);
        if (f32 && l === 1) k.deltaBack64to32(buf.D, count, layer.nOut, layer.hp, layer.Wr, prev.hp, pbuf.A, tp.D32);
        else k.deltaBack64(buf.D, count, layer.nOut, layer.hp, layer.Wr, prev.hp, pbuf.A, pbuf.D);
        continue;
      }
      if (!plan.sparse) {
        k.bwdDense64(src, count, layer.nIn, layer.nIn, buf.D, layer.hp, Gt, acc);
        continue;
      }
      // the chunk's compressed columns: a block's, built once, or built now
      let cs = tp.cscStart;
      let co = tp.cscOffs;
      let cv = tp.cscVals;
      if (ch.csc !== null) {
        ({ start: cs, offs: co, vals: cv } = ch.csc);
      } else {
        k.chunkColumns(plan.csr.start, plan.csr.offs, plan.csr.vals, ch.list, ch.base, count, plan.n, plan.shift, plan.inverse, cs, co, cv, plan.rowBytes, f32 ? 1 : 0, tp.cscNext);
      }
      const rest = layer.nIn * layer.hp;
      if (f32) {
        // a hidden layer's deltas were stored as f32 (deltaBack64to32); an output layer's are f64
        if (L === 1) k.narrow(buf.D, tp.D32, count * layer.hp);
        k.sumRows32to64(tp.D32, count, layer.hp, Gt, acc);
        k.bwdSparse32(cs, co, cv, layer.nIn, tp.D32, layer.hp, tp.Gt32, 0);
        // the chunk's f32 products added in f64 (a whole set's sum is not accumulated in f32)
        if (acc) k.addWiden(tp.Gt32 + layer.hp * 4, Gt + layer.hp * 8, rest);
        else k.widen(tp.Gt32 + layer.hp * 4, Gt + layer.hp * 8, rest);
      } else {
        k.sumRows64(buf.D, count, layer.hp, Gt, acc);
        k.bwdSparse64(cs, co, cv, layer.nIn, buf.D, layer.hp, Gt, acc);
      }
    }
    return cost;
  }
}
