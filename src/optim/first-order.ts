/**
 * The loop that the first-order optimizers (gradient descent, momentum, Adam) share: full-batch steps, or epochs
 * of mini-batches in a seeded random order. Each optimizer supplies only its update rule, `step`.
 *
 * Full batch: `maxIter` steps; the cost after each step is recorded (it is the next step's evaluation anyway).
 * Mini-batches: `maxIter` epochs over the examples in a new order each epoch (NumPy's `permutation` with the
 * given seed); one update per batch; the full cost is evaluated and recorded after each epoch.
 */
import { ValueError } from '../errors.js';
import { Random } from '../random.js';
import type { Objective, OptimizeOptions, OptimizeResult } from './types.js';

export interface StochasticOptions extends OptimizeOptions {
  /** examples per mini-batch; absent or >= `examples`: full batch */
  batchSize?: number;
  /** the number of examples the objective averages over (needed for mini-batches) */
  examples?: number;
  /** seed of the batch order; default 0 */
  seed?: number;
}

/** Updates θ in place from the gradient; `t` counts updates from 1. */
export type UpdateRule = (theta: Float64Array, grad: Float64Array, t: number) => void;

export function runFirstOrder(f: Objective, x0: Float64Array, options: StochasticOptions, step: UpdateRule): OptimizeResult {
  const maxIter = options.maxIter ?? 100;
  if (!Number.isInteger(maxIter) || maxIter < 0) throw new ValueError(`maxIter must be a whole number >= 0, got ${maxIter}`);
  const theta = Float64Array.from(x0);
  const history: number[] = [];
  let evaluations = 0;
  let stopReason: OptimizeResult['stopReason'] = 'max-iter';
  const m = options.examples ?? 0;
  const batchSize = options.batchSize;
  if (batchSize !== undefined && (!Number.isInteger(batchSize) || batchSize < 1)) {
    throw new ValueError(`the batch size must be a whole number >= 1, got ${batchSize}`);
  }
  const miniBatch = batchSize !== undefined && m > 0 && batchSize < m;
  let iter = 0;
  let t = 0;
  if (!miniBatch) {
    let { cost, grad } = f(theta);
    evaluations++;
    while (iter < maxIter) {
      step(theta, grad, ++t);
      ({ cost, grad } = f(theta));
      evaluations++;
      iter++;
      history.push(cost);
      if (options.onIteration?.({ iteration: iter, cost, evaluations, theta }) === false) {
        stopReason = 'stopped';
        break;
      }
    }
    return { theta, costHistory: history, cost, iterations: iter, evaluations, stopReason };
  }
  const rng = new Random(options.seed ?? 0);
  let cost = NaN;
  while (iter < maxIter) {
    const order = rng.permutation(m);
    for (let b = 0; b < m; b += batchSize) {
      const { grad } = f(theta, order.subarray(b, Math.min(m, b + batchSize)));
      evaluations++;
      step(theta, grad, ++t);
    }
    cost = f(theta).cost;
    evaluations++;
    iter++;
    history.push(cost);
    if (options.onIteration?.({ iteration: iter, cost, evaluations, theta }) === false) {
      stopReason = 'stopped';
      break;
    }
  }
  return { theta, costHistory: history, cost, iterations: iter, evaluations, stopReason };
}

export function positive(name: string, v: number): number {
  if (!(v > 0) || !Number.isFinite(v)) throw new ValueError(`${name} must be a positive number, got ${v}`);
  return v;
}
