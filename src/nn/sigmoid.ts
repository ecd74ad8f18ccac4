/**
 * The logistic function and its derivative, forward and backward side by side.
 *
 *   forward:  g(z)  = 1 / (1 + e^(-z))
 *   backward: g'(z) = g(z)·(1 - g(z))            (ex4, section 2.1)
 *
 * `exp` is the correctly rounded one (../linalg/crmath.ts), so results are the same on every engine and equal
 * NumPy's `1/(1+np.exp(-z))`. g'(0) is exactly 0.25.
 */
import { exp } from '../linalg/crmath.js';
import { Matrix } from '../linalg/matrix.js';

/** g(z) for one number. */
export function sigmoidScalar(z: number): number {
  return 1 / (1 + exp(-z));
}

/** g'(z) for one number. */
export function sigmoidGradientScalar(z: number): number {
  const g = sigmoidScalar(z);
  return g * (1 - g);
}

/**
 * The sigmoid of a number, of each element of an array, or of each element of a matrix.
 * The course network's activation from ex4 section 1.3, "Feedforward and cost function", on (see
 * [the course map](../../docs/course.md)).
 */
export function sigmoid(z: number): number;
export function sigmoid(z: Matrix): Matrix;
export function sigmoid(z: ArrayLike<number>): Float64Array;
export function sigmoid(z: number | Matrix | ArrayLike<number>): number | Matrix | Float64Array {
  return elementwise(z, sigmoidScalar);
}

/**
 * The gradient of the sigmoid at a number, at each element of an array, or of a matrix.
 * Implements ex4 section 2.1, "Sigmoid gradient" (see [the course map](../../docs/course.md)).
 */
export function sigmoidGradient(z: number): number;
export function sigmoidGradient(z: Matrix): Matrix;
export function sigmoidGradient(z: ArrayLike<number>): Float64Array;
export function sigmoidGradient(z: number | Matrix | ArrayLike<number>): number | Matrix | Float64Array {
  return elementwise(z, sigmoidGradientScalar);
}

function elementwise(
  z: number | Matrix | ArrayLike<number>,
  f: (x: number) => number,
): number | Matrix | Float64Array {
  if (typeof z === 'number') return f(z);
  if (z instanceof Matrix) {
    const out = new Matrix(z.rows, z.cols);
    for (let i = 0; i < z.data.length; i++) out.data[i] = f(z.data[i]);
    return out;
  }
  const out = new Float64Array(z.length);
  for (let i = 0; i < z.length; i++) out[i] = f(z[i]);
  return out;
}
