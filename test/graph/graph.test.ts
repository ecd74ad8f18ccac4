/**
 * Scalar backpropagation on computational graphs: the lecture's and exercises' worked examples to their printed
 * digits, every operation against a numerical derivative, a million-node chain, the expression language, and the
 * bridge to the matrix backpropagation of nnCostFunction.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { Value } from '../../src/graph/value.js';
import { ParseError, parseAssignments, parseGraph } from '../../src/graph/parse.js';
import { GRAPH_EXAMPLES, graphExample } from '../../src/graph/examples.js';
import { scalarNetworkCost } from '../../src/graph/network.js';
import { nnCostFunction } from '../../src/nn/cost.js';
import { debugInitializeWeights } from '../../src/nn/init.js';
import { unrollParams } from '../../src/nn/params.js';
import { Random } from '../../src/random.js';
import { Matrix } from '../../src/linalg/matrix.js';
import { ShapeError, ValueError } from '../../src/errors.js';
import { OptionError } from '../../src/nn/train-options.js';
import { runCli } from '../helpers.js';

function run(name: string) {
  const ex = graphExample(name);
  assert.ok(ex);
  const g = parseGraph(ex.expression, parseAssignments(ex.values));
  const order = g.root.backward();
  const grad = (n: string) => (g.inputs.get(n) as Value).grad;
  return { g, order, grad };
}
const six = (x: number) => x.toFixed(6);

test('relu-node (exercise 1): f = 2.5, ∂f/∂x0 = 0.5, ∂f/∂w0 = 1, ∂f/∂x1 = 1, ∂f/∂w1 = 2', () => {
  const { g, grad } = run('relu-node');
  assert.equal(g.root.data, 2.5);
  assert.deepEqual(['x0', 'w0', 'x1', 'w1'].map(grad), [0.5, 1, 1, 2]);
});

test('sigmoid-neuron: 0.731059, ∂f/∂w = [-0.196612, -0.393224, 0.196612], ∂f/∂x = [0.393224, -0.589836]', () => {
  const { g, grad } = run('sigmoid-neuron');
  assert.equal(six(g.root.data), '0.731059');
  assert.deepEqual(['w0', 'w1', 'w2'].map((n) => six(grad(n))), ['-0.196612', '-0.393224', '0.196612']);
  assert.deepEqual(['x0', 'x1'].map((n) => six(grad(n))), ['0.393224', '-0.589836']);
});

test('sigmoid-staged shows the slide’s intermediate numbers 1.37, -0.53, -0.20, 0.20, 0.39, -0.59', () => {
  const { g, order, grad } = run('sigmoid-staged');
  const two = (x: number) => x.toFixed(2);
  const byOp = (op: string) => order.filter((v) => v.op === op);
  assert.equal(two(byOp('recip')[0].a!.data), '1.37'); // the input of 1/x
  assert.equal(two(byOp('recip')[0].a!.grad), '-0.53'); // -1/1.37² · 1
  assert.equal(two(byOp('exp')[0].grad), '-0.53'); // through +1
  assert.equal(two(byOp('neg')[0].grad), '-0.20'); // e^-1 · -0.53
  assert.equal(two(byOp('neg')[0].a!.grad), '0.20'); // (-1) · -0.20
  assert.equal(two(grad('x0')), '0.39');
  assert.equal(two(grad('x1')), '-0.59');
  assert.equal(six(g.root.data), '0.731059');
});

test('tricky: f = 1.545645, ∂f/∂x = 2.059570, ∂f/∂y = 1.592233, staged (1)-(8) with x used three times', () => {
  const { g, grad } = run('tricky');
  assert.equal(six(g.root.data), '1.545645');
  assert.equal(six(grad('x')), '2.059570');
  assert.equal(six(grad('y')), '1.592233');
  assert.deepEqual([...g.staged.keys()], ['sigy', 'num', 'sigx', 'xpy', 'xpysqr', 'den', 'invden', 'f']);
});

test('gradients accumulate where a value is used twice (dx +=)', () => {
  const x = Value.input(3, 'x');
  x.mul(x).backward();
  assert.equal(x.grad, 6);
  x.add(x).add(x).backward();
  assert.equal(x.grad, 3, 'backward starts from zero gradients every time');
});

test('a 1,000,000-node chain runs forward and backward without a stack overflow', () => {
  const x = Value.input(0.5, 'x');
  let v = x;
  for (let i = 0; i < 1_000_000; i++) v = v.add(1);
  const order = v.backward();
  assert.equal(order.length, 2_000_001); // x, and each step's constant and sum
  assert.equal(x.grad, 1);
  assert.equal(v.data, 1_000_000.5);
});

test('every operation’s backward matches a numerical derivative', () => {
  const unary: [string, (v: Value) => Value, (x: number) => boolean][] = [
    ['neg', (v) => v.neg(), () => true],
    ['exp', (v) => v.exp(), () => true],
    ['log', (v) => v.log(), (x) => x > 0.1],
    ['recip', (v) => v.recip(), (x) => Math.abs(x) > 0.1],
    ['sigmoid', (v) => v.sigmoid(), () => true],
    ['tanh', (v) => v.tanh(), () => true],
    ['relu', (v) => v.relu(), (x) => Math.abs(x) > 1e-3],
    ['pow 3', (v) => v.pow(3), () => true],
    ['pow -2', (v) => v.pow(-2), (x) => Math.abs(x) > 0.1],
  ];
  const binary: [string, (a: Value, b: Value) => Value, (a: number, b: number) => boolean][] = [
    ['add', (a, b) => a.add(b), () => true],
    ['sub', (a, b) => a.sub(b), () => true],
    ['mul', (a, b) => a.mul(b), () => true],
    ['div', (a, b) => a.div(b), (_, b) => Math.abs(b) > 0.1],
    ['max', (a, b) => a.max(b), (a, b) => Math.abs(a - b) > 1e-3],
  ];
  const h = 1e-6;
  const close = (g: number, n: number, what: string) => assert.ok(Math.abs(g - n) <= 1e-5 * Math.max(1, Math.abs(n)), `${what}: ${g} vs ${n}`);
  fc.assert(
    fc.property(fc.double({ min: -3, max: 3, noNaN: true }), fc.double({ min: -3, max: 3, noNaN: true }), (p, q) => {
      for (const [name, f, ok] of unary) {
        if (!ok(p)) continue;
        const x = Value.input(p);
        f(x).backward();
        close(x.grad, (f(Value.input(p + h)).data - f(Value.input(p - h)).data) / (2 * h), `${name}(${p})`);
      }
      for (const [name, f, ok] of binary) {
        if (!ok(p, q)) continue;
        const a = Value.input(p);
        const b = Value.input(q);
        f(a, b).backward();
        close(a.grad, (f(Value.input(p + h), Value.input(q)).data - f(Value.input(p - h), Value.input(q)).data) / (2 * h), `${name} ∂a`);
        close(b.grad, (f(Value.input(p), Value.input(q + h)).data - f(Value.input(p), Value.input(q - h)).data) / (2 * h), `${name} ∂b`);
      }
    }),
    { numRuns: 300 },
  );
});

test('the expression language: precedence, right-associative powers, unary minus, functions', () => {
  const val = (src: string, set = '') => parseGraph(src, parseAssignments(set)).root.data;
  assert.equal(val('2 + 3 * 4'), 14);
  assert.equal(val('(2 + 3) * 4'), 20);
  assert.equal(val('2 ^ 3 ^ 2'), 512);
  assert.equal(val('2 ** 3'), 8);
  assert.equal(val('-2 ^ 2'), -4);
  assert.equal(val('10 - 4 - 3'), 3);
  assert.equal(val('12 / 3 / 2'), 2);
  assert.equal(val('max(a, b) + relu(-a)', 'a=-2,b=1'), 3);
  assert.equal(val('exp(log(x))', 'x=5'), 5);
  const g = parseGraph('x * x + y', parseAssignments('x=3,y=1'));
  assert.equal(g.inputs.size, 2, 'x is one node, used twice');
});

test('parse errors point at the column', () => {
  const err = (src: string, set = 'x=1') => {
    try {
      parseGraph(src, parseAssignments(set));
    } catch (e) {
      assert.ok(e instanceof ParseError, String(e));
      return e.message;
    }
    assert.fail(`no error for ${src}`);
  };
  assert.match(err('relu(x * 2'), /^column 11: expected "\)" at the end/);
  assert.match(err('x + * 2'), /^column 5: expected a number, a name or "\("/);
  assert.match(err('sqrt(x)'), /^column 1: unknown function "sqrt"/);
  assert.match(err('x + z'), /^column 5: "z" has no value \(give it with --set z=…\)/);
  assert.match(err('x ^ x'), /^column 3: the exponent must be a number/);
  assert.match(err('x # 2'), /^column 3: unexpected character "#"/);
  assert.match(err('max(x)'), /max takes 2 arguments, got 1/);
  assert.deepEqual([...parseAssignments('w=[2,-3,-3],x0=1.5')], [['w0', 2], ['w1', -3], ['w2', -3], ['x0', 1.5]]);
  assert.throws(() => parseAssignments('x=abc'), /--set: x: "abc" is not a number/);
});

test('the course’s cost built from scalars gives nnCostFunction’s cost and gradient (the 3-5-3 debug network)', () => {
  const thetas = [debugInitializeWeights(5, 3), debugInitializeWeights(3, 5)];
  const X = debugInitializeWeights(5, 2);
  const targets = Int32Array.from({ length: 5 }, (_, i) => (i + 1) % 3);
  const params = unrollParams(thetas);
  for (const lambda of [0, 3]) {
    const net = scalarNetworkCost([3, 5, 3], params, X, targets, lambda);
    net.cost.backward();
    const [J, grad] = nnCostFunction(params, 3, 5, 3, X, Array.from(targets, (t) => t + 1), lambda);
    assert.ok(Math.abs(net.cost.data - J) <= 1e-14, `λ=${lambda}: ${net.cost.data} vs ${J}`);
    net.weights.forEach((w, i) => assert.ok(Math.abs(w.grad - grad[i]) <= 1e-14, `weight ${i}`));
  }
  // and a deeper random net
  const rng = new Random(3);
  const sizes = [4, 3, 2, 3];
  const p = new Float64Array(3 * 5 + 2 * 4 + 3 * 3).map(() => rng.random() - 0.5);
  const Xr = rng.rand(6, 4);
  const t = Int32Array.from({ length: 6 }, (_, i) => i % 3);
  const net = scalarNetworkCost(sizes, p, Xr, t, 1);
  net.cost.backward();
  const [J, grad] = nnCostFunction(p, 4, [3, 2], 3, Xr, Array.from(t, (x) => x + 1), 1);
  assert.ok(Math.abs(net.cost.data - J) <= 1e-13);
  net.weights.forEach((w, i) => assert.ok(Math.abs(w.grad - grad[i]) <= 1e-13));
});

test('the scalar cost takes zero-based targets, one per row of X, and refuses any other shape, target or λ', () => {
  const sizes = [3, 5, 3];
  const params = unrollParams([debugInitializeWeights(5, 3), debugInitializeWeights(3, 5)]);
  const X = debugInitializeWeights(5, 2);
  const targets = [1, 2, 0, 1, 2];
  const shape = (what: RegExp) => (err: unknown) => err instanceof ShapeError && what.test(err.message);
  const value = (what: RegExp) => (err: unknown) => err instanceof ValueError && what.test(err.message);
  assert.throws(() => scalarNetworkCost(sizes, params, X, [1], 0), shape(/5 examples but there are 1 labels/));
  assert.throws(() => scalarNetworkCost(sizes, params, debugInitializeWeights(5, 3), targets, 0), shape(/4 columns but the network expects 3 inputs/));
  assert.throws(() => scalarNetworkCost(sizes, params, debugInitializeWeights(5, 1), targets, 0), shape(/2 columns but the network expects 3 inputs/));
  assert.throws(() => scalarNetworkCost(sizes, params.subarray(1), X, targets, 0), shape(/need 38 parameters/));
  // the course's labels 1..3 are not targets: 3 is past the last output unit
  assert.throws(() => scalarNetworkCost(sizes, params, X, [2, 3, 1, 2, 3], 0), value(/^label 2 is 3, but zero-based labels for 3 classes are integers 0\.\.2$/));
  assert.throws(() => scalarNetworkCost(sizes, params, X, [1, 2, -1, 1, 2], 0), value(/^label 3 is -1/));
  assert.throws(() => scalarNetworkCost(sizes, params, X, [1, 2, 0.5, 1, 2], 0), value(/^label 3 is 0\.5/));
  assert.throws(() => scalarNetworkCost(sizes, params, new Matrix(0, 3), [], 0), value(/^no examples/));
  const bad = X.clone();
  bad.set(4, 2, NaN);
  assert.throws(() => scalarNetworkCost(sizes, params, bad, targets, 0), value(/^X has the value NaN at row 5, column 3/));
  assert.throws(() => scalarNetworkCost(sizes, params, X, targets, -1), (err: unknown) => err instanceof OptionError && err.message === 'lambda: must be at least 0, got -1');
  // the zero-based targets give the course's cost of labels one more
  const [J] = nnCostFunction(params, 3, 5, 3, X, targets.map((t) => t + 1), 0);
  assert.ok(Math.abs(scalarNetworkCost(sizes, params, X, targets, 0).cost.data - J) <= 1e-14);
});

test('nnlearn graph prints values and gradients, --json has every node, --out draws SVG and DOT', async () => {
  const j = await runCli(['graph', '--example', 'tricky', '--json']);
  assert.equal(j.code, 0, j.stderr);
  const s = JSON.parse(j.stdout) as { value: number; gradients: Record<string, number>; nodes: { op: string; value: number; grad: number; name?: string }[] };
  assert.equal(six(s.value), '1.545645');
  assert.equal(six(s.gradients.x), '2.059570');
  assert.ok(s.nodes.some((n) => n.name === 'invden' && n.op === 'recip'));
  const r = await runCli(['graph', 'relu(w0*x0 + w1*x1)', '--set', 'x0=1,w0=0.5,x1=2,w1=1']);
  assert.match(r.stdout, /f = 2\.500000/);
  assert.match(r.stdout, /∂f\/∂w1 = 2\.000000/);
  const dir = mkdtempSync(join(tmpdir(), 'nnlearn-graph-'));
  for (const ex of GRAPH_EXAMPLES) {
    const svg = join(dir, `${ex.name}.svg`);
    assert.equal((await runCli(['graph', '--example', ex.name, '--out', svg])).code, 0);
    const text = readFileSync(svg, 'utf8');
    assert.match(text, /^<svg/);
    assert.match(text, /gradient \(backward\)/);
  }
  assert.match(readFileSync(join(dir, 'sigmoid-staged.svg'), 'utf8'), />1\.37</);
  assert.match(readFileSync(join(dir, 'sigmoid-staged.svg'), 'utf8'), />-0\.53</);
  const dot = join(dir, 'g.dot');
  assert.equal((await runCli(['graph', '--example', 'relu-node', '--out', dot])).code, 0);
  assert.match(readFileSync(dot, 'utf8'), /^digraph G \{/);
  const bad = await runCli(['graph', 'relu(x', '--set', 'x=1']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /column 7: expected "\)"/);
  const net = await runCli(['graph', '--example', 'debug-network', '--json']);
  const n = JSON.parse(net.stdout) as { maxGradientDifference: number; scalarCost: number; matrixCost: number };
  assert.ok(n.maxGradientDifference < 1e-14);
  assert.ok(Math.abs(n.scalarCost - n.matrixCost) < 1e-14);
});
