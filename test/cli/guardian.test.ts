/**
 * When `nnlearn train` starts its guardian (the process that ends the run at a second Ctrl-C while an evaluation
 * blocks the main thread; test/cli/signals.test.ts shows it at work): only where one evaluation is long.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GUARDED_WORK, needsGuardian } from '../../src/cli/guardian.js';
import { paramCount } from '../../src/nn/params.js';
import { shippedDigits } from '../../src/data/shipped-digits.js';

test('the course exercise (ex4: 5,000 examples, 400-25-10) and the default run on the shipped digits have none', () => {
  assert.equal(paramCount([400, 25, 10]), 10285);
  assert.equal(needsGuardian(5000, paramCount([400, 25, 10]), 'wasm'), false);
  assert.equal(needsGuardian(5000, paramCount([400, 25, 10]), 'reference'), false);
  // `nnlearn train`: the shipped digits' training part (8,000 of 10,000 images) on the default 25 hidden units
  const digits = shippedDigits('digits:train');
  assert.ok(digits !== undefined);
  assert.equal(digits.X.rows, 8000);
  assert.equal(needsGuardian(digits.X.rows, paramCount([digits.X.cols, 25, 10]), 'wasm'), false);
});

test('long evaluations get one: MNIST 784-300-10 on 60,000 examples, and the signals test\'s 400-300-10 on 8,000 on the reference', () => {
  assert.equal(needsGuardian(60000, paramCount([784, 300, 10]), 'wasm'), true);
  assert.equal(needsGuardian(8000, paramCount([400, 300, 10]), 'reference'), true);
  assert.equal(needsGuardian(8000, paramCount([400, 300, 10]), 'wasm'), false);
});

test('the bound is on examples × weights, per backend', () => {
  for (const backend of ['reference', 'wasm'] as const) {
    const weights = 1000;
    assert.equal(needsGuardian(GUARDED_WORK[backend] / weights - 1, weights, backend), false);
    assert.equal(needsGuardian(GUARDED_WORK[backend] / weights, weights, backend), true);
  }
});
