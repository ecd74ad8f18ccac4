import { Command, Option } from 'commander';
import { labelsToTargets } from '../../data/labels.js';
import { costFunction } from '../../nn/cost.js';
import { jsonOption, type Io } from '../main.js';
import { loadMatData, loadWeights } from '../data.js';
import { parseChoice, parseNumber } from '../options.js';

export function registerCost(program: Command, io: Io): void {
  program
    .command('cost')
    .description('the regularized cost J(Θ) of given weights on a data set (ex4 parts 1.3 and 1.4)')
    .requiredOption('--data <file.mat>', 'data: a MAT-file with X (m×n) and y (m×1)')
    .requiredOption('--weights <file.mat>', 'weights: a MAT-file with Theta1, Theta2, …')
    .option('--lambda <λ>', 'regularization parameter', '0')
    .addOption(new Option('--labels <convention>', 'label convention of y').choices(['auto', 'course', 'zero-based']).default('auto'))
    .addOption(jsonOption())
    .action((opts: { data: string; weights: string; lambda: string; labels: string; json?: boolean }) => {
      const lambda = parseNumber('--lambda', opts.lambda, { min: 0 });
      const labels = parseChoice('--labels', opts.labels, ['auto', 'course', 'zero-based'] as const);
      const probe = loadWeights(opts.weights, 'course');
      const data = loadMatData(opts.data, probe.numLabels, labels);
      const net = loadWeights(opts.weights, data.labels);
      const targets = labelsToTargets(data.y, net.numLabels, data.labels);
      const { cost } = costFunction(net.sizes, net.params, data.X, targets, lambda, { gradient: false });
      if (opts.json) {
        io.out(`${JSON.stringify({ cost, lambda, examples: data.X.rows, layers: net.sizes, labels: data.labels })}\n`);
      } else {
        io.out(`Cost at parameters (loaded from ${opts.weights}), lambda = ${lambda}: ${cost.toFixed(6)}\n`);
      }
    });
}
