import { basename, dirname, extname, join } from 'node:path';
import { Command, Option } from 'commander';
import { FormatError, InterruptedError, ShapeError, UsageError } from '../../errors.js';
import { readText, writeFileAtomic } from '../../data/files.js';
import { checkpointToJson, parseCheckpoint, type SavedFlags } from '../checkpoint.js';
import { Matrix } from '../../linalg/matrix.js';
import { modelToJson, modelToMat } from '../../nn/model.js';
import { Network, OPTIMIZERS, type OptimizerName, type TrainResult } from '../../nn/network.js';
import { splitDataset } from '../../data/dataset.js';
import { costChart } from '../../viz/charts.js';
import { hiddenUnitsRaster } from '../../viz/raster.js';
import { saveChart, saveRaster } from '../../viz/save.js';
import { jsonOption, type Io } from '../main.js';
import { DATA_HELP, loadTrainTest, loadWeights } from '../data.js';
import { MAX_UNITS, parseChoice, parseNumber, parseNumberList } from '../options.js';
import { MAX_CLASSES } from '../../data/labels.js';
import { checkOutputFile, checkOutputFolder, ensureFolder, newRunFolder } from '../output.js';
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

/**
 * The flags of an interrupted run, from its checkpoint: each must be one of train's own, a string where the flag
 * takes a value and a switch where it does not (the values are then checked as if typed).
 */
function flagsFromCheckpoint(saved: SavedFlags, cmd: Command, path: string): TrainFlags {
  const options = new Map(cmd.options.map((o) => [o.attributeName(), o]));
  for (const [k, v] of Object.entries(saved)) {
    const o = options.get(k);
    if (o === undefined) throw new FormatError(`${path}: flags.${k} is not a flag of nnlearn train`);
    const takesValue = o.required || o.optional;
    if (v !== undefined && (takesValue ? typeof v !== 'string' : typeof v !== 'boolean')) {
      throw new FormatError(`${path}: flags.${k} must be ${takesValue ? 'a string' : 'true or false'}`);
    }
  }
  return saved as unknown as TrainFlags;
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
    .addOption(new Option('--holdout <fraction>', 'hold out this fraction of --data as the test set (a seeded split)').conflicts('test'))
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
    .addOption(
      new Option('--init <file.mat>', 'start from Theta1, Theta2, … in a MAT-file instead of random weights (which set the layer sizes)').conflicts([
        'hidden',
        'seed',
        'epsilon',
      ]),
    )
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
    .option('--checkpoint <file>', 'where Ctrl-C saves the run for --resume (default: checkpoint.json beside the model)')
    .option('--resume <checkpoint>', 'continue an interrupted run from its checkpoint, with its settings')
    .addOption(jsonOption())
    .option('--quiet', 'no progress on stderr');
  addBackendOptions(cmd);
  // --resume runs the interrupted run's own settings: any other setting would be silently ignored or would change
  // the result, so it is refused (--json and --quiet only change what is shown).
  const resume = cmd.options.find((o) => o.long === '--resume');
  resume?.conflicts(cmd.options.map((o) => o.attributeName()).filter((k) => !['resume', 'json', 'quiet'].includes(k)));
  cmd.action(async (given: TrainFlags) => {
      // --resume: the interrupted run's own settings and the optimizer's state
      const checkpoint = given.resume === undefined ? undefined : parseCheckpoint(readText(given.resume), given.resume);
      const opts: TrainFlags =
        checkpoint === undefined ? given : { ...flagsFromCheckpoint(checkpoint.flags, cmd, given.resume as string), json: given.json, quiet: given.quiet };
      const hidden = parseNumberList('--hidden', opts.hidden, { integer: true, min: 1, max: MAX_UNITS });
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
      if (learningRate !== undefined && (optimizer === 'fmincg' || optimizer === 'lbfgs')) {
        throw new UsageError(`--learning-rate: ${optimizer} finds its own step sizes by line search; the rate is for gd, momentum and adam`);
      }
      // flags that only matter with another one (a resumed run's flags were checked when it started)
      if (checkpoint === undefined) {
        const typed = (key: string) => cmd.getOptionValueSource(key) === 'cli';
        if (typed('momentum') && optimizer !== 'momentum') throw new UsageError(`--momentum: only --optimizer momentum uses it, not ${optimizer}`);
        if (typed('patience') && opts.validation === undefined) throw new UsageError('--patience: early stopping needs --validation');
        if (typed('splitSeed') && opts.holdout === undefined && opts.validation === undefined) {
          throw new UsageError('--split-seed: only --holdout and --validation split the data');
        }
      }
      const labels = parseChoice('--labels', opts.labels, ['auto', 'course', 'zero-based'] as const);
      const holdout = opts.holdout === undefined ? undefined : parseNumber('--holdout', opts.holdout, { positive: true, max: 0.9 });
      const splitSeed = parseNumber('--split-seed', opts.splitSeed, { integer: true, min: 0, max: 0xffffffff });
      const backend = parseBackend(opts);
      // commander refuses the pair on the command line; this is for the flags of an edited checkpoint
      if (holdout !== undefined && opts.test !== undefined) throw new UsageError('--holdout and --test cannot be used together');
      const format = opts.out === undefined ? undefined : extname(opts.out).toLowerCase();
      if (opts.out !== undefined) checkOutputFile('--out', opts.out, ['.json', '.mat']);
      if (opts.outDir !== undefined) checkOutputFolder('--out-dir', opts.outDir);
      if (opts.checkpoint !== undefined) checkOutputFile('--checkpoint', opts.checkpoint, ['.json']);

      // the worker threads start while the data loads
      const pool = startWorkers(backend);
      try {
        const initNet = opts.init === undefined ? undefined : loadWeights(opts.init, 'course');
        const numLabels =
          opts.numLabels !== undefined
            ? parseNumber('--num-labels', opts.numLabels, { integer: true, min: 2, max: MAX_CLASSES })
            : initNet?.numLabels;
        if (initNet !== undefined && numLabels !== initNet.numLabels) {
          throw new UsageError(`--num-labels: ${opts.init} has ${initNet.numLabels} outputs, not ${numLabels}`);
        }
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
          // the listener is gone after this first one: a second Ctrl-C ends the process at once, as usual
          io.err('\nnnlearn: stopping after this step to save a checkpoint (Ctrl-C again quits at once)\n');
        };
        // whole-set evaluations and mini-batches on all the threads (a batch too small to share runs on fewer)
        const evaluator = await prepareEvaluator(net.sizes, fit.X, fit.y, net.labels, backend, pool, net.architecture);
        const progress = startProgress(io, maxIter, { label: 'train', quiet: opts.quiet });
        let result: TrainResult;
        try {
          // Ctrl-C: stop at the next pause (an iteration's or a mini-batch's end), keep what is needed to go on
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
            },
            stopRequested: () => interrupted,
          });
        } finally {
          process.removeListener('SIGINT', onSigint);
          progress.stop();
          evaluator.close();
        }
        // (a run that ended by itself before the interrupt took effect has no state: its results are written as usual)
        if (interrupted && result.state !== undefined) {
          const file = opts.checkpoint ?? join(outDir ?? (opts.out !== undefined ? dirname(opts.out) : '.'), 'checkpoint.json');
          const flags: SavedFlags = { ...opts, json: undefined, quiet: undefined, resume: undefined };
          writeFileAtomic(file, checkpointToJson(flags, result.state));
          const batch = result.state.optimizerState.numbers.batch ?? 0;
          const where = batch > 0 ? `in epoch ${result.iterations + 1} (after ${batch} examples)` : `at iteration ${result.iterations}`;
          throw new InterruptedError(`interrupted ${where}; saved ${file}; go on with: nnlearn train --resume ${file}`);
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
