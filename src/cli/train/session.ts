/**
 * `nnlearn train`'s run: the data and the network from the plan, the evaluator, the training with its progress,
 * and a checkpoint when a signal stops it. What the run produced goes to ./report.ts.
 */
import { dirname, join } from 'node:path';
import { InterruptedError, ShapeError, UsageError } from '../../errors.js';
import { writeFileAtomic } from '../../data/files.js';
import { splitDataset, type Dataset } from '../../data/dataset.js';
import { Network, type TrainResult } from '../../nn/network.js';
import type { TrainState } from '../../nn/training.js';
import type { ResolvedTraining } from '../../nn/train-options.js';
import { startWorkers } from '../../nn/fast/backend.js';
import type { CostEvaluator } from '../../nn/fast/evaluator.js';
import { checkpointToJson, type SavedFlags } from '../checkpoint.js';
import { loadTrainTest, loadWeights } from '../data.js';
import type { Io } from '../io.js';
import { ensureFolder, newRunFolder } from '../output.js';
import { startProgress } from '../progress.js';
import { prepareEvaluator } from '../backend.js';
import { asFlagError, type TrainPlan } from './plan.js';

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
}

/** Loads the data the plan names, and splits off the validation part. */
export function loadRunData(plan: TrainPlan, numLabels: number | undefined): RunData {
  const d = plan.data;
  const { train, test } = loadTrainTest({ ...d, numLabels: numLabels ?? d.numLabels });
  const { train: fit, test: validation } = d.validation === undefined ? { train, test: undefined } : splitDataset(train, d.validation, d.splitSeed);
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
  if (o.out !== undefined && outDir === undefined) return join(dirname(o.out), `${o.out.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '')}.checkpoint.json`);
  return join(outDir ?? '.', 'checkpoint.json');
}

/**
 * Trains as the plan says. Ctrl-C stops at the next pause (an iteration's or a mini-batch's end) and saves a
 * checkpoint to go on from (InterruptedError); a second Ctrl-C ends the process at once, as usual.
 */
export async function runSession(
  plan: TrainPlan,
  io: Io,
  options: { resume?: TrainState; record: (data: RunData, settings: ResolvedTraining, outDir: string | undefined) => SavedFlags },
): Promise<Session> {
  // the worker threads start while the data loads
  const pool = startWorkers(plan.backend);
  try {
    const init = plan.network.init === undefined ? undefined : loadWeights(plan.network.init, 'course');
    if (init !== undefined && plan.data.numLabels !== undefined && plan.data.numLabels !== init.numLabels) {
      throw new UsageError(`--num-labels: ${plan.network.init} has ${init.numLabels} outputs, not ${plan.data.numLabels}`);
    }
    const data = loadRunData(plan, init?.numLabels);
    const net = startingNetwork(plan, init, data.train);
    const outDir = plan.outputs.outDir !== undefined ? ensureFolder(plan.outputs.outDir) : plan.outputs.out === undefined ? newRunFolder('train') : undefined;
    const started = performance.now();
    const miniBatches = plan.settings.batchSize !== undefined && plan.settings.batchSize < data.fit.X.rows;
    const evaluator = await prepareEvaluator(net.sizes, data.fit.X, data.fit.y, net.labels, plan.backend, {
      pool,
      architecture: net.architecture,
      miniBatches,
    });
    // Every signal that ends a run saves it: Ctrl-C, kill (SIGTERM: also a CI's timeout), a closed terminal (SIGHUP).
    let interrupted: NodeJS.Signals | undefined;
    const onSignal = (signal: NodeJS.Signals) => {
      interrupted ??= signal;
      for (const s of STOP_SIGNALS) process.removeListener(s, onSignal);
      // the listeners are gone after this first one: a second signal ends the process at once
      io.err(`\nnnlearn: ${signal === 'SIGINT' ? 'Ctrl-C' : signal}: stopping after this step to save a checkpoint (Ctrl-C again quits at once)\n`);
    };
    const progress = startProgress(io, plan.settings.maxIter, { label: 'train', quiet: plan.quiet });
    let result: TrainResult;
    try {
      for (const s of STOP_SIGNALS) process.on(s, onSignal);
      result = await net.trainAsync(data.fit.X, data.fit.y, {
        ...plan.training,
        resume: options.resume,
        validation: data.validation === undefined ? undefined : { X: data.validation.X, y: data.validation.y, patience: plan.settings.patience },
        backend: evaluator,
        onIteration: ({ iteration, cost }) => progress.update(iteration, cost),
        stopRequested: () => interrupted !== undefined,
      });
    } catch (err) {
      throw asFlagError(err);
    } finally {
      for (const s of STOP_SIGNALS) process.removeListener(s, onSignal);
      progress.stop();
      evaluator.close();
    }
    // (a run that ended by itself before the interrupt took effect has no state: its results are written as usual)
    if (interrupted !== undefined && result.state !== undefined) {
      const file = checkpointPath(plan, outDir);
      writeFileAtomic(file, checkpointToJson(options.record(data, result.settings, outDir), result.state));
      const batch = result.state.optimizerState.numbers.batch ?? 0;
      const where = batch > 0 ? `in epoch ${result.iterations + 1} (after ${batch} examples)` : `at iteration ${result.iterations}`;
      throw new InterruptedError(`interrupted ${where}; saved ${file}; go on with: nnlearn train --resume ${file}`, interrupted);
    }
    const seconds = (performance.now() - started) / 1000;
    return { net, data, result, evaluator: { backend: evaluator.backend, threads: evaluator.threads, precision: evaluator.precision }, outDir, seconds };
  } finally {
    pool?.close();
  }
}
