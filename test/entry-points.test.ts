/**
 * The entry points give a library user what the README promises: the errors it names as thrown (DivergenceError,
 * MemoryError) to catch by class, and with `nnlearn/node` a memory budget that counts the process's memory (as the
 * CLI's does), with no limit until one is set.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DivergenceError, MemoryError, Network, Random, ValueError, memoryAvailable, setMemoryLimit } from '../src/index.js';
import '../src/node.js';

test('a diverging run throws the DivergenceError that nnlearn exports, with its iteration', () => {
  const X = new Random(3).rand(30, 4);
  const y = Float64Array.from({ length: 30 }, (_, i) => 1 + (i % 3));
  // a step of 1000 on a cost near 2 (gradient of order 0.1 on weights of order 0.1) overshoots at the first step
  assert.throws(
    () => Network.random([4, 5, 3], { seed: 0 }).train(X, y, { optimizer: 'gd', learningRate: 1000, maxIter: 5 }),
    (err: unknown) => err instanceof DivergenceError && err instanceof ValueError && err.iteration === 1,
  );
});

test('nnlearn/node measures the process\'s memory with no limit; setMemoryLimit from nnlearn sets one, and MemoryError refuses past it', () => {
  assert.equal(memoryAvailable(), Infinity, 'no limit until one is set');
  const rss = process.memoryUsage.rss();
  const limit = rss + 64 * 2 ** 20;
  setMemoryLimit(limit);
  try {
    // what is left is the limit less the resident memory (not the whole limit, as without a measure)
    const left = memoryAvailable();
    assert.ok(left < limit - rss / 2 && left > 0, `${left} bytes left of ${limit} with ${rss} resident`);
    // a network whose weights alone (4.0e7 of them, 320 MB as float64) need more than the 64 MiB left
    assert.throws(() => Network.random([20000, 2000, 10]), MemoryError);
  } finally {
    setMemoryLimit(Infinity);
  }
});
