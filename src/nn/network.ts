/**
 * A network object: layer sizes, weights and label convention together, with `cost`, `predict` and `train`.
 * The course's functions (nnCostFunction, predict, fmincg, …) are the faithful front; this is the same code
 * behind one handle, for any depth.
 */
import { DivergenceError, ValueError } from '../errors.js';
import { Matrix } from '../linalg/matrix.js';
import { labelsToTargets, targetsToLabels, type LabelConvention } from '../data/labels.js';
import type { ImageShape } from '../data/dataset.js';
import { fmincgIterations } from '../optim/fmincg.js';
import { lbfgsIterations } from '../optim/lbfgs.js';
import { momentumIterations } from '../optim/momentum.js';
import { adamIterations } from '../optim/adam.js';
import { gradientDescentIterations } from '../optim/gradient-descent.js';
import { runToEnd, type IterationInfo, type Iterations, type OptimizeResult, type OptimizerState } from '../optim/types.js';
import { checkData, costFunction, forward, Workspace, type CostResult } from './cost.js';
import { createEvaluator, type BackendName, type CostEvaluator } from './fast/evaluator.js';
import type { Precision } from './fast/partition.js';
import { randInitializeNetwork } from './init.js';
import { checkArchitecture, type Activation, type Architecture, type OutputKind } from './activations.js';
import { paramCount, rollParams, sizesOfThetas, unrollParams, checkAllocatable } from './params.js';
import { accuracy, predictTargets } from './predict.js';

/** The optimizers `Network.train` runs. */
export type OptimizerName = 'fmincg' | 'lbfgs' | 'gd' | 'momentum' | 'adam';
export const OPTIMIZERS: readonly OptimizerName[] = ['fmincg', 'lbfgs', 'gd', 'momentum', 'adam'];

/** How {@link Network.train} trains. */
export interface TrainOptions {
  /** regularization λ; default 0 */
  lambda?: number;
  /** iterations: fmincg and L-BFGS line searches; gradient-descent steps, or epochs with mini-batches; default 50 */
  maxIter?: number;
  /** default 'fmincg' */
  optimizer?: OptimizerName;
  /** the step of gd (default 1), momentum (0.1) and Adam (0.001) */
  learningRate?: number;
  /** momentum's μ; default 0.9 */
  momentum?: number;
  /** examples per mini-batch for gd, momentum and Adam; default: full batch */
  batchSize?: number;
  /** seed of the mini-batch order; default 0 */
  batchSeed?: number;
  /**
   * Held-out data for early stopping: after every iteration (epoch) its cost (without the penalty) is measured;
   * training stops when it has not improved for `patience` iterations, and the best weights are kept.
   */
  validation?: { X: Matrix; y: ArrayLike<number>; patience?: number };
  /** continue a stopped run from its state (TrainResult.state): it ends with the weights an unstopped run has */
  resume?: TrainState;
  /** progress after every iteration; return false to stop */
  onIteration?: (info: IterationInfo) => void | boolean;
  /** polled at every pause (every iteration, every mini-batch): true stops the run there with its state */
  stopRequested?: () => boolean;
  /**
   * How to evaluate the cost: 'wasm' (the SIMD kernels in this thread, the default), 'reference' (plain
   * TypeScript, bit for bit the course's numbers), or a prepared evaluator (e.g. a threaded one from
   * createThreadedEvaluator, for this network's sizes and for this X and y).
   */
  backend?: BackendName | CostEvaluator;
  /** with backend 'wasm': 'f64' (default) or 'f32' for the input layer's products */
  precision?: Precision;
}

/**
 * Where a stopped training run was: the optimizer's state and the run's own (the divergence watch, early
 * stopping), so that resuming it ends bit for bit where an unstopped run does.
 */
export interface TrainState {
  optimizer: OptimizerName;
  optimizerState: OptimizerState;
  /** the first whole-set cost, which divergence is measured against (NaN before there is one) */
  initialCost: number;
  /** the last iteration's cost (NaN before the first) */
  previousCost: number;
  /** early stopping: the held-out cost after each iteration, and the best weights so far */
  validation?: { history: number[]; bestCost: number; bestIteration: number; bestParams: Float64Array };
}

/** What {@link Network.train} reports. */
export interface TrainResult extends Omit<OptimizeResult, 'state'> {
  /** stopped by the callback or by stopRequested: where it was, to resume from (a checkpoint) */
  state?: TrainState;
  /** the validation cost after each iteration (when validation data was given) */
  validationHistory?: number[];
  /** the iteration whose weights were kept (early stopping) */
  bestIteration?: number;
  /** accuracy on the training data after training, percent */
  trainAccuracy: number;
}

/** What a network is besides its sizes and weights: labels, architecture, image layout, input scale. */
export interface NetworkOptions {
  labels?: LabelConvention;
  /** hidden units: 'sigmoid' (the course's, default), 'tanh' or 'relu' */
  activation?: Activation;
  /** output layer: 'sigmoid' (the course's independent units, default) or 'softmax' */
  output?: OutputKind;
  /** what an input row looks like as a picture (for drawing the hidden units) */
  image?: ImageShape;
  /**
   * What the training data's raw values were divided by (255: 8-bit pixels brought to [0, 1]); inputs to predict
   * must be scaled the same way (nnlearn's loaders do it).
   */
  inputScale?: number;
}

/**
 * A network of any depth with its weights, label convention and architecture: predicts, trains, evaluates
 * its cost. `sizes` are the layer sizes, inputs to outputs (the course's [400, 25, 10]).
 */
export class Network {
  readonly sizes: readonly number[];
  /** all weights, unrolled row-major; `thetas` are views into it */
  readonly params: Float64Array;
  readonly labels: LabelConvention;
  readonly activation: Activation;
  readonly output: OutputKind;
  readonly image: ImageShape | undefined;
  readonly inputScale: number | undefined;

  constructor(sizes: readonly number[], params?: Float64Array, options: NetworkOptions = {}) {
    checkAllocatable(sizes);
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
    this.inputScale = options.inputScale;
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
    return { labels: this.labels, activation: this.activation, output: this.output, image: this.image, inputScale: this.inputScale };
  }

  /** K, the number of output units. */
  get numLabels(): number {
    return this.sizes[this.sizes.length - 1];
  }

  /** J and ∂J/∂Θ on data X with labels y (in this network's label convention). */
  cost(X: Matrix, y: ArrayLike<number>, lambda = 0): CostResult {
    return costFunction(this.sizes, this.params, X, labelsToTargets(y, this.numLabels, this.labels), lambda, {
      architecture: this.architecture,
    });
  }

  /** The output layer's activations for each row of X (m×K): probabilities for a softmax output. */
  outputs(X: Matrix): Matrix {
    checkData(this.sizes, X, { length: X.rows });
    return forward(this.thetas, X, new Workspace(this.sizes, X.rows), this.architecture).clone();
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
    return runToEnd(this.trainSteps(X, y, options));
  }

  /**
   * As `train`, letting the event loop run at every pause (every iteration, every mini-batch): a Ctrl-C handler
   * can set what `stopRequested` reads, a page can repaint.
   */
  async trainAsync(X: Matrix, y: ArrayLike<number>, options: TrainOptions = {}): Promise<TrainResult> {
    const steps = this.trainSteps(X, y, options);
    for (;;) {
      const r = steps.next();
      if (r.done) return r.value;
      // setImmediate (Node) lets pending signals and I/O through without a timer's millisecond
      await new Promise<void>((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));
    }
  }

  private *trainSteps(X: Matrix, y: ArrayLike<number>, options: TrainOptions): Generator<void, TrainResult, void> {
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
    const arch = this.architecture;
    // Mini-batches: by the evaluator where it can (wasm, reference), else by the reference on the batch's rows,
    // gathered into buffers made once per size (a threaded evaluator).
    const batchBuffers = new Map<number, { X: Matrix; t: Int32Array; ws: Workspace }>();
    const onBatch = (theta: Float64Array, batch: Int32Array): CostResult => {
      // The penalty stays λ/(2m)·ΣΘ² with the whole training set's m, so that a batch's cost and gradient estimate
      // the full ones (the cost functions divide λ by the rows they are given).
      const lambdaBatch = (lambda * batch.length) / X.rows;
      if (evaluator.evaluateBatch !== undefined) return { cost: evaluator.evaluateBatch(theta, lambdaBatch, grad, batch), grad };
      let b = batchBuffers.get(batch.length);
      if (b === undefined) {
        b = { X: new Matrix(batch.length, X.cols), t: new Int32Array(batch.length), ws: new Workspace(this.sizes, batch.length) };
        batchBuffers.set(batch.length, b);
      }
      const n = X.cols;
      for (let i = 0; i < batch.length; i++) {
        const r = batch[i];
        b.X.data.set(X.data.subarray(r * n, (r + 1) * n), i * n);
        b.t[i] = targets[r];
      }
      b.ws.invalidateInput(); // the buffer holds new rows
      return costFunction(this.sizes, theta, b.X, b.t, lambdaBatch, { workspace: b.ws, grad, architecture: arch });
    };
    let initialCost = NaN; // the first whole-set cost (at the starting weights, for the full-batch optimizers)
    const f = (theta: Float64Array, batch?: Int32Array): CostResult => {
      if (batch !== undefined) return onBatch(theta, batch);
      const cost = evaluator.evaluate(theta, lambda, grad);
      if (Number.isNaN(initialCost)) initialCost = cost;
      return { cost, grad };
    };

    // early stopping on held-out data
    const val = options.validation;
    const valTargets = val === undefined ? undefined : labelsToTargets(val.y, this.numLabels, this.labels);
    const resume = options.resume;
    const optimizer = options.optimizer ?? 'fmincg';
    if (resume !== undefined) {
      if (resume.optimizer !== optimizer) throw new ValueError(`the state to resume is ${resume.optimizer}'s, not ${optimizer}'s`);
      if ((resume.validation !== undefined) !== (val !== undefined)) {
        throw new ValueError(`the state to resume is from a run ${resume.validation ? 'with' : 'without'} validation data; this one is ${val ? 'with' : 'without'}`);
      }
      if (resume.validation !== undefined && resume.validation.bestParams.length !== this.params.length) {
        throw new ValueError(`the state to resume has ${resume.validation.bestParams.length} parameters, not ${this.params.length}`);
      }
    }
    const valHistory: number[] = [...(resume?.validation?.history ?? [])];
    const best = {
      cost: resume?.validation?.bestCost ?? Infinity,
      iteration: resume?.validation?.bestIteration ?? 0,
      params: Float64Array.from(resume?.validation?.bestParams ?? this.params),
    };
    const patience = val?.patience ?? 10;
    let earlyStopped = false;
    // Divergence: a cost that is not a number, or that climbs to ten times where training started, stops training
    // before anything prints it (a learning rate far too large does this within a few steps).
    if (resume !== undefined) initialCost = resume.initialCost;
    let prevCost = resume?.previousCost ?? NaN;
    const onIteration = (info: IterationInfo): void | boolean => {
      const start = Number.isFinite(initialCost) ? initialCost : info.cost;
      if (!Number.isFinite(info.cost) || (info.cost > 10 * start && !(info.cost <= prevCost))) {
        const what = Number.isFinite(info.cost) ? `the cost rose to ${info.cost.toPrecision(4)} from ${start.toPrecision(4)}` : `the cost became ${info.cost}`;
        const hint =
          options.learningRate !== undefined
            ? `try a smaller learning rate (e.g. ${options.learningRate / 10})`
            : 'try a smaller learning rate or a larger λ';
        throw new DivergenceError(info.iteration, `training diverged at iteration ${info.iteration}: ${what}; ${hint}`);
      }
      prevCost = info.cost;
      const go = options.onIteration?.(info);
      if (val !== undefined && valTargets !== undefined) {
        const c = costFunction(this.sizes, info.theta, val.X, valTargets, 0, { gradient: false, architecture: arch }).cost;
        valHistory.push(c);
        if (c < best.cost) {
          best.cost = c;
          best.iteration = info.iteration;
          best.params.set(info.theta);
        } else if (info.iteration - best.iteration >= patience) {
          earlyStopped = true;
          return false;
        }
      }
      return go;
    };
    const common = {
      maxIter: options.maxIter ?? 50,
      onIteration,
      stopRequested: options.stopRequested,
      resume: resume?.optimizerState,
    };
    const stochastic = { ...common, batchSize: options.batchSize, examples: X.rows, seed: options.batchSeed };
    try {
      let steps: Iterations;
      switch (optimizer) {
        case 'fmincg':
          steps = fmincgIterations(f, this.params, common);
          break;
        case 'lbfgs':
          steps = lbfgsIterations(f, this.params, common);
          break;
        case 'gd':
          steps = gradientDescentIterations(f, this.params, { ...stochastic, learningRate: options.learningRate });
          break;
        case 'momentum':
          steps = momentumIterations(f, this.params, { ...stochastic, learningRate: options.learningRate, momentum: options.momentum });
          break;
        case 'adam':
          steps = adamIterations(f, this.params, { ...stochastic, learningRate: options.learningRate });
          break;
        default:
          throw new ValueError(`unknown optimizer "${String(options.optimizer)}" (expected ${OPTIMIZERS.join(', ')})`);
      }
      const { state: optimizerState, ...run } = yield* steps;
      let result: Omit<OptimizeResult, 'state'> = run;
      const state: TrainState | undefined =
        optimizerState === undefined || earlyStopped
          ? undefined
          : {
              optimizer,
              optimizerState,
              initialCost,
              previousCost: prevCost,
              ...(val !== undefined
                ? { validation: { history: [...valHistory], bestCost: best.cost, bestIteration: best.iteration, bestParams: Float64Array.from(best.params) } }
                : {}),
            };
      if (val !== undefined && best.iteration > 0) {
        // keep the weights that did best on the held-out data
        result = { ...result, theta: best.params, stopReason: earlyStopped ? 'early-stopped' : result.stopReason };
      }
      this.params.set(result.theta);
      // the backend that trained also predicts (the reference forward pass takes longer than many iterations)
      return {
        ...result,
        ...(state !== undefined ? { state } : {}),
        ...(val !== undefined ? { validationHistory: valHistory, bestIteration: best.iteration } : {}),
        trainAccuracy: accuracy(evaluator.predictTargets(this.params), targets),
      };
    } finally {
      if (given === undefined) evaluator.close();
    }
  }
}
