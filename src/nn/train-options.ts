/**
 * Training options: the one validator that the library (Network.train) and the command line (`nnlearn train`)
 * both use, so that they have the same defaults, refuse the same things, and say so in the same words. The
 * optimizer-specific defaults come from the optimizer table (../optim/registry.ts).
 *
 * An OptionError names the option the way its caller does: the library by its key ("learningRate: …"), the CLI
 * by its flag ("--learning-rate: …"), with the same reason after it.
 */
import type { Matrix } from '../linalg/matrix.js';
import { UsageError } from '../errors.js';
import { defaultLearningRate, optimizerEntry, OPTIMIZERS, type OptimizerName, type OptimizerSettings } from '../optim/registry.js';
import type { Activation } from './activations.js';
import type { IterationInfo } from '../optim/types.js';
import type { TrainState } from './training.js';
import type { Precision } from './fast/partition.js';
import type { BackendName, CostEvaluator } from './fast/evaluator.js';

/** Regularization λ when none is given: the course trains with λ = 1 (ex4 part 2.6), and so do we. */
export const DEFAULT_LAMBDA = 1;
/** Early stopping's patience when none is given: validation iterations without a better cost. */
export const DEFAULT_PATIENCE = 10;
/** The most iterations (or epochs) a run may ask for: past it, a typo or an edited file, not a plan. */
export const MAX_ITERATIONS = 1_000_000;

/** How Network.train and trainAsync train (the CLI's flags, as options); every one has a default. */
export interface TrainOptions {
  /** regularization λ; default 1 (the course's) */
  lambda?: number;
  /** iterations: fmincg and L-BFGS line searches; gradient-descent steps, or epochs with mini-batches; default per optimizer */
  maxIter?: number;
  /** default 'fmincg' */
  optimizer?: OptimizerName;
  /** the step α of gd, momentum and Adam; default per optimizer (refused for fmincg and L-BFGS) */
  learningRate?: number;
  /** momentum's μ; default 0.9 (refused for other optimizers) */
  momentum?: number;
  /** examples per mini-batch for gd, momentum and Adam, or 'full'; default per optimizer (refused for fmincg and L-BFGS) */
  batchSize?: number | 'full';
  /** seed of the mini-batch order; default 0 */
  batchSeed?: number;
  /**
   * Held-out data for early stopping: after every iteration (epoch) its cost (without the penalty) is measured;
   * training stops when it has not improved for `patience` iterations (default 10), and the best weights are kept.
   */
  validation?: { X: Matrix; y: ArrayLike<number>; patience?: number };
  /** continue a stopped run from its state (TrainResult.state): it ends with the weights an unstopped run has */
  resume?: TrainState;
  /** progress after every iteration; return false to stop */
  onIteration?: (info: IterationInfo) => void | boolean;
  /** polled at every pause (every iteration, every mini-batch): true stops the run there with its state */
  stopRequested?: () => boolean;
  /**
   * How to evaluate the cost: 'wasm' (the SIMD kernels, the default), 'reference' (plain TypeScript, bit for bit
   * the course's numbers), or a prepared evaluator for this network's sizes and this X and y.
   */
  backend?: BackendName | CostEvaluator;
  /** threads for the wasm backend (trainAsync only; default: every core where threads are available, see backend.ts) */
  threads?: number;
  /** with backend 'wasm': 'f64' (default) or 'f32' for the input layer's products */
  precision?: Precision;
}

/**
 * The input layer's precision when none is asked for: float32 for mini-batches (the field's norm: twice the SIMD
 * lanes, and as accurate a model, 98.2% on MNIST either way), float64 for the full batch, where the course's
 * numbers are reproduced to the last digit and line searches compare costs closely. The cost, the gradient's sums
 * and every number reported stay float64 either way.
 */
export function defaultPrecision(batchSize: number | undefined): Precision {
  return batchSize === undefined ? 'f64' : 'f32';
}

/** The settings of a run with every default filled in: what it will do, and what a model file records. */
export interface ResolvedTraining extends OptimizerSettings {
  optimizer: OptimizerName;
  lambda: number;
  batchSeed: number;
  /** early stopping's patience (meaningful with validation data) */
  patience: number;
}

/** A bad training option: `option` is the library's key; the CLI shows its flag instead. */
export class OptionError extends UsageError {
  constructor(
    readonly option: string,
    readonly reason: string,
  ) {
    super(`${option}: ${reason}`);
  }
}

export interface NumberRule {
  min?: number;
  max?: number;
  integer?: boolean;
  /** the lower bound is exclusive */
  positive?: boolean;
}

/** The reason `v` breaks `rule` (worded for a value the user typed as `shown`), or undefined when it does not. */
export function numberProblem(v: number, rule: NumberRule, shown: string = String(v)): string | undefined {
  // a number past a double's range (1e400) parses to ±Infinity: say so, rather than that it is not a number
  if (v === Infinity || v === -Infinity) return `"${shown}" is out of range (numbers stop at about ±1.8e308)`;
  if (typeof v !== 'number' || !Number.isFinite(v)) return `"${shown}" is not a number`;
  if (rule.integer && !Number.isInteger(v)) return `"${shown}" is not a whole number`;
  if (rule.positive && !(v > 0)) return `must be greater than 0, got ${shown}`;
  if (rule.min !== undefined && v < rule.min) return `must be at least ${rule.min}, got ${shown}`;
  if (rule.max !== undefined && v > rule.max) return `must be at most ${rule.max}, got ${shown}`;
  return undefined;
}

/** The rules every numeric training option obeys (the CLI parses its flags with the same ones). */
export const TRAIN_RULES = {
  lambda: { min: 0 },
  maxIter: { integer: true, min: 1, max: MAX_ITERATIONS },
  learningRate: { positive: true },
  momentum: { min: 0, max: 0.999999 },
  batchSize: { integer: true, min: 1 },
  batchSeed: { integer: true, min: 0, max: 0xffffffff },
  patience: { integer: true, min: 1 },
} as const satisfies Record<string, NumberRule>;

/**
 * `v`, after checking it against `rule`: an OptionError naming `option` otherwise. For the numeric arguments of
 * the library's other calls too (the cost's λ, the gradient check's m and ε), so that they are refused as
 * training's options are.
 */
export function checkNumber(option: string, v: number, rule: NumberRule): number {
  const why = numberProblem(v, rule);
  if (why !== undefined) throw new OptionError(option, why);
  return v;
}

function checked(option: keyof typeof TRAIN_RULES, v: number): number {
  return checkNumber(option, v, TRAIN_RULES[option]);
}

/** Every key of TrainOptions (the compiler holds the list to the interface): from plain JavaScript, others come. */
const TRAIN_OPTION_KEYS = {
  lambda: true,
  maxIter: true,
  optimizer: true,
  learningRate: true,
  momentum: true,
  batchSize: true,
  batchSeed: true,
  validation: true,
  resume: true,
  onIteration: true,
  stopRequested: true,
  backend: true,
  threads: true,
  precision: true,
} as const satisfies Record<keyof TrainOptions, true>;

const VALIDATION_KEYS = { X: true, y: true, patience: true } as const satisfies Record<keyof NonNullable<TrainOptions['validation']>, true>;

/**
 * The edit distance of a and b, case aside (Damerau's: a swap of neighbours is one edit), for suggesting the
 * option a typo meant. By hand: a dozen lines, where a dependency would be one more package for every user.
 */
function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  const d = Array.from({ length: s.length + 1 }, (_, i) => Array.from({ length: t.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= s.length; i++) {
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[s.length][t.length];
}

/**
 * Refuses keys of `given` that are not in `known` (`maxIters` was ignored, and a run of 50 iterations went on as if
 * no limit had been asked for), naming the closest known one when a typo is likely, else all of them.
 */
function checkKeys(given: object, known: Record<string, true>, prefix = ''): void {
  const names = Object.keys(known);
  for (const key of Object.keys(given)) {
    if (Object.hasOwn(known, key)) continue;
    let best = names[0];
    for (const n of names) if (editDistance(key, n) < editDistance(key, best)) best = n;
    const close = editDistance(key, best) <= Math.max(2, Math.floor(key.length / 3));
    throw new OptionError(`${prefix}${key}`, close ? `not an option; did you mean ${prefix}${best}?` : `not an option; the options are ${names.join(', ')}`);
  }
}

/**
 * The settings a run will use: `options` checked, and every default filled in from the optimizer's entry.
 * `examples` is the number of training examples: a batch as large as the set is the full batch; `activation`, the
 * hidden units', picks the default step where the optimizer has one per activation (gd: 0.1 for ReLU).
 */
export function resolveTraining(options: TrainOptions, examples: number, activation?: Activation): ResolvedTraining {
  checkKeys(options, TRAIN_OPTION_KEYS);
  if (options.validation !== undefined) checkKeys(options.validation, VALIDATION_KEYS, 'validation.');
  const name = options.optimizer ?? 'fmincg';
  if (!OPTIMIZERS.includes(name)) throw new OptionError('optimizer', `"${String(name)}" is not one of ${OPTIMIZERS.join(', ')}`);
  const entry = optimizerEntry(name);
  const d = entry.defaults;
  const lambda = options.lambda === undefined ? DEFAULT_LAMBDA : checked('lambda', options.lambda);
  const maxIter = options.maxIter === undefined ? d.maxIter : checked('maxIter', options.maxIter);
  if (entry.lineSearch) {
    if (options.learningRate !== undefined) {
      throw new OptionError('learningRate', `${name} finds its own step sizes by line search; the rate is for gd, momentum and adam`);
    }
    if (options.batchSize !== undefined && options.batchSize !== 'full') {
      throw new OptionError('batchSize', `${name} works on the full batch; mini-batches are for gd, momentum and adam`);
    }
  }
  if (options.momentum !== undefined && name !== 'momentum') {
    throw new OptionError('momentum', `only the momentum optimizer uses it, not ${name}`);
  }
  const learningRate = options.learningRate === undefined ? defaultLearningRate(entry, activation) : checked('learningRate', options.learningRate);
  const momentum = options.momentum === undefined ? d.momentum : checked('momentum', options.momentum);
  let batchSize = options.batchSize === undefined ? d.batchSize : options.batchSize === 'full' ? undefined : checked('batchSize', options.batchSize);
  if (batchSize !== undefined && batchSize >= examples) batchSize = undefined; // one batch of everything
  const batchSeed = options.batchSeed === undefined ? 0 : checked('batchSeed', options.batchSeed);
  const given = options.validation?.patience;
  if (given !== undefined) checked('patience', given);
  return { optimizer: name, lambda, maxIter, learningRate, momentum, batchSize, batchSeed, patience: given ?? DEFAULT_PATIENCE };
}
