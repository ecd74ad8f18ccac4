/**
 * Entry point of a Node worker thread of the threaded evaluator (see ./worker-core.ts). It starts before its data
 * is known (a pool can be started while the data loads); its first message brings the data and the compiled
 * kernels.
 */
import { parentPort } from 'node:worker_threads';
import type { WorkerInput } from './threaded.js';
import { serve } from './worker-core.js';

parentPort?.once('message', (input: WorkerInput) => serve(input));
