/**
 * The backend module's choice (src/nn/fast/backend.ts: resolveBackend), as the library's options reach it: each
 * refusal names the option, and threads asked for where none can start are refused rather than ignored.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { availableThreads, registerThreadPlatform, resolveBackend } from '../../../src/nn/fast/backend.js';
import { nodeThreadPlatform } from '../../../src/nn/fast/threads-node.js';
import { Matrix } from '../../../src/linalg/matrix.js';
import { Network } from '../../../src/nn/network.js';
import { OptionError } from '../../../src/nn/train-options.js';

const X = Matrix.fromRows([
  [0, 1],
  [1, 0],
  [1, 1],
  [0, 0],
]);
const y = [1, 2, 1, 2];

test('without a thread platform (the main entry alone), threads > 1 are refused, naming the option and the way out', async () => {
  registerThreadPlatform(undefined);
  assert.equal(availableThreads(), 1);
  assert.deepEqual(resolveBackend({ threads: 1 }), { backend: 'wasm', threads: 1, precision: 'f64' });
  const refusal = (err: unknown) =>
    err instanceof OptionError && err.option === 'threads' && /^threads: 2 threads need worker threads, .*import 'nnlearn\/node'/.test(err.message);
  assert.throws(() => resolveBackend({ threads: 2 }), refusal);
  const net = Network.random([2, 3, 2], { seed: 1 });
  await assert.rejects(net.trainAsync(X, y, { threads: 2, maxIter: 1 }), refusal);
});

test('a bad thread count is named as threads, the reference’s thread settings as backend', async () => {
  registerThreadPlatform(nodeThreadPlatform);
  try {
    const net = Network.random([2, 3, 2], { seed: 1 });
    await assert.rejects(net.trainAsync(X, y, { threads: 1000, maxIter: 1 }), (err: unknown) => err instanceof OptionError && /^threads: must be a whole number from 1 to \d+, got 1000$/.test(err.message));
    await assert.rejects(net.trainAsync(X, y, { threads: 1.5, maxIter: 1 }), /^OptionError: threads: must be a whole number/);
    await assert.rejects(net.trainAsync(X, y, { backend: 'reference', threads: 2, maxIter: 1 }), /^OptionError: backend: the reference backend runs in float64 on one thread/);
  } finally {
    registerThreadPlatform(undefined);
  }
});
