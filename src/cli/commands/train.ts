import { basename, dirname, extname, join } from 'node:path';
import { Command, Option } from 'commander';
import { FormatError, InterruptedError, ShapeError, UsageError } from '../../errors.js';
import { readBytes, writeFileAtomic } from '../../data/files.js';
import { readFileSync } from 'node:fs';
import type { FmincgState } from '../../optim/fmincg.js';
import { Matrix } from '../../linalg/matrix.js';
import { modelToJson, modelToMat } from '../../nn/model.js';
import { Network, OPTIMIZERS, type OptimizerName, type TrainResult } from '../../nn/network.js';
import { splitDataset } from '../../data/dataset.js';
import { costChart } from '../../viz/charts.js';
import { hiddenUnitsRaster } from '../../viz/raster.js';
import { saveChart, saveRaster } from '../../viz/save.js';
import { jsonOption, type Io } from '../main.js';
import { DATA_HELP, loadTrainTest, loadWeights } from '../data.js';
import { parseChoice, parseNumber, parseNumberList } from '../options.js';
import { ensureFolder, newRunFolder } from '../output.js';
import { startProgress } from '../progress.js';
import { addBackendOptions, parseBackend, prepareEvaluator, startWorkers, type BackendFlags } from '../backend.js';

interface TrainFlags extends BackendFlags {
  data?: string;
  test?: string;
  holdout?: string;
  splitSeed: string;
  labelsFile?: string;
  hidden: string;
  lambda: string;
  maxIter: string;
  seed: string;
  epsilon?: string;
  activation: string;
  output: string;
  init?: string;
  optimizer: string;
  learningRate?: string;
  momentum: string;
  batchSize?: string;
  validation?: string;
  patience: string;
  labels: string;
  numLabels?: string;
  out?: string;
  outDir?: string;
  checkpoint?: string;
  resume?: string;
  json?: boolean;
  quiet?: boolean;
}

const CHECKPOINT_FORMAT = 'nnlearn-checkpoint';

interface Checkpoint {
  format: typeof CHECKPOINT_FORMAT;
  version: 1;
  /** the run's flags, to run it again the same way */
  flags: TrainFlags;
  state: Omit<FmincgState, 'x' | 'df1' | 's'> & { x: number[]; df1: number[]; s: number[] };
}

function readCheckpoint(path: string): { flags: TrainFlags; state: FmincgState } {
  readBytes(path); // one-line errors for a missing file
  let c: Partial<Checkpoint>;
  try {
    c = JSON.parse(readFileSync(path, 'utf8')) as Partial<Checkpoint>;
  } catch (err) {
    throw new FormatError(`${path}: not valid JSON (${(err as Error).message})`);
  }
  if (c.format !== CHECKPOINT_FORMAT || c.version !== 1 || c.flags === undefined || c.state === undefined) {
    throw new FormatError(`${path}: not an nnlearn checkpoint (version 1)`);
  }
  const st = c.state;
  const arr = (v: unknown, name: string) => {
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) throw new FormatError(`${path}: state.${name} must be a list of numbers`);
    return Float64Array.from(v as number[]);
  };
  return {
    flags: c.flags,
    state: { ...st, x: arr(st.x, 'x'), df1: arr(st.df1, 'df1'), s: arr(st.s, 's'), costHistory: [...st.costHistory] },
  };
}

export function registerTrain(program: Command, io: Io): void {
  const cmd = program
    .command('train')
    .description(
      'train a network from random weights (or --init) and report its accuracy (ex4 part 2.6); with no --data, ' +
        'on the 10,000 shipped MNIST digits (8,000 to train, 2,000 held out)',
    )
    .option('--data <file>', `training data: ${DATA_HELP} (default: digits:train)`)
    .option('--test <file>', 'held-out data to report test accuracy on (default with no --data: digits:test)')
    .option('--holdout <fraction>', 'hold out this fraction of --data as the test set (a seeded split)')
    .option('--split-seed <s>', 'seed of the --holdout split', '0')
    .option('--labels-file <file>', 'the IDX labels file, when it is not beside the images')
    .option('--hidden <sizes>', 'hidden layer sizes, e.g. 25 or 100,50', '25')
    .option('--lambda <λ>', 'regularization parameter', '1')
    .option('--max-iter <n>', 'iterations (fmincg: line searches, as the course’s MaxIter)', '50')
    .option('--seed <s>', 'seed of the random initial weights (NumPy-compatible)', '0')
    .option(
      '--epsilon <ε>',
      'initial weights uniform in [-ε, ε]: a number, "sqrt6" for √6/√(L_in+L_out), or "he" (default: 0.12, the course’s; "he" for relu)',
    )
    .addOption(new Option('--activation <g>', 'hidden units').choices(['sigmoid', 'tanh', 'relu']).default('sigmoid'))
    .addOption(new Option('--output <kind>', 'output layer: independent sigmoids (the course) or softmax').choices(['sigmoid', 'softmax']).default('sigmoid'))
    .option('--init <file.mat>', 'start from Theta1, Theta2, … in a MAT-file instead of random weights')
    .addOption(new Option('--optimizer <name>', 'optimizer').choices(['fmincg', 'lbfgs', 'gd', 'momentum', 'adam']).default('fmincg'))
    .option('--learning-rate <α>', 'step of gd (default 1), momentum (0.1) and adam (0.001)')
    .option('--momentum <μ>', 'momentum’s μ (--optimizer momentum)', '0.9')
    .option('--batch-size <n>', 'mini-batches of n examples for gd, momentum and adam (--max-iter then counts epochs)')
    .option('--validation <fraction>', 'hold out this fraction of the training data for early stopping')
    .option('--patience <n>', 'early stopping: iterations without a better validation cost', '10')
    .addOption(new Option('--labels <convention>', 'label convention of y').choices(['auto', 'course', 'zero-based']).default('auto'))
    .option('--num-labels <K>', 'number of classes (default: what the labels imply, or the --init weights’ outputs)')
    .option('--out <file>', 'save the trained model to this file: .json, or .mat with Theta1…ThetaL')
    .option(
      '--out-dir <folder>',
      'write model.json and the pictures (hidden.png, cost.png, cost.svg) here (default: a new folder under ' +
        './nnlearn-out, unless --out is given)',
    )
    .option('--checkpoint <file>', 'where Ctrl-C saves the run (fmincg) for --resume (default: beside the model)')
    .option('--resume <checkpoint>', 'continue an interrupted run from its checkpoint, with its settings')
    .addOption(jsonOption())
    .option('--quiet', 'no progress on stderr');
  addBackendOptions(cmd).action(async (given: TrainFlags) => {
      // --resume: the interrupted run's own settings and the optimizer's state
      const checkpoint = given.resume === undefined ? undefined : readCheckpoint(given.resume);
      const opts: TrainFlags = checkpoint === undefined ? given : { ...checkpoint.flags, json: given.json, quiet: given.quiet };
      const hidden = parseNumberList('--hidden', opts.hidden, { integer: true, min: 1 });
      const lambda = parseNumber('--lambda', opts.lambda, { min: 0 });
      const maxIter = parseNumber('--max-iter', opts.maxIter, { integer: true, min: 1 });
      const seed = parseNumber('--seed', opts.seed, { integer: true, min: 0, max: 0xffffffff });
      const epsilon =
        opts.epsilon === undefined || opts.epsilon === 'sqrt6' || opts.epsilon === 'he'
          ? opts.epsilon
          : parseNumber('--epsilon', opts.epsilon, { positive: true });
      const activation = parseChoice('--activation', opts.activation, ['sigmoid', 'tanh', 'relu'] as const);
      const output = parseChoice('--output', opts.output, ['sigmoid', 'softmax'] as const);
      const optimizer = parseChoice('--optimizer', opts.optimizer, OPTIMIZERS) as OptimizerName;
      const learningRate = opts.learningRate === undefined ? undefined : parseNumber('--learning-rate', opts.learningRate, { positive: true });
      const momentumMu = parseNumber('--momentum', opts.momentum, { min: 0, max: 0.999999 });
      const batchSize = opts.batchSize === undefined ? undefined : parseNumber('--batch-size', opts.batchSize, { integer: true, min: 1 });
      const validation = opts.validation === undefined ? undefined : parseNumber('--validation', opts.validation, { positive: true, max: 0.9 });
      const patience = parseNumber('--patience', opts.patience, { integer: true, min: 1 });
      if (batchSize !== undefined && (optimizer === 'fmincg' || optimizer === 'lbfgs')) {
        throw new UsageError(`--batch-size: ${optimizer} works on the full batch; mini-batches are for gd, momentum and adam`);
      }
      const labels = parseChoice('--labels', opts.labels, ['auto', 'course', 'zero-based'] as const);
      const holdout = opts.holdout === undefined ? undefined : parseNumber('--holdout', opts.holdout, { positive: true, max: 0.9 });
      const splitSeed = parseNumber('--split-seed', opts.splitSeed, { integer: true, min: 0, max: 0xffffffff });
      const backend = parseBackend(opts);
      if (holdout !== undefined && opts.test !== undefined) throw new UsageError('--holdout and --test cannot be used together');
      const format = opts.out === undefined ? undefined : extname(opts.out).toLowerCase();
      if (format !== undefined && format !== '.json' && format !== '.mat') {
        throw new UsageError(`--out: "${opts.out}" must end in .json or .mat`);
      }

      // the worker threads start while the data loads
      const pool = startWorkers(backend);
      try {
        const initNet = opts.init === undefined ? undefined : loadWeights(opts.init, 'course');
        const numLabels =
          opts.numLabels !== undefined
            ? parseNumber('--num-labels', opts.numLabels, { integer: true, min: 2 })
            : initNet?.numLabels;
        const { train, test } = loadTrainTest({
          data: opts.data,
          test: opts.test,
          holdout,
          splitSeed,
          numLabels,
          labels,
          labelsFile: opts.labelsFile,
        });
        // --validation: the held-out part of the training data watches for overfitting (early stopping)
        const { train: fit, test: valSet } =
          validation === undefined ? { train, test: undefined } : splitDataset(train, validation, splitSeed);
        let net: Network;
        if (initNet !== undefined && opts.init !== undefined) {
          if (initNet.sizes[0] !== train.X.cols) {
            throw new ShapeError(`the data has ${train.X.cols} columns but ${opts.init} expects ${initNet.sizes[0]} inputs`);
          }
          net = new Network(initNet.sizes, initNet.params, { labels: train.labels, image: train.image, activation, output, inputScale: train.scale ?? 1 });
        } else {
          net = Network.random([train.X.cols, ...hidden, train.numLabels], {
            seed,
            epsilon,
            labels: train.labels,
            image: train.image,
            inputScale: train.scale ?? 1,
            activation,
            output,
          });
        }
        const outDir =
          opts.outDir !== undefined ? ensureFolder(opts.outDir) : opts.out === undefined ? newRunFolder('train') : undefined;

        const started = performance.now();
        let interrupted = false;
        const onSigint = () => {
          interrupted = true;
        };
        // mini-batches run on one thread (a batch is too small to share out); whole-set evaluations on all of them
        const evaluator = await prepareEvaluator(
          net.sizes,
          fit.X,
          fit.y,
          net.labels,
          batchSize === undefined ? backend : { ...backend, threads: 1 },
          pool,
          net.architecture,
        );
        const progress = startProgress(io, maxIter, { label: 'train', quiet: opts.quiet });
        let result: TrainResult;
        try {
          // Ctrl-C: stop at the end of the current iteration, keep what is needed to go on
          process.once('SIGINT', onSigint);
          result = await net.trainAsync(fit.X, fit.y, {
            resume: checkpoint?.state,
            lambda,
            maxIter,
            optimizer,
            learningRate,
            momentum: momentumMu,
            batchSize,
            batchSeed: seed,
            validation: valSet === undefined ? undefined : { X: valSet.X, y: valSet.y, patience },
            backend: evaluator,
            onIteration: ({ iteration, cost }) => {
              progress.update(iteration, cost);
              return !interrupted;
            },
          });
        } finally {
          process.removeListener('SIGINT', onSigint);
          progress.stop();
          evaluator.close();
        }
        if (interrupted) {
          if (result.state === undefined) {
            throw new InterruptedError(`interrupted at iteration ${result.iterations} (${optimizer} runs cannot be resumed; fmincg runs can)`);
          }
          const file = opts.checkpoint ?? join(outDir ?? (opts.out !== undefined ? dirname(opts.out) : '.'), 'checkpoint.json');
          const st = result.state;
          const saved: Checkpoint = {
            format: CHECKPOINT_FORMAT,
            version: 1,
            flags: { ...opts, json: undefined, quiet: undefined, resume: undefined },
            state: { ...st, x: Array.from(st.x), df1: Array.from(st.df1), s: Array.from(st.s) },
          };
          writeFileAtomic(file, `${JSON.stringify(saved)}\n`);
          throw new InterruptedError(`interrupted at iteration ${result.iterations}; saved ${file}; go on with: nnlearn train --resume ${file}`);
        }
        const seconds = (performance.now() - started) / 1000;
        const testAccuracy = test === undefined ? null : net.accuracy(test.X, test.y);

        const meta = {
          data: train.source,
          test: test?.source ?? null,
          lambda,
          maxIter,
          activation,
          output,
          seed: initNet === undefined ? seed : null,
          init: opts.init ?? null,
          optimizer,
          ...(optimizer === 'gd' ? { learningRate } : {}),
          backend: evaluator.backend,
          threads: evaluator.threads,
          precision: evaluator.precision,
          trainAccuracy: result.trainAccuracy,
          testAccuracy,
          costHistory: result.costHistory,
        };
        const written: string[] = [];
        if (opts.out !== undefined) {
          const costHistory = new Matrix(1, result.costHistory.length, Float64Array.from(result.costHistory));
          writeFileAtomic(
            opts.out,
            format === '.mat' ? modelToMat(net, { costHistory }) : `${JSON.stringify(modelToJson(net, meta))}\n`,
          );
          written.push(opts.out);
        }
        if (outDir !== undefined) {
          const model = join(outDir, 'model.json');
          writeFileAtomic(model, `${JSON.stringify(modelToJson(net, meta))}\n`);
          written.push(model);
          if (net.image !== undefined && net.sizes.length > 2) {
            const hiddenPng = join(outDir, 'hidden.png');
            await saveRaster(hiddenUnitsRaster(net.thetas[0], net.image), hiddenPng, 4);
            written.push(hiddenPng);
          }
          const chart = costChart([{ name: 'training', costs: result.costHistory }], {
            title: 'Cost during training',
            subtitle: `${basename(train.source)}, layers ${net.sizes.join('-')}, ${optimizer}, λ = ${lambda}`,
          });
          for (const name of ['cost.png', 'cost.svg']) {
            await saveChart(chart, join(outDir, name));
            written.push(join(outDir, name));
          }
        }

        const summary = {
          trainAccuracy: result.trainAccuracy,
          testAccuracy,
          cost: result.cost,
          costHistory: result.costHistory,
          iterations: result.iterations,
          evaluations: result.evaluations,
          stopReason: result.stopReason,
          layers: net.sizes,
          activation: net.activation,
          output: net.output,
          lambda,
          optimizer,
          backend: evaluator.backend,
          threads: evaluator.threads,
          precision: evaluator.precision,
          seed: initNet === undefined ? seed : null,
          data: train.source,
          test: test?.source ?? null,
          examples: fit.X.rows,
          validationExamples: valSet?.X.rows ?? 0,
          validationHistory: result.validationHistory ?? null,
          bestIteration: result.bestIteration ?? null,
          testExamples: test?.X.rows ?? 0,
          seconds,
          outDir: outDir ?? null,
          files: written,
        };
        if (opts.json) {
          io.out(`${JSON.stringify(summary)}\n`);
          return;
        }
        io.out(`Training Set Accuracy: ${result.trainAccuracy.toFixed(2)}% (${fit.X.rows} examples of ${fit.source})\n`);
        if (result.stopReason === 'early-stopped') {
          io.out(`Stopped early: the validation cost was best after iteration ${result.bestIteration} (those weights are kept)\n`);
        }
        if (test !== undefined && testAccuracy !== null) {
          io.out(`Test Set Accuracy: ${testAccuracy.toFixed(2)}% (${test.X.rows} examples of ${test.source})\n`);
        }
        io.out(`Final cost: ${result.cost.toFixed(6)} after ${result.iterations} iterations (${seconds.toFixed(1)} s)\n`);
        if (written.length > 0) io.out(`Wrote ${written.join(', ')}\n`);
        const model = outDir !== undefined ? join(outDir, 'model.json') : opts.out;
        if (test !== undefined && model !== undefined && holdout === undefined) {
          io.out(`Check it: nnlearn predict --model ${model} --data ${test.source}\n`);
        }
      } finally {
        pool?.close();
      }
    });
}
