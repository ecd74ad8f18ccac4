/**
 * Backpropagation one example at a time: steps 1-5 of ex4 section 2.3, written as the notebook asks
 * ("implement steps 1 to 4 in a loop that processes one example at a time"), for any number of layers.
 *
 * This is the reference the vectorized `costFunction` is tested against (they agree to 1e-12). It is clear
 * rather than fast; its buffers are allocated once per call, never per example.
 */
import { Matrix } from '../linalg/matrix.js';
import { pairwiseSum } from '../linalg/kernels.js';
import { checkData, type CostResult } from './cost.js';
import { crossEntropyTerm } from './cross-entropy.js';
import { paramCount, rollParams } from './params.js';
import { sigmoidScalar } from './sigmoid.js';

/**
 * The course network's cost and gradient by backpropagation one example at a time, for any number of
 * layers (sigmoid units, sigmoid outputs, `targets` 0-based output units). Implements ex4 section 2.3, "Backpropagation" (see [the course map](../../docs/course.md)).
 */
export function backpropLoop(
  sizes: readonly number[],
  params: Float64Array,
  X: Matrix,
  targets: ArrayLike<number>,
  lambda: number,
): CostResult {
  checkData(sizes, X, targets);
  const thetas = rollParams(params, sizes);
  const m = X.rows;
  const L = sizes.length - 1;
  const K = sizes[L];
  const grad = new Float64Array(paramCount(sizes));
  const Delta = rollParams(grad, sizes); // Δ(l), accumulated over the examples
  // a[l]: activations of layer l with the bias unit a[l][0] = 1 (except the output layer)
  const a = sizes.map((s) => new Float64Array(s + 1));
  const delta = sizes.map((s) => new Float64Array(s));
  const terms = new Float64Array(m * K);

  for (let t = 0; t < m; t++) {
    // Step 1: a(1) = [1; x(t)], then z(l+1) = Theta(l)·a(l), a(l+1) = [1; g(z(l+1))].
    a[0][0] = 1;
    a[0].set(X.row(t), 1);
    for (let l = 0; l < L; l++) {
      const T = thetas[l];
      const next = a[l + 1];
      next[0] = 1;
      for (let j = 0; j < T.rows; j++) {
        let z = 0;
        for (let k = 0; k < T.cols; k++) z += T.data[j * T.cols + k] * a[l][k];
        next[j + 1] = sigmoidScalar(z);
        if (l === L - 1) terms[t * K + j] = crossEntropyTerm(z, next[j + 1], j === targets[t] ? 1 : 0);
      }
    }
    // Step 2: δ(L)_k = a(L)_k - y_k.
    for (let k = 0; k < K; k++) delta[L][k] = a[L][k + 1] - (k === targets[t] ? 1 : 0);
    // Step 3: δ(l) = (Theta(l)ᵀ·δ(l+1))(2:end) ∘ g'(z(l)), with g'(z) = a∘(1-a); δ(l)_0 is skipped.
    for (let l = L - 1; l >= 1; l--) {
      const T = thetas[l];
      for (let k = 1; k < T.cols; k++) {
        let s = 0;
        for (let j = 0; j < T.rows; j++) s += T.data[j * T.cols + k] * delta[l + 1][j];
        const ak = a[l][k];
        delta[l][k - 1] = s * (ak * (1 - ak));
      }
    }
    // Step 4: Δ(l) += δ(l+1)·a(l)ᵀ.
    for (let l = 0; l < L; l++) {
      const D = Delta[l];
      for (let j = 0; j < D.rows; j++) {
        const dj = delta[l + 1][j];
        for (let k = 0; k < D.cols; k++) D.data[j * D.cols + k] += dj * a[l][k];
      }
    }
  }
  // Step 5: D(l) = Δ(l)/m, plus (λ/m)·Theta(l) off the bias column.
  let reg = 0;
  for (let l = 0; l < L; l++) {
    const D = Delta[l];
    const T = thetas[l];
    for (let j = 0; j < D.rows; j++) {
      for (let k = 0; k < D.cols; k++) {
        const idx = j * D.cols + k;
        D.data[idx] = D.data[idx] / m + (k > 0 ? (lambda / m) * T.data[idx] : 0);
        if (k > 0) reg += T.data[idx] * T.data[idx];
      }
    }
  }
  const cost = (-1 / m) * pairwiseSum(terms, 0, m * K) + (lambda / (2 * m)) * reg;
  return { cost, grad };
}
