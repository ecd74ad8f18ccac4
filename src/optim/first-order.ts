/**
 * The loop that the first-order optimizers (gradient descent, momentum, Adam) share: full-batch steps, or epochs
 * of mini-batches in a seeded random order. Each optimizer supplies only its update rule.
 *
 * Full batch: `maxIter` steps; the cost after each step is recorded (it is the next step's evaluation anyway).
 * Mini-batches: `maxIter` epochs over the examples in a new order each epoch (NumPy's `permutation` with the
 * given seed); one update per batch; the full cost is evaluated and recorded after each epoch.
 *
 * The loop pauses after every step and every mini-batch, so a stop request (Ctrl-C) is seen within one batch, and
 * its state there resumes exactly: the rule's vectors, the step count, and where in which epoch it was (the
 * epoch's order is drawn again by replaying the generator from the seed, one permutation per epoch).
 */
import { ValueError } from '../errors.js';
import type { AdamStepper } from './adam.js';
import { Random } from '../random.js';
import { pause, resumedNumber, resumedVector, startingPoint, type Iterations, type Objective, type OptimizeOptions, type OptimizeResult, type OptimizerState } from './types.js';

export interface StochasticOptions extends OptimizeOptions {
  /** examples per mini-batch; absent or >= `examples`: full batch */
  batchSize?: number;
  /** the number of examples the objective averages over (needed for mini-batches) */
  examples?: number;
  /** seed of the batch order; default 0 */
  seed?: number;
  /** Adam's update on the evaluator's threads, where it has them (AdamOptions.stepper) */
  adamStepper?: () => AdamStepper | undefined;
}

/** An optimizer's update: θ changed in place from the gradient, with the vectors it keeps between steps. */
export interface UpdateRule {
  /** the rule's state (momentum's velocity, Adam's moments), saved and restored with the run */
  vectors: Record<string, Float64Array>;
  /** one update; `t` counts updates from 1 */
  step: (theta: Float64Array, grad: Float64Array, t: number) => void;
}

export function* firstOrderIterations(f: Objective, x0: Float64Array, options: StochasticOptions, rule: UpdateRule): Iterations {
  const maxIter = options.maxIter ?? 100;
  if (!Number.isInteger(maxIter) || maxIter < 0) throw new ValueError(`maxIter must be a whole number >= 0, got ${maxIter}`);
  const n = x0.length;
  const resume = options.resume;
  const theta = startingPoint(x0, resume);
  const history: number[] = resume ? [...resume.costHistory] : [];
  let evaluations = resume?.evaluations ?? 0;
  let stopReason: OptimizeResult['stopReason'] = 'max-iter';
  const m = options.examples ?? 0;
  const batchSize = options.batchSize;
  if (batchSize !== undefined && (!Number.isInteger(batchSize) || batchSize < 1)) {
    throw new ValueError(`the batch size must be a whole number >= 1, got ${batchSize}`);
  }
  const miniBatch = batchSize !== undefined && m > 0 && batchSize < m;
  let iter = resume === undefined ? 0 : resumedNumber(resume, 'iter', { integer: true, min: 0, max: maxIter });
  let t = resume === undefined ? 0 : resumedNumber(resume, 't', { integer: true, min: 0 });
  if (resume !== undefined) for (const [name, v] of Object.entries(rule.vectors)) v.set(resumedVector(resume, name, n));
  const snapshot = (extra: Record<string, Float64Array>, numbers: Record<string, number>): OptimizerState => ({
    x: Float64Array.from(theta),
    vectors: Object.fromEntries([...Object.entries(rule.vectors), ...Object.entries(extra)].map(([k, v]) => [k, Float64Array.from(v)])),
    numbers: { iter, t, ...numbers },
    costHistory: [...history],
    evaluations,
  });
  let state: OptimizerState | undefined;

  if (!miniBatch) {
    // the gradient at θ is carried from one step to the next (and in the state), never evaluated twice
    let cost: number;
    let grad: Float64Array;
    if (resume !== undefined) {
      cost = resumedNumber(resume, 'cost');
      grad = Float64Array.from(resumedVector(resume, 'grad', n));
    } else {
      ({ cost, grad } = f(theta));
      evaluations++;
    }
    while (iter < maxIter) {
      rule.step(theta, grad, ++t);
      ({ cost, grad } = f(theta));
      evaluations++;
      iter++;
      history.push(cost);
      if (yield* pause(options.onIteration?.({ iteration: iter, cost, evaluations, theta }), options)) {
        stopReason = 'stopped';
        state = snapshot({ grad }, { cost });
        break;
      }
    }
    return { theta, costHistory: history, cost, iterations: iter, evaluations, stopReason, ...(state ? { state } : {}) };
  }

  const rng = new Random(options.seed ?? 0);
  for (let k = 0; k < iter; k++) rng.permutation(m); // the orders of the epochs already done
  let start = resume === undefined ? 0 : resumedNumber(resume, 'batch', { integer: true, min: 0, max: m - 1 });
  let cost = history.length > 0 ? history[history.length - 1] : NaN;
  while (iter < maxIter && state === undefined) {
    const order = rng.permutation(m);
    for (let b = start; b < m; b += batchSize) {
      const { grad } = f(theta, order.subarray(b, Math.min(m, b + batchSize)));
      evaluations++;
      rule.step(theta, grad, ++t);
      if (b + batchSize < m && (yield* pause(undefined, options))) {
        // in the middle of an epoch: the next batch starts at b + batchSize of this epoch's order
        stopReason = 'stopped';
        state = snapshot({}, { batch: b + batchSize });
        break;
      }
    }
    if (state !== undefined) break;
    start = 0;
    cost = f(theta, undefined, true).cost; // the epoch's cost: no gradient needed
    evaluations++;
    iter++;
    history.push(cost);
    if (yield* pause(options.onIteration?.({ iteration: iter, cost, evaluations, theta }), options)) {
      stopReason = 'stopped';
      state = snapshot({}, { batch: 0 });
    }
  }
  return { theta, costHistory: history, cost, iterations: iter, evaluations, stopReason, ...(state ? { state } : {}) };
}

export function positive(name: string, v: number): number {
  if (!(v > 0) || !Number.isFinite(v)) throw new ValueError(`${name} must be a positive number, got ${v}`);
  return v;
}
