/**
 * The work of a worker thread of the threaded evaluator (./threaded.ts), on any platform: given its block of
 * examples (its first message), it lays the block out once, then waits for each evaluation, runs it, and writes
 * its partial sums to shared memory. The entry points are ./worker.ts (Node) and ./worker-web.ts (Web Workers).
 */
import { Matrix } from '../../linalg/matrix.js';
import { paramCount } from '../params.js';
import { WasmPartition } from './partition.js';
import { COMMAND, CONTROL, SPIN, WARM_UP_RUNS, type WorkerInput } from './threaded.js';

export function serve(input: WorkerInput): void {
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
  // Two evaluations at zero weights compile and optimise the code paths before the first real one (it would
  // otherwise run several times slower, while the caller waits); the results are discarded.
  const zeros = new Float64Array(P);
  for (let w = 0; w < WARM_UP_RUNS; w++) part.run(zeros, sums);
  const finished = CONTROL.finished + input.index;
  let generation = Atomics.load(control, CONTROL.generation);
  Atomics.add(control, CONTROL.ready, 1);
  Atomics.notify(control, CONTROL.ready);

  for (;;) {
    // between evaluations the optimizer runs for microseconds: spin briefly before sleeping
    for (let spin = 0; spin < SPIN && Atomics.load(control, CONTROL.generation) === generation; spin++);
    Atomics.wait(control, CONTROL.generation, generation);
    generation = Atomics.load(control, CONTROL.generation);
    const command = Atomics.load(control, CONTROL.command);
    if (command === COMMAND.exit) break;
    try {
      if (command === COMMAND.predict) part.predict(params, new Int32Array(input.predictions, 0, input.rows));
      else result[P] = part.run(params, command === COMMAND.gradient ? sums : null);
    } catch (err) {
      Atomics.store(control, CONTROL.failed, 1);
      Atomics.notify(control, finished);
      throw err;
    }
    Atomics.store(control, finished, generation);
    Atomics.notify(control, finished);
  }
}
