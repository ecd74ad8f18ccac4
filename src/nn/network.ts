/**
 * A network object: layer sizes, weights and label convention together, with `cost`, `predict` and `train`.
 * The course's functions (nnCostFunction, predict, fmincg, …) are the faithful front; this is the same code
 * behind one handle, for any depth.
 */
import { ValueError } from '../errors.js';
import { MemoryError } from '../memory.js';
import { isFloat64Array, Matrix } from '../linalg/matrix.js';
import { labelsToTargets, targetsToLabels, type LabelConvention } from '../data/labels.js';
import type { ImageShape } from '../data/dataset.js';
import { runToEnd } from '../optim/types.js';
import { checkExamples, checkInputs, costFunction, type CostResult } from './cost.js';
import { createEvaluator, type BackendName, type CostEvaluator } from './fast/evaluator.js';
import { openEvaluator, openLocalEvaluator, resolveBackend, withBatches, type BackendChoice } from './fast/backend.js';
import { randInitializeNetwork } from './init.js';
import { checkArchitecture, type Activation, type Architecture, type OutputKind } from './activations.js';
import { paramCount, rollParams, sizesOfThetas, unrollParams, checkAllocatable } from './params.js';
import { accuracy, forwardOutputs, predictTargets } from './predict.js';
import { defaultPrecision, OptionError, resolveTraining, type ResolvedTraining, type TrainOptions } from './train-options.js';
import { trainingRun, type TrainingProblem, type TrainResult } from './training.js';

export type { OptimizerName } from '../optim/registry.js';
export { OPTIMIZERS } from '../optim/registry.js';
export type { TrainOptions } from './train-options.js';
export type { TrainResult, TrainState } from './training.js';

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
 * Lets the event loop run (pending signals, I/O, a page's messages) without a timer's delay: setImmediate on Node;
 * in browsers a message to itself, since setTimeout(0) is clamped to 4 ms after a few nestings (hundreds of
 * pauses a second would spend most of the time waiting).
 */
function yieldToEventLoop(): Promise<void> {
  if (typeof setImmediate === 'function') return new Promise((resolve) => setImmediate(resolve));
  if (typeof MessageChannel === 'function') {
    return new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        channel.port1.close();
        resolve();
      };
      channel.port2.postMessage(null);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * Refuses training labels of one class (the library and the CLI, which names the data as `source`): a classifier
 * learns to tell classes apart, and data of one class gives a network that always says it (100% on that data,
 * and nothing learnt).
 */
export function checkClasses(y: ArrayLike<number>, source?: string): void {
  const first = y[0];
  for (let i = 1; i < y.length; i++) if (y[i] !== first) return;
  const examples = source === undefined ? `every one of the ${y.length} examples` : `${source}: every one of its ${y.length} examples`;
  throw new ValueError(`${examples} has the label ${first}; training needs examples of at least two classes`);
}

/**
 * A network: its layer sizes, weights (unrolled, row-major Theta1, Theta2, …), label convention, hidden
 * activation and output layer, with cost, outputs, predict and train. Any depth; the course's 400-25-10 sigmoid
 * network is `Network.random([400, 25, 10])`.
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
    checkAllocatable(sizes, params === undefined ? 1 : 0); // weights given: nothing more to allocate
    this.sizes = [...sizes];
    const n = paramCount(sizes);
    if (params !== undefined && params.length !== n) {
      throw new ValueError(`layers [${sizes.join(', ')}] need ${n} parameters, got ${params.length}`);
    }
    // weights of another type (a Float32Array from plain JavaScript) are copied: training is float64 throughout
    this.params = params === undefined ? new Float64Array(n) : isFloat64Array(params) ? params : Float64Array.from(params);
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

  /**
   * J and ∂J/∂Θ on data X with labels y (in this network's label convention). λ defaults to 0 here, the cost of the
   * weights on the data alone (as `nnlearn cost`'s --lambda and the course's first check, J = 0.287629), where
   * `train` defaults to 1, the course's λ for learning (DEFAULT_LAMBDA): give it to see the cost training minimizes.
   */
  cost(X: Matrix, y: ArrayLike<number>, lambda = 0): CostResult {
    const targets = labelsToTargets(y, this.numLabels, this.labels);
    checkExamples(this.sizes, X, targets);
    return costFunction(this.sizes, this.params, X, targets, lambda, { architecture: this.architecture });
  }

  /** The output layer's activations for each row of X (m×K): probabilities for a softmax output. */
  outputs(X: Matrix): Matrix {
    checkInputs(this.sizes, X);
    return forwardOutputs(this.thetas, X, this.architecture);
  }

  /**
   * The predicted output unit (0 … K-1) of each row of X: the reference's forward pass, or with `backend: 'wasm'`
   * the SIMD kernels in float64 (the reference's outputs to about 1e-15, so the same units except at an exact tie:
   * on MNIST's 10,000 test images 0.1 s where the reference takes 1.3 s). The kernels' copy of X must fit the
   * memory budget; where it does not, the reference predicts.
   */
  predictUnits(X: Matrix, options: { backend?: BackendName } = {}): Int32Array {
    checkInputs(this.sizes, X);
    return this.units(X, options);
  }

  /** predictUnits on inputs already checked. */
  private units(X: Matrix, options: { backend?: BackendName }): Int32Array {
    if (options.backend !== 'wasm') return predictTargets(this.thetas, X, this.architecture);
    let ev: CostEvaluator;
    try {
      // the targets only enter the cost: predictions need none
      ev = createEvaluator(this.sizes, X, new Int32Array(X.rows), { backend: 'wasm', precision: 'f64', architecture: this.architecture });
    } catch (err) {
      if (err instanceof MemoryError) return predictTargets(this.thetas, X, this.architecture);
      throw err;
    }
    try {
      return ev.predictTargets(this.params);
    } finally {
      ev.close();
    }
  }

  /** The predicted label of each row of X (see predictUnits for the backend). */
  predict(X: Matrix, options: { backend?: BackendName } = {}): Int32Array {
    return targetsToLabels(this.predictUnits(X, options), this.labels);
  }

  /**
   * Percentage of rows of X predicted as their label (see predictUnits for the backend); y is checked as `cost`
   * checks it (this network's convention and classes), so that labels of another convention are refused, not scored.
   */
  accuracy(X: Matrix, y: ArrayLike<number>, options: { backend?: BackendName } = {}): number {
    const targets = labelsToTargets(y, this.numLabels, this.labels);
    checkExamples(this.sizes, X, targets);
    return accuracy(this.units(X, options), targets);
  }

  /**
   * Trains in place from the current weights, in this thread (the SIMD kernels by default). The options are
   * checked and completed as the CLI's are (train-options.ts); `result.settings` holds the ones in force.
   */
  train(X: Matrix, y: ArrayLike<number>, options: TrainOptions = {}): TrainResult {
    if (options.threads !== undefined && options.threads !== 1 && typeof options.backend !== 'object') {
      throw new OptionError('threads', 'threads need trainAsync (train runs in this thread)');
    }
    const run = this.prepareRun(X, y, options);
    const evaluator = run.given ?? openLocalEvaluator(this.sizes, X, run.targets, this.backendChoice(options, run.settings), this.architecture);
    try {
      return runToEnd(trainingRun({ ...run.problem, evaluator: this.batching(evaluator, run) }, run.settings, options));
    } finally {
      if (run.given === undefined) evaluator.close();
    }
  }

  /**
   * As `train`, on every core where threads are available (Node, after importing `nnlearn/node`; a page's worker
   * that registered Web Workers), letting the event loop run at every pause (every iteration, every mini-batch):
   * a Ctrl-C handler can set what `stopRequested` reads, a page can repaint.
   */
  async trainAsync(X: Matrix, y: ArrayLike<number>, options: TrainOptions = {}): Promise<TrainResult> {
    const run = this.prepareRun(X, y, options);
    const evaluator =
      run.given ??
      (await openEvaluator(this.sizes, X, run.targets, this.backendChoice(options, run.settings), { architecture: this.architecture }));
    try {
      const steps = trainingRun({ ...run.problem, evaluator: this.batching(evaluator, run) }, run.settings, options);
      for (;;) {
        const r = steps.next();
        if (r.done) return r.value;
        await yieldToEventLoop();
      }
    } finally {
      if (run.given === undefined) evaluator.close();
    }
  }

  /** An evaluator given by the caller, able to take the run's mini-batches (see withBatches); its own close stays the caller's. */
  private batching(evaluator: CostEvaluator, run: { settings: ResolvedTraining; targets: Int32Array; problem: Omit<TrainingProblem, 'evaluator'> }): CostEvaluator {
    if (run.settings.batchSize === undefined || evaluator.evaluateBatch !== undefined) return evaluator;
    const wrapped = withBatches(evaluator, this.sizes, run.problem.X, run.targets, this.architecture);
    return { ...wrapped, close: () => undefined };
  }

  /** The backend the options ask for, checked (the same refusals as the CLI's, named as the library's options). */
  private backendChoice(options: TrainOptions, settings: ResolvedTraining): BackendChoice {
    const backend = typeof options.backend === 'string' ? options.backend : undefined;
    try {
      return resolveBackend({ backend, threads: options.threads, precision: options.precision, defaultPrecision: defaultPrecision(settings.batchSize) });
    } catch (err) {
      throw err instanceof OptionError ? err : new OptionError('backend', (err as Error).message);
    }
  }

  /** Checks the options and the data: the settings in force, the targets, and the problem (less its evaluator). */
  private prepareRun(
    X: Matrix,
    y: ArrayLike<number>,
    options: TrainOptions,
  ): { settings: ResolvedTraining; targets: Int32Array; problem: Omit<TrainingProblem, 'evaluator'>; given: CostEvaluator | undefined } {
    const settings = resolveTraining(options, X.rows, this.architecture.activation);
    const targets = labelsToTargets(y, this.numLabels, this.labels);
    checkExamples(this.sizes, X, targets);
    checkClasses(y);
    const val = options.validation;
    let validation: TrainingProblem['validation'];
    if (val !== undefined) {
      const valTargets = labelsToTargets(val.y, this.numLabels, this.labels);
      checkExamples(this.sizes, val.X, valTargets, 'validation');
      validation = { X: val.X, targets: valTargets };
    }
    const problem = { sizes: this.sizes, architecture: this.architecture, params: this.params, X, targets, validation };
    return { settings, targets, problem, given: typeof options.backend === 'object' ? options.backend : undefined };
  }
}
