/**
 * Threads on Node: worker_threads for the threaded evaluator, as many as the machine has cores by default.
 */
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import type { Matrix } from '../../linalg/matrix.js';
import { FastEvaluator, WorkerPool, type FastOptions, type ThreadHandle } from './threaded.js';
import type { ThreadPlatform } from './backend.js';

/** The default number of threads: the machine's cores. */
export function defaultThreads(): number {
  return Math.max(1, availableParallelism());
}

/**
 * Starts a Node worker. From the compiled package it runs worker.js beside this file. When running the TypeScript
 * sources (the tests, through tsx) it runs worker.ts through tsx's module hooks, which a worker must register
 * itself (Node 20 does not pass `--import` hooks on to workers).
 */
export function spawnNodeWorker(): ThreadHandle {
  let w: Worker;
  if (!import.meta.url.endsWith('.ts')) {
    w = new Worker(new URL('./worker.js', import.meta.url));
  } else {
    const entry = JSON.stringify(new URL('./worker.ts', import.meta.url).href);
    w = new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${entry}); });`, { eval: true });
  }
  return nodeWorkerHandle(w);
}

/** A started Node worker as the threaded evaluator's handle. */
export function nodeWorkerHandle(w: Worker): ThreadHandle {
  w.unref(); // an idle pool never keeps the process alive
  // A worker's 'error' event can arrive after its evaluator has given up on it (another thread saw the failure
  // first, through the shared memory, and closed): one listener for the worker's whole life keeps such a late
  // event from becoming an uncaught exception, and passes the error on to whoever listens at the time.
  const listeners = new Set<(err: Error) => void>();
  w.on('error', (e: Error) => {
    for (const l of listeners) l(e);
  });
  return {
    postMessage: (m) => w.postMessage(m),
    onError: (listener) => {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    terminate: () => void w.terminate(),
  };
}

/** Node worker threads, started now (e.g. while the data loads); with `reuse`, lent to evaluator after evaluator. */
export function startNodeWorkers(count: number, options: { reuse?: boolean } = {}): WorkerPool {
  return new WorkerPool(count, spawnNodeWorker, options);
}

/** A started threaded evaluator on Node (see FastEvaluator). */
export function createThreadedEvaluator(
  sizes: readonly number[],
  X: Matrix,
  targets: Int32Array,
  threads: number = defaultThreads(),
  options: FastOptions = {},
  pool: WorkerPool = startNodeWorkers(Math.max(0, threads - 1)),
): Promise<FastEvaluator> {
  return new FastEvaluator(sizes, X, targets, threads, options, pool).ready();
}

/** Node's threads for the backend module (./backend.ts): registered by `nnlearn/node` and by the CLI. */
export const nodeThreadPlatform: ThreadPlatform = { cores: defaultThreads, spawn: spawnNodeWorker };
