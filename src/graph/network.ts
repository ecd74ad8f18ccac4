/**
 * The bridge from scalar graphs to matrices: the course's cost function built from scalar Values, one node per
 * multiply, add and sigmoid, for a small network. Its backward pass gives, weight by weight, the gradient that the
 * vectorized backpropagation of nnCostFunction computes with matrices (δ(3) = a(3) - y, δ(2) = Θ2ᵀδ(3) ∘ g'(z(2)),
 * Δ = δ·aᵀ): the same chain rule, organised differently. A test checks they agree.
 */
import type { Matrix } from '../linalg/matrix.js';
import { rollParams } from '../nn/params.js';
import { Value } from './value.js';

/** A network's cost built from scalar Values: the graph, and the weights as its inputs. */
export interface ScalarNetwork {
  /** J(Θ) as a graph */
  cost: Value;
  /** one input Value per weight, in the unrolled (row-major) order of the parameters */
  weights: Value[];
}

/** J(Θ) = -1/m Σ_i Σ_k [y log h + (1 - y) log(1 - h)] + λ/(2m) Σ Θ² (bias columns excluded), from scalars. */
export function scalarNetworkCost(sizes: readonly number[], params: Float64Array, X: Matrix, targets: ArrayLike<number>, lambda: number): ScalarNetwork {
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
