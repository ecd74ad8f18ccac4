/**
 * A worker thread of the threaded evaluator (./threaded.ts): lays out its block of examples once, then waits for
 * each evaluation, runs it, and writes its partial sums to shared memory.
 */
import { workerData } from 'node:worker_threads';
import { Matrix } from '../../linalg/matrix.js';
import { paramCount } from '../params.js';
import { WasmPartition } from './partition.js';
import { COMMAND, CONTROL, type WorkerInput } from './threaded.js';

const input = workerData as WorkerInput;
const control = new Int32Array(input.control);
const params = new Float64Array(input.params);
const result = new Float64Array(input.result);
const P = paramCount(input.sizes);

let part: WasmPartition;
try {
  part = new WasmPartition(input.sizes, new Matrix(input.rows, input.cols, new Float64Array(input.X)), new Int32Array(input.targets), input.options);
} catch (err) {
  Atomics.store(control, CONTROL.failed, 1);
  Atomics.notify(control, CONTROL.ready);
  throw err;
}
const sums = result.subarray(0, P);
let generation = Atomics.load(control, CONTROL.generation);
Atomics.add(control, CONTROL.ready, 1);
Atomics.notify(control, CONTROL.ready);

for (;;) {
  Atomics.wait(control, CONTROL.generation, generation);
  generation = Atomics.load(control, CONTROL.generation);
  const command = Atomics.load(control, CONTROL.command);
  if (command === COMMAND.exit) break;
  try {
    result[P] = part.run(params, command === COMMAND.gradient ? sums : null);
  } catch (err) {
    Atomics.store(control, CONTROL.failed, 1);
    Atomics.notify(control, CONTROL.done);
    throw err;
  }
  Atomics.add(control, CONTROL.done, 1);
  Atomics.notify(control, CONTROL.done);
}
