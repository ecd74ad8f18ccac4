/**
 * Loading data sets, models and weights from files (Node): the shipped digits by name, MAT-files, MNIST's IDX files
 * (raw or gzipped, the labels found beside the images), CSV files. The format is recognised from the content. The
 * CLI's commands load through here, and `nnlearn/node` exports it to the library's users.
 */
import { basename, dirname, extname, join, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { FormatError, NnlearnError, UsageError, ValueError } from '../errors.js';
import { checkFinite } from '../linalg/matrix.js';
import { classCount, detectConvention, digitTargets, isLabel, labelsToTargets, maxLabel, MAX_CLASSES, type LabelConvention } from './labels.js';
import { checkReadable, forEachChunk, nativeGunzip, nativeInflate, readBytes, readMatFile } from './files.js';
import { isMatFile, MatFile } from './mat.js';
import { splitDataset, squareImage, type Dataset, type FileIdentity, type Inputs } from './dataset.js';
import { idxImages, idxLabels, isGzip, parseIdx } from './idx.js';
import { CsvParser, scalePixels, splitLabels, type LabelColumn } from './csv.js';

export type { LabelColumn } from './csv.js';
import { shippedDigits } from './shipped-digits.js';
import { memoryAvailable } from '../memory.js';
import { readModelFile } from '../nn/formats/files.js';
import { Network } from '../nn/network.js';

/** How to read a data set: the classes and label convention when known, a CSV's label column, an IDX labels file. */
export interface LoadOptions {
  /** K, when known (from a model or weights); otherwise what the labels imply */
  numLabels?: number;
  labels?: LabelConvention | 'auto';
  /** an IDX labels file, when it is not beside the images under the usual name */
  labelsFile?: string;
  /** a CSV file's label column (default 'auto': see splitLabels) */
  labelColumn?: LabelColumn;
  /** the number of inputs expected (a model's): a CSV with exactly that many columns has no labels */
  features?: number;
  /** features alone are read too (IDX images without a labels file, a MAT-file without y); implied by `features` */
  labelsOptional?: boolean;
}

const labelsOptional = (options: LoadOptions): boolean => options.labelsOptional ?? options.features !== undefined;

/**
 * A labelled data set from what the user typed: the shipped digits by name, a `.mat` file, an IDX images file or
 * a CSV. The format is recognised from the content, not only the name. Data without labels is an error, naming
 * what was looked for.
 */
export function loadDataset(spec: string, options: LoadOptions = {}): Dataset {
  const d = loadInputs(spec, options);
  if (d.y === undefined || d.labels === undefined || d.numLabels === undefined) {
    throw new NnlearnError(`${spec}: no labels (features only); this needs labelled data`);
  }
  return d as Dataset;
}

/**
 * Data to predict: as loadDataset, but features alone are read too (an IDX images file with no labels file, a
 * MAT-file with X and no y, a CSV with as many columns as `features`).
 */
export function loadInputs(spec: string, options: LoadOptions = {}): Inputs {
  const d = readInputs(spec, options);
  if (d.X.rows === 0) throw new ValueError(`${spec}: no examples (the data has 0 rows)`);
  return d;
}

function readInputs(spec: string, options: LoadOptions): Inputs {
  const shipped = shippedDigits(spec);
  const noLabelsFile = () => {
    if (options.labelsFile !== undefined) throw new UsageError(`--labels-file: ${spec} is not an IDX images file; its labels are in it`);
  };
  // Whether its 10 classes fit a given network is for the caller to check, after the shapes.
  if (shipped !== undefined) {
    noLabelsFile();
    // the course's convention asked for: its digits, where 10 stands for 0 (ex4: "we have mapped the digit zero to
    // the value ten"); once ignored, the model recording zero-based labels
    const digits = options.labels === 'course' ? { ...shipped, y: Int32Array.from(shipped.y, (d) => (d === 0 ? 10 : d)), labels: 'course' as const } : shipped;
    // K from a model or --num-labels: whether the digits' labels fit it is checked where they are used
    return options.numLabels === undefined ? digits : { ...digits, numLabels: options.numLabels };
  }
  if (!existsSync(spec)) {
    throw new NnlearnError(`${spec}: no such file (give a .mat, IDX or CSV file, or "digits" for the shipped digits)`);
  }
  const ext = extname(spec).toLowerCase();
  if (ext === '.csv' || ext === '.txt') {
    noLabelsFile();
    return loadCsvData(spec, options);
  }
  const bytes = readBytes(spec, {
    // known by its first bytes, before the rest is read (a device or a pipe of something else is refused at once)
    accept: (head) => {
      if (dataFormat(head) === undefined && ext !== '.mat') throw new FormatError(`${spec}: not a MAT-file, an IDX file or a CSV file (.csv)`);
    },
  });
  const file = identify(spec, bytes);
  if (dataFormat(bytes) === 'idx') return { ...loadIdxData(spec, bytes, options), file };
  noLabelsFile();
  return { ...matData(new MatFile(bytes, spec, { inflate: nativeInflate }), options.numLabels, options.labels ?? 'auto', labelsOptional(options)), file };
}

/** A data file's format by its first bytes: IDX (raw, or gzipped: MNIST's .gz files), a MAT-file, or undefined. */
function dataFormat(head: Uint8Array): 'idx' | 'mat' | undefined {
  if (head.length >= 4 && head[0] === 0 && head[1] === 0 && head[2] >= 0x08 && head[2] <= 0x0e) return 'idx';
  if (isGzip(head)) return 'idx';
  if (isMatFile(head)) return 'mat';
  return undefined;
}

/** A file's identity from its bytes. */
function identify(path: string, bytes: Uint8Array): FileIdentity {
  return { path: resolve(path), bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** Reads a CSV file in pieces (it never becomes one string), hashing it on the way. */
function loadCsvData(path: string, options: LoadOptions): Inputs {
  // two copies at most of what the budget leaves (the numbers as read, then the features): 16 bytes a number
  const parser = new CsvParser(path, { maxValues: Math.floor(memoryAvailable() / 16) });
  const hash = createHash('sha256');
  let bytes = 0;
  const decoder = new TextDecoder();
  checkReadable(path); // one-line errors for a missing file or a folder
  forEachChunk(path, (chunk) => {
    hash.update(chunk);
    bytes += chunk.length;
    parser.push(decoder.decode(chunk, { stream: true }));
  });
  const table = parser.end();
  const { X, y } = splitLabels(table, options.labelColumn ?? 'auto', path, { features: options.features });
  const scale = scalePixels(X); // raw 8-bit pixels to [0, 1], as the IDX files and the shipped digits
  const file = { path: resolve(path), bytes, sha256: hash.digest('hex') };
  const base = { X, source: path, image: squareImage(X.cols, 'row-major'), scale, file };
  if (y === undefined) return base;
  const max = maxLabel(y);
  const conv = options.labels !== undefined && options.labels !== 'auto' ? options.labels : detectConvention(y, max + 1);
  const numLabels = options.numLabels ?? classesOfLabels(y, conv, max, path);
  return { ...base, y, labels: conv, numLabels };
}

/**
 * The classes that labels imply (1..max in the course's convention, 0..max zero-based), refusing labels far fewer
 * than those classes: 10 labels 0, 100, …, 900 asked for a network of 901 outputs, 891 of them never used, without
 * a word. Fewer labels than a quarter of the classes, past 20 classes, are numbers that are not class numbers.
 */
function classesOfLabels(y: Int32Array, convention: LabelConvention, max: number, source: string): number {
  const K = classCount(convention, max);
  if (K <= 20) return K;
  const distinct = new Set(y).size;
  if (distinct * 4 >= K) return K;
  const lo = convention === 'course' ? 1 : 0;
  throw new ValueError(
    `${source}: ${distinct} different labels, up to ${max}, would make ${K} classes (${convention} labels ${lo}..${lo + K - 1}), most of them with no example; ` +
      `renumber the classes ${lo}..${lo + distinct - 1}${K <= MAX_CLASSES ? ` (train's --num-labels ${K} keeps them as they are)` : ''}`,
  );
}

/** The name MNIST's labels file of an images file has (`t10k-labels-idx1-ubyte.gz`), for messages. */
export function idxLabelsName(imagesPath: string): string {
  return basename(imagesPath).replace('images', 'labels').replace('idx3', 'idx1');
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

function loadIdxData(path: string, bytes: Uint8Array, options: LoadOptions): Inputs {
  const idx = parseIdx(bytes, path, { gunzip: nativeGunzip });
  const { X, height, width } = idxImages(idx, path);
  const idxScale = idx.type === 0x08 ? 255 : 1;
  checkFinite(X, path); // float IDX files can hold NaN
  const image = { height, width, order: 'row-major' as const };
  const labelsPath = options.labelsFile ?? idxLabelsPath(path);
  if (labelsPath === undefined) {
    // features alone: loadDataset says what labels file it looked for
    if (labelsOptional(options)) return { X, source: path, image, scale: idxScale };
    throw new NnlearnError(`${path}: no labels file beside it (expected a name like ${idxLabelsName(path)}); give one with --labels-file`);
  }
  const y = idxLabels(parseIdx(readBytes(labelsPath), labelsPath, { gunzip: nativeGunzip }), labelsPath);
  if (y.length !== X.rows) throw new FormatError(`${labelsPath}: ${y.length} labels for the ${X.rows} images of ${path}`);
  const conv = options.labels === undefined || options.labels === 'auto' ? 'zero-based' : options.labels;
  const numLabels = options.numLabels ?? classesOfLabels(y, conv, maxLabel(y), labelsPath);
  return { X, y, labels: conv, numLabels, source: path, image, scale: idxScale };
}

/**
 * A network from a model file in any format nnlearn reads (src/nn/formats), recognised by its content. A label
 * convention given must be the file's when it records one; a file that records none (the course's
 * ex4weights.mat: course labels; a foreign ONNX or TF.js model: zero-based) takes it.
 */
export function loadModel(path: string, labels: LabelConvention | 'auto' = 'auto'): Network {
  return readModelFile(path, { labels }).network; // its weights checked finite by readModel
}

/** Checks that every label of `data` is one of K classes in `convention`; the error names the first that is not. */
export function checkLabelsFit(data: Dataset, K: number, convention: LabelConvention, what: string): void {
  const lo = convention === 'course' ? 1 : 0;
  for (let i = 0; i < data.y.length; i++) {
    const v = data.y[i];
    if (v < lo || v > lo + K - 1) {
      throw new ValueError(`${data.source}: label ${v} (example ${i + 1}) is not one of ${what} (${convention} labels ${lo}..${lo + K - 1})`);
    }
  }
}

/**
 * The data's labels as the output units of a network: directly when both use the same convention; for the
 * digits across conventions (the course's 10 is the digit 0, the notebook's 0: digitTargets), saying so on
 * `note`; otherwise an error that names the way out. Never a silent misreading (a network trained on labels
 * 1..10 scoring labels 0..9 as if they were its own got 10% and a cost of 10.44 with no word).
 */
export function targetsForModel(data: Dataset, net: Network, model: string, note: (text: string) => void): Int32Array {
  const K = net.numLabels;
  const range = (c: LabelConvention) => (c === 'course' ? `1..${K}` : `0..${K - 1}`);
  if (data.labels === net.labels) {
    try {
      return labelsToTargets(data.y, K, net.labels);
    } catch (err) {
      throw new ValueError(`${data.source} does not fit ${model}: ${(err as Error).message}`);
    }
  }
  const digits = digitTargets(data.y, data.labels, net.labels, K);
  if (digits !== undefined) {
    note(
      `${data.source} has the labels ${range(data.labels)} and ${model} the ${net.labels === 'course' ? 'course’s' : 'zero-based'} ${range(net.labels)}: ` +
        `read as digits (the course’s 10 is the digit 0), as the notebook does with np.roll`,
    );
    return digits;
  }
  throw new ValueError(
    `${data.source} has ${data.labels} labels (${range(data.labels)}) but ${model} was trained on ${net.labels} labels (${range(net.labels)}); ` +
      `relabel the data to ${range(net.labels)}, or use a model trained on ${range(data.labels)}`,
  );
}

/**
 * Says (on `note`) when data looks unlike what a model was trained on: raw values up to 255 where the model
 * learnt from inputs scaled to [0, 1] (88.6% instead of 91.2% on the same digits, with no word).
 */
export function warnInputRange(data: Inputs, net: Network, model: string, note: (text: string) => void): void {
  const scale = net.inputScale;
  if (scale === undefined || scale < 2) return;
  let max = -Infinity;
  for (const v of data.X.data) if (v > max) max = v;
  if (max > 1.5) {
    note(`${data.source} has values up to ${max}, but ${model} was trained on inputs divided by ${scale} (in [0, 1]); divide the data by ${scale} first`);
  }
}

/**
 * X (m×n) and y (m labels) from a MAT-file with variables `X` and `y`, as the course's ex4data1.mat. The label
 * convention is detected unless given: a 0 among the labels means 0..K-1, otherwise 1..K (the course's). The
 * number of classes K is the one given (the weights' output units, say), or else what the labels imply.
 */
export function loadMatData(path: string, numLabels?: number, labels: LabelConvention | 'auto' = 'auto'): Dataset {
  return matData(readMatFile(path), numLabels, labels) as Dataset;
}

function matData(mat: MatFile, numLabels: number | undefined, labels: LabelConvention | 'auto', labelsOptional = false): Inputs {
  const path = mat.source;
  if (labelsOptional && !mat.has('y')) {
    const X = mat.matrix('X');
    checkFinite(X, path);
    const scale = scalePixels(X); // raw 8-bit pixels to [0, 1], as IDX and CSV data
    return { X, source: path, image: squareImage(X.cols, 'column-major'), scale };
  }
  // y first, and its shape against X's declared one: a file without y, or with a y that does not fit, is refused
  // before X (which may be large: a 389 KB file held a 20000×20000 X, 3.2 GB as float64) is converted
  const yM = mat.matrix('y');
  const xDims = mat.variables().find((v) => v.name === 'X')?.dims;
  const xRows = xDims?.[0];
  const fits = (rows: number) => (yM.rows === rows && yM.cols === 1) || (yM.rows === 1 && yM.cols === rows);
  if (xRows !== undefined && !fits(xRows)) {
    // NumPy's X.T saved for X: one example a column, where y fits the columns
    if (xDims !== undefined && xDims.length === 2 && fits(xDims[1])) {
      throw new FormatError(`${path}: X is ${xDims[0]}×${xDims[1]} and y has ${xDims[1]} labels: X looks transposed (one example per row: save X, not X.T)`);
    }
    throw new FormatError(`${path}: y is ${yM.shape} but X has ${xRows} rows; y must be ${xRows}×1`);
  }
  const X = mat.matrix('X');
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
  const K = numLabels ?? classesOfLabels(y, conv, max, path);
  // raw 8-bit pixels to [0, 1], as the IDX and CSV loaders do (the course's X, already scaled, is left alone)
  const scale = scalePixels(X);
  return { X, y, labels: conv, numLabels: K, source: path, image: squareImage(X.cols, 'column-major'), scale };
}

/**
 * Weights to start from or to evaluate (the course's ex4weights.mat, or any model file): `labels` is the
 * convention when the file records none, and the file's own otherwise.
 */
export function loadWeights(path: string, labels?: LabelConvention): Network {
  const { network, labelsRecorded } = readModelFile(path); // its weights checked finite by readModel
  if (labels === undefined || labelsRecorded || labels === network.labels) return network;
  return new Network(network.sizes, network.params, { ...network.options, labels });
}

/** The data a training run works on: a training set and a held-out one (a file, or a fraction of the training set). */
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
  labelColumn?: LabelColumn;
}

/**
 * The training set and the held-out set (if any) a command works on. The held-out set is read with the
 * training set's label convention and number of classes, so that both mean the same thing.
 */
export function loadTrainTest(spec: TrainTestSpec): { train: Dataset; test: Dataset | undefined } {
  const heldOut = (name: string, train: Dataset): Dataset => {
    const test = loadDataset(name, { numLabels: train.numLabels, labels: train.labels, labelColumn: spec.labelColumn });
    if (test.X.cols !== train.X.cols) {
      throw new FormatError(`${name}: the held-out data has ${test.X.cols} columns but ${train.source} has ${train.X.cols}`);
    }
    checkLabelsFit(test, train.numLabels, train.labels, `the classes of ${train.source}`);
    return test;
  };
  const training = (name: string): Dataset => {
    const d = loadDataset(name, spec);
    if (spec.numLabels !== undefined) checkLabelsFit(d, d.numLabels, d.labels, `the ${spec.numLabels} classes asked for`);
    return d;
  };
  if (spec.data === undefined && spec.holdout === undefined) {
    const train = training('digits:train');
    return { train, test: heldOut(spec.test ?? 'digits:test', train) };
  }
  const all = training(spec.data ?? 'digits');
  if (spec.test !== undefined) return { train: all, test: heldOut(spec.test, all) };
  if (spec.holdout !== undefined) {
    const { train, test } = splitDataset(all, spec.holdout, spec.splitSeed ?? 0);
    return { train, test };
  }
  return { train: all, test: undefined };
}
