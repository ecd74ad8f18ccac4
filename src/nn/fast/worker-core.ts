/**
 * The work of a worker thread of the fast evaluator (./threaded.ts), on any platform: given the plan and the
 * shared memory (its first message), it makes its instance of the kernels, warms them up, then waits for each
 * evaluation, runs its share, and reports, until the evaluator is closed (then it returns, and may serve the next
 * evaluator of a reusable pool). Between evaluations it may be asked for its slice of an Adam step. The entry
 * points are ./worker.ts (Node) and ./worker-web.ts (Web Workers).
 */
import { WasmPartition } from './partition.js';
import { adamShare, COMMAND, CONTROL, runShare, SPIN, type WorkerInput } from './threaded.js';
import { ARGS } from './plan.js';

export function serve(input: WorkerInput): void {
  const control = new Int32Array(input.control);
  const t = input.index;
  const finished = CONTROL.finished + t - 1;
  let part: WasmPartition;
  try {
    part = new WasmPartition(input.plan, t, input.module, input.memory);
    // A few chunks compile and optimise the code paths before the first real evaluation (it would otherwise run
    // several times slower, while the caller waits); the results are discarded.
    part.warmUp();
  } catch (err) {
    Atomics.store(control, CONTROL.failed, 1);
    Atomics.notify(control, CONTROL.ready);
    throw err;
  }
  const terms = new Float64Array(input.memory.buffer, input.plan.thread[t].terms, 1);
  const args = new Float64Array(input.memory.buffer, input.plan.args, ARGS);
  let generation = Atomics.load(control, CONTROL.generation);
  Atomics.add(control, CONTROL.ready, 1);
  Atomics.notify(control, CONTROL.ready);
  // closed while this thread was starting (the command is stored before the generation is bumped)
  if (Atomics.load(control, CONTROL.command) === COMMAND.exit) return;

  for (;;) {
    // between evaluations the optimizer runs for microseconds: spin briefly before sleeping
    for (let spin = 0; spin < SPIN && Atomics.load(control, CONTROL.generation) === generation; spin++);
    Atomics.wait(control, CONTROL.generation, generation);
    generation = Atomics.load(control, CONTROL.generation);
    const command = Atomics.load(control, CONTROL.command);
    if (command === COMMAND.exit) return;
    try {
      if (command === COMMAND.adam) adamShare(part, args);
      else terms[0] = runShare(part, control, args, command);
    } catch (err) {
      Atomics.store(control, CONTROL.failed, 1);
      Atomics.notify(control, finished);
      Atomics.notify(control, CONTROL.packed);
      Atomics.notify(control, CONTROL.reduced);
      throw err;
    }
    Atomics.store(control, finished, generation);
    Atomics.notify(control, finished);
  }
}
