import { Command } from 'commander';
import { checkData, costFunction } from '../../nn/cost.js';
import { jsonOption, type Io } from '../io.js';
import { checkFitsModel, DATA_HELP, loadDataset, loadWeights, parseLabelColumn, targetsForModel, warnInputRange } from '../data.js';
import { labelsOption, parseLabels, parseNumber } from '../options.js';

export function registerCost(program: Command, io: Io): void {
  program
    .command('cost')
    .description('the regularized cost J(Θ) of given weights on a data set (ex4 parts 1.3 and 1.4)')
    .requiredOption('--data <file>', `labelled data: ${DATA_HELP}`)
    .requiredOption('--weights <file>', 'weights: a MAT-file with Theta1, Theta2, … (the course’s labels 1..K unless it records its own), or any model file')
    .option('--lambda <λ>', 'regularization parameter', '0')
    .addOption(labelsOption('label convention of y'))
    .option('--labels-file <file>', 'the IDX labels file, when it is not beside the images')
    .option('--label-column <c>', 'a CSV file’s label column: first, last or a number (default: a header’s "label" column, or the first)')
    .addOption(jsonOption())
    .action((opts: { data: string; weights: string; lambda: string; labels: string; labelsFile?: string; labelColumn?: string; json?: boolean }) => {
      const lambda = parseNumber('--lambda', opts.lambda, { min: 0 });
      const labels = parseLabels(opts.labels);
      const labelColumn = opts.labelColumn === undefined ? undefined : parseLabelColumn(opts.labelColumn);
      const net = loadWeights(opts.weights);
      const data = loadDataset(opts.data, { numLabels: net.numLabels, labels, labelsFile: opts.labelsFile, labelColumn });
      checkFitsModel(net.sizes[0], opts.weights, data); // shapes first: "digits:test has 784 features, but ex4weights.mat expects 400 inputs"
      checkData(net.sizes, data.X, data.y);
      warnInputRange(data, net, opts.weights, (text) => io.err(`nnlearn: ${text}\n`));
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
