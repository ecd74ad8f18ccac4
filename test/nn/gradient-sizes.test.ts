/**
 * Per-layer gradient sizes: the RMS of each Θ(l)'s gradient, recorded from every evaluation a training run makes;
 * in a deep sigmoid network the layers near the input get the smallest (the vanishing gradient).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GradientSizes, layerGradientRms } from '../../src/nn/gradient-sizes.js';
import { createEvaluator } from '../../src/nn/fast/evaluator.js';
import { costFunction } from '../../src/nn/cost.js';
import { Network } from '../../src/nn/network.js';
import { Random } from '../../src/random.js';

test('layerGradientRms: the root mean square of each Θ’s entries', () => {
  // [2, 1, 1]: Θ1 is 1×3, Θ2 is 1×2
  const rms = layerGradientRms([2, 1, 1], [3, 0, 4, 1, 1]);
  assert.ok(Math.abs(rms[0] - Math.sqrt(25 / 3)) < 1e-15);
  assert.ok(Math.abs(rms[1] - 1) < 1e-15);
  assert.throws(() => layerGradientRms([2, 1, 1], [1, 2]), /5 parameters, the gradient 2/);
});

function data(m: number, n: number, K: number, seed: number) {
  const rng = new Random(seed);
  const X = rng.rand(m, n);
  const y = Int32Array.from({ length: m }, () => rng.interval(K - 1));
  return { X, y };
}

test('GradientSizes averages what each evaluation computed since the last read; it changes no result', () => {
  const sizes = [12, 6, 4];
  const { X, y } = data(40, 12, 4, 3);
  const net = Network.random(sizes, { labels: 'zero-based', seed: 1 });
  const inner = createEvaluator(sizes, X, y, { backend: 'reference' });
  const watch = new GradientSizes(sizes, inner);
  assert.equal(watch.take(), undefined);
  const p1 = Float64Array.from(net.params);
  const p2 = p1.map((v) => v * 0.5);
  const g = new Float64Array(p1.length);
  watch.evaluator.evaluate(p1, 1, g);
  watch.evaluator.evaluate(p2, 1, g);
  watch.evaluator.evaluate(p2, 1, null); // cost only: not recorded
  const r1 = layerGradientRms(sizes, costFunction(sizes, p1, X, y, 1).grad);
  const r2 = layerGradientRms(sizes, costFunction(sizes, p2, X, y, 1).grad);
  const got = watch.take()!;
  for (let l = 0; l < 2; l++) assert.ok(Math.abs(got[l] - (r1[l] + r2[l]) / 2) < 1e-15);
  assert.equal(watch.take(), undefined, 'reset after a read');

  // through a training run with mini-batches: the same weights as without watching
  const a = Network.random(sizes, { labels: 'zero-based', seed: 2 });
  const b = Network.random(sizes, { labels: 'zero-based', seed: 2 });
  const w = new GradientSizes(sizes, createEvaluator(sizes, X, y, { backend: 'wasm' }));
  const reads: Float64Array[] = [];
  a.train(X, y, { optimizer: 'adam', batchSize: 8, maxIter: 3, backend: w.evaluator, onIteration: () => void reads.push(w.take()!) });
  b.train(X, y, { optimizer: 'adam', batchSize: 8, maxIter: 3, backend: 'wasm', precision: 'f64' }); // as the evaluator given to a
  assert.deepEqual(Array.from(a.params), Array.from(b.params));
  assert.equal(reads.length, 3);
  assert.ok(reads.every((r) => r.length === 2 && r.every((v) => v > 0)));
});

test('a deep sigmoid network at its start: the first layer’s gradient is the smallest, the output layer’s the largest', () => {
  const sizes = [30, 16, 16, 16, 5];
  const { X, y } = data(200, 30, 5, 4);
  const net = Network.random(sizes, { labels: 'zero-based', seed: 0 });
  const rms = layerGradientRms(sizes, net.cost(X, y, 0).grad);
  for (let l = 0; l + 1 < rms.length; l++) assert.ok(rms[l] < rms[l + 1], `layer ${l + 1}: ${rms[l]} vs layer ${l + 2}: ${rms[l + 1]}`);
  assert.ok(rms[0] < rms[3] / 20, `a factor ${(rms[3] / rms[0]).toFixed(0)} between the last and the first`);
});
