/**
 * The optimizers' updates in WebAssembly (src/linalg/wasm/steps.ts), and Adam's on the threaded evaluator's threads
 * (src/nn/fast/threaded.ts), against the JavaScript loop of src/optim/adam.ts, written out here: the same weights
 * and moments, bit for bit, step after step.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WasmAdam } from '../../src/linalg/wasm/steps.js';
import type { AdamStepper } from '../../src/optim/adam.js';
import { createThreadedEvaluator } from '../../src/nn/fast/threads-node.js';
import { paramCount } from '../../src/nn/params.js';
import { Network } from '../../src/nn/network.js';
import { Random } from '../../src/random.js';

/** `steps` Adam steps of `stepper` on n weights, each checked against the loop written out. */
function checkAdam(stepper: AdamStepper, n: number, rng: Random, steps = 25): void {
  const theta = Float64Array.from({ length: n }, () => rng.random() - 0.5);
  const mine = Float64Array.from(theta);
  const m = new Float64Array(n);
  const v = new Float64Array(n);
  const [b1, b2, alpha, eps] = [0.9, 0.999, 0.003, 1e-8];
  assert.ok(stepper.m.every((x) => x === 0) && stepper.v.every((x) => x === 0), 'the moments start at zero');
  for (let t = 1; t <= steps; t++) {
    // gradients with zeros, tiny and large values
    const grad = Float64Array.from({ length: n }, (_, i) => (i % 5 === 0 ? 0 : (rng.random() - 0.5) * 10 ** (rng.interval(12) - 6)));
    const c1 = 1 - b1 ** t;
    const c2 = 1 - b2 ** t;
    for (let k = 0; k < n; k++) {
      const g = grad[k];
      m[k] = b1 * m[k] + (1 - b1) * g;
      v[k] = b2 * v[k] + (1 - b2) * g * g;
      theta[k] -= (alpha * (m[k] / c1)) / (Math.sqrt(v[k] / c2) + eps);
    }
    stepper.step(mine, grad, t, b1, b2, alpha, eps);
    assert.deepEqual(Array.from(mine), Array.from(theta), `n ${n}, step ${t}: weights`);
    assert.deepEqual(Array.from(stepper.m), Array.from(m), `n ${n}, step ${t}: first moments`);
    assert.deepEqual(Array.from(stepper.v), Array.from(v), `n ${n}, step ${t}: second moments`);
  }
}

test('the WebAssembly Adam step gives the JavaScript loop’s weights and moments bit for bit', () => {
  const rng = new Random(9);
  for (const n of [1, 2, 7, 1000]) checkAdam(new WasmAdam(n), n, rng);
});

test('Adam on the threaded evaluator (each thread a slice of the weights) gives the loop’s weights bit for bit', async () => {
  const rng = new Random(10);
  // odd sizes: slices that start at an odd weight and end in a scalar tail
  for (const [sizes, threads] of [[[7, 5, 3], 2], [[20, 9, 4], 3]] as const) {
    const n = paramCount(sizes);
    const X = rng.rand(30, sizes[0]);
    const ev = await createThreadedEvaluator(sizes, X, Int32Array.from({ length: 30 }, (_, i) => i % sizes[2]), threads);
    try {
      const stepper = ev.adamStepper();
      assert.ok(stepper !== undefined);
      checkAdam(stepper, n, rng);
      // the moments are one run's at a time: none for another run until this one gives them back
      assert.equal(ev.adamStepper(), undefined);
      stepper.release?.();
      // the next run on the same evaluator starts from zero moments again, and evaluations still work
      checkAdam(ev.adamStepper() as AdamStepper, n, rng, 3);
      assert.ok(Number.isFinite(ev.evaluate(new Float64Array(n).fill(0.1), 1, new Float64Array(n))));
    } finally {
      ev.close();
    }
  }
});

test('a threaded Adam step straight after a mini-batch takes its weights and gradient from the memory only when promised, and never after another evaluation', async () => {
  const sizes = [9, 6, 3];
  const n = paramCount(sizes);
  const rng = new Random(11);
  const X = rng.rand(40, 9);
  const ev = await createThreadedEvaluator(sizes, X, Int32Array.from({ length: 40 }, (_, i) => i % 3), 2);
  try {
    for (const sameAsLastBatch of [true, false]) {
      const stepper = ev.adamStepper({ sameAsLastBatch }) as AdamStepper;
      const theta = Float64Array.from({ length: n }, () => rng.random() - 0.5);
      const grad = new Float64Array(n);
      const expected = Float64Array.from(theta);
      const m = new Float64Array(n);
      const v = new Float64Array(n);
      const rows = Int32Array.from({ length: 16 }, (_, i) => (i * 7) % 40);
      for (let t = 1; t <= 6; t++) {
        ev.evaluateBatch(theta, 1, grad, rows);
        // every other step, an evaluation elsewhere in between: the memory no longer holds theta
        if (t % 2 === 0) ev.evaluate(new Float64Array(n).fill(0.3), 1, new Float64Array(n));
        // without the promise, a gradient changed after the batch (clipped) is the one stepped with
        if (!sameAsLastBatch) for (let k = 0; k < n; k++) grad[k] = Math.max(-0.01, Math.min(0.01, grad[k]));
        const c1 = 1 - 0.9 ** t;
        const c2 = 1 - 0.999 ** t;
        for (let k = 0; k < n; k++) {
          m[k] = 0.9 * m[k] + (1 - 0.9) * grad[k];
          v[k] = 0.999 * v[k] + (1 - 0.999) * grad[k] * grad[k];
          expected[k] -= (0.01 * (m[k] / c1)) / (Math.sqrt(v[k] / c2) + 1e-8);
        }
        stepper.step(theta, grad, t, 0.9, 0.999, 0.01, 1e-8);
        assert.deepEqual(Array.from(theta), Array.from(expected), `step ${t}${sameAsLastBatch ? '' : ', not promised'}`);
      }
      stepper.release?.();
    }
  } finally {
    ev.close();
  }
});

test('two runs training at once on one threaded evaluator end as they do one after the other (one holds the moments)', async () => {
  const sizes = [12, 8, 3];
  const rng = new Random(12);
  const X = rng.rand(200, 12);
  const y = Array.from({ length: 200 }, (_, i) => i % 3);
  const ev = await createThreadedEvaluator(sizes, X, Int32Array.from(y), 2);
  try {
    const train = async (learningRate: number) => {
      const net = Network.random(sizes, { seed: 1, labels: 'zero-based' });
      await net.trainAsync(X, y, { optimizer: 'adam', maxIter: 2, batchSize: 32, learningRate, backend: ev });
      return Array.from(net.params);
    };
    const a = await train(0.001);
    const b = await train(0.003);
    const [a2, b2] = await Promise.all([train(0.001), train(0.003)]);
    assert.deepEqual(a2, a);
    assert.deepEqual(b2, b);
    assert.notDeepEqual(a, b);
  } finally {
    ev.close();
  }
});
