/**
 * The signature every optimizer shares: minimize `f` from `x0`.
 */

/**
 * A differentiable objective: the cost and its gradient at θ. The gradient may be a reused buffer. Stochastic
 * optimizers pass `batch`, the indices of the examples to average over (a mini-batch); without it, all of them.
 */
export type Objective = (theta: Float64Array, batch?: Int32Array) => { cost: number; grad: Float64Array };

/** Reported after each iteration (for fmincg, each successful line search). */
export interface IterationInfo {
  iteration: number;
  cost: number;
  /** function evaluations so far */
  evaluations: number;
  /** the parameters reached (the optimizer's own buffer: copy it to keep it) */
  theta: Float64Array;
}

export interface OptimizeOptions {
  /**
   * iteration limit: fmincg and L-BFGS count line searches (the course's MaxIter); the first-order methods count
   * steps, or epochs when they take mini-batches
   */
  maxIter?: number;
  /** called after every iteration; return false to stop early */
  onIteration?: (info: IterationInfo) => void | boolean;
}

export interface OptimizeResult {
  /** the parameters reached */
  theta: Float64Array;
  /** the cost after each iteration (the course's fX) */
  costHistory: number[];
  /** the final cost */
  cost: number;
  iterations: number;
  evaluations: number;
  /** why it stopped */
  stopReason: 'max-iter' | 'line-search-failed' | 'stopped' | 'converged' | 'early-stopped';
}

export type Optimizer<O extends OptimizeOptions = OptimizeOptions> = (
  f: Objective,
  x0: Float64Array,
  options?: O,
) => OptimizeResult;

/** a·b */
export function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
