/**
 * `nnlearn train`'s run: the data and the network from the plan, the evaluator, the training with its progress,
 * and a checkpoint when a signal stops it. What the run produced goes to ./report.ts.
 */
import { basename, join } from 'node:path';
import { tmpdir } from 'node:os';
import { InterruptedError, NnlearnError, ShapeError, UsageError } from '../../errors.js';
import { fileChanges } from './record.js';
import { needsGuardian, startGuardian } from '../guardian.js';
import { writeFileAtomic } from '../../data/files.js';
import { splitDataset, type Dataset } from '../../data/dataset.js';
import { checkClasses, Network, type TrainResult } from '../../nn/network.js';
import { checkTrainingMemory, type TrainState } from '../../nn/training.js';
import type { ResolvedTraining } from '../../nn/train-options.js';
import { iterationUnit } from '../../optim/registry.js';
import { startWorkers } from '../../nn/fast/backend.js';
import { backendName, type CostEvaluator } from '../../nn/fast/evaluator.js';
import { checkpointToJson, claimCheckpoint, type CheckpointData, type SavedFlags } from '../checkpoint.js';
import { loadTrainTest, loadWeights, noteSharedExamples } from '../data.js';
import { shellWord, type Io } from '../io.js';
import { ensureFolder, FOLDER_CHECKPOINT, newRunFolder } from '../output.js';
import { startProgress } from '../progress.js';
import { prepareEvaluator } from '../backend.js';
import { asFlagError, checkpointBeside, type TrainPlan } from './plan.js';

/** The signals that stop a run with a checkpoint. */
const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** The data a run trains and is tested on. */
export interface RunData {
  /** the training data as loaded (before any validation split) */
  train: Dataset;
  /** what training fits: `train` less the validation part */
  fit: Dataset;
  validation: Dataset | undefined;
  test: Dataset | undefined;
}

/** A finished run. */
export interface Session {
  net: Network;
  data: RunData;
  result: TrainResult;
  /** the evaluator's backend, threads and precision */
  evaluator: Pick<CostEvaluator, 'backend' | 'threads' | 'precision'>;
  /** where the pictures and model.json go (undefined with --out alone) */
  outDir: string | undefined;
  seconds: number;
  /** the checkpoint this run saved on its way (every CHECKPOINT_SECONDS), to remove once the outputs are written */
  checkpoint: { path: string; iteration: number } | undefined;
}

/** How often a long run saves a checkpoint (at the next pause), so that a crash or a kill -9 loses at most this much. */
const CHECKPOINT_SECONDS = 60;

/** Loads the data the plan names, and splits off the validation part. */
function loadRunData(plan: TrainPlan, numLabels: number | undefined): RunData {
  const d = plan.data;
  const { train, test } = loadTrainTest({ ...d, numLabels: numLabels ?? d.numLabels });
  const { train: fit, test: validation } = d.validation === undefined ? { train, test: undefined } : splitDataset(train, d.validation, d.splitSeed);
  checkClasses(fit.y, fit.source);
  return { train, fit, validation, test };
}

/** The network to train: from --init's weights, or random with the plan's seed and sizes. */
function startingNetwork(plan: TrainPlan, init: Network | undefined, train: Dataset): Network {
  const n = plan.network;
  const options = { labels: train.labels, image: train.image, inputScale: train.scale ?? 1, activation: n.activation, output: n.output };
  if (init !== undefined) {
    if (init.sizes[0] !== train.X.cols) throw new ShapeError(`the data has ${train.X.cols} columns but ${n.init} expects ${init.sizes[0]} inputs`);
    return new Network(init.sizes, init.params, options);
  }
  return Network.random([train.X.cols, ...n.hidden, train.numLabels], { ...options, seed: n.seed, epsilon: n.epsilon });
}

/** The checkpoint's file: the plan's, or named after the run's output (two runs in one folder never share one). */
export function checkpointPath(plan: TrainPlan, outDir: string | undefined): string {
  const o = plan.outputs;
  if (o.checkpoint !== undefined) return o.checkpoint;
  if (o.out !== undefined && outDir === undefined) return checkpointBeside(o.out);
  return join(outDir ?? '.', FOLDER_CHECKPOINT);
}

/**
 * Trains as the plan says. Ctrl-C stops at the next pause (an iteration's or a mini-batch's end) and saves a
 * checkpoint to go on from (InterruptedError); a second Ctrl-C ends the process at once, as usual.
 */
export async function runSession(
  plan: TrainPlan,
  io: Io,
  options: {
    resume?: TrainState;
    /** the files the interrupted run read (its checkpoint's record): different ones are refused */
    resumeData?: CheckpointData;
    record: (data: RunData, settings: ResolvedTraining, outDir: string | undefined) => SavedFlags;
  },
): Promise<Session> {
  // the worker threads start while the data loads
  const pool = startWorkers(plan.backend);
  let release = (): void => undefined;
  try {
    const init = plan.network.init === undefined ? undefined : loadWeights(plan.network.init, 'course');
    if (init !== undefined && plan.data.numLabels !== undefined && plan.data.numLabels !== init.numLabels) {
      throw new UsageError(`--num-labels: ${plan.network.init} has ${init.numLabels} outputs, not ${plan.data.numLabels}`);
    }
    const data = loadRunData(plan, init?.numLabels);
    if (plan.data.test !== undefined && data.test !== undefined) noteSharedExamples(data.train, data.test, io);
    if (options.resumeData !== undefined) {
      const changes = [...fileChanges(options.resumeData.train ?? undefined, data.train.file), ...fileChanges(options.resumeData.test ?? undefined, data.test?.file)];
      if (changes.length > 0) throw new NnlearnError(`--resume: ${changes[0]}; the resumed run would not continue the interrupted one`);
    }
    const net = startingNetwork(plan, init, data.train);
    // before the evaluator lays out its memory: what training will need on top of it
    checkTrainingMemory(net.params.length, plan.settings.optimizer, data.validation !== undefined);
    const outDir = plan.outputs.outDir !== undefined ? ensureFolder(plan.outputs.outDir) : plan.outputs.out === undefined ? newRunFolder('train') : undefined;
    // a run in a folder made for it alone needs no claim on its checkpoint; one that another run could name does
    const o = plan.outputs;
    if (o.out !== undefined || o.outDir !== undefined || o.checkpoint !== undefined) release = claimCheckpoint(checkpointPath(plan, outDir));
    const started = performance.now();
    const evaluator = await prepareEvaluator(net.sizes, data.fit.X, data.fit.y, net.labels, plan.backend, { pool, architecture: net.architecture });
    const record = (settings: ResolvedTraining) => options.record(data, settings, outDir);
    let trained: Awaited<ReturnType<typeof trainSaving>>;
    try {
      trained = await trainSaving(net, data, plan, evaluator, io, options.resume, checkpointPath(plan, outDir), record);
    } finally {
      evaluator.close();
    }
    const { result, checkpoint } = trained;
    const seconds = (performance.now() - started) / 1000;
    return { net, data, result, evaluator: { backend: evaluator.backend, threads: evaluator.threads, precision: evaluator.precision }, outDir, seconds, checkpoint };
  } finally {
    release();
    pool?.close();
  }
}

/** The files a run read, as its checkpoint records them. */
function identities(data: RunData): CheckpointData {
  return { train: data.train.file ?? null, test: data.test?.file ?? null };
}

/**
 * Writes a checkpoint at `file`; where that fails (a full disk, a folder gone), in the system's temporary folder.
 * Returns where it went, or undefined when it could be written nowhere, with why.
 */
function writeCheckpoint(file: string, text: string): { path: string | undefined; why?: string } {
  try {
    writeFileAtomic(file, text);
    return { path: file };
  } catch (err) {
    const why = (err as Error).message;
    // short whatever the original's length (a long name was the failure once), and this run's own
    const fallback = join(tmpdir(), `nnlearn-${process.pid}-${basename(file).slice(-64)}`);
    try {
      writeFileAtomic(fallback, text);
      return { path: fallback, why };
    } catch {
      return { path: undefined, why };
    }
  }
}

/**
 * Trains, saving the run: every CHECKPOINT_SECONDS at the next pause (training stops there, the checkpoint is
 * written, and it goes on from that very state: bit for bit the run it would have been), and when a signal stops
 * it (then InterruptedError, after the checkpoint). Ctrl-C, kill (SIGTERM: also a CI's timeout) and a closed
 * terminal (SIGHUP) all stop it so; a second signal ends the process at once.
 */
async function trainSaving(
  net: Network,
  data: RunData,
  plan: TrainPlan,
  evaluator: CostEvaluator,
  io: Io,
  resume: TrainState | undefined,
  file: string,
  record: (settings: ResolvedTraining) => SavedFlags,
): Promise<{ result: TrainResult; checkpoint: Session['checkpoint'] }> {
  let interrupted: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupted ??= signal;
    // the listeners are gone after this first one: a second signal ends the process at once
    for (const s of STOP_SIGNALS) process.removeListener(s, onSignal);
    const again = signal === 'SIGINT' ? 'Ctrl-C again quits at once' : `a second ${signal} quits at once`;
    io.err(`\nnnlearn: ${signal === 'SIGINT' ? 'Ctrl-C' : signal}: stopping after this step to save a checkpoint (${again})\n`);
  };
  const progress = startProgress(io, plan.settings.maxIter, { label: 'train', quiet: plan.quiet, unit: iterationUnit(plan.settings) });
  // NNLEARN_CHECKPOINT_SECONDS changes the period (0: at every pause; the tests use it to show it changes nothing)
  // (a value that is not a number ≥ 0 leaves the default: it must never turn the periodic checkpoints off)
  const given = Number(process.env.NNLEARN_CHECKPOINT_SECONDS ?? CHECKPOINT_SECONDS);
  const every = Number.isFinite(given) && given >= 0 ? given : CHECKPOINT_SECONDS;
  let state = resume;
  let checkpoint: Session['checkpoint'];
  let warned = false;
  let result: TrainResult;
  // a second Ctrl-C quits at once even while an evaluation blocks this thread (see guardian.ts): for the command
  // line, and where an evaluation can take long
  const examples = data.fit.X.rows + (data.validation?.X.rows ?? 0);
  const stopGuardian = io.errStream === process.stderr && needsGuardian(examples, net.params.length, backendName(evaluator)) ? startGuardian() : () => undefined;
  try {
    for (const s of STOP_SIGNALS) process.on(s, onSignal);
    for (;;) {
      const since = performance.now();
      result = await net.trainAsync(data.fit.X, data.fit.y, {
        ...plan.training,
        resume: state,
        validation: data.validation === undefined ? undefined : { X: data.validation.X, y: data.validation.y, patience: plan.patience },
        backend: evaluator,
        onIteration: ({ iteration, cost }) => progress.update(iteration, cost),
        stopRequested: () => interrupted !== undefined || performance.now() - since > every * 1000,
      });
      // (a run that ended by itself before a stop took effect has no state: its results are written as usual)
      if (result.state === undefined || interrupted !== undefined) break;
      // a periodic stop: save, and go on from exactly there
      state = result.state;
      const saved = writeCheckpoint(file, checkpointToJson(record(result.settings), state, identities(data)));
      if (saved.path !== undefined) checkpoint = { path: saved.path, iteration: result.iterations };
      if (saved.why !== undefined && !warned) {
        warned = true;
        io.err(`nnlearn: could not save the periodic checkpoint (${saved.why})${saved.path !== undefined ? `; saved ${saved.path} instead` : ''}; training goes on\n`);
      }
    }
  } catch (err) {
    throw asFlagError(err);
  } finally {
    for (const s of STOP_SIGNALS) process.removeListener(s, onSignal);
    stopGuardian();
    progress.stop();
  }
  if (interrupted !== undefined && result.state !== undefined) {
    const saved = writeCheckpoint(file, checkpointToJson(record(result.settings), result.state, identities(data)));
    const batch = result.state.optimizerState.numbers.batch ?? 0;
    const where = batch > 0 ? `in epoch ${result.iterations + 1} (after ${batch} examples)` : `at iteration ${result.iterations}`;
    if (saved.path === undefined) throw new InterruptedError(`interrupted ${where}; the checkpoint could not be saved (${saved.why}): the run is lost`, interrupted);
    const instead = saved.why === undefined ? '' : ` (not at ${file}: ${saved.why})`;
    throw new InterruptedError(`interrupted ${where}; saved ${saved.path}${instead}; go on with: nnlearn train --resume ${shellWord(saved.path)}`, interrupted);
  }
  return { result, checkpoint };
}
