/**
 * Label conventions.
 *
 * - `course`: the Octave course's. Labels are 1..K and output unit k (1-based) stands for label k; for the
 *   digits, label 10 means the digit 0 ("there is no zero index, we have mapped the digit zero to the value
 *   ten", ex4). `ex4weights.mat` is trained this way and works as it is.
 * - `zero-based`: the Python notebook's. Labels are 0..K-1 and output unit k (0-based) stands for label k; the
 *   notebook rolls the rows of Theta2 (`np.roll(Theta2, 1, axis=0)`) to use the course's weights so.
 *
 * Internally a label becomes a *target*: the 0-based index of its output unit.
 */
import { ValueError } from '../errors.js';
import { Matrix } from '../linalg/matrix.js';

/**
 * How labels name the output units: `'course'` 1..K (ex4's, where 10 is the digit 0) or `'zero-based'` 0..K-1
 * (the Python notebook's and MNIST's).
 */
export type LabelConvention = 'course' | 'zero-based';

/**
 * The largest label nnlearn accepts (so at most 10,000 classes). A label past it is far more likely a corrupt
 * file or a misread column than a class, and would ask for an output layer of that many units.
 */
export const MAX_CLASSES = 10000;

/** Checks one label read from a file: a whole number in 0..MAX_CLASSES. */
export function isLabel(v: number): boolean {
  return Number.isInteger(v) && v >= 0 && v <= MAX_CLASSES;
}

/** The largest of the labels (0 for none), without spreading them into arguments (which overflows for millions). */
export function maxLabel(y: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < y.length; i++) if (y[i] > max) max = y[i];
  return max;
}

/** The output unit (0-based) of each label, checking that every label is an integer in range. */
export function labelsToTargets(y: ArrayLike<number>, numLabels: number, convention: LabelConvention): Int32Array {
  const lo = convention === 'course' ? 1 : 0;
  const hi = lo + numLabels - 1;
  const t = new Int32Array(y.length);
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    if (!Number.isInteger(v) || v < lo || v > hi) {
      throw new ValueError(
        `label ${i + 1} is ${v}, but ${convention} labels for ${numLabels} classes are integers ${lo}..${hi}`,
      );
    }
    t[i] = v - lo;
  }
  return t;
}

/** The label of each output unit index (the inverse of `labelsToTargets`). */
export function targetsToLabels(targets: ArrayLike<number>, convention: LabelConvention): Int32Array {
  const lo = convention === 'course' ? 1 : 0;
  const y = new Int32Array(targets.length);
  for (let i = 0; i < targets.length; i++) y[i] = targets[i] + lo;
  return y;
}

/**
 * Guesses the convention of a label vector: any 0 means zero-based; otherwise labels 1..K are the course's.
 * Throws when the labels fit neither.
 */
export function detectConvention(y: ArrayLike<number>, numLabels: number): LabelConvention {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < y.length; i++) {
    if (y[i] < min) min = y[i];
    if (y[i] > max) max = y[i];
  }
  if (min >= 0 && max <= numLabels - 1 && min === 0) return 'zero-based';
  if (min >= 1 && max <= numLabels) return 'course';
  throw new ValueError(
    `labels range from ${min} to ${max}, which fits neither 1..${numLabels} (course) nor 0..${numLabels - 1}`,
  );
}

/** The classes that labels up to `max` imply: 1..max in the course's convention, 0..max zero-based (at least 2). */
export function classCount(convention: LabelConvention, max: number): number {
  return Math.max(2, convention === 'course' ? max : max + 1);
}

/** One-hot rows: row i has a 1 in column targets[i] (the notebook's `np.eye(K)[y]`). */
export function oneHot(targets: ArrayLike<number>, numLabels: number): Matrix {
  const Y = new Matrix(targets.length, numLabels);
  for (let i = 0; i < targets.length; i++) {
    const t = targets[i];
    if (!Number.isInteger(t) || t < 0 || t >= numLabels) {
      throw new ValueError(`target ${i + 1} is ${t}, outside 0..${numLabels - 1}`);
    }
    Y.data[i * numLabels + t] = 1;
  }
  return Y;
}

/** The digit a label stands for, for the 10 digit classes (course: 10 → 0). */
export function digitOfLabel(label: number, convention: LabelConvention): number {
  return convention === 'course' ? label % 10 : label;
}

/** The label of a digit, for the 10 digit classes (course: 0 → 10; the inverse of digitOfLabel). */
export function labelOfDigit(digit: number, convention: LabelConvention): number {
  return convention === 'course' && digit === 0 ? 10 : digit;
}

/** The output unit of a digit, for the 10 digit classes (course: 1 → unit 0, …, 0 → unit 9). */
export function unitOfDigit(digit: number, convention: LabelConvention): number {
  return convention === 'course' ? (digit === 0 ? 9 : digit - 1) : digit;
}

/**
 * The targets (output units) of labels in one convention for a network trained in another, for the digits: the
 * course's labels are 1..10 with 10 for the digit 0, the notebook's 0..9 (which is why the notebook rolls the rows
 * of the course's Theta2, `np.roll(Theta2, 1, axis=0)`). A digit keeps its meaning: the course's 10 is the
 * notebook's 0. Only for 10 classes; undefined for any other number, where no such correspondence exists.
 */
export function digitTargets(y: ArrayLike<number>, from: LabelConvention, to: LabelConvention, numLabels: number): Int32Array | undefined {
  if (numLabels !== 10 || from === to) return undefined;
  const lo = from === 'course' ? 1 : 0;
  const t = new Int32Array(y.length);
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    if (!Number.isInteger(v) || v < lo || v > lo + 9) return undefined;
    const digit = digitOfLabel(v, from);
    t[i] = unitOfDigit(digit, to);
  }
  return t;
}
