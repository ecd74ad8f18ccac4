/**
 * Prediction (ex3/ex4 `predict`): the label of the output unit with the largest activation.
 */
import { Matrix } from '../linalg/matrix.js';
import { ShapeError, ValueError } from '../errors.js';
import { isLabel, labelsToTargets, MAX_CLASSES, targetsToLabels, type LabelConvention } from '../data/labels.js';
import { checkData, checkInputs, forward, Workspace } from './cost.js';
import { sizesOfThetas } from './params.js';
import { COURSE_ARCHITECTURE, type Architecture } from './activations.js';

/**
 * Rows run through the network at a time when only its outputs are wanted. Each row's outputs depend on that row
 * alone (every product sums over its own row's inputs, in order), so blocks give the bits of one pass over X, and
 * the workspace (Z, A and D of every layer) stays a few MB whatever m is: for MNIST's 60,000 rows on a 784-300-10
 * network one pass needed 446 MB of it, which a tight --max-memory refused after the training it followed.
 */
export const FORWARD_ROWS = 2048;

/**
 * The network's outputs for X (m×n), a block of at most FORWARD_ROWS rows at a time: visit(H, r0) gets the
 * block's outputs H (count×K, a view of the workspace, valid until the next call) and its first row r0.
 */
export function forwardInBlocks(thetas: readonly Matrix[], X: Matrix, arch: Architecture, visit: (H: Matrix, r0: number) => void): void {
  const sizes = sizesOfThetas(thetas);
  checkData(sizes, X, { length: X.rows });
  let ws: Workspace | undefined;
  for (let r0 = 0; r0 < X.rows; r0 += FORWARD_ROWS) {
    const count = Math.min(FORWARD_ROWS, X.rows - r0);
    if (ws === undefined || ws.m !== count) ws = new Workspace(sizes, count);
    const block = new Matrix(count, X.cols, X.data.subarray(r0 * X.cols, (r0 + count) * X.cols));
    visit(forward(thetas, block, ws, arch), r0);
  }
}

/** The network's outputs for X (m×K): probabilities for a softmax output; computed a block of rows at a time. */
export function forwardOutputs(thetas: readonly Matrix[], X: Matrix, arch: Architecture = COURSE_ARCHITECTURE): Matrix {
  const K = thetas[thetas.length - 1].rows;
  const out = new Matrix(X.rows, K);
  forwardInBlocks(thetas, X, arch, (H, r0) => out.data.set(H.data, r0 * K));
  return out;
}

/** The index of the largest output unit for each example (ties go to the first, as MATLAB's `max`). */
export function predictTargets(thetas: readonly Matrix[], X: Matrix, arch: Architecture = COURSE_ARCHITECTURE): Int32Array {
  const p = new Int32Array(X.rows);
  forwardInBlocks(thetas, X, arch, (H, r0) => p.set(argmaxRows(H.data, H.cols), r0));
  return p;
}

/** The index of the largest of each row's K values, in rows of K (ties to the first, as MATLAB's `max`). */
export function argmaxRows(v: ArrayLike<number>, K: number): Int32Array {
  const m = v.length / K;
  const p = new Int32Array(m);
  for (let i = 0; i < m; i++) {
    let best = 0;
    for (let k = 1; k < K; k++) if (v[i * K + k] > v[i * K + best]) best = k;
    p[i] = best;
  }
  return p;
}

/**
 * The course's `predict(Theta1, Theta2, X)` (ex4 part 2.6; ex3's `predict.m`), for any number of Thetas: the
 * predicted label of each row of X, in the course's labels 1..K (10 for the digit 0). Also
 * `predict([Theta1, Theta2], X, labels)`, with a label convention.
 * The accuracy step of ex4 section 2.6, "Learning parameters using fmincg" (see [the course map](../../docs/course.md)).
 */
export function predict(Theta1: Matrix, Theta2: Matrix, X: Matrix, ...more: Matrix[]): Int32Array;
export function predict(thetas: readonly Matrix[], X: Matrix, labels?: LabelConvention): Int32Array;
export function predict(first: Matrix | readonly Matrix[], ...rest: (Matrix | LabelConvention | undefined)[]): Int32Array {
  if (Array.isArray(first)) {
    const [X, labels] = rest as [Matrix, LabelConvention | undefined];
    if (!(X instanceof Matrix)) throw new ValueError('predict(thetas, X): X must be a Matrix');
    checkInputs(sizesOfThetas(first), X);
    return targetsToLabels(predictTargets(first, X), labels ?? 'course');
  }
  const all = [first, ...rest];
  if (all.length < 3 || !all.every((m) => m instanceof Matrix)) {
    throw new ValueError('predict(Theta1, Theta2, …, X): give at least two Theta matrices and X, all Matrix objects');
  }
  const ms = all as Matrix[];
  const X = ms[ms.length - 1];
  checkInputs(sizesOfThetas(ms.slice(0, -1)), X);
  return targetsToLabels(predictTargets(ms.slice(0, -1), X), 'course');
}

/**
 * Percentage of predictions equal to the labels (the course's `mean(double(pred == y)) * 100`). Both must be as
 * many, and labels: whole numbers from 0 to MAX_CLASSES. With `classes`, the labels must also be those of that
 * many classes in that convention (as Network.cost and Network.accuracy check them): labels 0..9 scored against a
 * course network's 1..10 would count every digit 0 wrong and say 90% without a word.
 */
export function accuracy(predicted: ArrayLike<number>, actual: ArrayLike<number>, classes?: { numLabels: number; labels: LabelConvention }): number {
  if (predicted.length !== actual.length) {
    throw new ShapeError(`accuracy: ${predicted.length} predictions but ${actual.length} labels; give one label per prediction`);
  }
  if (actual.length === 0) throw new ValueError('accuracy: no examples (the data has 0 rows)');
  if (classes !== undefined) {
    labelsToTargets(predicted, classes.numLabels, classes.labels);
    labelsToTargets(actual, classes.numLabels, classes.labels);
  }
  let hits = 0;
  for (let i = 0; i < actual.length; i++) {
    const p = predicted[i];
    const y = actual[i];
    if (!isLabel(y)) throw new ValueError(`accuracy: label ${i + 1} is ${y}; labels are whole numbers from 0 to ${MAX_CLASSES}`);
    if (!isLabel(p)) throw new ValueError(`accuracy: prediction ${i + 1} is ${p}; labels are whole numbers from 0 to ${MAX_CLASSES}`);
    if (p === y) hits++;
  }
  return (100 * hits) / actual.length;
}
