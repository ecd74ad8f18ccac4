/**
 * The data and models the commands take: the loaders (../data/load.ts), and what only the command line needs.
 */
import type { LabelColumn } from '../data/csv.js';
import { sharedRows, type Dataset, type Inputs } from '../data/dataset.js';
import { ShapeError } from '../errors.js';
import { oneLine, type Io } from './io.js';
import { parseNumber } from './options.js';

export * from '../data/load.js';

/** Help text for a data argument. */
export const DATA_HELP =
  'a MAT-file with X and y, an MNIST IDX images file (raw or .gz; labels found beside it), a CSV (a label column and the features), or "digits", ' +
  '"digits:train", "digits:test" for the shipped digits';

/** `--label-column`'s value: first, last, none, auto, or a 1-based column number. */
export function parseLabelColumn(text: string): LabelColumn {
  const t = text.trim().toLowerCase();
  if (t === 'first' || t === 'last' || t === 'none' || t === 'auto') return t;
  return parseNumber('--label-column', text, { integer: true, min: 1, max: 1_000_000 }) - 1;
}

/** Help text for a model argument. */
export const MODEL_HELP = 'a model: nnlearn JSON, a MAT-file with Theta1, Theta2, …, ONNX, or a TensorFlow.js model.json (or its folder)';

/**
 * A note on stderr when held-out data given as a file repeats training examples (`--data digits --test
 * digits:test`, or the training file given twice): its accuracy then measures what the network remembers.
 */
export function noteSharedExamples(train: Dataset, test: Dataset, io: Io): void {
  const shared = sharedRows(train.X, test.X);
  if (shared === 0) return;
  const which = shared === test.X.rows ? `all ${shared}` : `${shared} of the ${test.X.rows}`;
  io.err(
    `${oneLine(
      `nnlearn: note: ${which} examples of ${test.source} are also in the training data (${train.source}): ` +
        'its accuracy is not measured on unseen examples (--holdout sets some apart)',
    )}\n`,
  );
}

/**
 * The data's features against a model's inputs, naming both (the library's message names neither), and a column
 * read as the labels where one more column would fit.
 */
export function checkFitsModel(inputs: number, model: string, data: Inputs): void {
  if (data.X.cols === inputs) return;
  const asLabels =
    data.y !== undefined && data.X.cols + 1 === inputs ? ' (and a column read as the labels: --label-column none if the file holds features only)' : '';
  throw new ShapeError(`${data.source} has ${data.X.cols} features${asLabels}, but ${model} expects ${inputs} inputs`);
}
