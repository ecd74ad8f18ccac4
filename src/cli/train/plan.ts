/**
 * `nnlearn train`'s flags, read into a plan: what data, what network, what training, where the results go. Every
 * flag is checked here, before any work; the training settings by the library's own validator
 * (../../nn/train-options.ts), so that the CLI and the library refuse the same things in the same words.
 */
import { basename, dirname, join, resolve } from 'node:path';
import { MODEL_FILE_EXTENSIONS } from '../../nn/formats/registry.js';
import { UsageError } from '../../errors.js';
import { MAX_CLASSES, type LabelConvention } from '../../data/labels.js';
import { OPTIMIZERS, type OptimizerName } from '../../optim/registry.js';
import { defaultPrecision, OptionError, resolveTraining, TRAIN_RULES, type ResolvedTraining, type TrainOptions } from '../../nn/train-options.js';
import { ACTIVATIONS, OUTPUTS, type Activation, type OutputKind } from '../../nn/activations.js';
import { parseBackend, type BackendChoice, type BackendFlags } from '../backend.js';
import { MAX_UNITS, parseChoice, parseLabels, parseNumber, parseNumberList } from '../options.js';
import { checkOutputFile, checkOutputFolder } from '../output.js';
import { parseLabelColumn, type LabelColumn } from '../data.js';
import { isShippedDigits } from '../../data/shipped-digits.js';

/** commander's values for train's flags: strings, or true for a switch. */
export interface TrainFlags extends BackendFlags {
  data?: string;
  test?: string;
  holdout?: string;
  splitSeed?: string;
  labelsFile?: string;
  labelColumn?: string;
  hidden?: string;
  lambda?: string;
  maxIter?: string;
  seed?: string;
  epsilon?: string;
  activation: string;
  output: string;
  init?: string;
  optimizer: string;
  learningRate?: string;
  momentum?: string;
  batchSize?: string;
  validation?: string;
  patience?: string;
  labels: string;
  numLabels?: string;
  out?: string;
  outDir?: string;
  checkpoint?: string;
  resume?: string;
  like?: string;
  json?: boolean;
  quiet?: boolean;
}

/** The flag of each library training option, to name it in the CLI's messages. */
export const FLAG_OF: Readonly<Record<string, string>> = {
  lambda: '--lambda',
  maxIter: '--max-iter',
  optimizer: '--optimizer',
  learningRate: '--learning-rate',
  momentum: '--momentum',
  batchSize: '--batch-size',
  batchSeed: '--seed',
  patience: '--patience',
  backend: '--backend',
  threads: '--threads',
};

/** A library OptionError as the CLI's UsageError, naming the flag. */
export function asFlagError(err: unknown): unknown {
  return err instanceof OptionError ? new UsageError(`${FLAG_OF[err.option] ?? err.option}: ${err.reason}`) : err;
}

export interface DataPlan {
  /** absent: the shipped digits' training split */
  data?: string;
  test?: string;
  holdout?: number;
  splitSeed: number;
  labelsFile?: string;
  labelColumn?: LabelColumn;
  labels: LabelConvention | 'auto';
  numLabels?: number;
  /** hold out this fraction of the training data for early stopping */
  validation?: number;
}

export interface NetworkPlan {
  hidden: number[];
  activation: Activation;
  output: OutputKind;
  seed: number;
  epsilon?: number | 'sqrt6' | 'he';
  /** start from these weights instead */
  init?: string;
}

export interface OutputPlan {
  /** the model file (.json or .mat) */
  out?: string;
  /** the folder for model.json and the pictures */
  outDir?: string;
  checkpoint?: string;
}

export interface TrainPlan {
  data: DataPlan;
  network: NetworkPlan;
  /** the library's training options (the mini-batch seed is the initial weights' seed) */
  training: TrainOptions;
  /** the training settings as far as they are known before the data (a batch as large as the data is full) */
  settings: ResolvedTraining;
  /** --patience for early stopping on the --validation data (undefined: the library's default) */
  patience: number | undefined;
  backend: BackendChoice;
  outputs: OutputPlan;
  quiet: boolean;
  json: boolean;
}

const num = (flag: string, v: string | undefined, rule: Parameters<typeof parseNumber>[2]) => (v === undefined ? undefined : parseNumber(flag, v, rule));

/** Reads the flags into a plan, checking every one; `typed` says which flags the user typed (not defaults). */
export function planTraining(f: TrainFlags, typed: (key: keyof TrainFlags) => boolean): TrainPlan {
  const optimizer = parseChoice('--optimizer', f.optimizer, OPTIMIZERS) as OptimizerName;
  const batchSize = f.batchSize === undefined ? undefined : f.batchSize.trim() === 'full' ? ('full' as const) : parseNumber('--batch-size', f.batchSize, TRAIN_RULES.batchSize);
  const validation = num('--validation', f.validation, { positive: true, max: 0.9 });
  const patience = num('--patience', f.patience, TRAIN_RULES.patience);
  const seed = num('--seed', f.seed, TRAIN_RULES.batchSeed) ?? 0;
  const training: TrainOptions = {
    optimizer,
    lambda: num('--lambda', f.lambda, TRAIN_RULES.lambda),
    maxIter: num('--max-iter', f.maxIter, TRAIN_RULES.maxIter),
    learningRate: num('--learning-rate', f.learningRate, TRAIN_RULES.learningRate),
    momentum: num('--momentum', f.momentum, TRAIN_RULES.momentum),
    batchSize,
    batchSeed: seed,
  };
  if (patience !== undefined && validation === undefined) throw new UsageError('--patience: early stopping needs --validation');
  let settings: ResolvedTraining;
  try {
    settings = resolveTraining(training, Infinity, parseChoice('--activation', f.activation, ACTIVATIONS));
  } catch (err) {
    throw asFlagError(err);
  }
  const holdout = num('--holdout', f.holdout, { positive: true, max: 0.9 });
  // commander refuses the pair on the command line; this is for recorded flags (a checkpoint, a model's record)
  if (holdout !== undefined && f.test !== undefined) throw new UsageError('--holdout and --test cannot be used together');
  if (typed('splitSeed') && holdout === undefined && validation === undefined) throw new UsageError('--split-seed: only --holdout and --validation split the data');
  if (f.labelsFile !== undefined && f.data === undefined) throw new UsageError('--labels-file: give the images with --data');
  const data: DataPlan = {
    data: f.data,
    test: f.test,
    holdout,
    splitSeed: num('--split-seed', f.splitSeed, { integer: true, min: 0, max: 0xffffffff }) ?? 0,
    labelsFile: f.labelsFile,
    labelColumn: f.labelColumn === undefined ? undefined : parseLabelColumn(f.labelColumn),
    labels: parseLabels(f.labels),
    numLabels: num('--num-labels', f.numLabels, { integer: true, min: 2, max: MAX_CLASSES }),
    validation,
  };
  if (f.init !== undefined && (f.hidden !== undefined || typed('seed') || f.epsilon !== undefined)) {
    throw new UsageError('--init sets the weights (and the layer sizes): drop --hidden, --seed and --epsilon');
  }
  const network: NetworkPlan = {
    hidden: parseNumberList('--hidden', f.hidden ?? '25', { integer: true, min: 1, max: MAX_UNITS }),
    activation: parseChoice('--activation', f.activation, ACTIVATIONS),
    output: parseChoice('--output', f.output, OUTPUTS),
    seed,
    epsilon: f.epsilon === undefined || f.epsilon === 'sqrt6' || f.epsilon === 'he' ? f.epsilon : parseNumber('--epsilon', f.epsilon, { positive: true }),
    init: f.init,
  };
  const backend = parseBackend(f, defaultPrecision(settings.batchSize));
  if (f.out !== undefined) checkOutputFile('--out', f.out, MODEL_FILE_EXTENSIONS);
  // the checkpoint named after --out is 16 characters longer: a name that fits for the model but not for its
  // checkpoint once lost the run at the first Ctrl-C (ENAMETOOLONG); found now, before any work
  if (f.out !== undefined && f.outDir === undefined && f.checkpoint === undefined) {
    checkOutputFile('--out', checkpointBeside(f.out), ['.json'], 'the checkpoint named after it');
  }
  if (f.outDir !== undefined) checkOutputFolder('--out-dir', f.outDir);
  if (f.checkpoint !== undefined) {
    checkOutputFile('--checkpoint', f.checkpoint, ['.json']);
    // the model would overwrite its own checkpoint, whose printed --resume command then refused the model as an
    // output over an input
    const model = f.out ?? (f.outDir === undefined ? undefined : join(f.outDir, 'model.json'));
    if (model !== undefined && resolve(model) === resolve(f.checkpoint)) {
      throw new UsageError(`--checkpoint: "${f.checkpoint}" is the model file this run writes; give the checkpoint a name of its own`);
    }
  }
  return {
    data,
    network,
    training: { ...training, threads: backend.threads, precision: backend.precision },
    settings,
    patience,
    backend,
    outputs: { out: f.out, outDir: f.outDir, checkpoint: f.checkpoint },
    quiet: f.quiet === true,
    json: f.json === true,
  };
}

/** The checkpoint of a run with --out alone: beside the model, named after it (two runs in one folder never share one). */
export function checkpointBeside(out: string): string {
  return join(dirname(out), `${basename(out).replace(/\.[^.]*$/, '')}.checkpoint.json`);
}

/**
 * A data argument as a record keeps it: the shipped digits by name, a file by its absolute path (so that a
 * record, or a checkpoint, works from any folder).
 */
export function recordedPath(spec: string): string {
  return isShippedDigits(spec) ? spec : resolve(spec);
}
