// The threaded evaluator when a worker fails in the middle of an evaluation: one clear error on the calling
// thread, the workers ended, and no crash from the worker's own 'error' event, which Node delivers after the
// evaluator has already seen the failure through the shared memory and closed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { Random } from '../../../src/random.js';
import { paramCount } from '../../../src/nn/params.js';
import { CONTROL, FastEvaluator, WorkerPool } from '../../../src/nn/fast/threaded.js';
import { nodeWorkerHandle } from '../../../src/nn/fast/threads-node.js';

// Starts as a real worker does (./worker-core.ts), then fails in its first evaluation the way worker-core
// reports a failure: the flag in the shared memory first, then the exception.
/** The worker's exit code (not events.once, which would reject on the worker's 'error' event). */
const exitOf = (w: Worker) => new Promise<number>((resolve) => w.once('exit', resolve));

const FAILING_WORKER = `
const { parentPort } = require('node:worker_threads');
parentPort.once('message', ({ control }) => {
  const c = new Int32Array(control);
  const generation = Atomics.load(c, ${CONTROL.generation});
  Atomics.add(c, ${CONTROL.ready}, 1);
  Atomics.notify(c, ${CONTROL.ready});
  Atomics.wait(c, ${CONTROL.generation}, generation);
  Atomics.store(c, ${CONTROL.failed}, 1);
  Atomics.notify(c, ${CONTROL.packed});
  throw new Error('a fault in the worker');
});
`;

test('a worker’s error event that comes when nobody listens any more is harmless (no uncaught exception)', async () => {
  const w = new Worker("require('node:worker_threads').parentPort.once('message', () => { throw new Error('late'); });", { eval: true });
  const handle = nodeWorkerHandle(w);
  w.ref(); // the handle unrefs its worker (an idle pool never keeps a process alive); this test waits for it
  const seen: string[] = [];
  const off = handle.onError((e) => seen.push(e.message));
  off(); // the evaluator gave up on the worker and closed
  const exited = exitOf(w);
  handle.postMessage('go');
  const code = await exited;
  assert.equal(code, 1, 'the worker ended with its error');
  assert.deepEqual(seen, [], 'nobody listens after closing');
});

test('a worker failing mid-evaluation: one error that says so, the evaluator closed, the process unharmed', async () => {
  const sizes = [6, 4, 3];
  const X = new Random(1).rand(40, 6);
  const targets = Int32Array.from({ length: 40 }, (_, i) => i % 3);
  const workers: Worker[] = [];
  const pool = new WorkerPool(1, () => {
    const w = new Worker(FAILING_WORKER, { eval: true });
    workers.push(w);
    const handle = nodeWorkerHandle(w);
    w.ref(); // waited for below
    return handle;
  });
  const ev = await new FastEvaluator(sizes, X, targets, 2, {}, pool).ready();
  const exited = exitOf(workers[0]);
  const params = new Float64Array(paramCount(sizes)).fill(0.1);
  assert.throws(() => ev.evaluate(params, 1, new Float64Array(params.length)), (e: Error) => /^a worker thread failed to evaluate: .*\(--threads 1 runs without them\)$/.test(e.message));
  await exited; // ended by the pool (a failed worker is not lent again), its error event delivered or dropped
  assert.throws(() => ev.evaluate(params, 1, null), /the evaluator is closed/);
});
