import { Command, Option } from 'commander';
import { ValueError } from '../../errors.js';
import { labelsToTargets } from '../../data/labels.js';
import { checkData } from '../../nn/cost.js';
import { confusionMatrix } from '../../nn/confusion.js';
import { accuracy, predictTargets } from '../../nn/predict.js';
import { confusionChart } from '../../viz/charts.js';
import { saveChart } from '../../viz/save.js';
import { jsonOption, type Io } from '../main.js';
import { DATA_HELP, loadDataset, loadModel, MODEL_HELP } from '../data.js';
import { parseChoice } from '../options.js';
import { checkOutputFile } from '../output.js';

interface PredictFlags {
  model: string;
  data: string;
  labels: string;
  labelsFile?: string;
  out?: string;
  json?: boolean;
}

/** A text table of counts with row and column headers, right-aligned. */
export function formatConfusion(counts: readonly (readonly number[])[], names: readonly string[]): string {
  const width = Math.max(...names.map((n) => n.length), ...counts.flat().map((c) => String(c).length)) + 1;
  const cell = (s: string) => s.padStart(width);
  const lines = [`${'true\\pred'.padEnd(9)}${names.map(cell).join('')}`];
  counts.forEach((row, t) => lines.push(`${names[t].padStart(9)}${row.map((c) => cell(String(c))).join('')}`));
  return `${lines.join('\n')}\n`;
}

export function registerPredict(program: Command, io: Io): void {
  program
    .command('predict')
    .description('predict the labels of a data set with a trained model: accuracy and confusion matrix')
    .requiredOption('--model <file>', MODEL_HELP)
    .requiredOption('--data <file>', `the data to predict: ${DATA_HELP}`)
    .addOption(
      new Option('--labels <convention>', 'label convention of a model that records none (the course’s ex4weights.mat; nnlearn’s files record theirs)')
        .choices(['auto', 'course', 'zero-based'])
        .default('auto'),
    )
    .option('--labels-file <file>', 'the IDX labels file, when it is not beside the images')
    .option('--out <file>', 'draw the confusion matrix: .png or .svg')
    .addOption(jsonOption())
    .action(async (opts: PredictFlags) => {
      const labels = parseChoice('--labels', opts.labels, ['auto', 'course', 'zero-based'] as const);
      if (opts.out !== undefined) checkOutputFile('--out', opts.out, ['.png', '.svg']);
      const net = loadModel(opts.model, labels);
      const data = loadDataset(opts.data, { numLabels: net.numLabels, labels: net.labels, labelsFile: opts.labelsFile });
      checkData(net.sizes, data.X, data.y); // shapes first: "the data has 784 columns but the network expects 400 inputs"
      let targets: Int32Array;
      try {
        targets = labelsToTargets(data.y, net.numLabels, net.labels);
      } catch (err) {
        throw new ValueError(`${data.source} does not fit ${opts.model}: ${(err as Error).message}`);
      }
      const predicted = predictTargets(net.thetas, data.X, net.architecture);
      const acc = accuracy(predicted, targets);
      const K = net.numLabels;
      const counts = confusionMatrix(targets, predicted, K);
      const names = Array.from({ length: K }, (_, k) => String(net.labels === 'course' ? k + 1 : k));
      if (opts.out !== undefined) {
        await saveChart(
          confusionChart(counts, names, { title: `Confusion matrix: ${acc.toFixed(2)}% of ${data.X.rows} correct` }),
          opts.out,
        );
      }
      if (opts.json) {
        io.out(
          `${JSON.stringify({
            accuracy: acc,
            examples: data.X.rows,
            correct: counts.reduce((s, row, k) => s + row[k], 0),
            labels: names.map(Number),
            confusion: counts,
            ...(opts.out !== undefined ? { picture: opts.out } : {}),
          })}\n`,
        );
        return;
      }
      io.out(`Accuracy: ${acc.toFixed(2)}% (${data.X.rows} examples of ${data.source})\n\n`);
      io.out('Confusion matrix (rows: true label, columns: predicted label)\n');
      io.out(formatConfusion(counts, names));
      if (opts.out !== undefined) io.out(`\nWrote ${opts.out}\n`);
    });
}
