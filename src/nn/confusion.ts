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
