/**
 * Loading the data sets and weights the commands take.
 */
import { basename, dirname, extname, join } from 'node:path';
import { existsSync } from 'node:fs';
import { FormatError, NnlearnError, UsageError, ValueError } from '../errors.js';
import { Matrix } from '../linalg/matrix.js';
import { detectConvention, isLabel, maxLabel, MAX_CLASSES, type LabelConvention } from '../data/labels.js';
import { nativeGunzip, nativeInflate, readBytes, readMatFile } from '../data/files.js';
import { MatFile } from '../data/mat.js';
import { splitDataset, squareImage, type Dataset } from '../data/dataset.js';
import { idxImages, idxLabels, parseIdx } from '../data/idx.js';
import { MAX_CSV_BYTES, parseCsv, scalePixels } from '../data/csv.js';
import { shippedDigits } from '../data/shipped-digits.js';
import { readModelFile } from '../nn/formats/files.js';
import { Network } from '../nn/network.js';

export interface LoadOptions {
  /** K, when known (from a model or weights); otherwise what the labels imply */
  numLabels?: number;
  labels?: LabelConvention | 'auto';
  /** an IDX labels file, when it is not beside the images under the usual name */
  labelsFile?: string;
}

/** Help text for a data argument. */
export const DATA_HELP =
  'a MAT-file with X and y, an MNIST IDX images file (raw or .gz; labels found beside it), a CSV (label, then pixels), or "digits", ' +
  '"digits:train", "digits:test" for the shipped digits';

/**
 * A labelled data set from what the user typed: the shipped digits by name, a `.mat` file, or an IDX images
 * file. The format is recognised from the content, not only the name.
 */
export function loadDataset(spec: string, options: LoadOptions = {}): Dataset {
  const shipped = shippedDigits(spec);
  const noLabelsFile = () => {
    if (options.labelsFile !== undefined) throw new UsageError(`--labels-file: ${spec} is not an IDX images file; its labels are in it`);
  };
  // Whether its 10 classes fit a given network is for the caller to check, after the shapes.
  if (shipped !== undefined) {
    noLabelsFile();
    return shipped;
  }
  if (!existsSync(spec)) {
    throw new NnlearnError(`${spec}: no such file (give a .mat or IDX file, or "digits" for the shipped digits)`);
  }
  const head = readBytes(spec);
  if (head.length >= 4 && head[0] === 0 && head[1] === 0 && head[2] >= 0x08 && head[2] <= 0x0e) return loadIdxData(spec, head, options);
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return loadIdxData(spec, head, options);
  noLabelsFile();
  if (extname(spec).toLowerCase() === '.csv' || extname(spec).toLowerCase() === '.txt') return loadCsvData(spec, head, options);
  if (extname(spec).toLowerCase() === '.mat' || head.length >= 128) {
    return matData(new MatFile(head, spec, { inflate: nativeInflate }), options.numLabels, options.labels ?? 'auto');
  }
  throw new FormatError(`${spec}: not a MAT-file or an IDX file`);
}

function loadCsvData(path: string, bytes: Uint8Array, options: LoadOptions): Dataset {
  if (bytes.length > MAX_CSV_BYTES) {
    throw new FormatError(`${path}: ${bytes.length} bytes is more than nnlearn reads as CSV (${MAX_CSV_BYTES}); convert it to IDX or a MAT-file`);
  }
  const { X, y } = parseCsv(new TextDecoder().decode(bytes), path);
  const scale = scalePixels(X); // raw 8-bit pixels to [0, 1], as the IDX files and the shipped digits
  let min = Infinity;
  let max = -Infinity;
  for (const v of y) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const conv = options.labels !== undefined && options.labels !== 'auto' ? options.labels : min === 0 ? 'zero-based' : 'course';
  const numLabels = options.numLabels ?? Math.max(2, conv === 'course' ? max : max + 1);
  return { X, y, labels: conv, numLabels, source: path, image: squareImage(X.cols, 'row-major'), scale };
}

/** The MNIST naming: `train-images-idx3-ubyte.gz` has its labels in `train-labels-idx1-ubyte.gz`. */
export function idxLabelsPath(imagesPath: string): string | undefined {
  const name = basename(imagesPath);
  const candidates = [name.replace('images-idx3', 'labels-idx1'), name.replace('images.idx3', 'labels.idx1'), name.replace('images', 'labels')];
  for (const c of candidates) {
    if (c === name) continue;
    for (const variant of [c, c.replace(/\.gz$/, ''), `${c}.gz`]) {
      const p = join(dirname(imagesPath), variant);
      if (existsSync(p)) return p;
    }
  }
  return undefined;
}

function loadIdxData(path: string, bytes: Uint8Array, options: LoadOptions): Dataset {
  const idx = parseIdx(bytes, path, { gunzip: nativeGunzip });
  const { X, height, width } = idxImages(idx, path);
  const idxScale = idx.type === 0x08 ? 255 : 1;
  const labelsPath = options.labelsFile ?? idxLabelsPath(path);
  if (labelsPath === undefined) {
    throw new NnlearnError(`${path}: no labels file beside it (expected a name like ${basename(path).replace('images', 'labels').replace('idx3', 'idx1')}); give one with --labels-file`);
  }
  const y = idxLabels(parseIdx(readBytes(labelsPath), labelsPath, { gunzip: nativeGunzip }), labelsPath);
  if (y.length !== X.rows) throw new FormatError(`${labelsPath}: ${y.length} labels for the ${X.rows} images of ${path}`);
  const conv = options.labels === undefined || options.labels === 'auto' ? 'zero-based' : options.labels;
  const numLabels = options.numLabels ?? Math.max(2, (conv === 'course' ? 0 : 1) + maxLabel(y));
  checkFinite(X, path); // float IDX files can hold NaN
  return { X, y, labels: conv, numLabels, source: path, image: { height, width, order: 'row-major' }, scale: idxScale };
}

/** Help text for a model argument. */
export const MODEL_HELP = 'a model: nnlearn JSON, a MAT-file with Theta1, Theta2, …, ONNX, or a TensorFlow.js model.json (or its folder)';

/**
 * A network from a model file in any format nnlearn reads (src/nn/formats), recognised by its content. A label
 * convention given must be the file's when it records one; a file that records none (the course's
 * ex4weights.mat: course labels; a foreign ONNX or TF.js model: zero-based) takes it.
 */
export function loadModel(path: string, labels: LabelConvention | 'auto' = 'auto'): Network {
  return readModelFile(path, { labels }).network;
}

/** Refuses NaN and infinite inputs, naming the first one's row and column (1-based). */
export function checkFinite(X: Matrix, source: string): void {
  const d = X.data;
  for (let i = 0; i < d.length; i++) {
    if (!Number.isFinite(d[i])) {
      throw new ValueError(
        `${source}: X has the value ${d[i]} at row ${Math.floor(i / X.cols) + 1}, column ${(i % X.cols) + 1}; inputs must be finite numbers`,
      );
    }
  }
}

/**
 * X (m×n) and y (m labels) from a MAT-file with variables `X` and `y`, as the course's ex4data1.mat. The label
 * convention is detected unless given: a 0 among the labels means 0..K-1, otherwise 1..K (the course's). The
 * number of classes K is the one given (the weights' output units, say), or else what the labels imply.
 */
export function loadMatData(path: string, numLabels?: number, labels: LabelConvention | 'auto' = 'auto'): Dataset {
  return matData(readMatFile(path), numLabels, labels);
}

function matData(mat: MatFile, numLabels: number | undefined, labels: LabelConvention | 'auto'): Dataset {
  const path = mat.source;
  const X = mat.matrix('X');
  const yM = mat.matrix('y');
  if (yM.rows !== X.rows || yM.cols !== 1) {
    if (!(yM.rows === 1 && yM.cols === X.rows)) {
      throw new FormatError(`${path}: y is ${yM.shape} but X has ${X.rows} rows; y must be ${X.rows}×1`);
    }
  }
  checkFinite(X, path);
  const y = new Int32Array(X.rows);
  let max = 0;
  for (let i = 0; i < X.rows; i++) {
    const v = yM.data[i];
    if (!isLabel(v)) throw new ValueError(`${path}: y(${i + 1}) is ${v}; labels are whole numbers from 0 to ${MAX_CLASSES}`);
    y[i] = v;
    if (v > max) max = v;
  }
  const conv = labels !== 'auto' ? labels : detectConvention(y, numLabels ?? Math.max(max + 1, 2));
  const K = numLabels ?? Math.max(conv === 'course' ? max : max + 1, 2);
  return { X, y, labels: conv, numLabels: K, source: path, image: squareImage(X.cols, 'column-major') };
}

/**
 * Weights to start from or to evaluate (the course's ex4weights.mat, or any model file): `labels` is the
 * convention when the file records none, and the file's own otherwise.
 */
export function loadWeights(path: string, labels?: LabelConvention): Network {
  const { network, labelsRecorded } = readModelFile(path);
  if (labels === undefined || labelsRecorded || labels === network.labels) return network;
  return new Network(network.sizes, network.params, { ...network.options, labels });
}

export interface TrainTestSpec {
  /** the training data; absent: the shipped digits' training split */
  data?: string;
  /** held-out data; absent with no `data`: the shipped digits' test split */
  test?: string;
  /** hold out this fraction of `data` instead of a `test` file */
  holdout?: number;
  splitSeed?: number;
  numLabels?: number;
  labels?: LabelConvention | 'auto';
  labelsFile?: string;
}

/**
 * The training set and the held-out set (if any) a command works on. The held-out set is read with the
 * training set's label convention and number of classes, so that both mean the same thing.
 */
export function loadTrainTest(spec: TrainTestSpec): { train: Dataset; test: Dataset | undefined } {
  if (spec.data === undefined && spec.holdout === undefined) {
    const train = loadDataset('digits:train', spec);
    return { train, test: loadDataset(spec.test ?? 'digits:test', { numLabels: train.numLabels, labels: train.labels }) };
  }
  const all = loadDataset(spec.data ?? 'digits', spec);
  if (spec.test !== undefined) {
    const test = loadDataset(spec.test, { numLabels: all.numLabels, labels: all.labels });
    if (test.X.cols !== all.X.cols) {
      throw new FormatError(`${spec.test}: the held-out data has ${test.X.cols} columns but ${all.source} has ${all.X.cols}`);
    }
    return { train: all, test };
  }
  if (spec.holdout !== undefined) {
    const { train, test } = splitDataset(all, spec.holdout, spec.splitSeed ?? 0);
    return { train, test };
  }
  return { train: all, test: undefined };
}
