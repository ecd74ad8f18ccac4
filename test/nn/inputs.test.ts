/**
 * What the library's public calls refuse, as a user calling them from plain JavaScript would meet it (README, "Bad
 * input is refused"): NaN and infinite inputs with their row and column, data with no examples, training data of
 * one class. Each refusal names the place the test put the bad value (an independent fact), in the loaders' and
 * the CLI's words.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Matrix, Network, Random, ValueError, nnCostFunction, predict } from '../../src/index.js';

/** m examples of 4 inputs in [0, 1), labelled 1, 2, 3, 1, 2, 3, … (the course's convention, 3 classes). */
function toy(m: number): { X: Matrix; y: Float64Array } {
  const X = new Random(3).rand(m, 4);
  const y = Float64Array.from({ length: m }, (_, i) => 1 + (i % 3));
  return { X, y };
}

const net = (): Network => Network.random([4, 5, 3], { seed: 0 });

/** X with `v` at (row, col), 1-based as the messages count. */
function poisoned(v: number, row: number, col: number): Matrix {
  const X = toy(40).X;
  X.set(row - 1, col - 1, v);
  return X;
}

/** A matcher of the refusal of `v` at (row, col). */
const at = (v: number, row: number, col: number, source = ''): RegExp =>
  new RegExp(`^${source}X has the value ${v} at row ${row}, column ${col}; inputs must be finite numbers$`);

const refused = (what: RegExp) => (err: unknown) => err instanceof ValueError && what.test(err.message);

test('NaN and infinite inputs are refused with their row and column by every call that takes X', async () => {
  const { y } = toy(40);
  for (const [v, row, col] of [
    [Infinity, 3, 2],
    [NaN, 40, 4],
    [-Infinity, 1, 1],
  ] as const) {
    const X = poisoned(v, row, col);
    const m = at(v, row, col);
    assert.throws(() => net().train(X, y, { maxIter: 3 }), refused(m), 'train');
    await assert.rejects(net().trainAsync(X, y, { maxIter: 3 }), refused(m), 'trainAsync');
    assert.throws(() => net().cost(X, y), refused(m), 'cost');
    assert.throws(() => net().outputs(X), refused(m), 'outputs');
    assert.throws(() => net().predict(X), refused(m), 'predict');
    assert.throws(() => net().predict(X, { backend: 'wasm' }), refused(m), 'predict on the kernels');
    assert.throws(() => net().accuracy(X, y), refused(m), 'accuracy');
    const n = net();
    assert.throws(() => nnCostFunction(n.params, 4, 5, 3, X, y, 1), refused(m), 'nnCostFunction');
    const [T1, T2] = n.thetas;
    assert.throws(() => predict(T1, T2, X), refused(m), 'predict(Theta1, Theta2, X)');
    assert.throws(() => predict([T1, T2], X), refused(m), 'predict(thetas, X)');
    // held-out data for early stopping, named as such
    const clean = toy(40).X;
    assert.throws(() => net().train(clean, y, { maxIter: 3, validation: { X, y } }), refused(at(v, row, col, 'validation: ')));
  }
});

test('a refused input leaves the weights as they were', () => {
  const n = net();
  const before = n.params.slice();
  assert.throws(() => n.train(poisoned(NaN, 2, 2), toy(40).y), ValueError);
  assert.deepEqual(n.params, before);
});

test('data with no examples is refused where a number is asked of it; outputs of no rows are no rows', () => {
  const X = new Matrix(0, 4);
  const none = /^no examples \(the data has 0 rows\)$/;
  assert.throws(() => net().train(X, []), refused(none));
  assert.throws(() => net().cost(X, []), refused(none));
  assert.throws(() => net().accuracy(X, []), refused(none));
  assert.throws(() => nnCostFunction(net().params, 4, 5, 3, X, [], 0), refused(none));
  const { X: train, y } = toy(30);
  assert.throws(() => net().train(train, y, { validation: { X, y: [] } }), refused(/^validation: no examples/));
  assert.deepEqual(net().predict(X), new Int32Array(0));
  assert.equal(net().outputs(X).shape, '0×3');
});

test('training data of one class is refused in the CLI\'s words; held-out data of one class is fine', () => {
  const { X, y } = toy(30);
  assert.throws(
    () => net().train(X, new Float64Array(30).fill(2)),
    refused(/^every one of the 30 examples has the label 2; training needs examples of at least two classes$/),
  );
  const r = net().train(X, y, { maxIter: 3, validation: { X: toy(6).X, y: [3, 3, 3, 3, 3, 3] } });
  assert.equal(r.iterations, 3);
});
