/**
 * Plain (batch) gradient descent, θ ← θ - α·∇J(θ), with a cost history: the method of the Oslo exercises
 * ("do gradient descent on Theta1 and Theta2 … try a higher learning rate", week 7), and the baseline against
 * which the course's fmincg is judged.
 */
import { ValueError } from '../errors.js';
import type { Objective, OptimizeOptions, OptimizeResult } from './types.js';

export interface GradientDescentOptions extends OptimizeOptions {
  /** the step α; default 1 */
  learningRate?: number;
}

export function gradientDescent(
  f: Objective,
  x0: Float64Array,
  options: GradientDescentOptions = {},
): OptimizeResult {
  const alpha = options.learningRate ?? 1;
  if (!(alpha > 0) || !Number.isFinite(alpha)) {
    throw new ValueError(`the learning rate must be a positive number, got ${alpha}`);
  }
  const maxIter = options.maxIter ?? 100;
  const theta = Float64Array.from(x0);
  const history: number[] = [];
  let evaluations = 0;
  let stopReason: OptimizeResult['stopReason'] = 'max-iter';
  let { cost, grad } = f(theta);
  evaluations++;
  let iter = 0;
  while (iter < maxIter) {
    for (let k = 0; k < theta.length; k++) theta[k] -= alpha * grad[k];
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
