/**
 * A training run, in parts that each do one thing: the objective the optimizer sees (whole set or mini-batch),
 * the divergence watch, early stopping on held-out data, and the loop that drives the optimizer from the table
 * (../optim/registry.ts) and puts them together. Network.train and trainAsync run it; the CLI runs it through
 * them.
 */
import { DivergenceError, ValueError } from '../errors.js';
import { checkMemory, memoryAdvice } from '../memory.js';
import type { Matrix } from '../linalg/matrix.js';
import { optimizerEntry, type OptimizerName } from '../optim/registry.js';
import type { IterationInfo, Objective, OptimizeResult, OptimizerState } from '../optim/types.js';
import { backendName, createEvaluator, type BackendName, type CostEvaluator } from './fast/evaluator.js';
import type { Architecture } from './activations.js';
import { accuracy } from './predict.js';
import type { ResolvedTraining, TrainOptions } from './train-options.js';

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

/** What a training run gives back: the optimizer's result, the settings in force, and the training accuracy. */
export interface TrainResult extends Omit<OptimizeResult, 'state'> {
  /** the settings in force, every default filled in */
  settings: ResolvedTraining;
  /** stopped by the callback or by stopRequested: where it was, to resume from (a checkpoint) */
  state?: TrainState;
  /** the validation cost after each iteration (when validation data was given) */
  validationHistory?: number[];
  /**
   * With validation data, the iteration whose weights were kept (the best on the held-out data); `cost` is then
   * that iteration's training cost, and `iterations` how far training went
   */
  bestIteration?: number;
  /** accuracy on the training data after training, percent */
  trainAccuracy: number;
}

/**
 * The objective an optimizer minimizes: J and ∂J/∂Θ on the whole set, or on a mini-batch's rows. A batch keeps
 * the whole set's penalty λ/(2m)·ΣΘ² (m the whole set's size), so that its cost and gradient estimate the full
 * ones; the evaluator divides λ by the rows it is given, hence λ·b/m. `onWholeSet` sees every whole-set cost.
 */
function trainingObjective(evaluator: CostEvaluator, lambda: number, m: number, grad: Float64Array, onWholeSet: (cost: number) => void): Objective {
  return (theta, batch, costOnly) => {
    if (batch !== undefined) {
      if (evaluator.evaluateBatch === undefined) throw new ValueError(`the ${evaluator.backend} evaluator on ${evaluator.threads} threads takes no mini-batches`);
      return { cost: evaluator.evaluateBatch(theta, (lambda * batch.length) / m, grad, batch), grad };
    }
    const cost = evaluator.evaluate(theta, lambda, costOnly === true ? null : grad);
    onWholeSet(cost);
    return { cost, grad };
  };
}

/**
 * Checks that training `n` weights with `optimizer` fits the memory budget (../memory.ts) before anything is
 * allocated: the optimizer's vectors, the gradient, and early stopping's best weights (a network within the
 * weights' cap can still need gigabytes to train: L-BFGS keeps 25 copies). A caller that builds an evaluator
 * first checks before that too.
 */
export function checkTrainingMemory(n: number, optimizer: OptimizerName, validation: boolean): void {
  const copies = optimizerEntry(optimizer).vectors + 1 + (validation ? 1 : 0);
  checkMemory(`training ${n} weights with ${optimizer} (${copies} vectors of them)`, 8 * n * copies, memoryAdvice('fewer hidden units'));
}

/**
 * Divergence: a cost that is not a number, or that climbs to ten times where training started, stops training
 * before anything prints it (a learning rate far too large does this within a few steps). So does a starting
 * point whose cost is already infinite (weights so large that the outputs saturate).
 */
class DivergenceWatch {
  constructor(
    /** the first whole-set cost (NaN until there is one) */
    public initialCost: number,
    /** the last iteration's cost */
    public previousCost: number,
    private readonly learningRate: number | undefined,
  ) {}

  /** Records the first whole-set cost of a fresh run. */
  start(cost: number): void {
    if (Number.isNaN(this.initialCost)) this.initialCost = cost;
  }

  /**
   * Checks the cost a run ended with: the line-search methods give up without an iteration when the starting cost
   * is already infinite, so that no iteration's check saw it.
   */
  checkEnd(cost: number, iterations: number): void {
    if (Number.isFinite(cost)) return;
    const why =
      iterations === 0 || !Number.isFinite(this.initialCost)
        ? `the cost at the starting weights is ${this.initialCost}: the initial weights (or the inputs) are too large; try a smaller ε`
        : `training ended with the cost ${cost} at iteration ${iterations}; try a smaller learning rate or a larger λ`;
    throw new DivergenceError(iterations, why);
  }

  /** Checks an iteration's cost; throws DivergenceError when training has blown up. */
  check(info: IterationInfo): void {
    const start = Number.isFinite(this.initialCost) ? this.initialCost : info.cost;
    if (!Number.isFinite(info.cost) || (info.cost > 10 * start && !(info.cost <= this.previousCost))) {
      const what = Number.isFinite(info.cost) ? `the cost rose to ${info.cost.toPrecision(4)} from ${start.toPrecision(4)}` : `the cost became ${info.cost}`;
      const hint =
        this.learningRate !== undefined ? `try a smaller learning rate (e.g. ${this.learningRate / 10})` : 'try a smaller learning rate or a larger λ';
      throw new DivergenceError(info.iteration, `training diverged at iteration ${info.iteration}: ${what}; ${hint}`);
    }
    this.previousCost = info.cost;
  }
}

/**
 * Early stopping on held-out data: after every iteration, the held-out cost (without the penalty); the best
 * weights are kept, and training stops when `patience` iterations have not beaten them.
 */
class EarlyStopping {
  readonly history: number[];
  bestCost: number;
  bestIteration: number;
  /** the training cost at the best iteration */
  bestTrainingCost: number;
  readonly bestParams: Float64Array;
  stopped = false;
  /**
   * The held-out set's evaluator, made once: the SIMD kernels in float64 (the reference's costs to about 1e-15; on
   * 6,000 MNIST images 35 ms an epoch where the reference takes 0.25 s), or the reference when training runs on it
   */
  private readonly heldOut: CostEvaluator;

  constructor(
    sizes: readonly number[],
    X: Matrix,
    targets: Int32Array,
    arch: Architecture,
    private readonly patience: number,
    start: Float64Array,
    resume: TrainState['validation'] | undefined,
    trainingCosts: readonly number[],
    backend: BackendName,
  ) {
    if (resume !== undefined && resume.bestParams.length !== start.length) {
      throw new ValueError(`the state to resume has ${resume.bestParams.length} parameters, not ${start.length}`);
    }
    this.history = [...(resume?.history ?? [])];
    this.bestCost = resume?.bestCost ?? Infinity;
    this.bestIteration = resume?.bestIteration ?? 0;
    this.bestTrainingCost = this.bestIteration > 0 ? (trainingCosts[this.bestIteration - 1] ?? NaN) : NaN;
    this.bestParams = Float64Array.from(resume?.bestParams ?? start);
    this.heldOut = createEvaluator(sizes, X, targets, { backend, precision: 'f64', architecture: arch });
  }

  /** Records an iteration; false when training should stop here. */
  observe(info: IterationInfo): boolean {
    const c = this.heldOut.evaluate(info.theta, 0, null);
    this.history.push(c);
    if (c < this.bestCost) {
      this.bestCost = c;
      this.bestIteration = info.iteration;
      this.bestTrainingCost = info.cost;
      this.bestParams.set(info.theta);
    } else if (info.iteration - this.bestIteration >= this.patience) {
      this.stopped = true;
      return false;
    }
    return true;
  }

  /** releases the held-out set's evaluator */
  close(): void {
    this.heldOut.close();
  }

  state(): NonNullable<TrainState['validation']> {
    return { history: [...this.history], bestCost: this.bestCost, bestIteration: this.bestIteration, bestParams: Float64Array.from(this.bestParams) };
  }
}

/** What a training run works on: the network's shape and weights (updated in place), the data, the evaluator. */
export interface TrainingProblem {
  sizes: readonly number[];
  architecture: Architecture;
  /** the weights: training starts from them and leaves the result in them */
  params: Float64Array;
  X: Matrix;
  targets: Int32Array;
  /** held-out data for early stopping, as targets */
  validation?: { X: Matrix; targets: Int32Array };
  evaluator: CostEvaluator;
}

/**
 * The run as a generator that pauses at every pause of the optimizer (see Iterations): the optimizer from the
 * table, watched for divergence, stopped early on held-out data, with its state kept for a resume.
 */
export function* trainingRun(p: TrainingProblem, settings: ResolvedTraining, options: TrainOptions): Generator<void, TrainResult, void> {
  const resume = options.resume;
  if (resume !== undefined) {
    if (resume.optimizer !== settings.optimizer) throw new ValueError(`the state to resume is ${resume.optimizer}'s, not ${settings.optimizer}'s`);
    if ((resume.validation !== undefined) !== (p.validation !== undefined)) {
      throw new ValueError(
        `the state to resume is from a run ${resume.validation ? 'with' : 'without'} validation data; this one is ${p.validation ? 'with' : 'without'}`,
      );
    }
  }
  const watch = new DivergenceWatch(resume?.initialCost ?? NaN, resume?.previousCost ?? NaN, settings.learningRate);
  const early =
    p.validation === undefined
      ? undefined
      : new EarlyStopping(p.sizes, p.validation.X, p.validation.targets, p.architecture, settings.patience, p.params, resume?.validation, resume?.optimizerState.costHistory ?? [], backendName(p.evaluator));
  checkTrainingMemory(p.params.length, settings.optimizer, p.validation !== undefined);
  const grad = new Float64Array(p.params.length);
  const f = trainingObjective(p.evaluator, settings.lambda, p.X.rows, grad, (cost) => watch.start(cost));
  // Mini-batch runs evaluate the whole set only after each epoch, by when a far too large step has long blown up:
  // the watch measures from the cost at the starting weights instead (one evaluation, without the gradient).
  if (resume === undefined && settings.batchSize !== undefined) watch.start(p.evaluator.evaluate(p.params, settings.lambda, null));
  const onIteration = (info: IterationInfo): void | boolean => {
    watch.check(info);
    const go = options.onIteration?.(info);
    if (early !== undefined && !early.observe(info)) return false;
    return go;
  };
  const steps = optimizerEntry(settings.optimizer).iterations(f, p.params, settings, {
    onIteration,
    stopRequested: options.stopRequested,
    resume: resume?.optimizerState,
    examples: p.X.rows,
    seed: settings.batchSeed,
    // (the objective hands the evaluator's theta and gradient on untouched: see adamStepper)
    adamStepper: p.evaluator.adamStepper === undefined ? undefined : () => p.evaluator.adamStepper?.({ sameAsLastBatch: true }),
  });
  let finished: OptimizeResult;
  try {
    finished = yield* steps;
  } finally {
    early?.close();
  }
  const { state: optimizerState, ...run } = finished;
  if (optimizerState === undefined) watch.checkEnd(run.cost, run.iterations); // (a stopped run may not have a cost yet)
  let result: Omit<OptimizeResult, 'state'> = run;
  const state: TrainState | undefined =
    optimizerState === undefined || early?.stopped
      ? undefined
      : {
          optimizer: settings.optimizer,
          optimizerState,
          initialCost: watch.initialCost,
          previousCost: watch.previousCost,
          ...(early !== undefined ? { validation: early.state() } : {}),
        };
  if (early !== undefined && early.bestIteration > 0) {
    // keep the weights that did best on the held-out data, and report their training cost
    result = {
      ...result,
      theta: early.bestParams,
      cost: early.bestTrainingCost,
      stopReason: early.stopped ? 'early-stopped' : result.stopReason,
    };
  }
  p.params.set(result.theta);
  // the backend that trained also predicts (the reference forward pass takes longer than many iterations)
  return {
    ...result,
    settings,
    ...(state !== undefined ? { state } : {}),
    ...(early !== undefined ? { validationHistory: [...early.history], bestIteration: early.bestIteration } : {}),
    trainAccuracy: accuracy(p.evaluator.predictTargets(p.params), p.targets),
  };
}
