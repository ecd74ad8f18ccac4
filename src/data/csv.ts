/**
 * CSV data sets: one example per line, the label in the first column and the features after it (the layout of
 * the popular mnist_train.csv / mnist_test.csv files); an optional header line (any non-numeric first line) is
 * skipped. Every line must have the same number of fields, and every field must be a finite number: a bad one
 * is reported with its line and column.
 */
import { FormatError } from '../errors.js';
import { Matrix } from '../linalg/matrix.js';
import { isLabel, MAX_CLASSES } from './labels.js';

/** The largest CSV nnlearn reads: V8's strings stop a little past 512 MiB (MNIST's training CSV is 109 MB). */
export const MAX_CSV_BYTES = 500_000_000;

/** What {@link parseCsv} reads: the features, the labels, and whether there was a header. */
export interface CsvData {
  X: Matrix;
  y: Int32Array;
  /** whether a header line was skipped */
  header: boolean;
}

/**
 * A labelled data set from CSV text: one example per line, the label first, then the features; a header
 * line, blank lines and CRLF endings are accepted. `source` names the file in errors.
 */
export function parseCsv(text: string, source = 'the CSV file'): CsvData {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1].trim() === '') lines.pop();
  if (lines.length === 0) throw new FormatError(`${source}: empty`);
  const sep = lines[0].includes(',') ? ',' : lines[0].includes(';') ? ';' : lines[0].includes('\t') ? '\t' : ',';
  const first = lines[0].split(sep);
  const header = first.some((f) => f.trim() === '' || !Number.isFinite(Number(f)));
  const start = header ? 1 : 0;
  const m = lines.length - start;
  if (m < 1) throw new FormatError(`${source}: a header but no data`);
  const cols = lines[start].split(sep).length;
  if (cols < 2) throw new FormatError(`${source}: line ${start + 1} has ${cols} field; expected a label and at least one feature`);
  const X = new Matrix(m, cols - 1);
  const y = new Int32Array(m);
  for (let i = 0; i < m; i++) {
    const fields = lines[start + i].split(sep);
    if (fields.length !== cols) {
      throw new FormatError(`${source}: line ${start + i + 1} has ${fields.length} fields, but line ${start + 1} has ${cols}`);
    }
    for (let j = 0; j < cols; j++) {
      const f = fields[j].trim();
      const v = f === '' ? NaN : Number(f);
      if (!Number.isFinite(v)) {
        throw new FormatError(`${source}: line ${start + i + 1}, column ${j + 1}: "${fields[j]}" is not a finite number`);
      }
      if (j === 0) {
        if (!isLabel(v)) {
          throw new FormatError(`${source}: line ${start + i + 1}: the label ${f} is not a whole number from 0 to ${MAX_CLASSES}`);
        }
        y[i] = v;
      } else {
        X.data[i * (cols - 1) + j - 1] = v;
      }
    }
  }
  return { X, y, header };
}

/**
 * Pixel intensities to [0, 1]: when every value is a whole number in 0..255 and some exceed 1 (raw 8-bit
 * pixels), X is divided by 255 in place and 255 is returned; otherwise X is left alone and 1 is returned.
 */
export function scalePixels(X: Matrix): number {
  const d = X.data;
  let big = false;
  for (let i = 0; i < d.length; i++) {
    const v = d[i];
    if (!(v >= 0 && v <= 255 && Number.isInteger(v))) return 1;
    if (v > 1) big = true;
  }
  if (!big) return 1;
  for (let i = 0; i < d.length; i++) d[i] /= 255;
  return 255;
}
