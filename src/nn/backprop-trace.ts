/**
 * Backpropagation on one example, step by step, with everything it computes kept: the notebook's steps 1-5
 * (ex4 section 2.3) as a list of named matrices with their shapes and formulas, for a page to show one at a time.
 *
 *   step 1  a(1) = [1; x]                      (s1+1)×1   the input with its bias unit
 *           z(l+1) = Θ(l)·a(l)                  s(l+1)×1
 *           a(l+1) = [1; g(z(l+1))]             (s(l+1)+1)×1, the output layer without a bias: h = a(L)
 *   step 2  δ(L) = a(L) - y                     K×1        (y one-hot; the same for a softmax output)
 *   step 3  δ(l) = (Θ(l)ᵀ·δ(l+1))(2:end) ∘ g'(z(l))   s(l)×1  (δ0 skipped, as the notebook says)
 *   step 4  Δ(l) = δ(l+1)·a(l)ᵀ                 s(l+1)×(s(l)+1)  (what this example adds to Δ, from zero)
 *   step 5  D(l) = (1/m)·Δ(l) + (λ/m)·Θ(l), bias column not regularized, m = 1
 *
 * Layers are numbered as the documents number them: a(1) is the input, Θ(l) maps layer l to layer l+1. The same
 * for any depth and for the other activations and the softmax output (the lecture's); D equals the vectorized
 * `costFunction`'s gradient for this one example (tested to 1e-12).
 */
import { ShapeError } from '../errors.js';
import { Matrix } from '../linalg/matrix.js';
import { crossEntropyTerm } from './cross-entropy.js';
import { activate, activateBackward, COURSE_ARCHITECTURE, softmaxRows, type Activation, type Architecture } from './activations.js';
import { paramCount, rollParams } from './params.js';
import { regularizedCost, scaleAndRegularize, squaresOffBias } from './regularization.js';

/** One matrix of the computation. */
export interface TraceStep {
  /** the notebook's step (1-5) it belongs to */
  step: 1 | 2 | 3 | 4 | 5;
  /** its name as the documents write it: a(1), z(2), h, y, δ(3), Δ(1), D(1) */
  name: string;
  /** how it is computed, in the documents' notation */
  formula: string;
  /** what it is, in words */
  about: string;
  /** the layer it belongs to (1-based, the documents' l) */
  layer: number;
  /** the matrix (a column vector for activations and errors) */
  value: Matrix;
  /** true for Δ and D, which have Θ(l)'s shape */
  weightShaped: boolean;
}

export interface BackpropTrace {
  steps: TraceStep[];
  /** J for this one example (m = 1), with the penalty λ/2·ΣΘ² */
  cost: number;
  /** D(1) … D(L-1) unrolled as the parameters (row-major): the gradient for this one example */
  grad: Float64Array;
  /** the output unit of the example's class (0-based) */
  target: number;
}

const G: Record<Activation, { g: string; dg: string }> = {
  sigmoid: { g: 'g(z) = 1/(1 + e^−z)', dg: "g′(z) = a∘(1 − a)" },
  tanh: { g: 'g(z) = tanh z', dg: "g′(z) = 1 − a²" },
  relu: { g: 'g(z) = max(0, z)', dg: "g′(z) = 1 where z > 0, else 0" },
};

const column = (v: Float64Array) => new Matrix(v.length, 1, v);

/**
 * The trace of backpropagation for input `x` (one example, s1 values) of class `target` (the 0-based output unit)
 * through the network with layer `sizes` and unrolled weights `params`.
 */
export function backpropTrace(
  sizes: readonly number[],
  params: Float64Array,
  x: ArrayLike<number>,
  target: number,
  options: { lambda?: number; architecture?: Architecture } = {},
): BackpropTrace {
  if (x.length !== sizes[0]) throw new ShapeError(`the example has ${x.length} values but the network has ${sizes[0]} inputs`);
  if (params.length !== paramCount(sizes)) throw new ShapeError(`layers [${sizes.join(', ')}] need ${paramCount(sizes)} parameters, got ${params.length}`);
  const L = sizes.length; // layers, the documents' L
  const K = sizes[L - 1];
  if (!(Number.isInteger(target) && target >= 0 && target < K)) throw new ShapeError(`class ${target} is not one of the ${K} output units`);
  const arch = options.architecture ?? COURSE_ARCHITECTURE;
  const lambda = options.lambda ?? 0;
  const thetas = rollParams(params, sizes);
  const steps: TraceStep[] = [];
  const gName = G[arch.activation];

  // Step 1: the forward pass, keeping a(l) with its bias unit and z(l).
  const a: Float64Array[] = []; // a[l-1] = a(l), with the bias a0 = 1 first (not for the output layer)
  const z: Float64Array[] = [new Float64Array(0)]; // z[l-1] = z(l); layer 1 has none
  a.push(Float64Array.of(1, ...Array.from(x)));
  steps.push({ step: 1, name: 'a(1)', formula: 'a(1) = [1; x]', about: 'the input: the picture’s pixels, with the bias unit a0 = 1 on top', layer: 1, value: column(a[0]), weightShaped: false });
  let h = new Float64Array(0);
  let logSumExp = 0;
  for (let l = 1; l < L; l++) {
    const T = thetas[l - 1];
    const zl = new Float64Array(T.rows);
    for (let j = 0; j < T.rows; j++) {
      let s = 0;
      for (let k = 0; k < T.cols; k++) s += T.data[j * T.cols + k] * a[l - 1][k];
      zl[j] = s;
    }
    z.push(zl);
    const next = l + 1;
    steps.push({ step: 1, name: `z(${next})`, formula: `z(${next}) = Θ(${l})·a(${l})`, about: `each unit of layer ${next}: the weighted sum of layer ${l}’s activations`, layer: next, value: column(zl), weightShaped: false });
    if (next < L) {
      const al = new Float64Array(zl.length + 1);
      al[0] = 1;
      activate(arch.activation, zl, al.subarray(1));
      a.push(al);
      steps.push({ step: 1, name: `a(${next})`, formula: `a(${next}) = [1; g(z(${next}))], ${gName.g}`, about: `layer ${next}’s activations, with its bias unit on top`, layer: next, value: column(al), weightShaped: false });
    } else {
      h = new Float64Array(K);
      if (arch.output === 'softmax') {
        const lse = new Float64Array(1);
        softmaxRows(zl, h, 1, K, lse);
        logSumExp = lse[0];
      } else {
        activate('sigmoid', zl, h);
      }
      a.push(h);
      const f = arch.output === 'softmax' ? `h = a(${L}) = softmax(z(${L})): e^z_k / Σ_j e^z_j` : `h = a(${L}) = g(z(${L})), g(z) = 1/(1 + e^−z)`;
      steps.push({ step: 1, name: 'h', formula: f, about: 'the output: the network’s answer, one unit per class', layer: L, value: column(h), weightShaped: false });
    }
  }

  // Step 2: the output error.
  const y = new Float64Array(K);
  y[target] = 1;
  steps.push({ step: 2, name: 'y', formula: 'y_k = 1 for the example’s class, 0 for the others', about: 'the right answer, one-hot', layer: L, value: column(y), weightShaped: false });
  const delta: Float64Array[] = new Array<Float64Array>(L + 1);
  delta[L] = Float64Array.from(h, (v, k) => v - y[k]);
  steps.push({ step: 2, name: `δ(${L})`, formula: `δ(${L}) = a(${L}) − y`, about: 'how far each output is from the right answer', layer: L, value: column(delta[L]), weightShaped: false });

  // Step 3: errors of the hidden layers, back to front.
  for (let l = L - 1; l >= 2; l--) {
    const T = thetas[l - 1]; // Θ(l): s(l+1)×(s(l)+1)
    const d = new Float64Array(sizes[l - 1]);
    for (let k = 1; k < T.cols; k++) {
      let s = 0;
      for (let j = 0; j < T.rows; j++) s += T.data[j * T.cols + k] * delta[l + 1][j];
      d[k - 1] = s;
    }
    activateBackward(arch.activation, z[l - 1], a[l - 1].subarray(1), d);
    delta[l] = d;
    steps.push({
      step: 3,
      name: `δ(${l})`,
      formula: `δ(${l}) = (Θ(${l})ᵀ·δ(${l + 1}))(2:end) ∘ g′(z(${l})), ${gName.dg}`,
      about: `layer ${l}’s share of the error: the errors above, sent back through the same weights, times the slope of each unit`,
      layer: l,
      value: column(d),
      weightShaped: false,
    });
  }

  // Step 4: what this example adds to each Δ(l); step 5: D(l), m = 1.
  const grad = new Float64Array(params.length);
  const D = rollParams(grad, sizes);
  const Deltas: Matrix[] = [];
  for (let l = 1; l < L; l++) {
    const T = thetas[l - 1];
    const Delta = new Matrix(T.rows, T.cols);
    Deltas.push(Delta);
    for (let j = 0; j < T.rows; j++) {
      for (let k = 0; k < T.cols; k++) Delta.data[j * T.cols + k] = delta[l + 1][j] * a[l - 1][k];
    }
    steps.push({ step: 4, name: `Δ(${l})`, formula: `Δ(${l}) = Δ(${l}) + δ(${l + 1})·a(${l})ᵀ, from Δ = 0`, about: `this example’s contribution to the gradient of Θ(${l}): each error times each activation it came from`, layer: l, value: Delta, weightShaped: true });
  }
  for (let l = 1; l < L; l++) {
    const T = thetas[l - 1];
    const Dl = D[l - 1];
    // (1/m)·Δ + (λ/m)·Θ off the bias column, with m = 1: one example
    Dl.data.set(Deltas[l - 1].data);
    scaleAndRegularize(Dl, T, 1, lambda);
    steps.push({
      step: 5,
      name: `D(${l})`,
      formula: `D(${l}) = (1/m)·Δ(${l}) + (λ/m)·Θ(${l}) for j ≥ 1, m = 1, λ = ${lambda}`,
      about: `∂J/∂Θ(${l}): the gradient the optimizer follows (the bias column j = 0 is not regularized)`,
      layer: l,
      value: new Matrix(T.rows, T.cols, Float64Array.from(Dl.data)),
      weightShaped: true,
    });
  }

  let terms: number;
  if (arch.output === 'softmax') {
    terms = z[L - 1][target] - logSumExp;
  } else {
    terms = 0;
    for (let k = 0; k < K; k++) terms += crossEntropyTerm(z[L - 1][k], h[k], y[k]);
  }
  const cost = regularizedCost(terms, 1, lambda, thetas.length, (l) => squaresOffBias(thetas[l]));
  return { steps, cost, grad, target };
}
