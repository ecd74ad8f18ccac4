/**
 * The step-by-step trace of backpropagation on one example: every matrix has the shape the documents give, and
 * its gradient D equals the vectorized cost function's (nnCostFunction's) for that one example to 1e-12, for the
 * course's network and for deeper ones, other activations and the softmax output.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backpropTrace } from '../../src/nn/backprop-trace.js';
import { costFunction, nnCostFunction } from '../../src/nn/cost.js';
import { backpropLoop } from '../../src/nn/backprop-loop.js';
import { Matrix } from '../../src/linalg/matrix.js';
import { Random } from '../../src/random.js';
import { paramCount, unrollParams } from '../../src/nn/params.js';
import { readMatFile } from '../../src/data/files.js';
import { ACTIVATIONS, OUTPUTS } from '../../src/nn/activations.js';
import { shared } from '../helpers.js';

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < b.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

function randomProblem(sizes: number[], seed: number) {
  const rng = new Random(seed);
  const params = new Float64Array(paramCount(sizes)).map(() => (rng.random() - 0.5) * 1.5);
  const x = Float64Array.from({ length: sizes[0] }, () => rng.random());
  return { params, x };
}

test('a 3-layer sigmoid network: the steps, their shapes and formulas, as ex4 2.3 lists them', () => {
  const sizes = [6, 4, 3];
  const { params, x } = randomProblem(sizes, 1);
  const t = backpropTrace(sizes, params, x, 2);
  const shapes = t.steps.map((s) => `${s.step} ${s.name} ${s.value.rows}×${s.value.cols}`);
  assert.deepEqual(shapes, ['1 a(1) 7×1', '1 z(2) 4×1', '1 a(2) 5×1', '1 z(3) 3×1', '1 h 3×1', '2 y 3×1', '2 δ(3) 3×1', '3 δ(2) 4×1', '4 Δ(1) 4×7', '4 Δ(2) 3×5', '5 D(1) 4×7', '5 D(2) 3×5']);
  assert.match(t.steps.find((s) => s.name === 'δ(2)')!.formula, /Θ\(2\)ᵀ·δ\(3\)/);
  assert.equal(t.steps[0].value.data[0], 1, 'the bias unit');
  assert.deepEqual(Array.from(t.steps.find((s) => s.name === 'y')!.value.data), [0, 0, 1]);
});

test('D equals nnCostFunction’s gradient for that one example (course labels 1..K) to 1e-12, with and without λ', () => {
  const sizes = [20, 7, 5];
  const { params, x } = randomProblem(sizes, 2);
  for (const lambda of [0, 1, 3]) {
    for (const target of [0, 4]) {
      const t = backpropTrace(sizes, params, x, target, { lambda });
      const [J, grad] = nnCostFunction(params, 20, 7, 5, new Matrix(1, 20, x), [target + 1], lambda);
      assert.ok(maxDiff(t.grad, grad) <= 1e-12, `λ ${lambda}: ${maxDiff(t.grad, grad)}`);
      assert.ok(Math.abs(t.cost - J) <= 1e-12, `cost ${t.cost} vs ${J}`);
      // and the per-example loop of ex4 2.3
      const loop = backpropLoop(sizes, params, new Matrix(1, 20, x), [target], lambda);
      assert.ok(maxDiff(t.grad, loop.grad) <= 1e-12);
    }
  }
});

test('any depth, activation and output: D equals the vectorized gradient to 1e-12', () => {
  for (const sizes of [[9, 5, 4], [9, 6, 5, 4], [9, 6, 5, 4, 3]]) {
    for (const activation of ACTIVATIONS) {
      for (const output of OUTPUTS) {
        const { params, x } = randomProblem(sizes, sizes.length * 7 + activation.length);
        const target = sizes[sizes.length - 1] - 1;
        const t = backpropTrace(sizes, params, x, target, { lambda: 0.5, architecture: { activation, output } });
        const ref = costFunction(sizes, params, new Matrix(1, sizes[0], x), [target], 0.5, { architecture: { activation, output } });
        const what = `${sizes.join('-')} ${activation}/${output}`;
        assert.ok(maxDiff(t.grad, ref.grad) <= 1e-12, `${what}: ${maxDiff(t.grad, ref.grad)}`);
        assert.ok(Math.abs(t.cost - ref.cost) <= 1e-12, `${what}: cost ${t.cost} vs ${ref.cost}`);
        // one δ per hidden layer, one Δ and one D per Θ
        assert.equal(t.steps.filter((s) => s.step === 3).length, sizes.length - 2);
        assert.equal(t.steps.filter((s) => s.step === 4).length, sizes.length - 1);
      }
    }
  }
});

test('bad input is refused with the sizes named', () => {
  assert.throws(() => backpropTrace([3, 2, 2], new Float64Array(paramCount([3, 2, 2])), [1, 2], 0), /2 values but the network has 3 inputs/);
  assert.throws(() => backpropTrace([3, 2, 2], new Float64Array(paramCount([3, 2, 2])), [1, 2, 3], 2), /class 2 is not one of the 2 output units/);
  assert.throws(() => backpropTrace([3, 2, 2], new Float64Array(5), [1, 2, 3], 0), /need 14 parameters/);
});

const weights = shared('ex4weights.mat');
const data = shared('ex4data1_reconstructed.mat');

test('the course’s weights on its first digit: D = nnCostFunction’s gradient on that row to 1e-12', { skip: weights.skip || data.skip }, () => {
  const w = readMatFile(weights.path);
  const d = readMatFile(data.path);
  const params = unrollParams([w.matrix('Theta1'), w.matrix('Theta2')]);
  const X = d.matrix('X');
  const y = d.matrix('y').data;
  for (const row of [0, 2500, 4999]) {
    const t = backpropTrace([400, 25, 10], params, X.row(row), y[row] - 1, { lambda: 1 });
    const [J, grad] = nnCostFunction(params, 400, 25, 10, new Matrix(1, 400, X.row(row)), [y[row]], 1);
    assert.ok(maxDiff(t.grad, grad) <= 1e-12, `row ${row}: ${maxDiff(t.grad, grad)}`);
    assert.ok(Math.abs(t.cost - J) <= 1e-12);
  }
});
