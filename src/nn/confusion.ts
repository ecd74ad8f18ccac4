/**
 * The confusion matrix of a classifier: counts[t][p] examples of class t (0-based output unit) predicted as p.
 */
import { ValueError } from '../errors.js';

/** counts[t][p]: the examples of class t (0-based) predicted as p. */
export function confusionMatrix(actual: ArrayLike<number>, predicted: ArrayLike<number>, numClasses: number): number[][] {
  if (actual.length !== predicted.length) {
    throw new ValueError(`${actual.length} labels but ${predicted.length} predictions`);
  }
  const counts = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < actual.length; i++) {
    const t = actual[i];
    const p = predicted[i];
    if (!(t >= 0 && t < numClasses && p >= 0 && p < numClasses)) {
      throw new ValueError(`example ${i + 1}: class ${t} or prediction ${p} is outside 0..${numClasses - 1}`);
    }
    counts[t][p]++;
  }
  return counts;
}

/** One class's precision, recall and F1 (NaN where undefined: no predictions of it, no examples of it). */
export interface ClassMetrics {
  /** the class's output unit (0-based) */
  unit: number;
  precision: number;
  recall: number;
  f1: number;
  /** examples of the class */
  support: number;
}

/**
 * Per-class precision (of the examples predicted as the class, the share that are), recall (of the examples of
 * the class, the share predicted as it) and F1 (their harmonic mean), from a confusion matrix counts[t][p].
 */
export function classMetrics(counts: readonly (readonly number[])[]): ClassMetrics[] {
  const K = counts.length;
  return counts.map((row, k) => {
    const tp = row[k];
    const support = row.reduce((a, b) => a + b, 0);
    let predicted = 0;
    for (let t = 0; t < K; t++) predicted += counts[t][k];
    const precision = predicted === 0 ? NaN : tp / predicted;
    const recall = support === 0 ? NaN : tp / support;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : precision === 0 || recall === 0 ? 0 : NaN;
    return { unit: k, precision, recall, f1, support };
  });
}
