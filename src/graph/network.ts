/**
 * The bridge from scalar graphs to matrices: the course's cost function built from scalar Values, one node per
 * multiply, add and sigmoid, for a small network. Its backward pass gives, weight by weight, the gradient that the
 * vectorized backpropagation of nnCostFunction computes with matrices (δ(3) = a(3) - y, δ(2) = Θ2ᵀδ(3) ∘ g'(z(2)),
 * Δ = δ·aᵀ): the same chain rule, organised differently. A test checks they agree.
 */
import type { Matrix } from '../linalg/matrix.js';
import { labelsToTargets } from '../data/labels.js';
import { checkExamples } from '../nn/cost.js';
import { checkLayerSizes, rollParams } from '../nn/params.js';
import { checkNumber, TRAIN_RULES } from '../nn/train-options.js';
import { Value } from './value.js';

/** A network's cost built from scalar Values: the graph, and the weights as its inputs. */
export interface ScalarNetwork {
  /** J(Θ) as a graph */
  cost: Value;
  /** one input Value per weight, in the unrolled (row-major) order of the parameters */
  weights: Value[];
}

/**
 * J(Θ) = -1/m Σ_i Σ_k [y log h + (1 - y) log(1 - h)] + λ/(2m) Σ Θ² (bias columns excluded), from scalars, for the
 * course's sigmoid network of layer sizes `sizes` and unrolled weights `params`, on X (m×sizes[0]).
 *
 * `targets` are zero-based output units, one per row of X: 0..K-1 where K = sizes[L] (y_k = 1 for k = target),
 * as the notebook's `np.arange(1, 1 + m) % num_labels` and not the course's labels 1..K: add nothing to the
 * notebook's y, subtract 1 from the course's (labelsToTargets does it). Shapes, targets, X's values and λ are
 * checked as costFunction's callers check them (a ShapeError, a ValueError, an OptionError).
 */
export function scalarNetworkCost(sizes: readonly number[], params: Float64Array, X: Matrix, targets: ArrayLike<number>, lambda: number): ScalarNetwork {
  checkLayerSizes(sizes);
  checkNumber('lambda', lambda, TRAIN_RULES.lambda);
  checkExamples(sizes, X, targets);
  labelsToTargets(targets, sizes[sizes.length - 1], 'zero-based'); // each an integer in 0..K-1
  const thetas = rollParams(params, sizes);
  const weights: Value[] = [];
  const W = thetas.map((T, l) =>
    Array.from({ length: T.rows }, (_, r) =>
      Array.from({ length: T.cols }, (_, c) => {
        const v = Value.input(T.get(r, c), `Θ${l + 1}[${r + 1},${c}]`);
        weights.push(v);
        return v;
      }),
    ),
  );
  const m = X.rows;
  let total: Value | null = null;
  for (let i = 0; i < m; i++) {
    let a: Value[] = Array.from({ length: X.cols }, (_, j) => Value.const(X.get(i, j)));
    for (const Wl of W) {
      a = Wl.map((row) => {
        let z = row[0]; // the bias, times the bias unit's 1
        for (let j = 0; j < a.length; j++) z = z.add(row[j + 1].mul(a[j]));
        return z.sigmoid();
      });
    }
    for (let k = 0; k < a.length; k++) {
      const term = k === targets[i] ? a[k].log() : Value.const(1).sub(a[k]).log();
      total = total === null ? term : total.add(term);
    }
  }
  let J = (total as Value).mul(-1 / m);
  if (lambda !== 0) {
    let reg: Value | null = null;
    for (const Wl of W) for (const row of Wl) for (let c = 1; c < row.length; c++) reg = reg === null ? row[c].pow(2) : reg.add(row[c].pow(2));
    if (reg !== null) J = J.add(reg.mul(lambda / (2 * m)));
  }
  return { cost: J, weights };
}
