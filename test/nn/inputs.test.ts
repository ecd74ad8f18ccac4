/**
 * What the library's public calls refuse, as a user calling them from plain JavaScript would meet it (README, "Bad
 * input is refused"): NaN and infinite inputs with their row and column, data with no examples, training data of
 * one class. Each refusal names the place the test put the bad value (an independent fact), in the loaders' and
 * the CLI's words.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Matrix, Network, OptionError, Random, ShapeError, ValueError, accuracy, checkNNGradients, computeNumericalGradient, nnCostFunction, predict } from '../../src/index.js';

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

test('Network.accuracy checks labels as cost does: another convention, another class, NaN, fewer labels', () => {
  const { X, y } = toy(30);
  const n = net();
  // the same labels in the zero-based convention: cost refuses them, and so does accuracy, in the same words
  const zeroBased = y.map((v) => v - 1);
  const costWhy = (() => {
    try {
      n.cost(X, zeroBased);
    } catch (err) {
      return (err as Error).message;
    }
    return 'accepted';
  })();
  assert.equal(costWhy, 'label 1 is 0, but course labels for 3 classes are integers 1..3');
  assert.throws(() => n.accuracy(X, zeroBased), (err: unknown) => err instanceof ValueError && err.message === costWhy);
  const other = y.slice();
  other[7] = 4;
  assert.throws(() => n.accuracy(X, other), refused(/^label 8 is 4, but course labels for 3 classes are integers 1\.\.3$/));
  const nan = y.slice();
  nan[0] = NaN;
  assert.throws(() => n.accuracy(X, nan), refused(/^label 1 is NaN/));
  assert.throws(() => n.accuracy(X, y.subarray(0, 29)), (err: unknown) => err instanceof ShapeError && /30 examples but there are 29 labels/.test(err.message));
  // the count of hits, by hand: a network that predicts one class for every example scores that class's share
  const one = new Network([4, 1, 3], Float64Array.from({ length: 5 + 6 }, (_, i) => (i === 5 + 2 * 2 ? 50 : 0)));
  assert.deepEqual([...new Set(one.predict(X))], [3]);
  assert.equal(one.accuracy(X, y), 100 / 3);
});

test('accuracy(p, y) refuses unequal lengths, no examples and values that are not labels', () => {
  assert.equal(accuracy([1, 2, 3, 4], [1, 2, 3, 3]), 75);
  assert.throws(() => accuracy([1, 2, 3], [1, 2]), (err: unknown) => err instanceof ShapeError && /3 predictions but 2 labels/.test(err.message));
  assert.throws(() => accuracy([], []), refused(/^accuracy: no examples/));
  assert.throws(() => accuracy([1, 2], [1, NaN]), refused(/^accuracy: label 2 is NaN; labels are whole numbers from 0 to 10000$/));
  assert.throws(() => accuracy([1, 2.5], [1, 2]), refused(/^accuracy: prediction 2 is 2\.5/));
  assert.throws(() => accuracy([1, 2], [-1, 2]), refused(/^accuracy: label 1 is -1/));
  // with the classes: the course's 1..10 against the notebook's 0..9 is refused, not scored 90%
  const course = Int32Array.from({ length: 10 }, (_, i) => i + 1);
  const zeroBased = Int32Array.from({ length: 10 }, (_, i) => (i + 1) % 10);
  assert.equal(accuracy(course, zeroBased), 90);
  assert.throws(() => accuracy(course, zeroBased, { numLabels: 10, labels: 'course' }), refused(/^label 10 is 0, but course labels for 10 classes are integers 1\.\.10$/));
  assert.equal(accuracy(course, course, { numLabels: 10, labels: 'course' }), 100);
});

const option = (what: RegExp) => (err: unknown) => err instanceof OptionError && what.test(err.message);

test('the cost\'s λ, the gradient check\'s λ and m, and the numerical gradient\'s ε are refused as training\'s options are', () => {
  const { X, y } = toy(12);
  const n = net();
  for (const call of [
    (l: number) => n.cost(X, y, l),
    (l: number) => nnCostFunction(n.params, 4, 5, 3, X, y, l),
    (l: number) => checkNNGradients(l),
    (l: number) => n.train(X, y, { lambda: l, maxIter: 1 }),
  ]) {
    assert.throws(() => call(-5), option(/^lambda: must be at least 0, got -5$/));
    assert.throws(() => call(NaN), option(/^lambda: "NaN" is not a number$/));
    assert.throws(() => call(Infinity), option(/^lambda: "Infinity" is out of range/));
  }
  assert.throws(() => checkNNGradients(0, { m: 0 }), option(/^m: must be at least 1, got 0$/));
  assert.throws(() => checkNNGradients(0, { m: 2.5 }), option(/^m: "2.5" is not a whole number$/));
  assert.throws(() => checkNNGradients(0, { layers: [3, 0, 3] }), ValueError);
  const theta = new Float64Array([3]);
  for (const e of [0, -1e-4, NaN]) assert.throws(() => computeNumericalGradient((t) => t[0] ** 2, theta, e), option(/^e: /));
  // the numbers in range still give the course's: d(θ²)/dθ at 3 is 6, exactly for a central difference of a square
  assert.equal(computeNumericalGradient((t) => t[0] ** 2, theta, 0.5)[0], 6);
  assert.ok(checkNNGradients(3, { m: 1 }).relativeDifference < 1e-9);
});

test('a Matrix refuses values that are not a Float64Array, from plain JavaScript, and says how to convert them', () => {
  const convert = (kind: string) => refused(new RegExp(`^a Matrix holds its values in a Float64Array, got ${kind}; convert them with Float64Array\\.from\\(values\\)$`));
  const plain = (v: unknown) => () => new Matrix(1, 2, v as Float64Array);
  assert.throws(plain(new Float32Array(2)), convert('a Float32Array'));
  assert.throws(plain([1, 2]), convert('an Array'));
  assert.throws(plain(new Uint8Array(2)), convert('a Uint8Array'));
  assert.throws(plain('12'), convert('a string'));
  assert.deepEqual(new Matrix(1, 2, Float64Array.from([1, 2])).toRows(), [[1, 2]]);
});

test('a Network given float32 weights trains in float64, on a copy', () => {
  const { X, y } = toy(30);
  const start = net().params;
  // weights that float32 holds exactly, so that both networks start from the same numbers
  const f32 = Float32Array.from(start);
  const n32 = new Network([4, 5, 3], f32 as unknown as Float64Array);
  const n64 = new Network([4, 5, 3], Float64Array.from(f32));
  assert.ok(n32.params instanceof Float64Array);
  n32.train(X, y, { maxIter: 10, backend: 'reference' });
  n64.train(X, y, { maxIter: 10, backend: 'reference' });
  assert.deepEqual(n32.params, n64.params);
  // float32 could not hold the trained weights: training was not rounded to it
  assert.ok(n32.params.some((v) => Math.fround(v) !== v));
  assert.deepEqual(f32, Float32Array.from(start), 'the caller\'s array is left alone');
  assert.deepEqual(new Network([1, 1], [0.25, 0.5] as unknown as Float64Array).params, Float64Array.from([0.25, 0.5]));
});
