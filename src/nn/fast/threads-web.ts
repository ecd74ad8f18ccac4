/**
 * Threads in browsers: Web Workers for the threaded evaluator. Shared memory needs a cross-origin isolated page
 * (served with `Cross-Origin-Opener-Policy: same-origin` and `Cross-Origin-Embedder-Policy: require-corp`), and
 * the evaluation blocks in Atomics.wait, which browsers allow in workers only: run the training in a worker.
 */
import type { Matrix } from '../../linalg/matrix.js';
import { FastEvaluator, WorkerPool, type FastOptions, type ThreadHandle } from './threaded.js';

/** The default number of threads in a browser: its logical processors. */
export function defaultWebThreads(): number {
  return Math.max(1, globalThis.navigator?.hardwareConcurrency ?? 1);
}

/** Whether this page can share memory between workers (SharedArrayBuffer and Atomics.wait in workers). */
export function webThreadsAvailable(): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
}

/** A spawner of module Web Workers running `workerUrl` (the bundled ./worker-web.ts). */
export function webWorkerSpawner(workerUrl: string | URL): () => ThreadHandle {
  return () => {
    const w = new Worker(workerUrl, { type: 'module' });
    return {
      postMessage: (m) => w.postMessage(m),
      onError: (listener) => {
        const onError = (e: ErrorEvent) => listener(new Error(e.message || 'worker error'));
        w.addEventListener('error', onError);
        return () => w.removeEventListener('error', onError);
      },
      terminate: () => w.terminate(),
    };
  };
}

/** Web Workers running `workerUrl`, started now; with `reuse`, lent to evaluator after evaluator (a page that trains again). */
export function startWebWorkers(count: number, workerUrl: string | URL, options: { reuse?: boolean } = {}): WorkerPool {
  return new WorkerPool(count, webWorkerSpawner(workerUrl), options);
}

/** A started threaded evaluator in a browser worker (see FastEvaluator). */
export function createWebThreadedEvaluator(
  sizes: readonly number[],
  X: Matrix,
  targets: Int32Array,
  workerUrl: string | URL,
  threads: number = defaultWebThreads(),
  options: FastOptions = {},
  pool: WorkerPool = startWebWorkers(Math.max(0, threads - 1), workerUrl),
): Promise<FastEvaluator> {
  return new FastEvaluator(sizes, X, targets, threads, options, pool).ready();
}
