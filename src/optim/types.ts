/**
 * The signature every optimizer shares: minimize `f` from `x0`.
 */
import { ValueError } from '../errors.js';

/**
 * A differentiable objective: the cost and its gradient at θ. The gradient may be a reused buffer. Stochastic
 * optimizers pass `batch`, the indices of the examples to average over (a mini-batch); without it, all of them.
 * `costOnly` says the caller needs only the cost (an epoch's end): the gradient returned may then be stale, and an
 * objective may skip computing it (a third of the work).
 */
export type Objective = (theta: Float64Array, batch?: Int32Array, costOnly?: boolean) => { cost: number; grad: Float64Array };

/** Reported after each iteration (for fmincg, each successful line search). */
export interface IterationInfo {
  iteration: number;
  cost: number;
  /** function evaluations so far */
  evaluations: number;
  /** the parameters reached (the optimizer's own buffer: copy it to keep it) */
  theta: Float64Array;
}

/** Settings every optimizer takes. */
export interface OptimizeOptions {
  /**
   * iteration limit: fmincg and L-BFGS count line searches (the course's MaxIter); the first-order methods count
   * steps, or epochs when they take mini-batches
   */
  maxIter?: number;
  /** called after every iteration; return false to stop early */
  onIteration?: (info: IterationInfo) => void | boolean;
  /**
   * polled wherever the optimizer pauses (after every iteration, and after every mini-batch within an epoch):
   * true stops it there with its state, as Ctrl-C does
   */
  stopRequested?: () => boolean;
  /** continue a stopped run from its `state` instead of starting at x0: it ends where an unstopped run would */
  resume?: OptimizerState;
}

/**
 * Everything an optimizer carries from one pause to the next: enough to continue a stopped run exactly, bit for
 * bit (a checkpoint). The same shape for every optimizer, so that one reader checks them all.
 */
export interface OptimizerState {
  /** the parameters reached */
  x: Float64Array;
  /** the optimizer's own vectors, each as long as x (fmincg: df1, s; Adam: m, v; L-BFGS: g, s0, y0, …) */
  vectors: Record<string, Float64Array>;
  /** its numbers (iteration and step counts, the last cost, the next step's length, …) */
  numbers: Record<string, number>;
  costHistory: number[];
  evaluations: number;
}

/**
 * An optimizer run as a generator that pauses (yields) after every iteration, so that a caller can let its event
 * loop run in between: a Ctrl-C handler, a page's repaint. `runToEnd` drives one straight through.
 */
export type Iterations = Generator<void, OptimizeResult, void>;

/** Runs a generator of iterations (an optimizer's, or a training run's) to the end. */
export function runToEnd<T>(steps: Generator<void, T, void>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * An optimizer's pause, after an iteration whose callback returned `more` (or within an epoch, with no callback):
 * it yields unless the callback said stop, then says whether to stop there (the callback said so, or a stop was
 * requested meanwhile). Every optimizer stops through here, so that its state is taken at the same point.
 */
export function* pause(more: void | boolean, options: OptimizeOptions): Generator<void, boolean, void> {
  if (more !== false) yield;
  return more === false || options.stopRequested?.() === true;
}

/** The starting point: the state's, checked against the problem's size, when resuming; else a copy of x0. */
export function startingPoint(x0: Float64Array, resume: OptimizerState | undefined): Float64Array {
  if (resume !== undefined && resume.x.length !== x0.length) {
    throw new ValueError(`the state to resume has ${resume.x.length} parameters, not ${x0.length}`);
  }
  return Float64Array.from(resume?.x ?? x0);
}

/** The vector `name` of a state to resume, checked against the problem's size. */
export function resumedVector(state: OptimizerState, name: string, n: number): Float64Array {
  const v = state.vectors[name];
  if (v === undefined || v.length !== n) {
    throw new ValueError(`the state to resume has no vector "${name}" of ${n} numbers (${v === undefined ? 'none' : v.length})`);
  }
  return v;
}

/**
 * The number `name` of a state to resume, checked against what the run allows (a whole count within its range:
 * an edited iteration of 1e9 or -1e6 once ran forever).
 */
export function resumedNumber(state: OptimizerState, name: string, rule: { integer?: boolean; min?: number; max?: number } = {}): number {
  const v = state.numbers[name];
  if (typeof v !== 'number' || Number.isNaN(v)) throw new ValueError(`the state to resume has no number "${name}"`);
  const bad =
    (rule.integer === true && !Number.isInteger(v)) || (rule.min !== undefined && v < rule.min) || (rule.max !== undefined && v > rule.max);
  if (bad) {
    const range = `${rule.integer ? 'a whole number ' : ''}from ${rule.min ?? '-∞'} to ${rule.max ?? '∞'}`;
    throw new ValueError(`the state to resume has ${name} = ${v}, where this run allows ${range}`);
  }
  return v;
}

/** What every optimizer returns. */
export interface OptimizeResult {
  /** stopped by the callback or by stopRequested: where it was, to resume from */
  state?: OptimizerState;
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

/** An optimizer: minimizes f from x0. */
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
