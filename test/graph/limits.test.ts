/**
 * The graph off the beaten path: derivatives that are the values of their limits where a formula would give 0·∞
 * or ∞/∞, values and gradients that are not finite refused with a message naming the node, number literals that
 * are exactly the flags' decimals, and messages that stay one short line whatever the expression. Checked against
 * independent values (closed forms of the limits, central differences), never the code's own output.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { Value, topologicalOrder } from '../../src/graph/value.js';
import { NonFiniteError } from '../../src/graph/explain.js';
import { ParseError, parseAssignments, parseGraph } from '../../src/graph/parse.js';
import { parseDecimal } from '../../src/format.js';
import { ValueError } from '../../src/errors.js';
import { runCli } from '../helpers.js';

/** NNLEARN_FUZZ_SCALE=20 runs the properties twenty times as long (as test/hardening.test.ts does). */
const runs = (n: number) => ({ numRuns: Math.round(n * Number(process.env.NNLEARN_FUZZ_SCALE ?? 1)) });

/** The gradient of f at x (one input named x), from the graph. */
function gradAt(f: (x: Value) => Value, x: number): number {
  const v = Value.input(x, 'x');
  f(v).backward();
  return v.grad;
}

/** Relative closeness, with an absolute floor for values near 0. */
const near = (got: number, want: number, rel: number, what: string) =>
  assert.ok(Math.abs(got - want) <= rel * Math.max(Math.abs(want), Number.MIN_VALUE), `${what}: ${got}, want ${want}`);

/** The message of the error that `fn` throws, which must be a NonFiniteError. */
function nonFinite(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof NonFiniteError, `${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
    return e.message;
  }
  return assert.fail('no error');
}

/** The message of the error (of class `kind`) that parsing `src` with x = 1 throws, or undefined if it parses. */
function parseMessage(src: string, kind: abstract new (...args: never[]) => Error): string | undefined {
  try {
    parseGraph(src, parseAssignments('x=1'));
  } catch (e) {
    assert.ok(e instanceof kind, String(e));
    return e.message;
  }
  return undefined;
}

test('x^k at 0 has the derivative of its limit: 0 for k = 0 (not 0·0^-1 = NaN), 1 for k = 1, 0 for k > 1', () => {
  // one-sided difference quotients (x^k − 0^k)/h → the limit as h → 0+, for the fractional powers too
  const h = 1e-9;
  for (const [k, limit] of [
    [0, 0],
    [1, 1],
    [2, 0],
    [3, 0],
    [1.5, 0],
    [2.5, 0],
  ] as const) {
    assert.equal(gradAt((x) => x.pow(k), 0), limit, `x^${k} at 0`);
    assert.ok(Math.abs((h ** k - 0 ** k) / h - limit) < 1e-4, `x^${k}: the difference quotient tends to ${limit}`);
  }
  // x^0 is the constant 1 everywhere, so its derivative is 0 everywhere (at −3 too, where k·x^(k−1) is −0)
  for (const x of [-3, -0, 0.5, 1e300]) assert.equal(Math.abs(gradAt((v) => v.pow(0), x)), 0, `x^0 at ${x}`);
  // and the central difference of an even and an odd power at 0
  for (const k of [2, 3, 4]) near(gradAt((x) => x.pow(k), 0), (h ** k - (-h) ** k) / (2 * h), 1, `x^${k}`);
  // negative powers away from 0: k·x^(k−1)
  assert.equal(gradAt((x) => x.pow(-1), -2), -0.25);
  assert.equal(gradAt((x) => x.pow(-2), 0.5), -16);
});

test('where a slope is infinite there is no derivative: x^k, 0 < k < 1, at 0 is an error naming the node', () => {
  assert.match(nonFinite(() => gradAt((x) => x.pow(0.5), 0)), /^x\^0\.5 at x = 0 has no derivative \(its slope is infinite there\), so ∂f\/∂x is undefined$/);
  // also where the gradient reaching it is 0 (0·∞ has no value)
  assert.match(nonFinite(() => gradAt((x) => x.pow(1 / 3).mul(0), 0)), /slope is infinite/);
  assert.match(nonFinite(() => parseGraph('2 * x^(1/3)', parseAssignments('x=0')).root.backward()), /^column 5: x\^\(1\/3\) at x = 0 has no derivative/);
});

test('sigmoid and tanh keep their derivatives’ digits at large |x| and are 0, never NaN, where exp and cosh overflow', () => {
  // σ'(x) = e^−x / (1 + e^−x)², tanh'(x) = 4 / (e^x + e^−x)²: closed forms, not the gates' formulas
  const dsigmoid = (x: number) => Math.exp(-Math.abs(x)) / (1 + Math.exp(-Math.abs(x))) ** 2;
  const dtanh = (x: number) => 4 / (Math.exp(Math.abs(x)) + Math.exp(-Math.abs(x))) ** 2;
  for (const x of [-40, -20, -1, 0, 0.5, 20, 37, 40, 100]) {
    near(gradAt((v) => v.sigmoid(), x), dsigmoid(x), 1e-12, `σ'(${x})`);
    near(gradAt((v) => v.tanh(), x), dtanh(x), 1e-12, `tanh'(${x})`);
  }
  for (const x of [-1e300, -800, -710, 710, 800, 1e300]) {
    assert.equal(gradAt((v) => v.sigmoid(), x), 0, `σ'(${x})`);
    assert.equal(gradAt((v) => v.tanh(), x), 0, `tanh'(${x})`);
  }
});

test('log, 1/x and a/b near 0: the derivative while it is a number, an error naming the node where it overflows', () => {
  near(gradAt((x) => x.log(), 1e-300), 1e300, 1e-15, 'log at 1e-300');
  near(gradAt((x) => x.recip(), 1e-150), -1e300, 1e-15, '1/x at 1e-150');
  // ∂(a/b)/∂b = −a/b² where b² underflows to 0 (−a/0 would be −Infinity)
  const a = Value.input(1e-200, 'a');
  const b = Value.input(1e-200, 'b');
  a.div(b).backward();
  near(b.grad, -1e200, 1e-15, '∂(a/b)/∂b');
  near(a.grad, 1e200, 1e-15, '∂(a/b)/∂a');
  assert.match(nonFinite(() => gradAt((x) => x.log(), 1e-320)), /^∂f\/∂x overflows to Infinity through log\(x\) at x = 1e-320$/);
  assert.match(nonFinite(() => gradAt((x) => x.recip(), 1e-160)), /^∂f\/∂x overflows to -Infinity through 1\/x at x = 1e-160$/);
});

test('ReLU and max keep their documented conventions at the corner: ReLU’s derivative at 0 is 0, a tie goes to max’s first input', () => {
  assert.equal(gradAt((x) => x.relu(), 0), 0);
  assert.equal(gradAt((x) => x.relu(), -0), 0);
  assert.equal(gradAt((x) => x.relu(), 1e-300), 1);
  const a = Value.input(2, 'a');
  const b = Value.input(2, 'b');
  a.max(b).backward();
  assert.deepEqual([a.grad, b.grad], [1, 0]);
});

test('a value that is not finite is never made: the library names the node and says what happened', () => {
  const x = Value.input(0, 'x');
  assert.equal(nonFinite(() => x.log()), 'log(x) at x = 0 is -Infinity');
  assert.equal(nonFinite(() => Value.input(1, 'x').sub(1).log()), 'log(x - 1) at x - 1 = 0 is -Infinity');
  assert.equal(nonFinite(() => Value.input(-1, 'x').log()), 'log(x) at x = -1 is undefined (log needs a positive number)');
  assert.equal(nonFinite(() => x.recip()), '1/x at x = 0 is Infinity (division by 0)');
  assert.equal(nonFinite(() => x.div(x)), 'x/x at x = 0, x = 0 is undefined (0/0)');
  assert.equal(nonFinite(() => Value.const(1000).exp()), 'exp(1000) overflows to Infinity (numbers stop at 1.8e308)');
  assert.equal(nonFinite(() => x.pow(-1)), 'x^-1 at x = 0 is Infinity (0 to a negative power)');
  assert.equal(nonFinite(() => Value.const(-8).pow(1 / 3)), '(-8)^0.3333333333333333 is undefined (a negative number to a fractional power)');
  assert.equal(nonFinite(() => Value.input(1e200, 'u').mul(Value.input(1e200, 'v'))), 'u*v at u = 1e+200, v = 1e+200 overflows to Infinity (numbers stop at 1.8e308)');
  assert.equal(nonFinite(() => Value.input(Number.NaN, 'x')), 'input x is NaN: inputs must be finite numbers');
  assert.equal(nonFinite(() => Value.const(-Infinity)), 'the constant -Infinity is not a finite number');
  // a staged (labelled) node is named by its label; a deep graph is written out to a few levels
  const den = Value.input(1, 'x').sub(1);
  den.label = 'den';
  assert.equal(nonFinite(() => den.recip()), '1/den at den = 0 is Infinity (division by 0)');
  let deep = Value.input(0.5, 'w');
  for (let i = 0; i < 10; i++) deep = deep.mul(2).add(1);
  assert.match(nonFinite(() => deep.sub(deep).log()), /^log\(\(…\)\*2 \+ 1 - \(\(…\)\*2 \+ 1\)\) at .* is -Infinity$/);
});

test('the expression language names the node as written, with its column, or by its staged name', () => {
  const err = (src: string, set = 'x=0') => nonFinite(() => parseGraph(src, parseAssignments(set)).root.backward());
  assert.equal(err('1/0'), 'column 1: 1/0 is Infinity (division by 0)');
  assert.equal(err('2 + log(x)'), 'column 5: log(x) at x = 0 is -Infinity');
  assert.equal(err('exp(1000)'), 'column 1: exp(1000) overflows to Infinity (numbers stop at 1.8e308)');
  assert.equal(err('0^-1'), 'column 1: 0^-1 is Infinity (0 to a negative power)');
  assert.equal(err('(-8)^(1/3)'), 'column 1: (-8)^(1/3) is undefined (a negative number to a fractional power)');
  assert.equal(err('x + (x - 1)^0.5', 'x=0'), 'column 5: (x - 1)^0.5 at x - 1 = -1 is undefined (a negative number to a fractional power)');
  assert.equal(err('den = x*x; invden = 1/den; invden + 1'), 'column 21: invden = 1/den at den = 0 is Infinity (division by 0)');
  assert.equal(err('den = x*x; 3 / den'), 'column 12: 3 / den at den = 0 is Infinity (division by 0)');
  assert.equal(err('y = x\n   *\t1e300; y * 1e300 * 1e300', 'x=1'), 'column 19: y * 1e300 at y = 1e+300 overflows to Infinity (numbers stop at 1.8e308)');
  assert.equal(err('1e200 * x * 1e200'), 'column 1: ∂f/∂x overflows to Infinity through 1e200 * x at x = 0');
  // a sub-expression of any length is clipped in the middle
  const long = `log(${'x + '.repeat(1000)}x - 1001 * x)`;
  const m = err(long, 'x=1');
  assert.ok(m.length < 200, m);
  assert.match(m, /^column 1: log\(x \+ x .*….* - 1001 \* x\) at .* is -Infinity$/);
});

test('number literals are the flags’ decimals (parseDecimal): the same strings are numbers, with the same values', () => {
  // a literal alone (its sign is the unary minus); a name or a bad number is a ParseError at column 1
  const literal = fc.string({ unit: fc.constantFrom('0', '1', '7', '9', '.', 'e', 'E', 'x', '_', '-', '+'), minLength: 1, maxLength: 8 });
  fc.assert(
    fc.property(literal, (s) => {
      const want = /^[0-9.]/.test(s) ? parseDecimal(s) : NaN;
      let got: number;
      try {
        got = parseGraph(s, new Map()).root.data;
      } catch (e) {
        assert.ok(e instanceof ValueError, String(e));
        assert.ok(!Number.isFinite(want), `${s} is the number ${want}: ${(e as Error).message}`);
        return;
      }
      // what parsed is a number, or a sum or difference of them (1e+5 is a number, 1+5 a sum)
      if (!/[-+]/.test(s.replace(/e[-+]/gi, ''))) assert.equal(got, want, s);
    }),
    runs(2000),
  );
  const bad = (src: string) => parseMessage(src, ParseError) ?? assert.fail(`no error for ${src}`);
  assert.match(bad('x * 0x10'), /^column 5: "0x10" is not a number \(numbers are decimal and finite: 3, 0\.5, \.25, 1e-4\) in "x \* 0x10"$/);
  assert.match(bad('2x'), /^column 1: "2x" is not a number/);
  assert.match(bad('1.5.2'), /^column 1: "1\.5\.2" is not a number/);
  assert.match(bad('1e'), /^column 1: "1e" is not a number/);
  assert.match(bad('x + 1e400'), /^column 5: "1e400" is too large \(numbers stop at 1\.8e308\)/);
  for (const name of ['Infinity', 'inf', 'NaN', 'nan']) assert.match(bad(`2 * ${name}`), new RegExp(`^column 5: "${name}" is not a number here`));
  assert.equal(parseGraph('1e-4 + .25 + 3. + 2E+2', new Map()).root.data, 1e-4 + 0.25 + 3 + 200);
  // and 1e-400 is a number too small to be other than 0, as in parseDecimal
  assert.equal(parseGraph('1e-400', new Map()).root.data, 0);
});

test('--set values are decimals too, every name once', () => {
  fc.assert(
    fc.property(fc.string({ unit: fc.constantFrom('0', '1', '9', '.', 'e', 'x', '-', '+', ' ', 'I', 'n', 'f'), maxLength: 8 }), (s) => {
      const want = parseDecimal(s);
      try {
        assert.equal(parseAssignments(`x=${s}`).get('x'), want, s);
        assert.ok(Number.isFinite(want), s);
      } catch (e) {
        if (e instanceof assert.AssertionError) throw e;
        assert.ok(e instanceof ValueError && !Number.isFinite(want), `${s}: ${String(e)}`);
      }
    }),
    runs(2000),
  );
  assert.throws(() => parseAssignments('x=0x10'), /^ValueError: --set: x: "0x10" is not a number \(numbers are decimal/);
  assert.throws(() => parseAssignments('x=Infinity'), /"Infinity" is not a number/);
  assert.throws(() => parseAssignments('x=1e400'), /--set: x: "1e400" is too large/);
  assert.throws(() => parseAssignments('x=1,x=2'), /--set: "x" is given twice$/);
  assert.throws(() => parseAssignments('w=[1,2],w1=3'), /--set: "w1" is given twice \(w=\[…\] names w0, w1, …\)/);
  assert.throws(() => parseAssignments('w1=3,w=[1,2]'), /--set: "w1" is given twice \(w=\[…\] names w0, w1, …\)/);
  // a byte-order mark (text pasted from a file saved with one) is white space, in --set and in the expression
  assert.deepEqual([...parseAssignments('\uFEFFx=1.5')], [['x', 1.5]]);
  assert.equal(parseGraph('\uFEFFx * 2', parseAssignments('x=1.5')).root.data, 3);
});

test('messages stay one short line: the expression near the column, control characters escaped', () => {
  const message = (src: string) => parseMessage(src, ValueError);
  const mb = `${'x + '.repeat(262_144)}#`;
  assert.equal(message(mb), `column 1048577: unexpected character "#" in "…${mb.slice(-31, -1)}#"`);
  const middle = `${'x+'.repeat(50_000)}?${'+x'.repeat(50_000)}`;
  assert.equal(message(middle), `column 100001: unexpected character "?" in "…${'x+'.repeat(15)}?${'+x'.repeat(15)}…"`);
  assert.match(message(`${'a'.repeat(100_000)} + 1`) ?? '', /^column 1: "a{20}…a{19}" has no value \(give it with --set a{20}…a{19}=…\) in "a{31}…"$/);
  assert.equal(message('x +\u001b[2J 1'), 'column 4: unexpected character "\\u001b" in "x +\\u001b[2J 1"');
  assert.equal(message('x + \u{1F600}'), 'column 5: unexpected character "\u{1F600}" in "x + \u{1F600}"');
  assert.equal(message('x\u0085+ 1'), 'column 2: unexpected character "\\u0085" in "x\\u0085+ 1"');
  // any text at all: a result, or one line of at most a few hundred characters with no control character
  fc.assert(
    fc.property(fc.oneof(fc.string({ maxLength: 400 }), fc.string({ unit: 'grapheme', maxLength: 400 }), fc.string({ unit: 'binary', maxLength: 400 }), fc.string({ minLength: 2000, maxLength: 5000 })), (s) => {
      const m = message(s);
      if (m === undefined) return;
      assert.ok(m.length <= 300, m);
      // eslint-disable-next-line no-control-regex
      assert.doesNotMatch(m, /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
    }),
    runs(1000),
  );
});

/** Random expressions in x and y, as text: every gate, numbers near and far from the edges of the domains. */
const expression: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom('x', 'y', '0', '1', '2', '0.5', '3', '1e-3', '40', '-1'),
    fc.tuple(fc.constantFrom('exp', 'log', 'sigmoid', 'tanh', 'relu', '-', '1/'), tie('e')).map(([f, a]) => `${f}(${a})`),
    fc.tuple(tie('e'), fc.constantFrom('0', '1', '2', '3', '0.5', '1.5', '-1', '-2', '(1/3)')).map(([a, k]) => `(${a})^${k}`),
    fc.tuple(tie('e'), fc.constantFrom('+', '-', '*', '/'), tie('e')).map(([a, op, b]) => `(${a} ${op} ${b})`),
    fc.tuple(tie('e'), tie('e')).map(([a, b]) => `max(${a}, ${b})`),
  ),
})).e;

const input = fc.oneof(fc.double({ min: -3, max: 3, noNaN: true }), fc.constantFrom(0, 1, -1, 1e-300, 0.5));

/** About the largest local derivative of a node: a scale for the rounding in the gradients it passes on. */
function localBound(v: Value): number {
  const [a, b] = [v.a?.data ?? 0, v.b?.data ?? 0];
  const bound: Partial<Record<Value['op'], number>> = {
    div: Math.max(1 / Math.abs(b), Math.abs(v.data / b)),
    recip: v.data * v.data,
    log: 1 / Math.abs(a),
    // x^0 is constant: its derivative is 0 (at 0 too); x^k, 0 < k < 1, has an infinite one at 0
    pow: v.k === 0 ? 0 : Math.abs(v.k) * Math.abs(a) ** (v.k - 1),
    exp: v.data,
    mul: Math.max(Math.abs(a), Math.abs(b)),
  };
  return Math.max(1, bound[v.op] ?? 1);
}

test('random expressions: a finite value with gradients equal to central differences, or an error naming a node', () => {
  let compared = 0;
  let refused = 0;
  const value = (src: string, x: number, y: number): number | undefined => {
    try {
      return parseGraph(src, new Map([['x', x], ['y', y]])).root.data;
    } catch {
      return undefined;
    }
  };
  fc.assert(
    fc.property(expression, input, input, (src, x, y) => {
      let g: ReturnType<typeof parseGraph> | undefined;
      let order: Value[];
      try {
        g = parseGraph(src, new Map([['x', x], ['y', y]]));
        order = g.root.backward();
      } catch (e) {
        assert.ok(e instanceof NonFiniteError, `${src}: ${String(e)}`);
        assert.match(e.message, /^column \d+: /, src);
        // a gradient refused where no product of local derivatives can overflow: only an infinite slope may be
        if (e.input !== undefined && g !== undefined && topologicalOrder(g.root).reduce((p, n) => p * localBound(n), 1) < 1e300) {
          assert.match(e.message, /has no derivative \(its slope is infinite there\)/, `${src} at x=${x}, y=${y}`);
        }
        refused++;
        return;
      }
      assert.ok(Number.isFinite(g.root.data));
      // near a corner of ReLU or max the difference quotients straddle it: the derivative is a convention there
      if (order.some((v) => (v.op === 'relu' && Math.abs(v.a!.data) < 1e-3) || (v.op === 'max' && Math.abs(v.a!.data - v.b!.data) < 1e-3))) return;
      const contributions = Math.max(...order.map((n) => Math.abs(n.grad) * localBound(n)));
      for (const [name, v] of g.inputs) {
        assert.ok(Number.isFinite(v.grad), `${src}: ∂f/∂${name}`);
        const at = name === 'x' ? x : y;
        const f = (h: number) => (name === 'x' ? value(src, x + h, y) : value(src, x, y + h));
        const quotient = (h: number) => {
          const [up, down] = [f(h), f(-h)];
          return up === undefined || down === undefined ? undefined : (up - down) / (2 * h);
        };
        const h = 1e-5 * Math.max(1, Math.abs(at));
        // rounding in f, on the scale of its largest node (x + e^41 − e^41 rounds x away), over the step; and in
        // the gradient, on the scale of the largest contribution to it (1 + 1/x − 1/x rounds the 1 away)
        const rounding =
          (64 * Number.EPSILON * Math.max(...order.map((n) => Math.abs(n.data)))) / (h / 4) + 64 * Number.EPSILON * contributions;
        const n1 = quotient(h);
        const n2 = quotient(h / 4);
        // compare where the function is smooth at this scale: two step sizes agree, and the value in the middle is
        // the mean of its neighbours' (which a pole between them, as 1/(x − 1)² at 1 + 2e-16, is not)
        const bend = Math.abs((f(h) ?? NaN) + (f(-h) ?? NaN) - 2 * g.root.data);
        if (n1 === undefined || n2 === undefined || Math.abs(n1 - n2) > 1e-6 * Math.max(1, Math.abs(n1))) continue;
        if (!(bend <= 1e-6 * Math.max(1, Math.abs(g.root.data))) || rounding > 1e-6 * Math.max(1, Math.abs(n2))) continue;
        assert.ok(Math.abs(v.grad - n2) <= 1e-5 * Math.max(1, Math.abs(n2)), `${src} at x=${x}, y=${y}: ∂f/∂${name} = ${v.grad}, differences give ${n2}`);
        compared++;
      }
    }),
    runs(1500),
  );
  // the property compared gradients, and refused some values, in a good share of the runs
  assert.ok(compared > runs(1500).numRuns / 5, `only ${compared} gradients compared`);
  assert.ok(refused > runs(1500).numRuns / 100, `only ${refused} refused`);
});

test('nnlearn graph never prints NaN or Infinity: a result, or one line naming the node and exit code 1', async () => {
  await fc.assert(
    fc.asyncProperty(expression, input, async (src, x) => {
      // after "--": an expression may start with a minus sign
      const r = await runCli(['graph', '--set', `x=${x},y=0.25`, '--', src]);
      if (r.code === 0) {
        assert.doesNotMatch(r.stdout, /NaN|Infinity/, src);
        assert.equal(r.stderr.replace(/^nnlearn graph: --set gives (x|y|x, y), which the expression does not use\n/, ''), '');
      } else {
        assert.equal(r.code, 1, r.stderr);
        assert.match(r.stderr, /^nnlearn: column \d+: [^\n]+\n$/);
      }
    }),
    runs(150),
  );
  // and the issue's examples
  const zero = await runCli(['graph', 'x^0', '--set', 'x=0']);
  assert.equal(zero.code, 0);
  assert.match(zero.stdout, /∂f\/∂x = 0\.000000/);
  const json = await runCli(['graph', 'x^0', '--set', 'x=0', '--json']);
  assert.equal((JSON.parse(json.stdout) as { gradients: { x: number } }).gradients.x, 0);
  for (const [src, message] of [
    ['1/0', 'column 1: 1/0 is Infinity (division by 0)'],
    ['log(0)', 'column 1: log(0) is -Infinity'],
    ['exp(1000)', 'column 1: exp(1000) overflows to Infinity (numbers stop at 1.8e308)'],
    ['0^-1', 'column 1: 0^-1 is Infinity (0 to a negative power)'],
    ['(-8)^(1/3)', 'column 1: (-8)^(1/3) is undefined (a negative number to a fractional power)'],
  ]) {
    const r = await runCli(['graph', src]);
    assert.equal(r.code, 1, src);
    assert.equal(r.stderr, `nnlearn: ${message}\n`);
    assert.equal(r.stdout, '');
  }
  const set = await runCli(['graph', 'x', '--set', 'x=0x10']);
  assert.equal(set.code, 2);
  assert.match(set.stderr, /^nnlearn: --set: x: "0x10" is not a number/);
});

test('nnlearn graph echoes a long expression clipped, on one line, and refuses a PNG too large to draw', async () => {
  const long = `x +\n${' x * 2 +'.repeat(400)} x`;
  const r = await runCli(['graph', long, '--set', 'x=1']);
  assert.equal(r.code, 0, r.stderr);
  const echo = r.stdout.split('\n')[0];
  assert.ok(echo.length <= 210 && echo.includes('…'), echo);
  assert.match(echo, /^f = x \+ x \* 2 \+ x \* 2/);
  const png = join(mkdtempSync(join(tmpdir(), 'nnlearn-graph-')), 'wide.png');
  const wide = await runCli(['graph', `${'x + '.repeat(3000)}x`, '--set', 'x=1', '--out', png]);
  assert.equal(wide.code, 1);
  assert.match(wide.stderr, /^nnlearn: --out: this graph drawn as PNG would be 900\d{3}×\d+ pixels, more than 64 million; draw it as \.svg or \.dot\n$/);
  assert.ok(!existsSync(png));
});
