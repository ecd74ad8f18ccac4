/**
 * The one place that decides how a network's cost is evaluated on a data set: the plain TypeScript reference,
 * the WebAssembly SIMD kernels in this thread, or the kernels on several threads. The library (Network.train),
 * the CLI and the page all ask here.
 *
 * Threads need a platform: Node's worker_threads (registered by importing `nnlearn/node`, see
 * ./threads-node.ts) or Web Workers (the page registers its own, see ./threads-web.ts). The main entry stays free
 * of either, so that it bundles for the browser; without a platform every evaluation runs in this thread.
 */
import { OptionError } from '../train-options.js';
import type { Matrix } from '../../linalg/matrix.js';
import { COURSE_ARCHITECTURE, type Architecture } from '../activations.js';
import { createEvaluator, wasmSupports, type BackendName, type BatchEvaluator, type CostEvaluator } from './evaluator.js';
import type { Precision } from './partition.js';
import { FastEvaluator, WorkerPool, type ThreadSpawner } from './threaded.js';

/** How to evaluate: the backend, its threads and the input layer's precision. */
export interface BackendChoice {
  backend: BackendName;
  threads: number;
  precision: Precision;
}

/** Where worker threads come from. */
export interface ThreadPlatform {
  /** the threads to use when none are asked for (the machine's cores) */
  cores(): number;
  spawn: ThreadSpawner;
}

let platform: ThreadPlatform | undefined;

/** Makes threads available to every evaluator made from now on (Node: done by `nnlearn/node`). */
export function registerThreadPlatform(p: ThreadPlatform | undefined): void {
  platform = p;
}

/** The threads an evaluation uses by default: every core where threads are available, else 1. */
export function availableThreads(): number {
  return platform === undefined ? 1 : Math.max(1, platform.cores());
}

/** The most threads one may ask for: more than 4 per core only costs memory (each holds its own WebAssembly instance). */
export function maxThreads(): number {
  return Math.max(4, 4 * availableThreads());
}

/**
 * A choice with its defaults filled in and checked: all available threads; the precision given, else float64 for
 * the reference and `defaultPrecision` (float64 unless said: see defaultPrecision in ../train-options.ts) for the
 * kernels. The reference runs in float64 on one thread; asking it for more is refused rather than ignored.
 */
export function resolveBackend(
  given: { backend?: BackendName; threads?: number; precision?: Precision; defaultPrecision?: Precision } = {},
): BackendChoice {
  const backend = given.backend ?? 'wasm';
  const precision = given.precision ?? (backend === 'reference' ? 'f64' : (given.defaultPrecision ?? 'f64'));
  if (backend === 'reference' && (precision !== 'f64' || (given.threads !== undefined && given.threads !== 1))) {
    throw new OptionError('backend', 'the reference backend runs in float64 on one thread: drop the precision and thread settings');
  }
  const threads = backend === 'reference' ? 1 : (given.threads ?? availableThreads());
  if (!Number.isInteger(threads) || threads < 1 || threads > maxThreads()) {
    throw new OptionError('threads', `must be a whole number from 1 to ${maxThreads()}, got ${threads}`);
  }
  // asked for, not given: refused rather than run on one thread without a word
  if (threads > 1 && platform === undefined) {
    throw new OptionError(
      'threads',
      `${threads} threads need worker threads, which the main entry does not start: import 'nnlearn/node' (Node's worker_threads) or register a platform (registerThreadPlatform)`,
    );
  }
  return { backend, threads, precision };
}

/** Whether the choice runs on worker threads for this data (and these settings). */
function threaded(choice: BackendChoice, X: Matrix, arch: Architecture): boolean {
  // Mini-batches too: the threaded evaluator shares each batch among the threads (a batch too small to share runs
  // on the calling thread alone), bit-reproducibly for a given number of threads.
  return choice.backend === 'wasm' && choice.threads > 1 && X.rows >= 2 && wasmSupports(arch) && platform !== undefined;
}

/**
 * Starts the worker threads a choice may need, ahead of the data (their start-up overlaps its reading);
 * undefined when it needs none. Give the pool to openEvaluator, or close it.
 */
export function startWorkers(choice: BackendChoice): WorkerPool | undefined {
  if (choice.backend !== 'wasm' || choice.threads < 2 || platform === undefined) return undefined;
  return new WorkerPool(choice.threads - 1, platform.spawn);
}

/** How to open an evaluator: the architecture, workers already started. */
export interface OpenOptions {
  architecture?: Architecture;
  /** workers started by startWorkers */
  pool?: WorkerPool;
}

/** An evaluator in this thread (the reference, or the SIMD kernels): synchronous, for Network.train. */
export function openLocalEvaluator(sizes: readonly number[], X: Matrix, targets: Int32Array, choice: BackendChoice, arch: Architecture = COURSE_ARCHITECTURE): BatchEvaluator {
  return createEvaluator(sizes, X, targets, { backend: choice.backend, precision: choice.precision, architecture: arch });
}

/**
 * `ev`, able to take mini-batches: an evaluator given by the caller without evaluateBatch gets its batches from the
 * reference, on the batch's rows (nnlearn's own evaluators all take batches).
 */
export function withBatches(ev: CostEvaluator, sizes: readonly number[], X: Matrix, targets: Int32Array, arch: Architecture): CostEvaluator {
  if (ev.evaluateBatch !== undefined) return ev;
  const batches = createEvaluator(sizes, X, targets, { backend: 'reference', architecture: arch });
  return {
    backend: ev.backend,
    threads: ev.threads,
    precision: ev.precision,
    evaluate: (params, lambda, grad) => ev.evaluate(params, lambda, grad),
    evaluateBatch: (params, lambda, grad, rows) => (batches.evaluateBatch as NonNullable<CostEvaluator['evaluateBatch']>)(params, lambda, grad, rows),
    predictTargets: (params) => ev.predictTargets(params),
    close: () => {
      ev.close();
      batches.close();
    },
  };
}

/** The evaluator for a choice: on worker threads where it pays and a platform exists, else in this thread. Close it when done. */
export async function openEvaluator(
  sizes: readonly number[],
  X: Matrix,
  targets: Int32Array,
  choice: BackendChoice,
  options: OpenOptions = {},
): Promise<CostEvaluator> {
  const arch = options.architecture ?? COURSE_ARCHITECTURE;
  if (!threaded(choice, X, arch)) {
    options.pool?.unneeded();
    return openLocalEvaluator(sizes, X, targets, choice, arch);
  }
  const pool = options.pool ?? (startWorkers(choice) as WorkerPool);
  let ev: FastEvaluator;
  try {
    ev = new FastEvaluator(sizes, X, targets, choice.threads, { precision: choice.precision, architecture: arch }, pool);
  } catch (err) {
    // not built (a memory budget, a shape): the workers started for it end with it (Web Workers would stay)
    pool.unneeded();
    throw err;
  }
  return ev.ready();
}
