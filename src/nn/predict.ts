/**
 * Prediction (ex3/ex4 `predict`): the label of the output unit with the largest activation.
 */
import { Matrix } from '../linalg/matrix.js';
import { targetsToLabels, type LabelConvention } from '../data/labels.js';
import { checkData, forward, Workspace } from './cost.js';
import { sizesOfThetas } from './params.js';
import { COURSE_ARCHITECTURE, type Architecture } from './activations.js';

/** The index of the largest output unit for each example (ties go to the first, as MATLAB's `max`). */
export function predictTargets(thetas: readonly Matrix[], X: Matrix, arch: Architecture = COURSE_ARCHITECTURE): Int32Array {
  const sizes = sizesOfThetas(thetas);
  checkData(sizes, X, { length: X.rows });
  const H = forward(thetas, X, new Workspace(sizes, X.rows), arch);
  const K = H.cols;
  const p = new Int32Array(X.rows);
  for (let i = 0; i < X.rows; i++) {
    let best = 0;
    for (let k = 1; k < K; k++) if (H.data[i * K + k] > H.data[i * K + best]) best = k;
    p[i] = best;
  }
  return p;
}

/**
 * The course's `predict(Theta1, Theta2, X)`, for any number of Thetas: the predicted label of each row of X,
 * in the given convention (course labels 1..K by default).
 * The accuracy step of ex4 section 2.6, "Learning parameters using fmincg" (see [the course map](../../docs/course.md)).
 */
export function predict(thetas: readonly Matrix[], X: Matrix, labels: LabelConvention = 'course'): Int32Array {
  return targetsToLabels(predictTargets(thetas, X), labels);
}

/** Percentage of predictions equal to the labels. */
export function accuracy(predicted: ArrayLike<number>, actual: ArrayLike<number>): number {
  let hits = 0;
  for (let i = 0; i < actual.length; i++) if (predicted[i] === actual[i]) hits++;
  return actual.length === 0 ? 0 : (100 * hits) / actual.length;
}
