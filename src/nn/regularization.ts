/**
 * The penalty on the weights, in one place for every backend: J adds λ/(2m)·Σ Θ² over every layer's weights but
 * not over the bias column, and ∂J/∂Θ adds (λ/m)·Θ off the bias column (ex4 sections 1.4 and 2.5: "you should
 * not be regularizing the first column of Θ(l) which is used for the bias term").
 *
 * The order of operations is the notebook's: J = -(1/m)·Σ terms, then + λ/(2m)·reg; the gradient is scaled by 1/m
 * first, then the penalty's gradient is added. The fast backend's kernels (wasm/layout.ts: finishLayer,
 * unitSquaresOffBias) do the same operations in the same order and are tested against these.
 *
 * Mini-batches: a batch of b rows of a set of m is given λ·b/m, so that λ_b/(2b) = λ/(2m): the batch's cost and
 * gradient then estimate the whole set's.
 */
import { sumSquares } from '../linalg/kernels.js';
import type { Matrix } from '../linalg/matrix.js';

/**
 * J from the sum of the cross-entropy terms over m examples: -(1/m)·termSum + λ/(2m)·Σ_l squares(l), the layers'
 * sums of squares (bias column excluded) added in layer order. `squares` is only called when λ is not 0.
 */
export function regularizedCost(termSum: number, m: number, lambda: number, layers: number, squares: (layer: number) => number): number {
  let J = (-1 / m) * termSum;
  if (lambda !== 0) {
    let reg = 0;
    for (let l = 0; l < layers; l++) reg += squares(l);
    J += (lambda / (2 * m)) * reg;
  }
  return J;
}

/** Σ Θ[u][c]² over c >= 1, row by row (the bias column is not regularized). */
export function squaresOffBias(Theta: Matrix): number {
  return sumSquares(Theta, 1);
}

/** G = (1/m)·G, then G(:, 2:end) += (λ/m)·Θ(:, 2:end): a layer's gradient from its sum over the examples. */
export function scaleAndRegularize(G: Matrix, Theta: Matrix, m: number, lambda: number): void {
  const s = 1 / m;
  const r = lambda / m;
  const g = G.data;
  const t = Theta.data;
  const c = G.cols;
  for (let i = 0; i < g.length; i++) g[i] = s * g[i];
  if (r === 0) return;
  for (let i = 0; i < G.rows; i++) {
    for (let j = 1; j < c; j++) g[i * c + j] = g[i * c + j] + r * t[i * c + j];
  }
}
