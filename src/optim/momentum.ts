/**
 * Gradient descent with momentum (Polyak's heavy ball): v ← μ·v - α·∇J(θ), θ ← θ + v. The velocity smooths the
 * direction over steps, which speeds up long shallow valleys and damps oscillation across narrow ones.
 */
import { runToEnd, type Iterations, type Objective, type OptimizeResult } from './types.js';
import { firstOrderIterations, positive, type StochasticOptions } from './first-order.js';
import { ValueError } from '../errors.js';

/**
 * The step α and the momentum μ when none are given, here and in the optimizer table (./registry.ts), as
 * bench/defaults.ts measured them (mini-batches of 32 on the shipped digits: 92.90% test accuracy). The step the
 * velocity settles to, α/(1-μ) = 0.5, is half of plain descent's α = 1.
 */
export const MOMENTUM_DEFAULTS = { learningRate: 0.05, momentum: 0.9 } as const;

/** The momentum method's settings. */
export interface MomentumOptions extends StochasticOptions {
  /** the step α; default MOMENTUM_DEFAULTS (0.05) */
  learningRate?: number;
  /** μ in [0, 1); default MOMENTUM_DEFAULTS (0.9) */
  momentum?: number;
}

/** Minimizes f from x0 by gradient descent with momentum, on the full batch or on mini-batches. */
export function momentum(f: Objective, x0: Float64Array, options: MomentumOptions = {}): OptimizeResult {
  return runToEnd(momentumIterations(f, x0, options));
}

/** Momentum pausing after every step (see Iterations); its state carries the velocity. */
export function momentumIterations(f: Objective, x0: Float64Array, options: MomentumOptions = {}): Iterations {
  const alpha = positive('the learning rate', options.learningRate ?? MOMENTUM_DEFAULTS.learningRate);
  const mu = options.momentum ?? MOMENTUM_DEFAULTS.momentum;
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
