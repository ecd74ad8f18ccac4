import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fmincg, formatIteration } from '../../src/optim/fmincg.js';
import { gradientDescent } from '../../src/optim/gradient-descent.js';
import type { Objective } from '../../src/optim/types.js';
import { ValueError } from '../../src/errors.js';

// f(x) = Σ c_i (x_i - i)², minimum 0 at x_i = i
const quadratic: Objective = (x) => {
  const grad = new Float64Array(x.length);
  let cost = 0;
  for (let i = 0; i < x.length; i++) {
    const c = i + 1;
    cost += c * (x[i] - i) ** 2;
    grad[i] = 2 * c * (x[i] - i);
  }
  return { cost, grad };
};

// Rosenbrock's function, minimum 0 at (1, 1)
const rosenbrock: Objective = (x) => {
  const [a, b] = x;
  return {
    cost: (1 - a) ** 2 + 100 * (b - a * a) ** 2,
    grad: Float64Array.from([-2 * (1 - a) - 400 * a * (b - a * a), 200 * (b - a * a)]),
  };
};

test('fmincg finds the minimum of a quadratic', () => {
  const r = fmincg(quadratic, new Float64Array(5), { maxIter: 50 });
  r.theta.forEach((v, i) => assert.ok(Math.abs(v - i) < 1e-8, `x${i} = ${v}`));
  assert.ok(r.cost < 1e-14);
});

test('fmincg finds the minimum of Rosenbrock’s function from (-1.2, 1)', () => {
  const r = fmincg(rosenbrock, Float64Array.from([-1.2, 1]), { maxIter: 200 });
  assert.ok(Math.abs(r.theta[0] - 1) < 1e-6 && Math.abs(r.theta[1] - 1) < 1e-6, `${r.theta}`);
});

test('fmincg counts line searches against maxIter and records one cost per successful one', () => {
  const seen: number[] = [];
  const r = fmincg(rosenbrock, Float64Array.from([-1.2, 1]), { maxIter: 7, onIteration: (i) => void seen.push(i.iteration) });
  assert.equal(r.iterations, 7);
  assert.equal(r.costHistory.length, seen.length);
  assert.ok(r.costHistory.every((c, i) => i === 0 || c <= r.costHistory[i - 1]));
  assert.ok(r.evaluations >= 8);
});

test('fmincg does not touch the starting point and stops when the callback says so', () => {
  const x0 = Float64Array.from([-1.2, 1]);
  const r = fmincg(rosenbrock, x0, { maxIter: 100, onIteration: (i) => i.iteration < 3 });
  assert.deepEqual(Array.from(x0), [-1.2, 1]);
  assert.equal(r.stopReason, 'stopped');
  assert.equal(r.costHistory.length, 3);
});

test('fmincg’s progress line is the course’s "Iteration %4i | Cost: %4.6e"', () => {
  assert.equal(formatIteration(1, 3.2876543), 'Iteration    1 | Cost: 3.287654e+00');
  assert.equal(formatIteration(50, 0.000123), 'Iteration   50 | Cost: 1.230000e-04');
});

test('gradient descent converges on a quadratic at a stable rate and records every cost', () => {
  const r = gradientDescent(quadratic, new Float64Array(3), { learningRate: 0.1, maxIter: 500 });
  r.theta.forEach((v, i) => assert.ok(Math.abs(v - i) < 1e-8));
  assert.equal(r.costHistory.length, 500);
  assert.throws(() => gradientDescent(quadratic, new Float64Array(3), { learningRate: 0 }), ValueError);
});
