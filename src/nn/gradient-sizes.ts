/**
 * How large the gradient is in each layer while a network trains: the root mean square of ∂J/∂Θ(l)'s entries,
 * layer by layer. With sigmoid units the error shrinks by g'(z) ≤ 1/4 at every layer it is sent back through
 * (the lecture's δ(l) = (Θ(l)ᵀ δ(l+1)) ∘ g'(z(l))), so in a deep sigmoid network the layers near the input get the
 * smallest gradients and learn slowest: a page can show this as it happens.
 *
 * `GradientSizes` watches an evaluator (every cost-and-gradient evaluation the optimizer asks for, whole-set or
 * mini-batch) and averages the sizes between two reads, so that an epoch of mini-batches reports its mean.
 */
import { paramCount, thetaShapes } from './params.js';
import type { CostEvaluator } from './fast/evaluator.js';

/** RMS of the entries of each Θ(l)'s part of an unrolled gradient (row-major, as the parameters). */
export function layerGradientRms(sizes: readonly number[], grad: ArrayLike<number>): Float64Array {
  if (grad.length !== paramCount(sizes)) throw new RangeError(`layers [${sizes.join(', ')}] have ${paramCount(sizes)} parameters, the gradient ${grad.length}`);
  const shapes = thetaShapes(sizes);
  const out = new Float64Array(shapes.length);
  let off = 0;
  shapes.forEach(([r, c], l) => {
    const n = r * c;
    let s = 0;
    for (let i = off; i < off + n; i++) s += grad[i] * grad[i];
    out[l] = Math.sqrt(s / n);
    off += n;
  });
  return out;
}

/** An evaluator that records the per-layer gradient sizes of every evaluation it passes on (see the module). */
export class GradientSizes {
  private readonly sum: Float64Array;
  private count = 0;
  /** the evaluator to give the optimizer in place of `inner` */
  readonly evaluator: CostEvaluator;

  constructor(readonly sizes: readonly number[], inner: CostEvaluator) {
    this.sum = new Float64Array(sizes.length - 1);
    const record = (grad: Float64Array | null) => {
      if (grad === null) return;
      const rms = layerGradientRms(sizes, grad);
      for (let l = 0; l < rms.length; l++) this.sum[l] += rms[l];
      this.count++;
    };
    const evaluateBatch = inner.evaluateBatch?.bind(inner);
    this.evaluator = {
      get backend() {
        return inner.backend;
      },
      get threads() {
        return inner.threads;
      },
      get precision() {
        return inner.precision;
      },
      evaluate(params, lambda, grad) {
        const J = inner.evaluate(params, lambda, grad);
        record(grad);
        return J;
      },
      ...(evaluateBatch !== undefined
        ? {
            evaluateBatch(params: Float64Array, lambda: number, grad: Float64Array, rows: Int32Array) {
              const J = evaluateBatch(params, lambda, grad, rows);
              record(grad);
              return J;
            },
          }
        : {}),
      predictTargets: (params) => inner.predictTargets(params),
      close: () => inner.close(),
    };
  }

  /** The mean RMS per layer over the evaluations since the last call (undefined if there were none), and resets. */
  take(): Float64Array | undefined {
    if (this.count === 0) return undefined;
    const out = Float64Array.from(this.sum, (s) => s / this.count);
    this.sum.fill(0);
    this.count = 0;
    return out;
  }
}
