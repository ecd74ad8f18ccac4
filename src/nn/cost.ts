/**
 * The regularized cross-entropy cost of a sigmoid network and its gradient by backpropagation, vectorized over
 * the examples, for any number of layers (ex4 sections 1.3, 1.4, 2.3-2.5; the vectorized form of the Spanish
 * lecture, "Implementación vectorizada").
 *
 * Shapes, for sizes [s1, …, sL], m examples, K = sL:
 *   X: m×s1 (A1)            Theta(l): s(l+1)×(s(l)+1)
 *   Z(l+1) = [1 A(l)]·Theta(l)ᵀ : m×s(l+1)     A(l+1) = g(Z(l+1))
 *   J = -1/m Σ_i Σ_k [y log h + (1-y) log(1-h)] + λ/(2m) Σ_l Σ_{j, k>=1} Theta(l)_jk²   (bias column not regularized)
 *   δ(L) = A(L) - Y : m×K
 *   δ(l) = (δ(l+1)·Theta(l)(:, 2:end)) ∘ g'(Z(l)),  g'(Z) = A∘(1-A)
 *   ∂J/∂Theta(l) = (1/m)·δ(l+1)ᵀ·[1 A(l)] + (λ/m)·[0 Theta(l)(:, 2:end)]
 *
 * The per-example loop of the notebook (steps 1-5) is in ./backprop-loop.ts; tests check the two agree.
 */
import { ShapeError, ValueError } from '../errors.js';
import { checkMemory } from '../memory.js';
import { affineABt, affineAtB, matmulSkipBias, pairwiseSum } from '../linalg/kernels.js';
import { checkFinite, Matrix } from '../linalg/matrix.js';
import { SparseRows, SPARSE_DENSITY_THRESHOLD, density, sparseAffineABt, sparseAffineAtB } from '../linalg/sparse.js';
import { labelsToTargets, type LabelConvention } from '../data/labels.js';
import { crossEntropyTerm } from './cross-entropy.js';
import { paramCount, rollParams, checkLayerSizes } from './params.js';
import { activate, activateBackward, COURSE_ARCHITECTURE, softmaxRows, type Architecture } from './activations.js';
import { checkNumber, TRAIN_RULES } from './train-options.js';
import { regularizedCost, scaleAndRegularize, squaresOffBias } from './regularization.js';

/** A cost and its gradient. */
export interface CostResult {
  /** J(Θ) */
  cost: number;
  /** ∂J/∂Θ, unrolled as the parameters (row-major Theta1, Theta2, …) */
  grad: Float64Array;
}

/**
 * Buffers for one network and one number of examples, allocated once and reused by every evaluation (a
 * training run evaluates the cost hundreds of times; nothing in it allocates per evaluation or per example).
 */
export class Workspace {
  readonly sizes: readonly number[];
  readonly m: number;
  /** Z[l], A[l], D[l] for l = 1..L-1 (index 0 unused: A[0] is X itself) */
  readonly Z: Matrix[];
  readonly A: Matrix[];
  readonly D: Matrix[];
  /** log Σ_k e^{z_ik} of each example's output (softmax outputs) */
  readonly logSumExp: Float64Array;

  constructor(sizes: readonly number[], m: number) {
    checkLayerSizes(sizes);
    // Z, A and D of every layer after the first, m rows each, float64
    const units = sizes.slice(1).reduce((a, b) => a + b, 0);
    checkMemory(`the workspace of layers [${sizes.join(', ')}] for ${m} examples`, 3 * 8 * m * units + 8 * m, 'fewer hidden units, mini-batches (--batch-size), or the wasm backend');
    this.sizes = [...sizes];
    this.m = m;
    this.Z = [new Matrix(0, 0)];
    this.A = [new Matrix(0, 0)];
    this.D = [new Matrix(0, 0)];
    this.logSumExp = new Float64Array(m);
    for (let l = 1; l < sizes.length; l++) {
      this.Z.push(new Matrix(m, sizes[l]));
      this.A.push(new Matrix(m, sizes[l]));
      this.D.push(new Matrix(m, sizes[l]));
    }
  }

  /** Whether these buffers fit a network of these sizes on m examples. */
  fits(sizes: readonly number[], m: number): boolean {
    return m === this.m && sizes.length === this.sizes.length && sizes.every((s, i) => s === this.sizes[i]);
  }

  private inputX: Matrix | undefined;
  private inputSparse: SparseRows | undefined;

  /**
   * X in compressed rows when it is sparse enough to pay (digit images are), else undefined. Computed once per
   * X: a training run passes the same X to every evaluation (X must not be changed in place meanwhile).
   */
  /** Forgets the compressed X: call it when X's values change in place (a reused mini-batch buffer). */
  invalidateInput(): void {
    this.inputX = undefined;
    this.inputSparse = undefined;
  }

  /** X in compressed rows when it is sparse enough to gain by it (digit images are), computed once per X. */
  sparseInput(X: Matrix): SparseRows | undefined {
    if (this.inputX !== X) {
      this.inputX = X;
      this.inputSparse = density(X) < SPARSE_DENSITY_THRESHOLD ? SparseRows.fromDense(X) : undefined;
    }
    return this.inputSparse;
  }
}

/** Options of {@link costFunction}. */
export interface CostOptions {
  /** where to write the gradient (length = number of parameters); allocated if absent */
  grad?: Float64Array;
  /** reusable buffers (see Workspace); allocated if absent or of another shape */
  workspace?: Workspace;
  /** false: the cost only, no backpropagation (the gradient is left untouched) */
  gradient?: boolean;
  /** hidden activation and output layer; default the course's sigmoid network */
  architecture?: Architecture;
}

/** Checks that the data fits the network, with messages that name both sides. */
export function checkData(sizes: readonly number[], X: Matrix, targets: ArrayLike<number>): void {
  if (X.cols !== sizes[0]) {
    throw new ShapeError(`the data has ${X.cols} columns but the network expects ${sizes[0]} inputs`);
  }
  if (targets.length !== X.rows) {
    throw new ShapeError(`the data has ${X.rows} examples but there are ${targets.length} labels`);
  }
}

/**
 * Checks inputs given to a public call (Network's cost, outputs, predict, accuracy and train; nnCostFunction;
 * predict), once per call: their shape against the network, and every value finite (README, "Bad input is
 * refused"). A training run's iterations evaluate the cost on the same X hundreds of times without checking it
 * again: costFunction itself checks shapes only. `source` starts the message (as a file's name does the loaders').
 */
export function checkInputs(sizes: readonly number[], X: Matrix, source?: string): void {
  checkData(sizes, X, { length: X.rows });
  checkFinite(X, source);
}

/**
 * As checkInputs, for labelled examples (a cost, an accuracy, training): the labels' count against X's rows, and
 * at least one example (the cost of none is 0/0), in the loaders' words (../data/load.ts).
 */
export function checkExamples(sizes: readonly number[], X: Matrix, targets: ArrayLike<number>, source?: string): void {
  checkData(sizes, X, targets);
  if (X.rows === 0) throw new ValueError(`${source === undefined ? '' : `${source}: `}no examples (the data has 0 rows)`);
  checkFinite(X, source);
}

/**
 * Forward pass: fills ws.Z and ws.A for every layer (hidden layers through `arch.activation`, the output layer
 * through `arch.output`; a softmax output also fills ws.logSumExp). Returns the output activations A(L): m×K.
 */
export function forward(thetas: readonly Matrix[], X: Matrix, ws: Workspace, arch: Architecture = COURSE_ARCHITECTURE): Matrix {
  let prev = X;
  const sparse = ws.sparseInput(X);
  const L = thetas.length;
  for (let l = 1; l <= L; l++) {
    const Z = ws.Z[l];
    const A = ws.A[l];
    if (l === 1 && sparse !== undefined) sparseAffineABt(sparse, thetas[0], Z);
    else affineABt(prev, thetas[l - 1], Z);
    if (l < L) activate(arch.activation, Z.data, A.data);
    else if (arch.output === 'softmax') softmaxRows(Z.data, A.data, Z.rows, Z.cols, ws.logSumExp);
    else activate('sigmoid', Z.data, A.data);
    prev = A;
  }
  return prev;
}

/**
 * J(Θ) and ∂J/∂Θ for a network with layer sizes `sizes` (the course's sigmoid network unless
 * `options.architecture` says otherwise), unrolled parameters `params`, data X (m×n) and targets (the 0-based
 * output unit of each example; see labelsToTargets). Shapes are checked; X's values are not (a training run calls
 * this every iteration on the same X: the public calls check it once, see checkExamples).
 */
export function costFunction(
  sizes: readonly number[],
  params: Float64Array,
  X: Matrix,
  targets: ArrayLike<number>,
  lambda: number,
  options: CostOptions = {},
): CostResult {
  checkNumber('lambda', lambda, TRAIN_RULES.lambda);
  checkData(sizes, X, targets);
  const thetas = rollParams(params, sizes);
  const m = X.rows;
  const L = sizes.length - 1; // number of weight layers
  const K = sizes[L];
  const ws = options.workspace?.fits(sizes, m) ? options.workspace : new Workspace(sizes, m);
  const grad = options.grad ?? new Float64Array(paramCount(sizes));
  if (grad.length !== params.length) {
    throw new ShapeError(`the gradient buffer has ${grad.length} entries but there are ${params.length} parameters`);
  }

  const arch = options.architecture ?? COURSE_ARCHITECTURE;
  const H = forward(thetas, X, ws, arch);

  // Cost: the m×K summands, summed as NumPy's np.sum does, then scaled as the notebook does.
  const terms = ws.D[L].data; // δ(L) is written after the terms are summed
  const z = ws.Z[L].data;
  const h = H.data;
  let termSum: number;
  if (arch.output === 'softmax') {
    // log h_t = z_t - log Σ_k e^{z_k}: one term per example, finite however large the z
    for (let i = 0; i < m; i++) terms[i] = z[i * K + targets[i]] - ws.logSumExp[i];
    termSum = pairwiseSum(terms, 0, m);
  } else {
    for (let i = 0; i < m; i++) {
      const t = targets[i];
      const row = i * K;
      for (let k = 0; k < K; k++) terms[row + k] = crossEntropyTerm(z[row + k], h[row + k], k === t ? 1 : 0);
    }
    termSum = pairwiseSum(terms, 0, m * K);
  }
  const J = regularizedCost(termSum, m, lambda, L, (l) => squaresOffBias(thetas[l]));
  if (options.gradient === false) return { cost: J, grad };

  // Backward.
  const gradThetas = rollParams(grad, sizes);
  const dL = ws.D[L].data;
  for (let i = 0; i < m; i++) {
    const t = targets[i];
    const row = i * K;
    for (let k = 0; k < K; k++) dL[row + k] = h[row + k] - (k === t ? 1 : 0);
  }
  for (let l = L; l >= 1; l--) {
    // ∂J/∂Theta(l) = (1/m)·δ(l+1)ᵀ·[1 A(l)] + (λ/m)·Theta(l) off the bias column
    const Aprev = l === 1 ? X : ws.A[l - 1];
    const G = gradThetas[l - 1];
    const sparse = l === 1 ? ws.sparseInput(X) : undefined;
    if (sparse !== undefined) sparseAffineAtB(ws.D[l], sparse, G);
    else affineAtB(ws.D[l], Aprev, G);
    scaleAndRegularize(G, thetas[l - 1], m, lambda);
    if (l > 1) {
      // δ(l) = (δ(l+1)·Theta(l)(:, 2:end)) ∘ g'(Z(l)); for the sigmoid g' = A(l)∘(1 - A(l))
      const D = ws.D[l - 1];
      matmulSkipBias(ws.D[l], thetas[l - 1], D);
      activateBackward(arch.activation, ws.Z[l - 1].data, ws.A[l - 1].data, D.data);
    }
  }
  return { cost: J, grad };
}

/** Options of {@link nnCostFunction}. */
export interface NnCostOptions {
  /** how y is labelled: 'course' (1..K, the default) or 'zero-based' (0..K-1, the Python notebook) */
  labels?: LabelConvention;
}

/**
 * The course's `nnCostFunction`: cost and unrolled gradient of a network with `inputLayerSize` inputs,
 * `hiddenLayerSize` hidden units (a number, or an array for several hidden layers) and `numLabels` outputs.
 * Returns `[J, grad]` as the course's `[J grad] = nnCostFunction(...)` and the notebook's `J, grad = ...`.
 * Implements ex4 sections 1.3 "Feedforward and cost function", 1.4 "Regularized cost function", 2.3
 * "Backpropagation" and 2.5 "Regularized neural networks" (see [the course map](../../docs/course.md)).
 */
export function nnCostFunction(
  nnParams: Float64Array,
  inputLayerSize: number,
  hiddenLayerSize: number | readonly number[],
  numLabels: number,
  X: Matrix,
  y: ArrayLike<number>,
  lambda: number,
  options: NnCostOptions = {},
): [number, Float64Array] {
  const hidden = typeof hiddenLayerSize === 'number' ? [hiddenLayerSize] : hiddenLayerSize;
  const sizes = [inputLayerSize, ...hidden, numLabels];
  const targets = labelsToTargets(y, numLabels, options.labels ?? 'course');
  checkExamples(sizes, X, targets);
  const { cost, grad } = costFunction(sizes, nnParams, X, targets, lambda);
  return [cost, grad];
}
