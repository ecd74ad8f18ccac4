import { basename } from 'node:path';
import { Command, Option } from 'commander';
import { UsageError } from '../../errors.js';
import { labelsToTargets } from '../../data/labels.js';
import { costFunction } from '../../nn/cost.js';
import { Network } from '../../nn/network.js';
import { sweepChart, type SweepRow } from '../../viz/charts.js';
import { saveChart } from '../../viz/save.js';
import { jsonOption, type Io } from '../io.js';
import { DATA_HELP, loadTrainTest, noteSharedExamples } from '../data.js';
import { MAX_UNITS, parseNumber, parseNumberList } from '../options.js';
import { startProgress } from '../progress.js';
import { addBackendOptions, parseBackend, prepareEvaluator, type BackendFlags } from '../backend.js';
import { checkOutputFile } from '../output.js';

interface SweepFlags extends BackendFlags {
  data?: string;
  test?: string;
  holdout?: string;
  splitSeed: string;
  lambda: string;
  maxIter: string;
  hidden: string;
  seed: string;
  labelsFile?: string;
  out?: string;
  json?: boolean;
  quiet?: boolean;
}

export function registerSweep(program: Command, io: Io): void {
  const cmd = program
    .command('sweep')
    .description(
      'train for every λ and iteration count and compare training and held-out accuracy: where the network ' +
        'overfits (the notebook’s final analysis, ex4 part 3.1)',
    )
    .option('--data <file>', `training data: ${DATA_HELP} (default: digits:train)`)
    .option('--test <file>', 'held-out data (default with no --data: digits:test)')
    .addOption(new Option('--holdout <fraction>', 'hold out this fraction of --data instead of a --test file').conflicts('test'))
    .option('--split-seed <s>', 'seed of the --holdout split', '0')
    .option('--lambda <list>', 'regularization parameters', '0,0.01,0.1,1,10')
    .option('--max-iter <list>', 'iteration counts (fmincg MaxIter)', '10,50,200')
    .option('--hidden <sizes>', 'hidden layer sizes', '25')
    .option('--seed <s>', 'seed of the shared initial weights', '0')
    .option('--labels-file <file>', 'the IDX labels file, when it is not beside the images')
    .option('--out <file>', 'the plot: .png or .svg')
    .addOption(jsonOption())
    .option('--quiet', 'no progress on stderr');
  addBackendOptions(cmd).action(async (opts: SweepFlags) => {
      const lambdas = parseNumberList('--lambda', opts.lambda, { min: 0 });
      const iters = [...new Set(parseNumberList('--max-iter', opts.maxIter, { integer: true, min: 1 }))].sort((a, b) => a - b);
      const hidden = parseNumberList('--hidden', opts.hidden, { integer: true, min: 1, max: MAX_UNITS });
      const seed = parseNumber('--seed', opts.seed, { integer: true, min: 0, max: 0xffffffff });
      const holdout = opts.holdout === undefined ? undefined : parseNumber('--holdout', opts.holdout, { positive: true, max: 0.9 });
      const splitSeed = parseNumber('--split-seed', opts.splitSeed, { integer: true, min: 0, max: 0xffffffff });
      if (holdout === undefined && cmd.getOptionValueSource('splitSeed') === 'cli') throw new UsageError('--split-seed: only --holdout splits the data');
      if (opts.out !== undefined) checkOutputFile('--out', opts.out, ['.png', '.svg']);
      const backend = parseBackend(opts);
      const { train, test } = loadTrainTest({ data: opts.data, test: opts.test, holdout, splitSeed, labelsFile: opts.labelsFile });
      if (test === undefined) throw new UsageError('sweep needs held-out data: give --test or --holdout');
      if (opts.test !== undefined) noteSharedExamples(train, test, io);
      const start = Network.random([train.X.cols, ...hidden, train.numLabels], { seed, labels: train.labels });
      const trainTargets = labelsToTargets(train.y, start.numLabels, start.labels);
      const testTargets = labelsToTargets(test.y, start.numLabels, start.labels);
      const maxIter = iters[iters.length - 1];

      // One run per λ up to the largest MaxIter, measured at each requested count on the way: fmincg's first
      // n iterations do not depend on its limit, so this equals a separate run for each count, at a fraction of
      // the cost.
      const evaluator = await prepareEvaluator(start.sizes, train.X, train.y, start.labels, backend);
      const rows: SweepRow[] = [];
      for (const lambda of lambdas) {
        const net = new Network(start.sizes, Float64Array.from(start.params), { labels: start.labels });
        const snapshots = new Map<number, Float64Array>();
        const progress = startProgress(io, maxIter, { label: `λ = ${lambda}`, quiet: opts.quiet });
        try {
          const result = net.train(train.X, train.y, {
            lambda,
            maxIter,
            backend: evaluator,
            onIteration: ({ iteration, cost, theta }) => {
              progress.update(iteration, cost);
              if (iters.includes(iteration)) snapshots.set(iteration, Float64Array.from(theta));
            },
          });
          // A run that stops early (a failed line search) keeps its last weights for the larger counts.
          for (const n of iters) if (!snapshots.has(n)) snapshots.set(n, Float64Array.from(result.theta));
        } finally {
          progress.stop();
        }
        for (const n of iters) {
          const params = snapshots.get(n) as Float64Array;
          const at = new Network(start.sizes, params, { labels: start.labels });
          rows.push({
            lambda,
            maxIter: n,
            trainAccuracy: at.accuracy(train.X, train.y),
            testAccuracy: at.accuracy(test.X, test.y),
            // costs without the penalty, so that they compare across λ
            trainCost: costFunction(at.sizes, params, train.X, trainTargets, 0, { gradient: false }).cost,
            testCost: costFunction(at.sizes, params, test.X, testTargets, 0, { gradient: false }).cost,
          });
        }
      }
      evaluator.close();
      if (opts.out !== undefined) {
        await saveChart(
          sweepChart(rows, {
            title: 'Training and held-out accuracy by λ and iterations',
            subtitle: `${basename(train.source)} (${train.X.rows}) vs ${basename(test.source)} (${test.X.rows}), layers ${start.sizes.join('-')}, fmincg`,
          }),
          opts.out,
        );
      }
      if (opts.json) {
        io.out(`${JSON.stringify({ layers: start.sizes, data: train.source, test: test.source, rows, ...(opts.out ? { picture: opts.out } : {}) })}\n`);
        return;
      }
      io.out(`Training on ${train.source} (${train.X.rows} examples), held out: ${test.source} (${test.X.rows})\n`);
      io.out('costs are without the regularization term\n');
      io.out('     λ  MaxIter  train acc  held-out acc    gap  train cost  held-out cost\n');
      for (const r of rows) {
        io.out(
          `${String(r.lambda).padStart(6)}  ${String(r.maxIter).padStart(7)}  ${r.trainAccuracy.toFixed(2).padStart(8)}%  ` +
            `${r.testAccuracy.toFixed(2).padStart(11)}%  ${(r.trainAccuracy - r.testAccuracy).toFixed(2).padStart(5)}  ` +
            `${r.trainCost.toFixed(4).padStart(10)}  ${r.testCost.toFixed(4).padStart(13)}\n`,
        );
      }
      if (opts.out !== undefined) io.out(`Wrote ${opts.out}\n`);
    });
}
