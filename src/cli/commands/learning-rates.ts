import { basename } from 'node:path';
import { Command } from 'commander';
import { Network } from '../../nn/network.js';
import { DivergenceError } from '../../errors.js';
import { costChart } from '../../viz/charts.js';
import { saveChart } from '../../viz/save.js';
import { jsonOption, type Io } from '../io.js';
import { DATA_HELP, loadDataset } from '../data.js';
import { MAX_UNITS, parseNumber, parseNumberList } from '../options.js';
import { startProgress } from '../progress.js';
import { addBackendOptions, parseBackend, prepareEvaluator, type BackendFlags } from '../backend.js';
import { checkOutputFile } from '../output.js';

interface RatesFlags extends BackendFlags {
  data: string;
  rates: string;
  iterations: string;
  hidden: string;
  lambda: string;
  seed: string;
  labelsFile?: string;
  out?: string;
  json?: boolean;
  quiet?: boolean;
}

export function registerLearningRates(program: Command, io: Io): void {
  const cmd = program
    .command('learning-rates')
    .description(
      'plain gradient descent at several learning rates from the same initial weights, the cost curves on one plot ' +
        '(the Oslo exercise’s step 6: "see how the convergence changes if you use a learning rate of 0.01, 0.1, 1 or 3")',
    )
    .option('--data <file>', `training data: ${DATA_HELP}`, 'digits:train')
    .option('--rates <list>', 'learning rates', '0.01,0.1,1,3')
    .option('--iterations <n>', 'gradient-descent steps at each rate', '100')
    .option('--hidden <sizes>', 'hidden layer sizes', '25')
    .option('--lambda <λ>', 'regularization parameter', '0')
    .option('--seed <s>', 'seed of the shared initial weights', '0')
    .option('--labels-file <file>', 'the IDX labels file, when it is not beside the images')
    .option('--out <file>', 'the plot: .png or .svg')
    .addOption(jsonOption())
    .option('--quiet', 'no progress on stderr');
  addBackendOptions(cmd).action(async (opts: RatesFlags) => {
      const rates = parseNumberList('--rates', opts.rates, { positive: true });
      const iterations = parseNumber('--iterations', opts.iterations, { integer: true, min: 1 });
      const hidden = parseNumberList('--hidden', opts.hidden, { integer: true, min: 1, max: MAX_UNITS });
      const lambda = parseNumber('--lambda', opts.lambda, { min: 0 });
      const seed = parseNumber('--seed', opts.seed, { integer: true, min: 0, max: 0xffffffff });
      if (opts.out !== undefined) checkOutputFile('--out', opts.out, ['.png', '.svg']);
      const backend = parseBackend(opts);
      const data = loadDataset(opts.data, { labelsFile: opts.labelsFile });
      const start = Network.random([data.X.cols, ...hidden, data.numLabels], { seed, labels: data.labels });

      // Every curve starts at the cost of the shared initial weights (iteration 0).
      const initialCost = start.cost(data.X, data.y, lambda).cost;
      const evaluator = await prepareEvaluator(start.sizes, data.X, data.y, start.labels, backend);
      const runs = [];
      for (const rate of rates) {
        const net = new Network(start.sizes, Float64Array.from(start.params), { labels: start.labels });
        const progress = startProgress(io, iterations, { label: `α = ${rate}`, quiet: opts.quiet });
        try {
          const seen: number[] = [];
          try {
            const r = net.train(data.X, data.y, {
              optimizer: 'gd',
              batchSize: 'full', // the Oslo exercise's gradient descent: every step on the whole set
              learningRate: rate,
              lambda,
              maxIter: iterations,
              backend: evaluator,
              onIteration: ({ iteration, cost }) => {
                seen.push(cost);
                progress.update(iteration, cost);
              },
            });
            runs.push({ rate, costHistory: r.costHistory, cost: r.cost, trainAccuracy: r.trainAccuracy, divergedAt: null });
          } catch (err) {
            // a rate that diverges is a result here, not an error: its curve stops where it blew up
            if (!(err instanceof DivergenceError)) throw err;
            runs.push({ rate, costHistory: seen, cost: NaN, trainAccuracy: NaN, divergedAt: err.iteration });
          }
        } finally {
          progress.stop();
        }
      }
      evaluator.close();
      if (opts.out !== undefined) {
        const chart = costChart(
          runs.map((r) => ({ name: `α = ${r.rate}`, costs: [initialCost, ...r.costHistory], first: 0 })),
          {
            title: 'Gradient descent at several learning rates',
            subtitle: `${basename(data.source)}, layers ${start.sizes.join('-')}, λ = ${lambda}, same initial weights (seed ${seed})`,
            seriesTitle: 'learning rate',
          },
        );
        await saveChart(chart, opts.out);
      }
      if (opts.json) {
        io.out(`${JSON.stringify({ layers: start.sizes, lambda, iterations, initialCost, runs, ...(opts.out ? { picture: opts.out } : {}) })}\n`);
        return;
      }
      io.out(`Gradient descent, ${iterations} steps from the same initial weights (seed ${seed}) on ${data.source}\n`);
      io.out('learning rate   final cost   training accuracy\n');
      for (const r of runs) {
        if (r.divergedAt !== null) {
          io.out(`${String(r.rate).padStart(13)}   diverged at iteration ${r.divergedAt}\n`);
          continue;
        }
        io.out(`${String(r.rate).padStart(13)}   ${r.cost.toFixed(6).padStart(10)}   ${r.trainAccuracy.toFixed(2).padStart(16)}%\n`);
      }
      if (opts.out !== undefined) io.out(`Wrote ${opts.out}\n`);
    });
}
