/**
 * `nnlearn predict`: a model's predictions for a data set. With labels: the accuracy, the confusion matrix and
 * each class's precision, recall and F1. Without (an IDX images file alone, a CSV of features, a MAT-file with X
 * only): the predictions. Either way `--out p.csv` writes one row per example (its row, the predicted label, the
 * output of every class), `--out cm.png|svg` draws the confusion matrix, and --json prints all of it.
 */
import { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { classMetrics, confusionMatrix, type ClassMetrics } from '../../nn/confusion.js';
import { accuracy, argmaxRows } from '../../nn/predict.js';
import { targetsToLabels } from '../../data/labels.js';
import type { Network } from '../../nn/network.js';
import type { Dataset, Inputs } from '../../data/dataset.js';
import { writeFileAtomic } from '../../data/files.js';
import { confusionChart } from '../../viz/charts.js';
import { saveChart } from '../../viz/save.js';
import { jsonOption, type Io } from '../io.js';
import { checkFitsModel, DATA_HELP, idxLabelsName, loadInputs, loadModel, MODEL_HELP, parseLabelColumn, targetsForModel, warnInputRange } from '../data.js';
import { labelsOption, parseLabels } from '../options.js';
import { checkOutputFile } from '../output.js';
import { basename, extname } from 'node:path';

interface PredictFlags {
  model: string;
  data: string;
  labels: string;
  labelsFile?: string;
  labelColumn?: string;
  out: string[];
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

/** Per-class precision, recall and F1 as a text table, with their unweighted (macro) averages. */
export function formatClassMetrics(metrics: readonly ClassMetrics[], names: readonly string[]): string {
  const f = (v: number) => (Number.isNaN(v) ? '—' : v.toFixed(4)).padStart(10);
  const lines = [`${'label'.padStart(9)}${'precision'.padStart(10)}${'recall'.padStart(10)}${'F1'.padStart(10)}${'examples'.padStart(10)}`];
  for (const m of metrics) lines.push(`${names[m.unit].padStart(9)}${f(m.precision)}${f(m.recall)}${f(m.f1)}${String(m.support).padStart(10)}`);
  const mean = (k: 'precision' | 'recall' | 'f1') => {
    const v = metrics.map((m) => m[k]).filter((x) => !Number.isNaN(x));
    return v.length === 0 ? NaN : v.reduce((a, b) => a + b, 0) / v.length;
  };
  lines.push(`${'average'.padStart(9)}${f(mean('precision'))}${f(mean('recall'))}${f(mean('f1'))}${String(metrics.reduce((s, m) => s + m.support, 0)).padStart(10)}`);
  return `${lines.join('\n')}\n`;
}

/** The predictions as CSV: a header, then per example its row (1-based), the predicted label and every class's output. */
export function predictionsCsv(labels: readonly number[], outputs: Float64Array, K: number, names: readonly string[]): string {
  const parts = [`row,label,${names.map((n) => `p${n}`).join(',')}\n`];
  for (let i = 0; i < labels.length; i++) {
    let line = `${i + 1},${labels[i]}`;
    for (let k = 0; k < K; k++) line += `,${outputs[i * K + k]}`;
    parts.push(`${line}\n`);
  }
  return parts.join('');
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function registerPredict(program: Command, io: Io): void {
  program
    .command('predict')
    .description('predict the labels of a data set with a trained model; with labels, the accuracy, confusion matrix and per-class precision, recall and F1')
    .requiredOption('--model <file>', MODEL_HELP)
    .requiredOption('--data <file>', `the data to predict: ${DATA_HELP}; labels are optional`)
    .addOption(labelsOption('label convention of a model that records none (the course’s ex4weights.mat; nnlearn’s files record theirs)'))
    .option('--labels-file <file>', 'the IDX labels file, when it is not beside the images')
    .option('--label-column <c>', 'a CSV file’s label column: first, last, a number, none (default: none when the file has as many columns as the model has inputs, else a header’s "label" column or the first)')
    .option('--out <file>', 'write the predictions (.csv: row, label, each class’s output) or draw the confusion matrix (.png, .svg); may be repeated', collect, [])
    .addOption(jsonOption())
    .action(async (opts: PredictFlags) => {
      const labels = parseLabels(opts.labels);
      const labelColumn = opts.labelColumn === undefined ? undefined : parseLabelColumn(opts.labelColumn);
      for (const out of opts.out) checkOutputFile('--out', out, ['.csv', '.png', '.svg']);
      const net = loadModel(opts.model, labels);
      const data = loadInputs(opts.data, { numLabels: net.numLabels, labelsFile: opts.labelsFile, labelColumn, features: net.sizes[0] });
      checkFitsModel(net.sizes[0], opts.model, data); // shapes first: "digits:test has 784 features, but ex4weights.mat expects 400 inputs"
      warnInputRange(data, net, opts.model, (text) => io.err(`nnlearn: ${text}\n`));
      const pictures = opts.out.filter((o) => extname(o).toLowerCase() !== '.csv');
      if (data.y === undefined && pictures.length > 0) throw new UsageError(`--out ${pictures[0]}: a confusion matrix needs labels, and ${data.source} has none`);
      // IDX images whose labels file was not found beside them: predictions only, said (a misnamed labels file
      // once gave a stream of predictions where an accuracy was expected, without a word)
      if (data.y === undefined && opts.labelsFile === undefined && /idx3/i.test(basename(data.source))) {
        io.err(`nnlearn: note: no labels file beside ${data.source} (a name like ${idxLabelsName(data.source)}): predictions only; --labels-file gives the labels, for the accuracy\n`);
      }
      const K = net.numLabels;
      // The outputs themselves are printed or written only as CSV or JSON (and as CSV without labels); the labels
      // alone come from the kernels in float64, the reference's to about 1e-15 (see Network.predictUnits).
      let outputs: Float64Array | undefined;
      const outputsOf = (): Float64Array => (outputs ??= net.outputs(data.X).data);
      const csvOut = opts.out.some((o) => extname(o).toLowerCase() === '.csv');
      const predicted = opts.json || csvOut || data.y === undefined ? argmaxRows(outputsOf(), K) : net.predictUnits(data.X, { backend: 'wasm' });
      const names = Array.from(targetsToLabels(Array.from({ length: K }, (_, k) => k), net.labels), String);
      const predictedLabels = Array.from(targetsToLabels(predicted, net.labels));
      const written: string[] = [];
      for (const out of opts.out.filter((o) => extname(o).toLowerCase() === '.csv')) {
        writeFileAtomic(out, predictionsCsv(predictedLabels, outputsOf(), K, names));
        written.push(out);
      }
      const scored = data.y === undefined ? undefined : score(data as Dataset, net, opts.model, predicted, io);
      if (scored !== undefined) {
        for (const out of pictures) {
          await saveChart(confusionChart(scored.counts, names, { title: `Confusion matrix: ${scored.accuracy.toFixed(2)}% of ${data.X.rows} correct` }), out);
          written.push(out);
        }
      }
      if (opts.json) {
        io.out(`${JSON.stringify(predictJson(data, predictedLabels, outputsOf(), K, names, scored, written))}\n`);
        return;
      }
      if (scored === undefined) {
        if (written.length === 0) {
          io.out(predictionsCsv(predictedLabels, outputsOf(), K, names)); // no labels and no file: the predictions are the output
          return;
        }
        io.out(`Predicted ${data.X.rows} examples of ${data.source} (no labels to score them against)\n`);
        io.out(`Wrote ${written.join(', ')}\n`);
        return;
      }
      io.out(`Accuracy: ${scored.accuracy.toFixed(2)}% (${data.X.rows} examples of ${data.source})\n\n`);
      io.out('Confusion matrix (rows: true label, columns: predicted label)\n');
      io.out(formatConfusion(scored.counts, names));
      io.out('\nPer class\n');
      io.out(formatClassMetrics(scored.metrics, names));
      if (written.length > 0) io.out(`\nWrote ${written.join(', ')}\n`);
    });
}

interface Scored {
  accuracy: number;
  counts: number[][];
  metrics: ClassMetrics[];
}

function score(data: Dataset, net: Network, model: string, predicted: Int32Array, io: Io): Scored {
  const targets = targetsForModel(data, net, model, (text) => io.err(`nnlearn: ${text}\n`));
  const counts = confusionMatrix(targets, predicted, net.numLabels);
  return { accuracy: accuracy(predicted, targets), counts, metrics: classMetrics(counts) };
}

function predictJson(data: Inputs, labels: number[], outputs: Float64Array, K: number, names: string[], scored: Scored | undefined, written: string[]) {
  const nan = (v: number) => (Number.isNaN(v) ? null : v);
  return {
    examples: data.X.rows,
    labels: names.map(Number),
    ...(scored !== undefined
      ? {
          accuracy: scored.accuracy,
          correct: scored.counts.reduce((s, row, k) => s + row[k], 0),
          confusion: scored.counts,
          perClass: scored.metrics.map((m) => ({ label: Number(names[m.unit]), precision: nan(m.precision), recall: nan(m.recall), f1: nan(m.f1), examples: m.support })),
        }
      : {}),
    predictions: labels.map((label, i) => ({ row: i + 1, label, outputs: Array.from(outputs.subarray(i * K, (i + 1) * K)) })),
    ...(written.length > 0 ? { files: written } : {}),
  };
}
