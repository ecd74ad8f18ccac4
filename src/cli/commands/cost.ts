import { Command } from 'commander';
import { costFunction } from '../../nn/cost.js';
import { jsonOption, type Io } from '../io.js';
import { loadMatData, loadWeights, targetsForModel } from '../data.js';
import { labelsOption, parseLabels, parseNumber } from '../options.js';

export function registerCost(program: Command, io: Io): void {
  program
    .command('cost')
    .description('the regularized cost J(Θ) of given weights on a data set (ex4 parts 1.3 and 1.4)')
    .requiredOption('--data <file.mat>', 'data: a MAT-file with X (m×n) and y (m×1)')
    .requiredOption('--weights <file.mat>', 'weights: a MAT-file with Theta1, Theta2, … (the course’s labels 1..K unless it records its own)')
    .option('--lambda <λ>', 'regularization parameter', '0')
    .addOption(labelsOption('label convention of y'))
    .addOption(jsonOption())
    .action((opts: { data: string; weights: string; lambda: string; labels: string; json?: boolean }) => {
      const lambda = parseNumber('--lambda', opts.lambda, { min: 0 });
      const labels = parseLabels(opts.labels);
      const net = loadWeights(opts.weights);
      const data = loadMatData(opts.data, net.numLabels, labels);
      // the labels as the weights' output units: checked against the weights' convention, as predict does
      const targets = targetsForModel(data, net, opts.weights, (text) => io.err(`nnlearn: ${text}\n`));
      const { cost } = costFunction(net.sizes, net.params, data.X, targets, lambda, { gradient: false, architecture: net.architecture });
      if (opts.json) {
        io.out(`${JSON.stringify({ cost, lambda, examples: data.X.rows, layers: net.sizes, labels: data.labels, weightsLabels: net.labels })}\n`);
      } else {
        io.out(`Cost at parameters (loaded from ${opts.weights}), lambda = ${lambda}: ${cost.toFixed(6)}\n`);
      }
    });
}
