/**
 * The problem the browser test evaluates: a small sparse data set and network, built the same way on every
 * thread from a seed, with the reference cost and gradient to compare with.
 */
import { Matrix } from '../../src/linalg/matrix.js';
import { Random } from '../../src/random.js';
import { paramCount } from '../../src/nn/params.js';
import { costFunction } from '../../src/nn/cost.js';

export const SIZES = [64, 12, 5];
export const LAMBDA = 0.5;

export function problem(): { X: Matrix; targets: Int32Array; params: Float64Array } {
  const rng = new Random(42);
  const m = 301;
  const X = rng.rand(m, SIZES[0]);
  for (let i = 0; i < X.data.length; i++) if (X.data[i] < 0.6) X.data[i] = 0;
  const targets = Int32Array.from({ length: m }, () => rng.interval(SIZES[2] - 1));
  const params = new Float64Array(paramCount(SIZES)).map(() => rng.random() - 0.5);
  return { X, targets, params };
}

/** Relative differences of cost and gradient (in norm) from the reference. */
export function compare(cost: number, grad: Float64Array): { cost: number; grad: number } {
  const { X, targets, params } = problem();
  const ref = costFunction(SIZES, params, X, targets, LAMBDA);
  let d = 0;
  let n = 0;
  for (let i = 0; i < grad.length; i++) {
    d += (grad[i] - ref.grad[i]) ** 2;
    n += ref.grad[i] ** 2;
  }
  return { cost: Math.abs(cost - ref.cost) / ref.cost, grad: Math.sqrt(d / n) };
}
