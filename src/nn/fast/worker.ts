/**
 * Entry point of a Node worker thread of the threaded evaluator (see ./worker-core.ts). It starts before its data
 * is known (a pool can be started while the data loads); each message brings an evaluator's plan, memory and
 * compiled kernels, and it serves that evaluator until it is closed.
 */
import { parentPort } from 'node:worker_threads';
import type { WorkerInput } from './threaded.js';
import { serve } from './worker-core.js';

parentPort?.on('message', (input: WorkerInput) => serve(input));
