import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fmincg, fmincgIterations, formatIteration } from '../../src/optim/fmincg.js';
import { gradientDescent, gradientDescentIterations } from '../../src/optim/gradient-descent.js';
import { lbfgsIterations } from '../../src/optim/lbfgs.js';
import { momentumIterations } from '../../src/optim/momentum.js';
import { adamIterations } from '../../src/optim/adam.js';
import { runToEnd, type Iterations, type Objective, type OptimizeOptions } from '../../src/optim/types.js';
import { ValueError } from '../../src/errors.js';
import { optimizerEntry } from '../../src/optim/registry.js';
import { Random } from '../../src/random.js';

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

// ---- L-BFGS, momentum, Adam, and mini-batches

import { lbfgs } from '../../src/optim/lbfgs.js';
import { momentum } from '../../src/optim/momentum.js';
import { adam } from '../../src/optim/adam.js';

test('L-BFGS finds the minimum of a quadratic in a few line searches', () => {
  const r = lbfgs(quadratic, new Float64Array(5), { maxIter: 50 });
  r.theta.forEach((v, i) => assert.ok(Math.abs(v - i) < 1e-8, `x${i} = ${v}`));
  assert.ok(r.iterations <= 15, String(r.iterations));
});

test('L-BFGS finds the minimum of Rosenbrock’s function from (-1.2, 1), every step decreasing the cost', () => {
  const r = lbfgs(rosenbrock, Float64Array.from([-1.2, 1]), { maxIter: 200 });
  assert.ok(Math.abs(r.theta[0] - 1) < 1e-6 && Math.abs(r.theta[1] - 1) < 1e-6, `${r.theta}`);
  assert.ok(r.costHistory.every((c, i) => i === 0 || c <= r.costHistory[i - 1]));
  assert.ok(r.stopReason === 'converged' || r.stopReason === 'max-iter' || r.stopReason === 'line-search-failed');
});

test('L-BFGS’s steps satisfy the strong Wolfe conditions', () => {
  // record (cost, slope along the step) at each accepted point through the callback and the objective
  let last: { x: Float64Array; cost: number; grad: Float64Array } | undefined;
  const seen: { x: Float64Array; cost: number; grad: Float64Array }[] = [];
  const f: Objective = (x) => {
    const r = rosenbrock(x);
    last = { x: Float64Array.from(x), cost: r.cost, grad: Float64Array.from(r.grad) };
    return r;
  };
  const start = rosenbrock(Float64Array.from([-1.2, 1]));
  seen.push({ x: Float64Array.from([-1.2, 1]), cost: start.cost, grad: Float64Array.from(start.grad) });
  lbfgs(f, Float64Array.from([-1.2, 1]), { maxIter: 20, onIteration: () => void seen.push(last as NonNullable<typeof last>) });
  for (let k = 1; k < seen.length; k++) {
    const a = seen[k - 1];
    const b = seen[k];
    const s = [b.x[0] - a.x[0], b.x[1] - a.x[1]];
    const slope0 = a.grad[0] * s[0] + a.grad[1] * s[1];
    const slope1 = b.grad[0] * s[0] + b.grad[1] * s[1];
    assert.ok(b.cost <= a.cost + 1e-4 * slope0 + 1e-12, `sufficient decrease at step ${k}`);
    assert.ok(Math.abs(slope1) <= 0.9 * Math.abs(slope0) + 1e-12, `curvature at step ${k}`);
  }
});

test('momentum and Adam find the minimum of a quadratic', () => {
  const rm = momentum(quadratic, new Float64Array(4), { learningRate: 0.02, momentum: 0.9, maxIter: 1500 });
  rm.theta.forEach((v, i) => assert.ok(Math.abs(v - i) < 1e-6, `momentum x${i} = ${v}`));
  const ra = adam(quadratic, new Float64Array(4), { learningRate: 0.05, maxIter: 4000 });
  ra.theta.forEach((v, i) => assert.ok(Math.abs(v - i) < 1e-4, `adam x${i} = ${v}`));
  assert.throws(() => momentum(quadratic, new Float64Array(2), { momentum: 1 }), /momentum must be in \[0, 1\)/);
  assert.throws(() => adam(quadratic, new Float64Array(2), { beta1: 1 }), /beta1 and beta2/);
});

test('gd, momentum and Adam called directly take the optimizer table’s steps (the CLI’s and Network’s)', () => {
  const run = { gd: gradientDescent, momentum, adam } as const;
  for (const name of ['gd', 'momentum', 'adam'] as const) {
    const { learningRate, momentum: mu } = optimizerEntry(name).defaults;
    const given = run[name](quadratic, new Float64Array(3), { maxIter: 3, learningRate, ...(mu === undefined ? {} : { momentum: mu }) });
    const defaulted = run[name](quadratic, new Float64Array(3), { maxIter: 3 });
    assert.deepEqual(defaulted.theta, given.theta, name);
  }
});

test('mini-batches in a seeded order reach the exact least-squares solution, and the same seed repeats the run', () => {
  // y = X·θ* exactly: the mean squared error over any batch is 0 at θ* = (1, -2, 0.5)
  const rng = new Random(5);
  const m = 64;
  const X = rng.rand(m, 3);
  const target = [1, -2, 0.5];
  const y = Array.from({ length: m }, (_, i) => target.reduce((s, t, j) => s + t * X.get(i, j), 0));
  const f: Objective = (theta, batch) => {
    const rows = batch ?? Int32Array.from({ length: m }, (_, i) => i);
    const grad = new Float64Array(3);
    let cost = 0;
    for (const i of rows) {
      const r = X.get(i, 0) * theta[0] + X.get(i, 1) * theta[1] + X.get(i, 2) * theta[2] - y[i];
      cost += r * r;
      for (let j = 0; j < 3; j++) grad[j] += (2 * r * X.get(i, j)) / rows.length;
    }
    return { cost: cost / rows.length, grad };
  };
  for (const run of [
    (s: number) => gradientDescent(f, new Float64Array(3), { learningRate: 0.3, maxIter: 400, batchSize: 8, examples: m, seed: s }),
    (s: number) => momentum(f, new Float64Array(3), { learningRate: 0.05, maxIter: 300, batchSize: 8, examples: m, seed: s }),
    (s: number) => adam(f, new Float64Array(3), { learningRate: 0.05, maxIter: 400, batchSize: 8, examples: m, seed: s }),
  ]) {
    const r = run(1);
    r.theta.forEach((v, j) => assert.ok(Math.abs(v - target[j]) < 1e-3, `θ${j} = ${v}`));
    assert.equal(r.costHistory.length, r.iterations, 'one full cost per epoch');
    assert.deepEqual(run(1).costHistory, r.costHistory, 'the same seed, the same run');
    assert.notEqual(run(2).costHistory[0], r.costHistory[0], 'another seed, another order');
  }
});

test('fmincg stopped by its callback returns its state, and resuming from it ends exactly where an unstopped run does', () => {
  const full = fmincg(rosenbrock, Float64Array.from([-1.2, 1]), { maxIter: 40 });
  const first = fmincg(rosenbrock, Float64Array.from([-1.2, 1]), { maxIter: 40, onIteration: (i) => i.iteration < 13 });
  assert.equal(first.stopReason, 'stopped');
  assert.ok(first.state);
  const rest = fmincg(rosenbrock, Float64Array.from([0, 0]), { maxIter: 40, resume: first.state });
  assert.deepEqual(Array.from(rest.theta), Array.from(full.theta));
  assert.deepEqual(rest.costHistory, full.costHistory);
  assert.equal(rest.evaluations, full.evaluations);
});

test('every optimizer stopped at any pause (an iteration, a mini-batch) resumes to the bit-identical end of an unstopped run', () => {
  // a least-squares problem with 40 examples, so that mini-batches of 6 leave a short last batch
  const rng = new Random(11);
  const m = 40;
  const X = rng.rand(m, 4);
  const y = Array.from({ length: m }, (_, i) => Math.sin(i) + X.get(i, 0));
  const f: Objective = (theta, batch) => {
    const rows = batch ?? Int32Array.from({ length: m }, (_, i) => i);
    const grad = new Float64Array(4);
    let cost = 0;
    for (const i of rows) {
      let r = -y[i];
      for (let j = 0; j < 4; j++) r += X.get(i, j) * theta[j];
      cost += r * r;
      for (let j = 0; j < 4; j++) grad[j] += (2 * r * X.get(i, j)) / rows.length;
    }
    return { cost: cost / rows.length, grad };
  };
  const x0 = Float64Array.from([0.3, -0.1, 0.2, 0.05]);
  const mini = { batchSize: 6, examples: m, seed: 3 };
  const runs: [string, (o: OptimizeOptions) => Iterations][] = [
    ['fmincg', (o) => fmincgIterations(f, x0, { maxIter: 12, ...o })],
    ['lbfgs', (o) => lbfgsIterations(f, x0, { maxIter: 12, memory: 3, ...o })],
    ['gd', (o) => gradientDescentIterations(f, x0, { learningRate: 0.2, maxIter: 15, ...o })],
    ['gd, mini-batches', (o) => gradientDescentIterations(f, x0, { learningRate: 0.2, maxIter: 4, ...mini, ...o })],
    ['momentum', (o) => momentumIterations(f, x0, { learningRate: 0.05, maxIter: 15, ...o })],
    ['momentum, mini-batches', (o) => momentumIterations(f, x0, { learningRate: 0.05, maxIter: 4, ...mini, ...o })],
    ['adam', (o) => adamIterations(f, x0, { learningRate: 0.05, maxIter: 15, ...o })],
    ['adam, mini-batches', (o) => adamIterations(f, x0, { learningRate: 0.05, maxIter: 4, ...mini, ...o })],
  ];
  for (const [name, run] of runs) {
    const full = runToEnd(run({}));
    // count the pauses of an unstopped run, then stop at each of them in turn
    let pauses = 0;
    for (const steps = run({}); !steps.next().done; ) pauses++;
    assert.ok(pauses >= 4, `${name}: ${pauses} pauses`);
    for (let stopAt = 1; stopAt < pauses; stopAt++) {
      let polls = 0;
      const first = runToEnd(run({ stopRequested: () => ++polls === stopAt }));
      assert.equal(first.stopReason, 'stopped', `${name} at ${stopAt}`);
      assert.ok(first.state, `${name} at ${stopAt}: a state`);
      // the state alone says where to go on: x0 is ignored
      const { state } = first;
      state.x = Float64Array.from(state.x);
      const rest = runToEnd(run({ resume: state }));
      assert.deepEqual(Array.from(rest.theta), Array.from(full.theta), `${name} stopped at pause ${stopAt}`);
      assert.deepEqual(rest.costHistory, full.costHistory, `${name} stopped at pause ${stopAt}`);
      assert.equal(rest.evaluations, full.evaluations, `${name} stopped at pause ${stopAt}`);
    }
  }
});

test('a state that does not fit the problem is refused with what is wrong', () => {
  const first = runToEnd(adamIterations(quadratic, new Float64Array(3), { maxIter: 5, onIteration: (i) => i.iteration < 2 }));
  assert.ok(first.state);
  assert.throws(() => runToEnd(adamIterations(quadratic, new Float64Array(4), { resume: first.state })), /has 3 parameters, not 4/);
  const noMoment = { ...first.state, vectors: { m: first.state.vectors.m } };
  assert.throws(() => runToEnd(adamIterations(quadratic, new Float64Array(3), { resume: noMoment })), /no vector "v" of 3 numbers/);
});

test('Adam’s update in WebAssembly (the default) ends bit for bit where the plain loop does, on mini-batches too', () => {
  const rng = new Random(4);
  const A = rng.rand(40, 6);
  const b = rng.rand(40, 1).data;
  // least squares on rows: J = 1/(2|B|) Σ (a_i·x - b_i)²
  const f = (x: Float64Array, batch?: Int32Array) => {
    const rows = batch ?? Int32Array.from({ length: 40 }, (_, i) => i);
    const grad = new Float64Array(6);
    let cost = 0;
    for (const i of rows) {
      let r = -b[i];
      for (let j = 0; j < 6; j++) r += A.data[i * 6 + j] * x[j];
      cost += (r * r) / (2 * rows.length);
      for (let j = 0; j < 6; j++) grad[j] += (r * A.data[i * 6 + j]) / rows.length;
    }
    return { cost, grad };
  };
  for (const batchSize of [undefined, 7]) {
    const options = { maxIter: 30, learningRate: 0.05, batchSize, examples: 40, seed: 2 };
    const wasm = adam(f, new Float64Array(6), options);
    const plain = adam(f, new Float64Array(6), { ...options, plain: true });
    assert.deepEqual(Array.from(wasm.theta), Array.from(plain.theta), `batch ${batchSize}`);
    assert.deepEqual(wasm.costHistory, plain.costHistory);
  }
});
