/**
 * The summand of the course's cross-entropy cost for one output unit,
 *
 *   y·log(h) + (1 - y)·log(1 - h),   h = g(z),  y ∈ {0, 1}
 *
 * (ex4 eq. for J(θ); the cost is -1/m times the sum of these), and its gradient with respect to z, h - y,
 * side by side.
 *
 * Where the output is not saturated (|z| <= 2) we evaluate the notebook's own formula,
 * `log(1/(1+e^(-z)))` and `log(1 - 1/(1+e^(-z)))`: there it is accurate to a few ulps (the rounding error of
 * 1 - h is amplified by at most e^|z|/|z| < 4), and it makes our costs agree bit for bit with NumPy's, which the
 * gradient-check table needs (its central differences turn a 1-ulp change of the cost into a change of the 9th
 * printed digit). Where the output saturates that formula loses digits and, beyond |z| ≈ 37, takes log(0):
 * there we compute from z, log g(z) = -log1p(e^(-z)) and log(1 - g(z)) = log g(-z), which stay finite and
 * accurate for every finite z.
 */
import { exp, log, log1p } from '../linalg/crmath.js';

/** Largest |z| at which the notebook's direct formula is used (see the module comment). */
export const DIRECT_LIMIT = 2;

/** log g(z), computed from z (accurate for every z). */
export function logSigmoid(z: number): number {
  return z >= 0 ? -log1p(exp(-z)) : z - log1p(exp(z));
}

/**
 * y·log(h) + (1 - y)·log(1 - h) for the sigmoid output h = g(z), for a target y of 0 or 1.
 * `h` must be g(z) as computed by `sigmoidScalar` (callers have it already from the forward pass).
 */
export function crossEntropyTerm(z: number, h: number, y: number): number {
  if (z <= DIRECT_LIMIT && z >= -DIRECT_LIMIT) {
    return y === 1 ? log(h) : y === 0 ? log(1 - h) : y * log(h) + (1 - y) * log(1 - h);
  }
  return y === 1 ? logSigmoid(z) : y === 0 ? logSigmoid(-z) : y * logSigmoid(z) + (1 - y) * logSigmoid(-z);
}

/** ∂/∂z of -(y·log g(z) + (1 - y)·log(1 - g(z))): the output delta of the course, h - y. */
export function crossEntropyDelta(h: number, y: number): number {
  return h - y;
}
