/**
 * Adam (Kingma & Ba, 2015, "Adam: a method for stochastic optimization", Algorithm 1): per-weight steps from
 * running averages of the gradient and of its square, with their start-up bias corrected:
 *   m ← β1·m + (1-β1)·g,  v ← β2·v + (1-β2)·g²,  θ ← θ - α·m̂/(√v̂ + ε),  m̂ = m/(1-β1^t), v̂ = v/(1-β2^t).
 */
import { runToEnd, type Iterations, type Objective, type OptimizeResult } from './types.js';
import { firstOrderIterations, positive, type StochasticOptions } from './first-order.js';
import { ValueError } from '../errors.js';
import { wasmAdam } from '../linalg/wasm/steps.js';

/** The step α when none is given, here and in the optimizer table (./registry.ts): the paper's, and Keras's. */
export const ADAM_LEARNING_RATE = 0.001;

/** Adam's settings (Kingma and Ba, 2015), with their usual defaults. */
export interface AdamOptions extends StochasticOptions {
  /** the step α; default ADAM_LEARNING_RATE (0.001, the paper's) */
  learningRate?: number;
  /** default 0.9 */
  beta1?: number;
  /** default 0.999 */
  beta2?: number;
  /** default 1e-8 */
  epsilon?: number;
  /** the plain JavaScript update even where the WebAssembly one runs (the tests compare the two) */
  plain?: boolean;
  /**
   * Where the update runs, when the objective's evaluator offers one (the threaded evaluator steps on its threads,
   * see src/nn/fast/threaded.ts); else WebAssembly in this thread, or the plain loop. Every one gives the plain
   * loop's weights bit for bit.
   */
  stepper?: () => AdamStepper | undefined;
}

/**
 * An Adam update that runs outside the loop below, with the same arithmetic in the same order: its moments are
 * views into its memory (read, set, checkpointed as the loop's own), zero when it is made.
 */
export interface AdamStepper {
  readonly m: Float64Array;
  readonly v: Float64Array;
  /**
   * One update of `theta` in place from `grad`, step t (from 1); the loop below calls it straight after the
   * objective evaluated grad at theta.
   */
  step(theta: Float64Array, grad: Float64Array, t: number, b1: number, b2: number, alpha: number, eps: number): void;
  /** gives the stepper back when the run ends (the evaluator's moments may then serve another run) */
  release?(): void;
}

/** Minimizes f from x0 by Adam, on the full batch or on mini-batches. */
export function adam(f: Objective, x0: Float64Array, options: AdamOptions = {}): OptimizeResult {
  return runToEnd(adamIterations(f, x0, options));
}

/** Adam pausing after every step (see Iterations); its state carries the two moments. */
export function adamIterations(f: Objective, x0: Float64Array, options: AdamOptions = {}): Iterations {
  const alpha = positive('the learning rate', options.learningRate ?? ADAM_LEARNING_RATE);
  const b1 = options.beta1 ?? 0.9;
  const b2 = options.beta2 ?? 0.999;
  const eps = positive('epsilon', options.epsilon ?? 1e-8);
  if (!(b1 >= 0 && b1 < 1) || !(b2 >= 0 && b2 < 1)) throw new ValueError(`beta1 and beta2 must be in [0, 1), got ${b1}, ${b2}`);
  // The update in WebAssembly where it runs (wasm/steps.ts: the same operations in the same order, so bit for bit
  // this loop's result, twice as fast); its moments live in its memory. Else the loop below.
  const fast: AdamStepper | undefined = options.plain === true ? undefined : (options.stepper?.() ?? wasmAdam(x0.length));
  if (fast !== undefined && fast.m.length !== x0.length) {
    fast.release?.();
    throw new ValueError(`the Adam stepper has ${fast.m.length} weights, not ${x0.length}`);
  }
  const m = fast?.m ?? new Float64Array(x0.length);
  const v = fast?.v ?? new Float64Array(x0.length);
  return released(firstOrderIterations(f, x0, options, {
    vectors: { m, v },
    step: (theta, grad, t) => {
      if (fast !== undefined) {
        fast.step(theta, grad, t, b1, b2, alpha, eps);
        return;
      }
      const c1 = 1 - b1 ** t;
      const c2 = 1 - b2 ** t;
      for (let k = 0; k < theta.length; k++) {
        const g = grad[k];
        m[k] = b1 * m[k] + (1 - b1) * g;
        v[k] = b2 * v[k] + (1 - b2) * g * g;
        theta[k] -= (alpha * (m[k] / c1)) / (Math.sqrt(v[k] / c2) + eps);
      }
    },
  }), () => fast?.release?.());
}

/** `steps`, calling `release` when they end (done, stopped, failed, or returned early). */
function* released(steps: Iterations, release: (() => void) | undefined): Iterations {
  try {
    return yield* steps;
  } finally {
    release?.();
  }
}
