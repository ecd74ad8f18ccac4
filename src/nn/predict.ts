/**
 * Prediction (ex3/ex4 `predict`): the label of the output unit with the largest activation.
 */
import { Matrix } from '../linalg/matrix.js';
import { ValueError } from '../errors.js';
import { targetsToLabels, type LabelConvention } from '../data/labels.js';
import { checkData, forward, Workspace } from './cost.js';
import { sizesOfThetas } from './params.js';
import { COURSE_ARCHITECTURE, type Architecture } from './activations.js';

/** The index of the largest output unit for each example (ties go to the first, as MATLAB's `max`). */
export function predictTargets(thetas: readonly Matrix[], X: Matrix, arch: Architecture = COURSE_ARCHITECTURE): Int32Array {
  const sizes = sizesOfThetas(thetas);
  checkData(sizes, X, { length: X.rows });
  const H = forward(thetas, X, new Workspace(sizes, X.rows), arch);
  return argmaxRows(H.data, H.cols);
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
    return targetsToLabels(predictTargets(first, X), labels ?? 'course');
  }
  const all = [first, ...rest];
  if (all.length < 3 || !all.every((m) => m instanceof Matrix)) {
    throw new ValueError('predict(Theta1, Theta2, …, X): give at least two Theta matrices and X, all Matrix objects');
  }
  const ms = all as Matrix[];
  return targetsToLabels(predictTargets(ms.slice(0, -1), ms[ms.length - 1]), 'course');
}

/** Percentage of predictions equal to the labels. */
export function accuracy(predicted: ArrayLike<number>, actual: ArrayLike<number>): number {
  let hits = 0;
  for (let i = 0; i < actual.length; i++) if (predicted[i] === actual[i]) hits++;
  return actual.length === 0 ? 0 : (100 * hits) / actual.length;
}
