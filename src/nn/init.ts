/**
 * Weight initialization (ex4 section 2.2).
 *
 * `randInitializeWeights` breaks the symmetry with weights uniform in [-ε, ε]; ε = 0.12 as the course sets it, or
 * ε = √6/√(L_in + L_out) as its footnote recommends. `debugInitializeWeights` is the course's deterministic
 * "random-looking" filling used by the gradient check: sin(1), sin(2), … divided by 10, column-major.
 */
import { ValueError } from '../errors.js';
import { sin } from '../linalg/crmath.js';
import { Matrix } from '../linalg/matrix.js';
import { Random } from '../random.js';
import { checkAllocatable } from './params.js';

/** Options of {@link randInitializeWeights} and {@link randInitializeNetwork}. */
export interface InitOptions {
  /**
   * ε: a number, or 'sqrt6' for √6/√(L_in + L_out), or 'he' for He et al.'s rule for ReLU units (uniform in
   * ±√6/√L_in, variance 2/L_in; biases 0). Default 0.12.
   */
  epsilon?: number | 'sqrt6' | 'he';
  /** the generator to draw from (or a seed for a new one); default seed 0 */
  rng?: Random | number;
}

/** ε for a layer with L_in inputs and L_out outputs. */
export function initEpsilon(lIn: number, lOut: number, epsilon: number | 'sqrt6' | 'he' = 0.12): number {
  const e = epsilon === 'sqrt6' ? Math.sqrt(6) / Math.sqrt(lIn + lOut) : epsilon === 'he' ? Math.sqrt(6 / lIn) : epsilon;
  if (!(e > 0) || !Number.isFinite(e)) throw new ValueError(`epsilon must be a positive number, got ${epsilon}`);
  return e;
}

/**
 * An L_out×(1+L_in) matrix uniform in [-ε, ε]: `rand(L_out, 1+L_in)·2ε - ε`, drawn row by row as NumPy's
 * `np.random.rand(L_out, 1 + L_in) * 2 * epsilon_init - epsilon_init` draws it (same seed, same weights).
 * Implements ex4 section 2.2, "Random initialization" (see [the course map](../../docs/course.md)).
 */
export function randInitializeWeights(lIn: number, lOut: number, options: InitOptions = {}): Matrix {
  const eps = initEpsilon(lIn, lOut, options.epsilon);
  const rng = options.rng instanceof Random ? options.rng : new Random(options.rng ?? 0);
  const W = rng.rand(lOut, 1 + lIn);
  const d = W.data;
  for (let i = 0; i < d.length; i++) d[i] = d[i] * 2 * eps - eps;
  // He et al. (2015, "Delving deep into rectifiers") start the biases at 0
  if (options.epsilon === 'he') for (let r = 0; r < lOut; r++) d[r * (1 + lIn)] = 0;
  return W;
}

/** Initial weights for every layer of a network, drawn in order from one generator. */
export function randInitializeNetwork(sizes: readonly number[], options: InitOptions = {}): Matrix[] {
  // before allocating: a size typed wrong is an error, not an out-of-memory crash; two copies, as Network.random
  // unrolls these matrices into its parameters
  checkAllocatable(sizes, 2);
  const rng = options.rng instanceof Random ? options.rng : new Random(options.rng ?? 0);
  const out: Matrix[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    out.push(randInitializeWeights(sizes[l], sizes[l + 1], { epsilon: options.epsilon, rng }));
  }
  return out;
}

/**
 * The course's `debugInitializeWeights(fan_out, fan_in)`: a fan_out×(1+fan_in) matrix whose entries, taken in
 * column-major order, are sin(1)/10, sin(2)/10, … (`reshape(sin(1:numel(W)), size(W)) / 10`). The sine is
 * correctly rounded, as glibc's is, so the gradient-check table matches the notebook's digits.
 * Implements ex4 section 2.4, "Gradient checking" (see [the course map](../../docs/course.md)).
 */
export function debugInitializeWeights(fanOut: number, fanIn: number): Matrix {
  const n = fanOut * (1 + fanIn);
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = sin(i + 1) / 10;
  return Matrix.fromColumnMajor(fanOut, 1 + fanIn, values);
}
