/**
 * A network object: layer sizes, weights and label convention together, with `cost`, `predict` and `train`.
 * The course's functions (nnCostFunction, predict, fmincg, …) are the faithful front; this is the same code
 * behind one handle, for any depth.
 */
import { ValueError } from '../errors.js';
import { Matrix } from '../linalg/matrix.js';
import { labelsToTargets, targetsToLabels, type LabelConvention } from '../data/labels.js';
import type { ImageShape } from '../data/dataset.js';
import { fmincg } from '../optim/fmincg.js';
import { gradientDescent } from '../optim/gradient-descent.js';
import type { IterationInfo, OptimizeResult } from '../optim/types.js';
import { checkData, costFunction, type CostResult } from './cost.js';
import { createEvaluator, type BackendName, type CostEvaluator } from './fast/evaluator.js';
import type { Precision } from './fast/partition.js';
import { randInitializeNetwork } from './init.js';
import { checkArchitecture, type Activation, type Architecture, type OutputKind } from './activations.js';
import { paramCount, rollParams, sizesOfThetas, unrollParams, checkLayerSizes } from './params.js';
import { accuracy, predictTargets } from './predict.js';

export type OptimizerName = 'fmincg' | 'gd';

export interface TrainOptions {
  /** regularization λ; default 0 */
  lambda?: number;
  /** iterations (fmincg: line searches); default 50 */
  maxIter?: number;
  /** default 'fmincg' */
  optimizer?: OptimizerName;
  /** gradient descent's step; default 1 */
  learningRate?: number;
  /** progress after every iteration; return false to stop */
  onIteration?: (info: IterationInfo) => void | boolean;
  /**
   * How to evaluate the cost: 'wasm' (the SIMD kernels in this thread, the default), 'reference' (plain
   * TypeScript, bit for bit the course's numbers), or a prepared evaluator (e.g. a threaded one from
   * createThreadedEvaluator, for this network's sizes and for this X and y).
   */
  backend?: BackendName | CostEvaluator;
  /** with backend 'wasm': 'f64' (default) or 'f32' for the input layer's products */
  precision?: Precision;
}

export interface TrainResult extends OptimizeResult {
  /** accuracy on the training data after training, percent */
  trainAccuracy: number;
}

export interface NetworkOptions {
  labels?: LabelConvention;
  /** hidden units: 'sigmoid' (the course's, default), 'tanh' or 'relu' */
  activation?: Activation;
  /** output layer: 'sigmoid' (the course's independent units, default) or 'softmax' */
  output?: OutputKind;
  /** what an input row looks like as a picture (for drawing the hidden units) */
  image?: ImageShape;
}

export class Network {
  readonly sizes: readonly number[];
  /** all weights, unrolled row-major; `thetas` are views into it */
  readonly params: Float64Array;
  readonly labels: LabelConvention;
  readonly activation: Activation;
  readonly output: OutputKind;
  readonly image: ImageShape | undefined;

  constructor(sizes: readonly number[], params?: Float64Array, options: NetworkOptions = {}) {
    checkLayerSizes(sizes);
    this.sizes = [...sizes];
    const n = paramCount(sizes);
    if (params !== undefined && params.length !== n) {
      throw new ValueError(`layers [${sizes.join(', ')}] need ${n} parameters, got ${params.length}`);
    }
    this.params = params ?? new Float64Array(n);
    this.labels = options.labels ?? 'course';
    const arch = checkArchitecture({ activation: options.activation, output: options.output });
    this.activation = arch.activation;
    this.output = arch.output;
    const image = options.image;
    if (image !== undefined && image.width * image.height !== sizes[0]) {
      throw new ValueError(`a ${image.height}×${image.width} image has ${image.width * image.height} pixels but the network has ${sizes[0]} inputs`);
    }
    this.image = image === undefined ? undefined : { ...image };
  }

  /** A network with the course's random initialization (uniform in [-ε, ε], ε = 0.12 unless given). */
  static random(
    sizes: readonly number[],
    options: NetworkOptions & { seed?: number; epsilon?: number | 'sqrt6' | 'he' } = {},
  ): Network {
    // ReLU units start with He's initialization unless an ε is given (see init.ts)
    const rule = options.epsilon ?? (options.activation === 'relu' ? 'he' : undefined);
    const thetas = randInitializeNetwork(sizes, { rng: options.seed ?? 0, epsilon: rule });
    return new Network(sizes, unrollParams(thetas), options);
  }

  /** A network with the given Theta matrices (copied). */
  static fromThetas(thetas: readonly Matrix[], options: NetworkOptions = {}): Network {
    return new Network(sizesOfThetas(thetas), unrollParams(thetas), options);
  }

  /** Theta(1) … Theta(L-1), as views into `params`. */
  get thetas(): Matrix[] {
    return rollParams(this.params, this.sizes);
  }

  /** hidden activation and output layer together */
  get architecture(): Architecture {
    return { activation: this.activation, output: this.output };
  }

  /** The options that make a network like this one (labels, architecture, image layout). */
  get options(): NetworkOptions {
    return { labels: this.labels, activation: this.activation, output: this.output, image: this.image };
  }

  get numLabels(): number {
    return this.sizes[this.sizes.length - 1];
  }

  /** J and ∂J/∂Θ on data X with labels y (in this network's label convention). */
  cost(X: Matrix, y: ArrayLike<number>, lambda = 0): CostResult {
    return costFunction(this.sizes, this.params, X, labelsToTargets(y, this.numLabels, this.labels), lambda, {
      architecture: this.architecture,
    });
  }

  /** The predicted label of each row of X. */
  predict(X: Matrix): Int32Array {
    return targetsToLabels(predictTargets(this.thetas, X, this.architecture), this.labels);
  }

  /** Percentage of rows of X predicted as their label. */
  accuracy(X: Matrix, y: ArrayLike<number>): number {
    return accuracy(this.predict(X), y);
  }

  /** Trains in place from the current weights. */
  train(X: Matrix, y: ArrayLike<number>, options: TrainOptions = {}): TrainResult {
    const lambda = options.lambda ?? 0;
    if (!(lambda >= 0) || !Number.isFinite(lambda)) throw new ValueError(`lambda must be a number >= 0, got ${lambda}`);
    const targets = labelsToTargets(y, this.numLabels, this.labels);
    checkData(this.sizes, X, targets);
    const given = typeof options.backend === 'object' ? options.backend : undefined;
    const evaluator =
      given ??
      createEvaluator(this.sizes, X, targets, {
        backend: (options.backend as BackendName | undefined) ?? 'wasm',
        precision: options.precision,
        architecture: this.architecture,
      });
    const grad = new Float64Array(this.params.length);
    const f = (theta: Float64Array): CostResult => ({ cost: evaluator.evaluate(theta, lambda, grad), grad });
    const common = { maxIter: options.maxIter ?? 50, onIteration: options.onIteration };
    try {
      const result =
        (options.optimizer ?? 'fmincg') === 'fmincg'
          ? fmincg(f, this.params, common)
          : gradientDescent(f, this.params, { ...common, learningRate: options.learningRate });
      this.params.set(result.theta);
      // the backend that trained also predicts (the reference forward pass takes longer than many iterations)
      return { ...result, trainAccuracy: accuracy(evaluator.predictTargets(this.params), targets) };
    } finally {
      if (given === undefined) evaluator.close();
    }
  }
}
