/**
 * Gradient descent with momentum (Polyak's heavy ball): v ← μ·v - α·∇J(θ), θ ← θ + v. The velocity smooths the
 * direction over steps, which speeds up long shallow valleys and damps oscillation across narrow ones.
 */
import { runToEnd, type Iterations, type Objective, type OptimizeResult } from './types.js';
import { firstOrderIterations, positive, type StochasticOptions } from './first-order.js';
import { ValueError } from '../errors.js';

/** The momentum method's settings. */
export interface MomentumOptions extends StochasticOptions {
  /** the step α; default 0.1 */
  learningRate?: number;
  /** μ in [0, 1); default 0.9 */
  momentum?: number;
}

/** Minimizes f from x0 by gradient descent with momentum, on the full batch or on mini-batches. */
export function momentum(f: Objective, x0: Float64Array, options: MomentumOptions = {}): OptimizeResult {
  return runToEnd(momentumIterations(f, x0, options));
}

/** Momentum pausing after every step (see Iterations); its state carries the velocity. */
export function momentumIterations(f: Objective, x0: Float64Array, options: MomentumOptions = {}): Iterations {
  const alpha = positive('the learning rate', options.learningRate ?? 0.1);
  const mu = options.momentum ?? 0.9;
  if (!(mu >= 0 && mu < 1)) throw new ValueError(`the momentum must be in [0, 1), got ${mu}`);
  const v = new Float64Array(x0.length);
  return firstOrderIterations(f, x0, options, {
    vectors: { v },
    step: (theta, grad) => {
      for (let k = 0; k < theta.length; k++) {
        v[k] = mu * v[k] - alpha * grad[k];
        theta[k] += v[k];
      }
    },
  });
}
