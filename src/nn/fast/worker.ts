/**
 * Entry point of a Node worker thread of the threaded evaluator (see ./worker-core.ts). It starts before its data
 * is known (a pool can be started while the data loads) and compiles the kernels meanwhile.
 */
import { parentPort } from 'node:worker_threads';
import type { WorkerInput } from './threaded.js';
import { serve, warmUp } from './worker-core.js';

warmUp();
parentPort?.once('message', (input: WorkerInput) => serve(input));
