/**
 * Gradient checking (ex4 section 2.4): the central difference
 *
 *   f_i(θ) ≈ (J(θ + ε e_i) - J(θ - ε e_i)) / 2ε,   ε = 1e-4
 *
 * compared with backpropagation on the course's small debug network (3 inputs, 5 hidden units, 3 labels, 5
 * examples, weights and data from debugInitializeWeights), by the relative difference
 * ‖numgrad - grad‖ / ‖numgrad + grad‖, which should be below 1e-9.
 */
import { Matrix } from '../linalg/matrix.js';
import { costFunction, Workspace } from './cost.js';
import { checkArchitecture, type Activation, type OutputKind } from './activations.js';
import { debugInitializeWeights } from './init.js';
import { checkLayerSizes, unrollParams } from './params.js';
import { checkNumber, TRAIN_RULES } from './train-options.js';

/** The gradient check's own numbers: the debug examples (as `nnlearn check-gradients --m`) and the step ε. */
export const CHECK_RULES = {
  m: { integer: true, min: 1, max: 10000 },
  e: { positive: true },
} as const;

/** A cost function of the parameters: a number, or `[cost, grad]` as nnCostFunction returns. */
export type ScalarCost = (theta: Float64Array) => number | readonly [number, Float64Array];

/**
 * The numerical gradient of J at θ by central differences (the course's `computeNumericalGradient`).
 * θ is perturbed in place one entry at a time and restored exactly.
 * Implements ex4 section 2.4, "Gradient checking" (see [the course map](../../docs/course.md)).
 */
export function computeNumericalGradient(J: ScalarCost, theta: Float64Array, e = 1e-4): Float64Array {
  checkNumber('e', e, CHECK_RULES.e); // ε = 0 divides 0 by 0
  const value = (t: Float64Array): number => {
    const r = J(t);
    return typeof r === 'number' ? r : r[0];
  };
  const numgrad = new Float64Array(theta.length);
  for (let i = 0; i < theta.length; i++) {
    const saved = theta[i];
    theta[i] = saved - e;
    const loss1 = value(theta);
    theta[i] = saved + e;
    const loss2 = value(theta);
    theta[i] = saved;
    numgrad[i] = (loss2 - loss1) / (2 * e);
  }
  return numgrad;
}

/**
 * The result of {@link checkNNGradients}: both gradients, as the notebook prints them, and their relative difference.
 */
export interface GradientCheck {
  /** layer sizes of the debug network */
  sizes: number[];
  /** numerical gradient, row-major unrolled (Theta1 row by row, then Theta2 …), as the notebook prints it */
  numerical: Float64Array;
  /** backpropagation's gradient, same order */
  analytic: Float64Array;
  /** ‖numerical - analytic‖ / ‖numerical + analytic‖ */
  relativeDifference: number;
  /** the cost at the debug parameters */
  cost: number;
  /**
   * The smallest |z| over the hidden units: how far the debug network sits from ReLU's kink at 0. The central
   * difference is only valid when no z crosses 0 within ±ε of a weight change.
   */
  minAbsHiddenZ: number;
}

/** Options of {@link checkNNGradients}: another debug network than the course's 3-5-3. */
export interface CheckOptions {
  /** layer sizes of the debug network; default [3, 5, 3] as the course */
  layers?: readonly number[];
  /** number of debug examples; default 5 */
  m?: number;
  /** hidden activation; default sigmoid */
  activation?: Activation;
  /** output layer; default sigmoid */
  output?: OutputKind;
}

/** Euclidean norm with scaling, so that tiny or huge gradients neither underflow nor overflow. */
function norm(v: Float64Array): number {
  let scale = 0;
  for (const x of v) scale = Math.max(scale, Math.abs(x));
  if (scale === 0) return 0;
  let s = 0;
  for (const x of v) s += (x / scale) * (x / scale);
  return scale * Math.sqrt(s);
}

/**
 * The course's `checkNNGradients(lambda)`: builds the debug network and data, and compares backpropagation with
 * the numerical gradient. Labels are the course's `y = 1 + mod(1:m, num_labels)`, which the notebook writes
 * 0-based as `np.arange(1, 1 + m) % num_labels`: the same output units either way.
 * Implements ex4 section 2.4, "Gradient checking" (see [the course map](../../docs/course.md)).
 */
export function checkNNGradients(lambda = 0, options: CheckOptions = {}): GradientCheck {
  checkNumber('lambda', lambda, TRAIN_RULES.lambda);
  const sizes = [...(options.layers ?? [3, 5, 3])];
  checkLayerSizes(sizes);
  const m = checkNumber('m', options.m ?? 5, CHECK_RULES.m);
  const K = sizes[sizes.length - 1];
  const thetas: Matrix[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) thetas.push(debugInitializeWeights(sizes[l + 1], sizes[l]));
  const X = debugInitializeWeights(m, sizes[0] - 1);
  const targets = new Int32Array(m);
  for (let i = 0; i < m; i++) targets[i] = (i + 1) % K;
  const params = unrollParams(thetas);
  const architecture = checkArchitecture({ activation: options.activation, output: options.output });
  const J = (t: Float64Array): number => costFunction(sizes, t, X, targets, lambda, { gradient: false, architecture }).cost;
  const ws = new Workspace(sizes, m);
  const { cost, grad } = costFunction(sizes, params, X, targets, lambda, { architecture, workspace: ws });
  let minAbsHiddenZ = Infinity;
  for (let l = 1; l + 1 < sizes.length; l++) for (const z of ws.Z[l].data) minAbsHiddenZ = Math.min(minAbsHiddenZ, Math.abs(z));
  const numerical = computeNumericalGradient(J, params);
  const diff = new Float64Array(grad.length);
  const sum = new Float64Array(grad.length);
  for (let i = 0; i < grad.length; i++) {
    diff[i] = numerical[i] - grad[i];
    sum[i] = numerical[i] + grad[i];
  }
  return { sizes, numerical, analytic: Float64Array.from(grad), relativeDifference: norm(diff) / norm(sum), cost, minAbsHiddenZ };
}
