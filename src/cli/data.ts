/**
 * Loading the data sets and weights the commands take.
 */
import { FormatError, ValueError } from '../errors.js';
import { Matrix } from '../linalg/matrix.js';
import { detectConvention, type LabelConvention } from '../data/labels.js';
import { readMatFile } from '../data/files.js';
import { networkFromMat } from '../nn/model.js';
import type { Network } from '../nn/network.js';

export interface LabelledData {
  X: Matrix;
  y: Int32Array;
  labels: LabelConvention;
  numLabels: number;
  source: string;
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
export function loadMatData(path: string, numLabels?: number, labels: LabelConvention | 'auto' = 'auto'): LabelledData {
  const mat = readMatFile(path);
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
    if (!Number.isInteger(v)) throw new ValueError(`${path}: label ${i + 1} is ${v}, not a whole number`);
    y[i] = v;
    if (v > max) max = v;
  }
  const conv = labels !== 'auto' ? labels : detectConvention(y, numLabels ?? Math.max(max + 1, 2));
  const K = numLabels ?? Math.max(conv === 'course' ? max : max + 1, 2);
  return { X, y, labels: conv, numLabels: K, source: path };
}

/** A network from Theta1, Theta2, … in a MAT-file, checking its values are finite. */
export function loadWeights(path: string, labels: LabelConvention): Network {
  const net = networkFromMat(readMatFile(path), labels);
  for (let i = 0; i < net.params.length; i++) {
    if (!Number.isFinite(net.params[i])) throw new ValueError(`${path}: a weight is ${net.params[i]}; weights must be finite`);
  }
  return net;
}
