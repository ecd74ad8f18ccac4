import { extname } from 'node:path';
import { Command, Option } from 'commander';
import { ShapeError, UsageError } from '../../errors.js';
import { writeFileAtomic } from '../../data/files.js';
import { modelToJson, modelToMat } from '../../nn/model.js';
import { Network, type OptimizerName } from '../../nn/network.js';
import { formatIteration } from '../../optim/fmincg.js';
import { jsonOption, type Io } from '../main.js';
import { loadMatData, loadWeights } from '../data.js';
import { parseChoice, parseNumber, parseNumberList } from '../options.js';

interface TrainFlags {
  data?: string;
  hidden: string;
  lambda: string;
  maxIter: string;
  seed: string;
  epsilon: string;
  init?: string;
  optimizer: string;
  learningRate: string;
  labels: string;
  numLabels?: string;
  out?: string;
  json?: boolean;
  quiet?: boolean;
}

export function registerTrain(program: Command, io: Io): void {
  program
    .command('train')
    .description('train a network from random weights (or --init) and report its accuracy (ex4 part 2.6)')
    .option('--data <file.mat>', 'training data: a MAT-file with X (m×n) and y (m×1)')
    .option('--hidden <sizes>', 'hidden layer sizes, e.g. 25 or 100,50', '25')
    .option('--lambda <λ>', 'regularization parameter', '1')
    .option('--max-iter <n>', 'iterations (fmincg: line searches, as the course’s MaxIter)', '50')
    .option('--seed <s>', 'seed of the random initial weights (NumPy-compatible)', '0')
    .option('--epsilon <ε>', 'initial weights uniform in [-ε, ε]; a number or "sqrt6" for √6/√(L_in+L_out)', '0.12')
    .option('--init <file.mat>', 'start from Theta1, Theta2, … in a MAT-file instead of random weights')
    .addOption(new Option('--optimizer <name>', 'optimizer').choices(['fmincg', 'gd']).default('fmincg'))
    .option('--learning-rate <α>', 'step of gradient descent (--optimizer gd)', '1')
    .addOption(new Option('--labels <convention>', 'label convention of y').choices(['auto', 'course', 'zero-based']).default('auto'))
    .option('--num-labels <K>', 'number of classes (default: what the labels imply, or the --init weights’ outputs)')
    .option('--out <file>', 'save the trained model: .json, or .mat with Theta1…ThetaL')
    .addOption(jsonOption())
    .option('--quiet', 'no progress on stderr')
    .action((opts: TrainFlags) => {
      if (opts.data === undefined) throw new UsageError('train: --data <file.mat> is required');
      const hidden = parseNumberList('--hidden', opts.hidden, { integer: true, min: 1 });
      const lambda = parseNumber('--lambda', opts.lambda, { min: 0 });
      const maxIter = parseNumber('--max-iter', opts.maxIter, { integer: true, min: 1 });
      const seed = parseNumber('--seed', opts.seed, { integer: true, min: 0, max: 0xffffffff });
      const epsilon = opts.epsilon === 'sqrt6' ? 'sqrt6' : parseNumber('--epsilon', opts.epsilon, { positive: true });
      const optimizer = parseChoice('--optimizer', opts.optimizer, ['fmincg', 'gd'] as const) as OptimizerName;
      const learningRate = parseNumber('--learning-rate', opts.learningRate, { positive: true });
      const labels = parseChoice('--labels', opts.labels, ['auto', 'course', 'zero-based'] as const);
      const format = opts.out === undefined ? undefined : extname(opts.out).toLowerCase();
      if (format !== undefined && format !== '.json' && format !== '.mat') {
        throw new UsageError(`--out: "${opts.out}" must end in .json or .mat`);
      }

      const initNet = opts.init === undefined ? undefined : loadWeights(opts.init, 'course');
      const numLabels =
        opts.numLabels !== undefined
          ? parseNumber('--num-labels', opts.numLabels, { integer: true, min: 2 })
          : initNet?.numLabels;
      const data = loadMatData(opts.data, numLabels, labels);
      let net: Network;
      if (initNet !== undefined && opts.init !== undefined) {
        if (initNet.sizes[0] !== data.X.cols) {
          throw new ShapeError(`the data has ${data.X.cols} columns but ${opts.init} expects ${initNet.sizes[0]} inputs`);
        }
        net = new Network(initNet.sizes, initNet.params, { labels: data.labels });
      } else {
        net = Network.random([data.X.cols, ...hidden, data.numLabels], { seed, epsilon, labels: data.labels });
      }

      const started = performance.now();
      const progress = !opts.quiet;
      const result = net.train(data.X, data.y, {
        lambda,
        maxIter,
        optimizer,
        learningRate,
        onIteration: progress
          ? ({ iteration, cost }) => {
              const line = formatIteration(iteration, cost);
              io.err(io.errIsTTY ? `\r${line}` : `${line}\n`);
            }
          : undefined,
      });
      if (progress && io.errIsTTY) io.err('\n');
      const seconds = (performance.now() - started) / 1000;

      if (opts.out !== undefined) {
        const meta = { data: opts.data, lambda, maxIter, seed, optimizer, trainAccuracy: result.trainAccuracy };
        writeFileAtomic(
          opts.out,
          format === '.mat' ? modelToMat(net) : `${JSON.stringify(modelToJson(net, meta))}\n`,
        );
      }
      const summary = {
        trainAccuracy: result.trainAccuracy,
        cost: result.cost,
        costHistory: result.costHistory,
        iterations: result.iterations,
        evaluations: result.evaluations,
        stopReason: result.stopReason,
        layers: net.sizes,
        lambda,
        optimizer,
        seed: initNet === undefined ? seed : null,
        examples: data.X.rows,
        seconds,
        ...(opts.out !== undefined ? { model: opts.out } : {}),
      };
      if (opts.json) {
        io.out(`${JSON.stringify(summary)}\n`);
      } else {
        io.out(`Training Set Accuracy: ${result.trainAccuracy.toFixed(2)}%\n`);
        io.out(`Final cost: ${result.cost.toFixed(6)} after ${result.iterations} iterations (${seconds.toFixed(1)} s)\n`);
        if (opts.out !== undefined) io.out(`Model saved to ${opts.out}\n`);
      }
    });
}
