import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { costFunction } from '../../src/nn/cost.js';
import { backpropLoop } from '../../src/nn/backprop-loop.js';
import { computeNumericalGradient, checkNNGradients } from '../../src/nn/gradcheck.js';
import { paramCount, rollParams, unrollParams, thetaShapes } from '../../src/nn/params.js';
import { randInitializeWeights, randInitializeNetwork } from '../../src/nn/init.js';
import { Matrix } from '../../src/linalg/matrix.js';
import { Random } from '../../src/random.js';
import { ShapeError, ValueError } from '../../src/errors.js';
import { relNormDiff } from '../helpers.js';

function randomProblem(seed: number, sizes: number[], m: number) {
  const rng = new Random(seed);
  const params = new Float64Array(paramCount(sizes));
  for (let i = 0; i < params.length; i++) params[i] = rng.random() * 2 - 1;
  const X = rng.rand(m, sizes[0]);
  // Mostly zeros, as digit images are, so that the sparse input-layer kernels are taken half the time.
  if (seed % 2 === 0) for (let i = 0; i < X.data.length; i++) if (X.data[i] < 0.8) X.data[i] = 0;
  const K = sizes[sizes.length - 1];
  const targets = Int32Array.from({ length: m }, () => rng.interval(K - 1));
  return { params, X, targets };
}

test('the vectorized (dense or sparse input) and the per-example backpropagation agree to 1e-12 on random networks of depth 1 to 3', () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 0, maxLength: 2 }),
      fc.integer({ min: 1, max: 8 }),
      fc.integer({ min: 2, max: 5 }),
      fc.integer({ min: 1, max: 12 }),
      fc.nat(10000),
      fc.constantFrom(0, 0.5, 3),
      (hidden, n, K, m, seed, lambda) => {
        const sizes = [n, ...hidden, K];
        const { params, X, targets } = randomProblem(seed, sizes, m);
        const v = costFunction(sizes, params, X, targets, lambda);
        const l = backpropLoop(sizes, params, X, targets, lambda);
        assert.ok(Math.abs(v.cost - l.cost) <= 1e-12 * Math.abs(l.cost), `${v.cost} vs ${l.cost}`);
        assert.ok(relNormDiff(v.grad, l.grad) <= 1e-12, String(relNormDiff(v.grad, l.grad)));
      },
    ),
    { numRuns: 300 },
  );
});

test('backpropagation matches the numerical gradient on deeper networks', () => {
  for (const layers of [[4, 3, 3], [4, 5, 4, 3], [3, 4, 4, 2, 3]]) {
    for (const lambda of [0, 1]) {
      const r = checkNNGradients(lambda, { layers, m: 6 });
      assert.ok(r.relativeDifference < 1e-9, `${layers} λ=${lambda}: ${r.relativeDifference}`);
    }
  }
});

test('the bias column is not regularized: the cost grows by exactly λ/2m times the other weights squared', () => {
  const sizes = [3, 4, 2];
  const { params, X, targets } = randomProblem(7, sizes, 6);
  const J0 = costFunction(sizes, params, X, targets, 0).cost;
  const J2 = costFunction(sizes, params, X, targets, 2).cost;
  let sq = 0;
  for (const T of rollParams(params, sizes)) for (let i = 0; i < T.rows; i++) for (let j = 1; j < T.cols; j++) sq += T.get(i, j) ** 2;
  assert.ok(Math.abs(J2 - J0 - (2 / (2 * 6)) * sq) < 1e-14);
  const g0 = costFunction(sizes, params, X, targets, 0).grad;
  const g2 = costFunction(sizes, params, X, targets, 2).grad;
  const G0 = rollParams(g0, sizes);
  const G2 = rollParams(g2, sizes);
  for (let l = 0; l < G0.length; l++) for (let i = 0; i < G0[l].rows; i++) assert.equal(G0[l].get(i, 0), G2[l].get(i, 0));
});

test('the cost stays finite and accurate when the outputs saturate', () => {
  const sizes = [1, 1];
  const X = Matrix.fromRows([[1], [1]]);
  const targets = Int32Array.from([0, 0]);
  // z = 800 for a target of 1 costs ~0; a target of 0 with z = 800 costs 800 (log(1 - g(800)) = -800).
  const right = costFunction(sizes, Float64Array.from([0, 800]), X, targets, 0).cost;
  assert.ok(right >= 0 && right < 1e-300);
  const wrong = costFunction([1, 2], Float64Array.from([0, 800, 0, 800]), X, targets, 0).cost;
  assert.ok(Math.abs(wrong - 800) < 1e-9, String(wrong));
  const neg = costFunction(sizes, Float64Array.from([0, -40]), X, targets, 0).cost;
  assert.ok(Math.abs(neg - 40) < 1e-12, String(neg)); // -log g(-40) = 40 + log1p(e^-40)
});

test('computeNumericalGradient restores θ exactly and accepts [J, grad] results', () => {
  const theta = Float64Array.from([0.3, -1.2]);
  const copy = theta.slice();
  const g = computeNumericalGradient((t) => [t[0] ** 2 + 3 * t[1], new Float64Array(2)] as const, theta);
  assert.deepEqual(theta, copy);
  assert.ok(Math.abs(g[0] - 0.6) < 1e-9 && Math.abs(g[1] - 3) < 1e-9);
});

test('data that does not fit the network is refused with both sizes named', () => {
  const sizes = [400, 25, 10];
  const params = new Float64Array(paramCount(sizes));
  assert.throws(() => costFunction(sizes, params, new Matrix(3, 784), [1, 2, 3], 0), /784 columns but the network expects 400 inputs/);
  assert.throws(() => costFunction(sizes, params, new Matrix(3, 400), [1, 2], 0), /3 examples but there are 2 labels/);
  assert.throws(() => costFunction(sizes, new Float64Array(5), new Matrix(3, 400), [1, 2, 3], 0), ShapeError);
});

test('parameters unroll row-major (as NumPy’s ravel) or column-major (as Octave’s Theta(:)) and roll back', () => {
  const sizes = [2, 2, 3];
  assert.deepEqual(thetaShapes(sizes), [
    [2, 3],
    [3, 3],
  ]);
  const T1 = Matrix.fromRows([
    [1, 2, 3],
    [4, 5, 6],
  ]);
  const T2 = Matrix.fromRows([
    [7, 8, 9],
    [10, 11, 12],
    [13, 14, 15],
  ]);
  assert.deepEqual(Array.from(unrollParams([T1, T2])), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
  const colMajor = unrollParams([T1, T2], 'column-major');
  assert.deepEqual(Array.from(colMajor), [1, 4, 2, 5, 3, 6, 7, 10, 13, 8, 11, 14, 9, 12, 15]);
  assert.deepEqual(rollParams(colMajor, sizes, 'column-major')[1].toRows(), T2.toRows());
  const v = unrollParams([T1, T2]);
  rollParams(v, sizes)[0].set(0, 0, 99); // row-major rolls are views
  assert.equal(v[0], 99);
  assert.throws(() => thetaShapes([3]), ValueError);
  assert.throws(() => thetaShapes([3, 0, 2]), ValueError);
});

test('randInitializeWeights draws NumPy’s np.random.seed(s); rand(L_out, 1+L_in)·2ε - ε', () => {
  // np.random.seed(3); np.random.rand(2, 3) * 2 * 0.12 - 0.12
  const W = randInitializeWeights(2, 2, { rng: 3 });
  const expected = [0.0121915, 0.04995548, -0.05018286, 0.00259863, 0.09430727, 0.09511034];
  W.data.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 5e-9, `${v} vs ${expected[i]}`));
  // np.random.seed(0); W = np.random.rand(25, 401) * 0.24 - 0.12: W[0,0], W[24,400]
  const big = randInitializeWeights(400, 25, { rng: 0 });
  assert.equal(big.get(0, 0), 0.011715240942557936);
  assert.equal(big.get(24, 400), 5.734340221313916e-5);
});

test('initial weights lie in [-ε, ε], with ε = √6/√(L_in + L_out) on request, and a seed repeats them bit for bit', () => {
  const W = randInitializeWeights(400, 25, { rng: 11, epsilon: 'sqrt6' });
  const eps = Math.sqrt(6) / Math.sqrt(425);
  assert.ok(W.data.every((v) => v >= -eps && v <= eps));
  assert.ok(Math.max(...W.data) > 0.9 * eps);
  const a = randInitializeNetwork([400, 25, 10], { rng: 5 });
  const b = randInitializeNetwork([400, 25, 10], { rng: 5 });
  assert.deepEqual(unrollParams(a), unrollParams(b));
  assert.notDeepEqual(unrollParams(a), unrollParams(randInitializeNetwork([400, 25, 10], { rng: 6 })));
  assert.throws(() => randInitializeWeights(2, 2, { epsilon: -1 }), ValueError);
});
