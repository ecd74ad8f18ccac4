/**
 * The fast backend on several threads: the examples are cut into contiguous blocks, one per thread; the calling
 * thread computes block 0 and worker threads the others (Node's worker_threads, see ./threads-node.ts, or Web
 * Workers, see ./threads-web.ts), each in its own WebAssembly
 * instance holding its block of X. An evaluation hands the weights over in shared memory, wakes the workers with
 * Atomics.notify, and adds the partial sums in block order, so that a run is bit-for-bit reproducible for a given
 * number of threads.
 *
 * The evaluation is synchronous (the optimizers call it in a loop): the calling thread blocks in Atomics.wait,
 * which Node allows on its main thread and browsers in Web Workers.
 */
import { NnlearnError, ValueError } from '../../errors.js';
import { Matrix } from '../../linalg/matrix.js';
import { paramCount } from '../params.js';
import { finishCost, type CostEvaluator } from './evaluator.js';
import { WasmPartition, type PartitionOptions, type Precision } from './partition.js';
import { compiledModule } from '../../linalg/wasm/instance.js';

/**
 * Slots of the control array shared with the workers. Each worker reports the generation it finished in its own
 * slot (finished + its index), so that the caller waits for exactly this generation from exactly these workers:
 * a counter could be fooled by a late or repeated report.
 */
export const CONTROL = {
  /** bumped by the caller to start an evaluation */
  generation: 0,
  /** what to do: 1 cost and gradient, 2 cost only, 3 exit, 4 predict */
  command: 1,
  /** workers ready after start-up */
  ready: 3,
  /** set to 1 by a worker that failed */
  failed: 4,
  /** worker w (0-based) stores the last generation it finished at finished + w */
  finished: 8,
} as const;

export const COMMAND = { gradient: 1, costOnly: 2, exit: 3, predict: 4 } as const;

/** What a worker gets at start-up (all buffers shared). */
export interface WorkerInput {
  sizes: number[];
  rows: number;
  cols: number;
  /** the block of X, row-major */
  X: SharedArrayBuffer;
  targets: SharedArrayBuffer;
  options: PartitionOptions;
  control: SharedArrayBuffer;
  params: SharedArrayBuffer;
  /** the block's gradient sums, then its sum of cost terms */
  result: SharedArrayBuffer;
  /** the block's predictions (command predict) */
  predictions: SharedArrayBuffer;
  /** this worker's index (0-based), for its slot in the control array */
  index: number;
}

const WAIT_MS = 60_000;
/** Evaluations at zero weights each thread runs while the others start (see worker-core.ts). */
export const WARM_UP_RUNS = 2;
/** Atomics.load polls before a thread sleeps in Atomics.wait (about 50 µs). */
export const SPIN = 20_000;

/** A worker thread as the evaluator needs it, on any platform. */
export interface ThreadHandle {
  /** sends the worker a message (its start-up input) */
  postMessage(message: unknown): void;
  /** calls `listener` when the worker fails */
  onError(listener: (err: Error) => void): void;
  /** stops the worker */
  terminate(): void;
}

/** Starts one worker thread running ./worker-core.ts's `serve` on its first message. */
export type ThreadSpawner = () => ThreadHandle;

/**
 * Worker threads started ahead of their data: a command can start them before it reads its data, so that their
 * start-up (about 0.1 s) overlaps the reading. Each is used by one evaluator.
 */
export class WorkerPool {
  readonly workers: ThreadHandle[];
  private used = false;

  constructor(size: number, spawn: ThreadSpawner) {
    this.workers = Array.from({ length: size }, spawn);
  }

  /** Takes the workers (once). */
  take(count: number): ThreadHandle[] {
    if (this.used || count > this.workers.length) throw new NnlearnError(`the pool has ${this.workers.length} workers, ${count} are needed`);
    this.used = true;
    for (const w of this.workers.slice(count)) w.terminate();
    return this.workers.slice(0, count);
  }

  /** Stops the workers (when they were never used). */
  close(): void {
    if (!this.used) for (const w of this.workers) w.terminate();
    this.used = true;
  }
}

export class ThreadedEvaluator implements CostEvaluator {
  readonly backend = 'wasm';
  readonly threads: number;
  get precision(): Precision {
    return this.local.precision;
  }
  private readonly sizes: readonly number[];
  private readonly m: number;
  private readonly local: WasmPartition;
  private readonly workers: ThreadHandle[] = [];
  private readonly control: Int32Array;
  private readonly params: Float64Array;
  private readonly results: Float64Array[] = [];
  private readonly predictions: { r0: number; view: Int32Array }[] = [];
  private readonly localSums: Float64Array;
  private closed = false;
  private error: Error | undefined;

  constructor(
    sizes: readonly number[],
    X: Matrix,
    targets: Int32Array,
    threads: number,
    options: PartitionOptions,
    pool: WorkerPool,
  ) {
    if (!Number.isInteger(threads) || threads < 1) throw new ValueError(`threads must be a whole number >= 1, got ${threads}`);
    this.sizes = [...sizes];
    this.m = X.rows;
    // never more blocks than examples
    const T = Math.min(threads, Math.max(1, X.rows));
    this.threads = T;
    const P = paramCount(sizes);
    this.control = new Int32Array(new SharedArrayBuffer((CONTROL.finished + Math.max(1, T - 1)) * 4));
    this.params = new Float64Array(new SharedArrayBuffer(P * 8));
    this.localSums = new Float64Array(P);

    const workers = pool.take(T - 1);
    const bounds = Array.from({ length: T + 1 }, (_, t) => Math.round((t * X.rows) / T));
    const block = (t: number) => {
      const r0 = bounds[t];
      const r1 = bounds[t + 1];
      return { r0, r1, rows: r1 - r0 };
    };
    for (let t = 1; t < T; t++) {
      const { r0, r1, rows } = block(t);
      const Xs = new SharedArrayBuffer(rows * X.cols * 8);
      new Float64Array(Xs).set(X.data.subarray(r0 * X.cols, r1 * X.cols));
      const ts = new SharedArrayBuffer(rows * 4);
      new Int32Array(ts).set(targets.subarray(r0, r1));
      const result = new SharedArrayBuffer((P + 1) * 8);
      this.results.push(new Float64Array(result));
      const predictions = new SharedArrayBuffer(Math.max(1, rows) * 4);
      this.predictions.push({ r0, view: new Int32Array(predictions, 0, rows) });
      const input: WorkerInput = {
        sizes: [...sizes],
        rows,
        cols: X.cols,
        X: Xs,
        targets: ts,
        // every thread instantiates the caller's compiled module: the same build everywhere, the same sums
        options: { ...options, module: compiledModule() },
        control: this.control.buffer as SharedArrayBuffer,
        params: this.params.buffer as SharedArrayBuffer,
        result,
        predictions,
        index: t - 1,
      };
      const worker = workers[t - 1];
      worker.postMessage(input);
      worker.onError((err) => {
        this.error = err;
        Atomics.store(this.control, CONTROL.failed, 1);
        Atomics.notify(this.control, CONTROL.ready);
        for (let w = 0; w < this.threads - 1; w++) Atomics.notify(this.control, CONTROL.finished + w);
      });
      this.workers.push(worker);
    }
    // Block 0, here, while the workers start.
    const b0 = block(0);
    try {
      this.local = new WasmPartition(sizes, new Matrix(b0.rows, X.cols, X.data.subarray(b0.r0 * X.cols, b0.r1 * X.cols)), targets.subarray(b0.r0, b0.r1), options);
    } catch (err) {
      this.close();
      throw err;
    }
  }

  /**
   * Resolves when every worker has laid out its block. Start-up is awaited, not blocked on: a worker loads its
   * code with the help of the creating thread's event loop (in browsers, and in Node under a module loader).
   */
  async ready(): Promise<this> {
    // warm up this thread's code too, while the workers start
    const zeros = new Float64Array(this.localSums.length);
    for (let w = 0; w < WARM_UP_RUNS; w++) this.local.run(zeros, this.localSums);
    const deadline = Date.now() + WAIT_MS;
    while (Atomics.load(this.control, CONTROL.ready) < this.threads - 1) {
      if (Atomics.load(this.control, CONTROL.failed) !== 0 || Date.now() > deadline) {
        this.close();
        throw new NnlearnError(`worker threads failed to start: ${this.error?.message ?? 'timed out'} (--threads 1 runs without them)`);
      }
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    return this;
  }

  /** Starts generation `command` on every worker; returns the generation. */
  private start(command: number): number {
    Atomics.store(this.control, CONTROL.command, command);
    const generation = Atomics.add(this.control, CONTROL.generation, 1) + 1;
    Atomics.notify(this.control, CONTROL.generation);
    return generation;
  }

  /** Waits until every worker has finished `generation`. */
  private waitFor(generation: number, what: string): void {
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

  evaluate(params: Float64Array, lambda: number, grad: Float64Array | null): number {
    if (this.closed) throw new NnlearnError('the evaluator is closed');
    if (Atomics.load(this.control, CONTROL.ready) < this.threads - 1) throw new NnlearnError('the worker threads have not started: await ready() first');
    const T = this.threads;
    let generation = 0;
    if (T > 1) {
      this.params.set(params);
      generation = this.start(grad === null ? COMMAND.costOnly : COMMAND.gradient);
    }
    let terms = this.local.run(params, grad === null ? null : this.localSums);
    if (T > 1) {
      this.waitFor(generation, 'evaluate');
      // Fixed order: block 0, then 1, 2, …
      const P = params.length;
      for (const r of this.results) {
        terms += r[P];
        if (grad !== null) for (let i = 0; i < P; i++) this.localSums[i] += r[i];
      }
    }
    return finishCost(this.sizes, params, this.m, lambda, terms, this.localSums, grad);
  }

  predictTargets(params: Float64Array): Int32Array {
    if (this.closed) throw new NnlearnError('the evaluator is closed');
    const out = new Int32Array(this.m);
    let generation = 0;
    if (this.threads > 1) {
      this.params.set(params);
      generation = this.start(COMMAND.predict);
    }
    this.local.predict(params, out.subarray(0, this.local.m));
    if (this.threads > 1) {
      this.waitFor(generation, 'predict');
      for (const p of this.predictions) out.set(p.view, p.r0);
    }
    return out;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.start(COMMAND.exit);
    for (const w of this.workers) w.terminate();
  }
}
