/**
 * The fast evaluator, on one thread or several: the SIMD kernels (./partition.ts) on one WebAssembly memory laid
 * out once (./plan.ts), shared by the threads' instances when there are several. The calling thread is thread 0;
 * worker threads (Node's worker_threads, see ./threads-node.ts, or Web Workers, see ./threads-web.ts) are 1…T-1.
 *
 * An evaluation: the caller writes the weights (and a mini-batch's rows) into the memory and wakes the workers with
 * Atomics.notify; then every thread (runShare) transposes its slice of the layers' units into the kernels' layout,
 * meets the others (a barrier), runs its share of the examples, meets them again, and reduces its slice of units
 * of the gradient: the partial sums added in a fixed order, scaled and regularized (wasm/layout.ts: finishLayer).
 * Only the copies of the weights in and of the gradient out are left to the caller alone.
 *   whole set: the rows are cut into blocks (./plan.ts: blockCount), which the threads take one at a time from a
 *   shared counter until none is left, so that a thread on a busier or slower core takes fewer. Each block has its
 *   own sums, added in block order: a run is bit-for-bit the same on any number of threads.
 *   mini-batch: thread t takes positions round(t·b/T) … round((t+1)·b/T) - 1 of the batch's row list, whatever
 *   rows they are (every thread reads all of X): the shares are equal, nothing is gathered or copied, and the
 *   threads' sums are added in thread order (a run is bit-for-bit reproducible for a given number of threads).
 *
 * The evaluation is synchronous (the optimizers call it in a loop): the calling thread blocks in Atomics.wait,
 * which Node allows on its main thread and browsers in workers.
 */
import { NnlearnError, ShapeError, ValueError } from '../../errors.js';
import type { Matrix } from '../../linalg/matrix.js';
import { Arena, compiledModule, createMemory, instantiate } from '../../linalg/wasm/instance.js';
import { COURSE_ARCHITECTURE, type Architecture } from '../activations.js';
import { paramCount } from '../params.js';
import { regularizedCost } from '../regularization.js';
import type { CostEvaluator } from './evaluator.js';
import type { AdamStepper } from '../../optim/adam.js';
import { WasmPartition } from './partition.js';
import { ARGS, makePlan, type Plan, type Precision } from './plan.js';

export interface FastOptions {
  precision?: Precision;
  /** force the sparse or the dense input kernels; default: by density */
  sparse?: boolean;
  /** hidden activation and output layer; default the course's sigmoid network */
  architecture?: Architecture;
  /** rows per chunk (default: by the first layer's width); for tests */
  chunk?: number;
  /** blocks of a whole-set evaluation (default: by the data and the network, ./plan.ts: blockCount); for tests */
  blocks?: number;
  /**
   * multiply-adds a thread must have in a mini-batch before the batch is shared with it (default MIN_BATCH_WORK):
   * waking a thread and adding its sums costs tens of microseconds, more than a small batch's work
   */
  minBatchWork?: number;
}

/** See FastOptions.minBatchWork: about 50 µs of work at the kernels' pace. */
export const MIN_BATCH_WORK = 500_000;

/**
 * Slots of the control array shared with the workers. Each worker reports the generation it finished in its own
 * slot (finished + its index), so that the caller waits for exactly this generation from exactly these workers:
 * a counter could be fooled by a late or repeated report.
 */
export const CONTROL = {
  /** bumped by the caller to start an evaluation */
  generation: 0,
  /** what to do: see COMMAND */
  command: 1,
  /** rows in the current mini-batch */
  batchRows: 2,
  /** threads that share the current mini-batch (the first ones) */
  active: 5,
  /** arrivals at the barrier after the weights are packed, and at the one before the gradient is reduced */
  packed: 6,
  reduced: 7,
  /** workers ready after start-up */
  ready: 3,
  /** set to 1 by a worker that failed */
  failed: 4,
  /** the next block of a whole-set evaluation to take (set to 0 by the caller before each evaluation) */
  nextBlock: 8,
  /** worker w (0-based) stores the last generation it finished at finished + w */
  finished: 9,
} as const;

export const COMMAND = { gradient: 1, costOnly: 2, exit: 3, predict: 4, batch: 5, adam: 6 } as const;

/** The scalars of an Adam step in the plan's args (f64): β1, β2, α, ε, the bias corrections, where m and v lie. */
export const ADAM_ARGS = { b1: 0, b2: 1, alpha: 2, eps: 3, c1: 4, c2: 5, m: 6, v: 7 } as const;

/** What a worker gets at start-up. */
export interface WorkerInput {
  plan: Plan;
  /** the shared memory, laid out and filled by the caller */
  memory: WebAssembly.Memory;
  /** the caller's compiled kernels (every thread runs the same build, so the sums are the same) */
  module: WebAssembly.Module;
  control: SharedArrayBuffer;
  /** this thread's index (1 … T-1) */
  index: number;
}

const WAIT_MS = 60_000;
/** Atomics.load polls before a thread sleeps in Atomics.wait (about 30 µs). */
export const SPIN = 4_000;

/** A worker thread as the evaluator needs it, on any platform. */
export interface ThreadHandle {
  /** sends the worker a message (its start-up input) */
  postMessage(message: unknown): void;
  /** listens for the thread's failure; returns what stops listening */
  onError(listener: (err: Error) => void): () => void;
  /** stops the worker */
  terminate(): void;
}

/** Starts one worker thread running ./worker-core.ts's `serve` on its first message. */
export type ThreadSpawner = () => ThreadHandle;

/**
 * Worker threads started ahead of their data: a command can start them before it reads its data, so that their
 * start-up (about 0.1 s) overlaps the reading. A pool made with `reuse` lends its workers to one evaluator after
 * another (a program that trains many networks, a test suite); otherwise its workers serve one evaluator and end
 * with it.
 */
export class WorkerPool {
  readonly workers: ThreadHandle[];
  private readonly reuse: boolean;
  private readonly spawn: ThreadSpawner;
  private readonly free: ThreadHandle[];
  private used = false;

  constructor(size: number, spawn: ThreadSpawner, options: { reuse?: boolean } = {}) {
    this.spawn = spawn;
    this.reuse = options.reuse ?? false;
    this.workers = Array.from({ length: size }, spawn);
    this.free = [...this.workers];
  }

  /** Takes `count` workers (a pool without `reuse`: once, and the others end). */
  take(count: number): ThreadHandle[] {
    if (this.reuse) {
      while (this.free.length < count) {
        const w = this.spawn();
        this.workers.push(w);
        this.free.push(w);
      }
      return this.free.splice(0, count);
    }
    if (this.used || count > this.workers.length) throw new NnlearnError(`the pool has ${this.workers.length} workers, ${count} are needed`);
    this.used = true;
    for (const w of this.workers.slice(count)) w.terminate();
    return this.workers.slice(0, count);
  }

  /** Gives back workers an evaluator is done with (they have left its loop): kept with `reuse`, else ended. */
  release(workers: ThreadHandle[], healthy: boolean): void {
    for (const w of workers) {
      if (this.reuse && healthy) this.free.push(w);
      else {
        w.terminate();
        const i = this.workers.indexOf(w);
        if (i >= 0) this.workers.splice(i, 1);
      }
    }
  }

  /**
   * Said by an evaluator that needs no workers after all (one thread): a pool for one evaluator ends its workers,
   * a reusable pool keeps them for the next.
   */
  unneeded(): void {
    if (!this.reuse) this.close();
  }

  /** Ends the workers not lent out (all of them, once every evaluator is closed). */
  close(): void {
    if (!this.used || this.reuse) for (const w of this.free) w.terminate();
    this.free.length = 0;
    this.used = true;
  }
}

/** Thread t's share of a batch of b rows: positions p0 … p1-1 of its row list. */
export function batchShare(t: number, T: number, b: number): [number, number] {
  if (t >= T) return [0, 0];
  return [Math.round((t * b) / T), Math.round(((t + 1) * b) / T)];
}

/**
 * Waits until all T threads have arrived at `slot` (a count the caller sets to 0 before each evaluation): spins
 * briefly (the threads usually arrive within microseconds), then sleeps until the last one notifies.
 */
function barrier(control: Int32Array, slot: number, T: number): void {
  if (Atomics.add(control, slot, 1) + 1 === T) {
    Atomics.notify(control, slot);
    return;
  }
  const deadline = Date.now() + WAIT_MS;
  for (let spin = 0; ; spin++) {
    const v = Atomics.load(control, slot);
    if (v >= T) return;
    if (Atomics.load(control, CONTROL.failed) !== 0) throw new NnlearnError('a worker thread failed');
    if (spin > SPIN) {
      if (Date.now() > deadline) throw new NnlearnError(`worker threads did not meet within ${WAIT_MS / 1000} s`);
      Atomics.wait(control, slot, v, 10);
    }
  }
}

/**
 * The blocks of a whole-set evaluation, taken one at a time from the shared counter (`control`), or all of them in
 * order on one thread (`control` null): predicted, or evaluated (each block's cost terms and partial sums left in
 * its own buffers).
 */
export function runBlocks(part: WasmPartition, control: Int32Array | null, command: number): void {
  const B = part.plan.blocks.length;
  for (let i = 0; ; i++) {
    const b = control === null ? i : Atomics.add(control, CONTROL.nextBlock, 1);
    if (b >= B) return;
    if (command === COMMAND.predict) part.predictBlock(b);
    else part.runBlock(b, command === COMMAND.gradient);
  }
}

/**
 * Thread t's part of an evaluation with all the threads: its slice of the weights packed; its share of the
 * examples (the blocks it takes, or its part of the batch); its slice of the gradient reduced. Returns its sum of
 * cost terms in a mini-batch (a whole set's are left in the blocks' buffers).
 */
export function runShare(part: WasmPartition, control: Int32Array, args: Float64Array, command: number): number {
  const { t } = part;
  const T = part.plan.threads;
  part.packWeights();
  barrier(control, CONTROL.packed, T);
  if (command !== COMMAND.batch) {
    runBlocks(part, control, command);
    if (command === COMMAND.predict) return 0;
    barrier(control, CONTROL.reduced, T);
    part.finish(command === COMMAND.gradient, 'blocks', args[0], args[1]);
    return 0;
  }
  const parts = Atomics.load(control, CONTROL.active);
  const [p0, p1] = batchShare(t, parts, Atomics.load(control, CONTROL.batchRows));
  const terms = t < parts ? part.runBatch(p0, p1) : 0;
  barrier(control, CONTROL.reduced, T);
  part.finish(true, parts, args[0], args[1]);
  return terms;
}

/**
 * Thread t's slice of an Adam step: the weights cut into T contiguous parts, each updated in place from the
 * gradient with its moments (wasm/steps.ts). The update is per weight, so any cut gives one thread's result bit
 * for bit.
 */
export function adamShare(part: WasmPartition, args: Float64Array): void {
  const { plan, t } = part;
  const [k0, k1] = batchShare(t, plan.threads, plan.paramCount);
  const a = ADAM_ARGS;
  const at = (base: number) => base + 8 * k0;
  part.k.adamStep(at(plan.params), at(plan.grad), at(args[a.m]), at(args[a.v]), k1 - k0, args[a.b1], args[a.b2], args[a.alpha], args[a.eps], args[a.c1], args[a.c2]);
}

export class FastEvaluator implements CostEvaluator {
  readonly backend = 'wasm';
  readonly threads: number;
  readonly precision: Precision;
  readonly plan: Plan;
  private readonly sizes: readonly number[];
  private readonly m: number;
  private readonly targets: Int32Array;
  private readonly memory: WebAssembly.Memory;
  private readonly local: WasmPartition;
  private readonly workers: ThreadHandle[] = [];
  private readonly pool: WorkerPool | undefined;
  private readonly unlisten: (() => void)[] = [];
  private readonly control: Int32Array;
  private readonly view: {
    params: Float64Array;
    grad: Float64Array;
    args: Float64Array;
    batchRows: Int32Array;
    batchTargets: Int32Array;
    predictions: Int32Array;
    terms: Float64Array[];
    blockTerms: Float64Array[];
    squares: Float64Array[];
  };
  private readonly arena: Arena;
  /** Adam's moments (see adamStepper), laid out on first use */
  private moments: { at: { m: number; v: number }; m: Float64Array; v: Float64Array } | undefined;
  /** commands run so far (evaluations and steps), and the last mini-batch's weights and gradient (see adamStepper) */
  private commands = 0;
  /** whether a run holds the Adam stepper (see adamStepper) */
  private stepperTaken = false;
  private lastBatch: { params: Float64Array; grad: Float64Array; command: number } | undefined;
  private closed = false;
  private error: Error | undefined;
  /** multiply-adds per example (the first layer at the mean number of non-zeros), and the least per thread */
  private readonly workPerRow: number;
  private readonly minBatchWork: number;

  /**
   * Lays out the network and X in a memory and starts T-1 workers from `pool` (none when `threads` is 1; a pool
   * is then not needed). Await ready() before evaluating with several threads.
   */
  constructor(sizes: readonly number[], X: Matrix, targets: Int32Array, threads: number, options: FastOptions = {}, pool?: WorkerPool) {
    if (!Number.isInteger(threads) || threads < 1) throw new ValueError(`threads must be a whole number >= 1, got ${threads}`);
    this.sizes = [...sizes];
    this.m = X.rows;
    this.targets = Int32Array.from(targets);
    // never more threads than examples
    const T = Math.min(threads, Math.max(1, X.rows));
    this.threads = T;
    const shared = T > 1;
    this.memory = createMemory(shared);
    const module = compiledModule(shared);
    const arena = new Arena(this.memory, instantiate(module, this.memory).heapBase(), shared);
    this.arena = arena;
    const architecture = options.architecture ?? COURSE_ARCHITECTURE;
    this.plan = makePlan(arena, sizes, X, targets, { precision: options.precision, sparse: options.sparse, architecture, threads: T, chunk: options.chunk, blocks: options.blocks });
    this.precision = this.plan.precision;
    const P = paramCount(sizes);
    const inputs = this.plan.sparse ? this.plan.csr.nnz / Math.max(1, this.m) : this.plan.n;
    this.workPerRow = 2 * inputs * sizes[1] + 3 * this.plan.layers.slice(1).reduce((w, l) => w + l.nIn * l.nOut, 0);
    this.minBatchWork = options.minBatchWork ?? MIN_BATCH_WORK;
    const buf = this.memory.buffer;
    this.view = {
      params: new Float64Array(buf, this.plan.params, P),
      grad: new Float64Array(buf, this.plan.grad, P),
      args: new Float64Array(buf, this.plan.args, ARGS),
      batchRows: new Int32Array(buf, this.plan.batchRows, this.m),
      batchTargets: new Int32Array(buf, this.plan.batchTargets, this.m),
      predictions: new Int32Array(buf, this.plan.predictions, this.m),
      terms: this.plan.thread.map((tp) => new Float64Array(buf, tp.terms, 1)),
      blockTerms: this.plan.blocks.map((block) => new Float64Array(buf, block.terms, 1)),
      squares: this.plan.layers.map((layer) => new Float64Array(buf, layer.squares, layer.nOut)),
    };
    this.local = new WasmPartition(this.plan, 0, module, this.memory);
    // shared with the workers; one thread alone needs no shared memory (a page that is not cross-origin isolated has none)
    const slots = (CONTROL.finished + Math.max(1, T - 1)) * 4;
    this.control = new Int32Array(T > 1 ? new SharedArrayBuffer(slots) : new ArrayBuffer(slots));
    if (T === 1) {
      pool?.unneeded();
      return;
    }
    if (pool === undefined) throw new NnlearnError(`${T} threads need a pool of ${T - 1} workers`);
    this.pool = pool;
    const workers = pool.take(T - 1);
    for (let t = 1; t < T; t++) {
      const input: WorkerInput = { plan: this.plan, memory: this.memory, module, control: this.control.buffer as SharedArrayBuffer, index: t };
      const worker = workers[t - 1];
      worker.postMessage(input);
      const off = worker.onError((err) => {
        this.error = err;
        Atomics.store(this.control, CONTROL.failed, 1);
        Atomics.notify(this.control, CONTROL.ready);
        for (let w = 0; w < this.threads - 1; w++) Atomics.notify(this.control, CONTROL.finished + w);
      });
      this.unlisten.push(off);
      this.workers.push(worker);
    }
  }

  /**
   * Resolves when every worker has started. Start-up is awaited, not blocked on: a worker loads its code with the
   * help of the creating thread's event loop (in browsers, and in Node under a module loader).
   */
  async ready(): Promise<this> {
    if (this.threads === 1) return this;
    // this thread's code warms up too, while the workers start
    this.local.warmUp();
    const deadline = Date.now() + WAIT_MS;
    while (Atomics.load(this.control, CONTROL.ready) < this.threads - 1) {
      const failed = Atomics.load(this.control, CONTROL.failed) !== 0;
      if (failed || Date.now() > deadline) {
        this.close();
        // the flag in shared memory can be seen before the worker's error event is delivered
        const why = this.error?.message ?? (failed ? 'a worker stopped with an error' : 'timed out');
        throw new NnlearnError(`worker threads failed to start: ${why} (--threads 1 runs without them)`);
      }
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    return this;
  }

  private check(params: Float64Array): void {
    if (this.closed) throw new NnlearnError('the evaluator is closed');
    if (params.length !== this.view.params.length) {
      throw new ShapeError(`layers [${this.sizes.join(', ')}] need ${this.view.params.length} parameters, got ${params.length}`);
    }
    if (this.threads > 1 && Atomics.load(this.control, CONTROL.ready) < this.threads - 1) {
      throw new NnlearnError('the worker threads have not started: await ready() first');
    }
  }

  /** Waits until every worker has finished `generation`. */
  private waitFor(generation: number, what: string): void {
    if (this.threads === 1) return;
    const deadline = Date.now() + WAIT_MS;
    for (let w = 0; w < this.threads - 1; w++) {
      const slot = CONTROL.finished + w;
      // The workers usually finish within microseconds of this thread: spin briefly before sleeping in the kernel.
      for (let spin = 0; spin < SPIN && Atomics.load(this.control, slot) !== generation; spin++);
      for (;;) {
        if (Atomics.load(this.control, CONTROL.failed) !== 0) {
          this.close();
          throw new NnlearnError(`a worker thread failed to ${what}: ${this.error?.message ?? 'unknown error'} (--threads 1 runs without them)`);
        }
        const v = Atomics.load(this.control, slot);
        if (v === generation) break;
        if (Date.now() > deadline) {
          this.close();
          throw new NnlearnError(`worker threads did not ${what} within ${WAIT_MS / 1000} s`);
        }
        Atomics.wait(this.control, slot, v, 100);
      }
    }
  }

  /**
   * Runs `command` on the weights `params` over m rows with λ: on all the threads, or on this one alone (`alone`:
   * a batch too small to share). Returns the sum of the cost terms (the blocks' sums in block order, or the
   * participating threads' in thread order) and leaves the gradient (unless costOnly) and each unit's Σ Θ² in
   * the memory.
   */
  private run(params: Float64Array, command: number, m: number, lambda: number, alone: boolean): number {
    const { control, view } = this;
    this.commands++;
    view.params.set(params);
    view.args[0] = m;
    view.args[1] = lambda;
    const whole = command !== COMMAND.batch;
    if (this.threads === 1 || alone) {
      this.local.packWeights(true);
      if (whole) {
        runBlocks(this.local, null, command);
        if (command === COMMAND.predict) return 0;
        this.local.finish(command === COMMAND.gradient, 'blocks', m, lambda, true);
        return this.blockTerms();
      }
      const terms = this.local.runBatch(0, Atomics.load(control, CONTROL.batchRows));
      this.local.finish(true, 1, m, lambda, true);
      return terms;
    }
    let terms = this.dispatch(command, 'evaluate', () => runShare(this.local, control, view.args, command));
    if (whole) return this.blockTerms();
    const parts = Atomics.load(control, CONTROL.active);
    for (let t = 1; t < parts; t++) terms += view.terms[t][0];
    return terms;
  }

  /**
   * Starts `command` on every worker and runs this thread's share (`own`), then waits for the workers. Every worker
   * has finished the last generation, so the barriers and the block counter can be reset first.
   */
  private dispatch<R>(command: number, what: string, own: () => R): R {
    const { control } = this;
    Atomics.store(control, CONTROL.packed, 0);
    Atomics.store(control, CONTROL.reduced, 0);
    Atomics.store(control, CONTROL.nextBlock, 0);
    Atomics.store(control, CONTROL.command, command);
    const generation = Atomics.add(control, CONTROL.generation, 1) + 1;
    Atomics.notify(control, CONTROL.generation);
    let result: R;
    try {
      result = own();
    } catch (err) {
      // this thread failed (or saw a worker fail): the workers waiting at a barrier see the flag and leave it, and
      // go back to their pool as failed
      Atomics.store(control, CONTROL.failed, 1);
      Atomics.notify(control, CONTROL.packed);
      Atomics.notify(control, CONTROL.reduced);
      this.close();
      throw new NnlearnError(`a worker thread failed to ${what}: ${this.error?.message ?? (err as Error).message} (--threads 1 runs without them)`);
    }
    this.waitFor(generation, what);
    return result;
  }

  /**
   * Adam's update on this evaluator's threads (an AdamStepper for src/optim/adam.ts), its moments in this memory:
   * each thread steps a contiguous slice of the weights, so the weights come out bit for bit as from one thread's
   * step, in about half the time on two (an Adam step of MNIST's 238,510 weights: 0.39 ms against 0.74). Undefined
   * on one thread, where the optimizer's own WebAssembly step is as fast, and while another run holds it (until
   * that run releases it): the moments are the evaluator's, one run's at a time, zero at the start of each.
   *
   * `sameAsLastBatch`: the caller promises to step with the very arrays the last evaluateBatch took and filled,
   * changed by nobody since (the library's training loop: its objective hands them on untouched). A step given
   * those arrays with no command since then takes their values from the memory, where the evaluation left them,
   * instead of copying them in (0.1 ms each for MNIST's weights, a shared memory copying at half speed).
   */
  adamStepper(options: { sameAsLastBatch?: boolean } = {}): AdamStepper | undefined {
    if (this.threads === 1 || this.closed || this.stepperTaken) return undefined;
    this.stepperTaken = true;
    const trusted = options.sameAsLastBatch === true;
    const P = this.plan.paramCount;
    if (this.moments === undefined) {
      const at = { m: this.arena.alloc(P * 8), v: this.arena.alloc(P * 8) };
      // views of the memory as it is after growing for them
      const buf = this.memory.buffer;
      this.moments = { at, m: new Float64Array(buf, at.m, P), v: new Float64Array(buf, at.v, P) };
    }
    const { at, m, v } = this.moments;
    m.fill(0);
    v.fill(0);
    const a = ADAM_ARGS;
    return {
      m,
      v,
      step: (theta, grad, t, b1, b2, alpha, eps) => {
        this.check(theta);
        const { params, grad: g, args } = this.view;
        // straight after the mini-batch that gave grad at theta, the memory holds both (see sameAsLastBatch)
        const last = this.lastBatch;
        if (!trusted || last === undefined || last.params !== theta || last.grad !== grad || last.command !== this.commands) {
          params.set(theta);
          g.set(grad);
        }
        this.commands++;
        args[a.b1] = b1;
        args[a.b2] = b2;
        args[a.alpha] = alpha;
        args[a.eps] = eps;
        // as adam.ts computes them
        args[a.c1] = 1 - b1 ** t;
        args[a.c2] = 1 - b2 ** t;
        args[a.m] = at.m;
        args[a.v] = at.v;
        this.dispatch(COMMAND.adam, 'step', () => adamShare(this.local, args));
        theta.set(params);
      },
      release: () => {
        this.stepperTaken = false;
      },
    };
  }

  /** The blocks' sums of cost terms, added in block order. */
  private blockTerms(): number {
    let terms = 0;
    for (const t of this.view.blockTerms) terms += t[0];
    return terms;
  }

  /**
   * J from the sum of the cost terms: the penalty's sums added unit by unit in order, so that they do not depend on
   * how the units were shared among the threads.
   */
  private cost(terms: number, m: number, lambda: number): number {
    return regularizedCost(terms, m, lambda, this.plan.layers.length, (l) => {
      const squares = this.view.squares[l];
      let s = 0;
      for (let u = 0; u < squares.length; u++) s += squares[u];
      return s;
    });
  }

  private copyGradient(grad: Float64Array): void {
    if (grad.length !== this.view.grad.length) throw new ShapeError(`the gradient buffer has ${grad.length} entries but there are ${this.view.grad.length} parameters`);
    grad.set(this.view.grad);
  }

  evaluate(params: Float64Array, lambda: number, grad: Float64Array | null): number {
    this.check(params);
    const terms = this.run(params, grad === null ? COMMAND.costOnly : COMMAND.gradient, this.m, lambda, false);
    if (grad !== null) this.copyGradient(grad);
    return this.cost(terms, this.m, lambda);
  }

  /**
   * J on the examples `rows` only (a mini-batch), with the penalty λ/(2b)·ΣΘ² for its b rows (pass λ·b/m to keep
   * the whole set's penalty), and its gradient in `grad`.
   */
  evaluateBatch(params: Float64Array, lambda: number, grad: Float64Array, rows: Int32Array): number {
    this.check(params);
    const b = rows.length;
    if (b < 1 || b > this.m) throw new ShapeError(`a batch of ${b} rows from a set of ${this.m}`);
    const { batchRows, batchTargets } = this.view;
    for (let i = 0; i < b; i++) {
      const r = rows[i];
      if (!(r >= 0 && r < this.m)) throw new ShapeError(`batch row ${r} is outside 0..${this.m - 1}`);
      batchRows[i] = r;
      batchTargets[i] = this.targets[r];
    }
    // a small batch is shared with fewer threads, or none (the same choice for the same batch size: reproducible)
    const active = Math.max(1, Math.min(this.threads, Math.floor((b * this.workPerRow) / this.minBatchWork)));
    Atomics.store(this.control, CONTROL.batchRows, b);
    Atomics.store(this.control, CONTROL.active, active);
    const terms = this.run(params, COMMAND.batch, b, lambda, active === 1);
    this.copyGradient(grad);
    this.lastBatch = { params, grad, command: this.commands };
    return this.cost(terms, b, lambda);
  }

  predictTargets(params: Float64Array): Int32Array {
    this.check(params);
    this.run(params, COMMAND.predict, this.m, 0, false);
    return Int32Array.from(this.view.predictions);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.threads === 1) return;
    // the workers leave their loop (and may serve another evaluator)
    Atomics.store(this.control, CONTROL.command, COMMAND.exit);
    Atomics.add(this.control, CONTROL.generation, 1);
    Atomics.notify(this.control, CONTROL.generation);
    for (const off of this.unlisten) off();
    this.pool?.release(this.workers, this.error === undefined && Atomics.load(this.control, CONTROL.failed) === 0);
  }
}
