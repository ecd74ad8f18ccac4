/**
 * Plain gradient descent, θ ← θ - α·∇J(θ), full batch or on mini-batches, with a cost history: the method of the
 * Oslo exercises ("do gradient descent on Theta1 and Theta2 … try a higher learning rate", week 7), and the
 * baseline against which the course's fmincg is judged.
 */
import { runToEnd, type Iterations, type Objective, type OptimizeResult } from './types.js';
import { firstOrderIterations, positive, type StochasticOptions } from './first-order.js';

/** The step α when none is given, here and in the optimizer table (./registry.ts; measured by bench/defaults.ts). */
export const GD_LEARNING_RATE = 1;

/** Gradient descent's settings. */
export interface GradientDescentOptions extends StochasticOptions {
  /** the step α; default GD_LEARNING_RATE (1) */
  learningRate?: number;
}

/**
 * Minimizes f from x0 by plain gradient descent θ ← θ - α∇J (the Spanish lecture's and the Oslo exercise's),
 * on the full batch or on mini-batches.
 */
export function gradientDescent(f: Objective, x0: Float64Array, options: GradientDescentOptions = {}): OptimizeResult {
  return runToEnd(gradientDescentIterations(f, x0, options));
}

/** Gradient descent pausing after every step (see Iterations). */
export function gradientDescentIterations(f: Objective, x0: Float64Array, options: GradientDescentOptions = {}): Iterations {
  const alpha = positive('the learning rate', options.learningRate ?? GD_LEARNING_RATE);
  return firstOrderIterations(f, x0, options, {
    vectors: {},
    step: (theta, grad) => {
      for (let k = 0; k < theta.length; k++) theta[k] -= alpha * grad[k];
    },
  });
}
