/**
 * The gates of a computational graph, one entry each: the forward value and, beside it, the backward rule (the
 * node's gradient times the local derivative, for each input), as the Oslo lecture draws them and as micrograd
 * writes them. Value, the drawings and the error messages all read this table.
 *
 * Every local derivative is the value of its limit wherever the lecture's functions are smooth, so that a formula
 * never gives 0·∞ or ∞/∞ where the derivative is an ordinary number:
 * - x^0 is the constant 1 (0^0 = 1, as in every language's pow), so its derivative is 0 everywhere, at 0 too,
 *   where k·x^(k-1) would be 0·∞.
 * - σ'(x) = σ(x)·σ(−x) and tanh'(x) = 1/cosh²(x): both tend to 0 at large |x|, are never 0·∞ or ∞/∞, and keep
 *   their digits where 1 − σ(x) and 1 − tanh²(x) round to 0 (from |x| ≈ 37 and ≈ 19).
 * - ∂(a/b)/∂b = −(a/b)/b and d(1/x) = −(1/x)², from the node's value: b·b underflows to 0 for |b| < 1e-162 while
 *   the derivative is still a finite number.
 * Where a function has a corner the derivative is a documented convention (the slides'): ReLU's is 0 at 0, and max
 * routes the gradient to its first input on a tie. Where the slope is infinite (x^k, 0 < k < 1, at 0) there is no
 * derivative, and `infiniteSlope` says so.
 */

/** The operation that made a Value. */
export type Op =
  | 'input'
  | 'const'
  | 'add'
  | 'sub'
  | 'mul'
  | 'div'
  | 'pow'
  | 'neg'
  | 'exp'
  | 'log'
  | 'recip'
  | 'sigmoid'
  | 'tanh'
  | 'relu'
  | 'max';

/** The operations that have inputs. */
export type GateOp = Exclude<Op, 'input' | 'const'>;

/** One gate: forward, backward, and how it is drawn and written. */
export interface Gate {
  /** how many inputs (a `pow` has one: its exponent is a number, `k`) */
  readonly arity: 1 | 2;
  /** the symbol on the slides' drawings */
  readonly symbol: string;
  /** how tightly it binds when written: 1 for + and −, 2 for × and ÷, 3 for a sign, 4 for ^, 5 for a function */
  readonly precedence: number;
  /** the gate written with its inputs' text (already parenthesized as needed) */
  write(a: string, b: string, k: number): string;
  /** the value at inputs a, b (and exponent k) */
  forward(a: number, b: number, k: number): number;
  /** the gradient each input receives: the node's gradient g times the local derivative at a, b; `out` is the value */
  backward(g: number, out: number, a: number, b: number, k: number): [number, number];
  /**
   * Why the value at a, b is not finite when the inputs are outside the function's domain (division by 0, the log
   * of a negative number), '' where the value says it all (log 0 = −∞); undefined where it is an overflow.
   */
  domain?(a: number, b: number, k: number): string | undefined;
  /** whether the function has no derivative at a because its slope is infinite there */
  infiniteSlope?(a: number, k: number): boolean;
}

const fn = (name: string) => (a: string) => `${name}(${a})`;

/** Every gate, by operation. */
export const GATES: Readonly<Record<GateOp, Gate>> = {
  // add gate: distributes the gradient
  add: { arity: 2, symbol: '+', precedence: 1, write: (a, b) => `${a} + ${b}`, forward: (a, b) => a + b, backward: (g) => [g, g] },
  sub: { arity: 2, symbol: '−', precedence: 1, write: (a, b) => `${a} - ${b}`, forward: (a, b) => a - b, backward: (g) => [g, -g] },
  // mul gate: each input gets the other input times the gradient
  mul: { arity: 2, symbol: '×', precedence: 2, write: (a, b) => `${a}*${b}`, forward: (a, b) => a * b, backward: (g, _, a, b) => [b * g, a * g] },
  div: {
    arity: 2,
    symbol: '÷',
    precedence: 2,
    write: (a, b) => `${a}/${b}`,
    forward: (a, b) => a / b,
    // ∂/∂b = −a/b² = −(a/b)/b: the node's value, so that no b² underflows
    backward: (g, out, _, b) => [g / b, (-out / b) * g],
    domain: (a, b) => (b === 0 ? (a === 0 ? '0/0' : 'division by 0') : undefined),
  },
  pow: {
    arity: 1,
    symbol: '^',
    precedence: 4,
    write: (a, _, k) => `${a}^${k}`,
    forward: (a, _, k) => a ** k,
    // x^0 = 1 everywhere: its derivative is 0, not 0·0^(−1) = NaN at 0
    backward: (g, _, a, __, k) => [k === 0 ? 0 : k * a ** (k - 1) * g, 0],
    domain: (a, _, k) =>
      a === 0 && k < 0 ? '0 to a negative power' : a < 0 && !Number.isInteger(k) ? 'a negative number to a fractional power' : undefined,
    infiniteSlope: (a, k) => a === 0 && k > 0 && k < 1,
  },
  neg: { arity: 1, symbol: '×(−1)', precedence: 3, write: (a) => `-${a}`, forward: (a) => -a, backward: (g) => [-g, 0] },
  // d e^x = e^x: the node's value
  exp: { arity: 1, symbol: 'exp', precedence: 5, write: fn('exp'), forward: (a) => Math.exp(a), backward: (g, out) => [out * g, 0] },
  log: {
    arity: 1,
    symbol: 'log',
    precedence: 5,
    write: fn('log'),
    forward: (a) => Math.log(a),
    backward: (g, _, a) => [g / a, 0],
    domain: (a) => (a === 0 ? '' : a < 0 ? 'log needs a positive number' : undefined),
  },
  // the slides' 1/x gate: d(1/x) = −1/x² = −(1/x)²
  recip: {
    arity: 1,
    symbol: '1/x',
    precedence: 2,
    write: (a) => `1/${a}`,
    forward: (a) => 1 / a,
    backward: (g, out) => [-(out * out) * g, 0],
    domain: (a) => (a === 0 ? 'division by 0' : undefined),
  },
  // dσ = σ(x)(1 − σ(x)), with 1 − σ(x) computed as σ(−x) so that it keeps its digits where σ(x) rounds to 1
  sigmoid: {
    arity: 1,
    symbol: 'σ',
    precedence: 5,
    write: fn('sigmoid'),
    forward: (a) => 1 / (1 + Math.exp(-a)),
    backward: (g, out, a) => [out * (1 / (1 + Math.exp(a))) * g, 0],
  },
  // d tanh = 1 − tanh² = 1/cosh², which is 0 (not ∞/∞) where cosh overflows
  tanh: {
    arity: 1,
    symbol: 'tanh',
    precedence: 5,
    write: fn('tanh'),
    forward: (a) => Math.tanh(a),
    backward: (g, _, a) => {
      const sech = 1 / Math.cosh(a);
      return [sech * sech * g, 0];
    },
  },
  // ReLU: gradient 1 above 0 and 0 at and below it (the convention at the corner)
  relu: { arity: 1, symbol: 'ReLU', precedence: 5, write: fn('relu'), forward: (a) => (a > 0 ? a : 0), backward: (g, _, a) => [a > 0 ? g : 0, 0] },
  // max gate: routes the gradient to the larger input, to the first on a tie
  max: {
    arity: 2,
    symbol: 'max',
    precedence: 5,
    write: (a, b) => `max(${a}, ${b})`,
    forward: (a, b) => Math.max(a, b),
    backward: (g, _, a, b) => (a >= b ? [g, 0] : [0, g]),
  },
};
