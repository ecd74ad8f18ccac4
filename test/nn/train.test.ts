import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Network } from '../../src/nn/network.js';
import { modelFromJson, modelToJson, modelToMat, networkFromMat } from '../../src/nn/model.js';
import { readMat } from '../../src/data/mat.js';
import { readMatFile } from '../../src/data/files.js';
import { Matrix } from '../../src/linalg/matrix.js';
import { Random } from '../../src/random.js';
import { FormatError } from '../../src/errors.js';
import { MemoryError, setMemoryLimit } from '../../src/memory.js';
import { createEvaluator } from '../../src/nn/fast/evaluator.js';
import { shared } from '../helpers.js';

const data = shared('ex4data1_reconstructed.mat');

test('fmincg on ex4 (λ = 1, 50 iterations, ε = 0.12) reaches about 95.3% training accuracy for each of seeds 1 to 5', { skip: data.skip }, () => {
  const d = readMatFile(data.path);
  const X = d.matrix('X');
  const y = d.matrix('y').data;
  for (let seed = 1; seed <= 5; seed++) {
    const net = Network.random([400, 25, 10], { seed });
    const r = net.train(X, y, { lambda: 1, maxIter: 50 });
    assert.equal(r.iterations, 50);
    assert.ok(r.trainAccuracy >= 94 && r.trainAccuracy <= 97, `seed ${seed}: ${r.trainAccuracy}%`);
    assert.ok(r.costHistory[49] < r.costHistory[0]);
  }
});

/** A small separable problem: class = which of 3 coordinates is largest. */
function toyData(m: number, seed: number): { X: Matrix; y: Int32Array } {
  const rng = new Random(seed);
  const X = rng.rand(m, 3);
  const y = new Int32Array(m);
  for (let i = 0; i < m; i++) {
    const r = X.row(i);
    y[i] = 1 + (r[0] > r[1] ? (r[0] > r[2] ? 0 : 2) : r[1] > r[2] ? 1 : 2);
  }
  return { X, y };
}

test('training is bit-for-bit repeatable with the same seed', () => {
  const { X, y } = toyData(60, 1);
  const a = Network.random([3, 4, 3], { seed: 9 });
  const b = Network.random([3, 4, 3], { seed: 9 });
  a.train(X, y, { maxIter: 20 });
  b.train(X, y, { maxIter: 20 });
  assert.deepEqual(a.params, b.params);
});

test('gradient descent lowers the cost on a toy problem', () => {
  const { X, y } = toyData(80, 2);
  const net = Network.random([3, 5, 3], { seed: 1 });
  const r = net.train(X, y, { optimizer: 'gd', learningRate: 2, maxIter: 200 });
  assert.ok(r.costHistory[199] < r.costHistory[0] - 0.3);
});

test('a model saved as JSON or .mat predicts exactly as the model in memory', () => {
  const { X, y } = toyData(60, 3);
  const net = Network.random([3, 4, 3], { seed: 2 });
  net.train(X, y, { maxIter: 30 });
  const fromJson = modelFromJson(JSON.stringify(modelToJson(net)));
  assert.deepEqual(fromJson.params, net.params);
  assert.deepEqual(fromJson.predict(X), net.predict(X));
  const fromMat = networkFromMat(readMat(modelToMat(net)));
  assert.deepEqual(fromMat.params, net.params);
  assert.deepEqual(fromMat.sizes, [3, 4, 3]);
});

test('a model file of another version, format or shape is refused clearly', () => {
  const net = Network.random([3, 4, 3], { seed: 2 });
  const json = modelToJson(net);
  assert.throws(() => modelFromJson(JSON.stringify({ ...json, version: 99 }), 'm.json'), /m\.json: model version 99/);
  assert.throws(() => modelFromJson('{"format":"other"}', 'm.json'), FormatError);
  assert.throws(() => modelFromJson(JSON.stringify({ ...json, layers: [3, 5, 3] }), 'm.json'), /Theta1 must be 5×4/);
  assert.throws(() => modelFromJson('{', 'm.json'), /not valid JSON/);
});

test('mini-batch steps use their own rows, on sparse data too (θ ← θ - α∇J(batch) in the seeded order)', async () => {
  const { Network } = await import('../../src/nn/network.js');
  const { costFunction } = await import('../../src/nn/cost.js');
  const { Matrix } = await import('../../src/linalg/matrix.js');
  const { Random } = await import('../../src/random.js');
  const rng = new Random(4);
  const m = 12;
  const X = rng.rand(m, 30);
  for (let i = 0; i < X.data.length; i++) if (X.data[i] < 0.8) X.data[i] = 0; // sparse: the compressed path
  const y = Int32Array.from({ length: m }, (_, i) => i % 3);
  const net = Network.random([30, 4, 3], { labels: 'zero-based', seed: 2 });
  const theta = Float64Array.from(net.params);
  net.train(X, y, { optimizer: 'gd', learningRate: 0.5, batchSize: 6, maxIter: 1, batchSeed: 7, lambda: 0.1, backend: 'reference' });
  // by hand: one epoch, two batches of NumPy's permutation(12) with seed 7
  const order = new Random(7).permutation(m);
  for (const batch of [order.subarray(0, 6), order.subarray(6)]) {
    const Xb = new Matrix(6, 30);
    batch.forEach((r, i) => Xb.data.set(X.data.subarray(r * 30, (r + 1) * 30), i * 30));
    // the penalty keeps the full m: λ_batch = λ·6/12
    const { grad } = costFunction([30, 4, 3], theta, Xb, Array.from(batch, (r) => y[r]), (0.1 * 6) / 12);
    for (let k = 0; k < theta.length; k++) theta[k] -= 0.5 * grad[k];
  }
  assert.deepEqual(Array.from(net.params), Array.from(theta));
});

test('early stopping keeps the weights that did best on the held-out data', async () => {
  const { Network } = await import('../../src/nn/network.js');
  const { Random } = await import('../../src/random.js');
  const rng = new Random(1);
  const X = rng.rand(40, 5);
  const y = Int32Array.from({ length: 40 }, () => rng.interval(2)); // labels with no pattern: held-out cost soon rises
  const V = rng.rand(40, 5);
  const vy = Int32Array.from({ length: 40 }, () => rng.interval(2));
  const net = Network.random([5, 20, 3], { labels: 'zero-based', seed: 1 });
  const r = net.train(X, y, { lambda: 0, maxIter: 300, validation: { X: V, y: vy, patience: 5 } });
  assert.equal(r.stopReason, 'early-stopped');
  const hist = r.validationHistory ?? [];
  assert.ok(r.bestIteration !== undefined && r.bestIteration > 0);
  assert.equal(hist.length, (r.bestIteration ?? 0) + 5);
  assert.equal(Math.min(...hist), hist[(r.bestIteration ?? 1) - 1]);
  assert.ok(Math.abs(net.cost(V, vy, 0).cost - Math.min(...hist)) < 1e-12, 'the network holds the best weights');
});

test('training stopped at any pause and resumed from its state ends as an unstopped run: weights, costs, validation and early stop', () => {
  const rng = new Random(2);
  const X = rng.rand(48, 5);
  const y = Int32Array.from({ length: 48 }, () => rng.interval(2)); // 0..2
  const V = rng.rand(20, 5);
  const vy = Int32Array.from({ length: 20 }, () => rng.interval(2));
  const settings = [
    { optimizer: 'fmincg', maxIter: 30 },
    { optimizer: 'lbfgs', maxIter: 30 },
    { optimizer: 'adam', maxIter: 12, batchSize: 10, learningRate: 0.05, batchSeed: 4 },
    { optimizer: 'momentum', maxIter: 20, learningRate: 0.5 },
  ] as const;
  for (const s of settings) {
    // labels without a pattern: the held-out cost soon rises, and early stopping ends some of these runs
    const options = { ...s, lambda: 0.1, backend: 'reference' as const, validation: { X: V, y: vy, patience: 6 } };
    const start = () => Network.random([5, 6, 3], { labels: 'zero-based', seed: 3 });
    const whole = start();
    const full = whole.train(X, y, options);
    let pauses = 0;
    start().train(X, y, { ...options, stopRequested: () => (pauses++, false) });
    assert.ok(pauses >= 5, `${s.optimizer}: ${pauses} pauses`);
    for (let stopAt = 1; stopAt < pauses; stopAt += 3) {
      let polls = 0;
      const first = start().train(X, y, { ...options, stopRequested: () => ++polls === stopAt });
      if (first.state === undefined) continue; // it had stopped early by then
      const resumed = start();
      const rest = resumed.train(X, y, { ...options, resume: first.state });
      const what = `${s.optimizer} stopped at pause ${stopAt}`;
      assert.deepEqual(Array.from(resumed.params), Array.from(whole.params), what);
      assert.deepEqual(rest.costHistory, full.costHistory, what);
      assert.deepEqual(rest.validationHistory, full.validationHistory, what);
      assert.equal(rest.bestIteration, full.bestIteration, what);
      assert.equal(rest.stopReason, full.stopReason, what);
    }
  }
});

test('accuracy on the SIMD kernels (float64) gives the reference\'s labels, for every architecture and label convention', () => {
  const rng = new Random(7);
  const X = new Matrix(300, 20);
  for (let i = 0; i < X.data.length; i++) X.data[i] = rng.random() < 0.4 ? 0 : rng.random();
  const cases = [
    { labels: 'course', activation: 'sigmoid', output: 'sigmoid' },
    { labels: 'zero-based', activation: 'relu', output: 'softmax' },
    { labels: 'zero-based', activation: 'tanh', output: 'softmax' },
  ] as const;
  for (const c of cases) {
    const net = Network.random([20, 12, 8, 5], { seed: 3, labels: c.labels, activation: c.activation, output: c.output });
    const predicted = net.predict(X);
    // labels that the network gets right for some rows and wrong for others
    const y = Array.from(predicted, (p, i) => (i % 3 === 0 ? (c.labels === 'course' ? (p % 5) + 1 : (p + 1) % 5) : p));
    const reference = net.accuracy(X, y);
    assert.ok(reference > 50 && reference < 100, `${reference}`);
    assert.deepEqual(Array.from(net.predictUnits(X, { backend: 'wasm' })), Array.from(net.predictUnits(X)), `${c.activation}/${c.output}: units`);
    assert.equal(net.accuracy(X, y, { backend: 'wasm' }), reference, `${c.activation}/${c.output}`);
    assert.equal(net.accuracy(X, y, { backend: 'reference' }), reference);
  }
});

test('accuracy on the kernels falls back to the reference where their copy of X does not fit the memory budget', () => {
  const rng = new Random(8);
  const X = new Matrix(4000, 400);
  for (let i = 0; i < X.data.length; i++) X.data[i] = rng.random();
  const net = Network.random([400, 10, 4], { seed: 2, labels: 'zero-based' });
  const y = Array.from(net.predict(X), (p, i) => (i % 4 === 0 ? (p + 1) % 4 : p));
  const expected = net.accuracy(X, y);
  // 6 MB: the reference's workspace (about 1.5 MB) fits, the kernels' compressed X (19 MB) does not
  setMemoryLimit(6e6, () => 0);
  try {
    assert.throws(() => createEvaluator(net.sizes, X, new Int32Array(X.rows), { backend: 'wasm' }), MemoryError);
    assert.equal(net.accuracy(X, y, { backend: 'wasm' }), expected);
  } finally {
    setMemoryLimit(Infinity, () => 0);
  }
  assert.throws(() => net.accuracy(X, y.slice(1), { backend: 'wasm' }), /4000 examples but there are 3999 labels/);
});
