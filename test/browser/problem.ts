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

/** The rows of the mini-batch the test evaluates (repeats and all). */
export const BATCH = Int32Array.from({ length: 97 }, (_, i) => (i * 31 + 7) % 301);

/** Relative differences of cost and gradient (in norm) from the reference, on the whole set or on `rows`. */
export function compare(cost: number, grad: Float64Array, rows?: Int32Array): { cost: number; grad: number } {
  const { X: all, targets: allTargets, params } = problem();
  const X = rows === undefined ? all : new Matrix(rows.length, all.cols);
  if (rows !== undefined) rows.forEach((r, i) => X.data.set(all.data.subarray(r * all.cols, (r + 1) * all.cols), i * all.cols));
  const targets = rows === undefined ? allTargets : Array.from(rows, (r) => allTargets[r]);
  const ref = costFunction(SIZES, params, X, targets, LAMBDA);
  let d = 0;
  let n = 0;
  for (let i = 0; i < grad.length; i++) {
    d += (grad[i] - ref.grad[i]) ** 2;
    n += ref.grad[i] ** 2;
  }
  return { cost: Math.abs(cost - ref.cost) / ref.cost, grad: Math.sqrt(d / n) };
}
