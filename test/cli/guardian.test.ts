/**
 * When `nnlearn train` starts its guardian (the process that ends the run at a second Ctrl-C while an evaluation
 * blocks the main thread; test/cli/signals.test.ts shows it at work): only where one evaluation is long.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GUARDED_WORK, needsGuardian } from '../../src/cli/guardian.js';
import { paramCount } from '../../src/nn/params.js';

test('the course exercise (ex4: 5,000 examples, 400-25-10) runs without a guardian', () => {
  const weights = paramCount([400, 25, 10]);
  assert.equal(weights, 10285);
  assert.equal(needsGuardian(5000, weights), false);
  // nor does the shipped digits' default run (8,000 examples to fit)
  assert.equal(needsGuardian(8000, paramCount([400, 25, 10])), false);
});

test('long evaluations get one: MNIST 784-300-10 (60,000 examples), and the signals test\'s 400-300-10 on 8,000', () => {
  assert.equal(needsGuardian(60000, paramCount([784, 300, 10])), true);
  assert.equal(needsGuardian(8000, paramCount([400, 300, 10])), true);
});

test('the bound is on examples × weights', () => {
  const weights = 1000;
  assert.equal(needsGuardian(GUARDED_WORK / weights - 1, weights), false);
  assert.equal(needsGuardian(GUARDED_WORK / weights, weights), true);
});
