/**
 * Whether a finished run ended badly, and what to try: a run that stops near chance accuracy, or whose cost is
 * still falling steeply at the last iteration, is not an error (the weights are what was asked for), but a user
 * should be told before trusting them. The library returns the advice; the CLI prints it as one line on stderr.
 */
import { iterationUnit, type OptimizerName } from '../optim/registry.js';
import type { ResolvedTraining } from './train-options.js';

/** A change to try: an option and its value. */
export interface Suggestion {
  /** the training option to change (the CLI shows its flag) */
  option: 'maxIter' | 'learningRate' | 'optimizer';
  value: number | OptimizerName;
}

/** What went wrong with a run that ended badly, and what to try. */
export interface RunAdvice {
  kind: 'near-chance' | 'still-falling';
  /** what happened, in words */
  problem: string;
  /** what to try, most likely first */
  suggestions: Suggestion[];
}

/**
 * The fall of the cost per iteration (or epoch), relative to where it ended, over the last tenth of a run (at
 * least one iteration), from which a run counts as stopped while still falling steeply: at 5% per iteration,
 * ten more would take a third off the cost. The course's fmincg run (50 iterations, the shipped digits) ends at
 * 3.3%, still improving but settling; Adam's 10 epochs at α = 0.001 and batch 128 on the same digits end at 7–8%,
 * at 76% accuracy.
 */
const STEEP_RELATIVE = 0.05;

/**
 * The training accuracy (percent) from which a falling cost is no longer news: the network fits the training set
 * (MNIST's 784-300-10 at 99.3% after 6 epochs, its cost still 20% lower each epoch), and more iterations would
 * mostly fit it closer, not generalize better.
 */
const FITTED_ACCURACY = 97;

/**
 * The share of the training examples the commonest class has, in percent: the accuracy of always guessing it.
 * `targets` are output units 0..K-1.
 */
export function chanceAccuracy(targets: ArrayLike<number>, numLabels: number): number {
  if (targets.length === 0) return 0;
  const counts = new Array<number>(numLabels).fill(0);
  for (let i = 0; i < targets.length; i++) counts[targets[i]]++;
  return (100 * Math.max(...counts)) / targets.length;
}

/**
 * Whether the cost rose somewhere along the run, by more than 1% from one iteration (or epoch) to the next: the
 * steps overshoot, and a smaller learning rate is what helps, not a larger one. (gd's α = 1 with ReLU units on the
 * shipped digits: its costs 1.99, 1.85, 1.98, 1.79, … and the advice was α = 3, which did worse.)
 */
function unsteady(costs: readonly number[]): boolean {
  for (let i = 1; i < costs.length; i++) if (costs[i] > costs[i - 1] * 1.01) return true;
  return false;
}

/** Advice on a finished run, or undefined when it ended well. */
export function diagnoseRun(run: {
  costHistory: readonly number[];
  trainAccuracy: number;
  /** what always guessing the commonest class scores (chanceAccuracy) */
  chance: number;
  settings: ResolvedTraining;
  stopReason: string;
}): RunAdvice | undefined {
  const s = run.settings;
  const unit = iterationUnit(s).slice(0, -1); // one iteration, one epoch
  const more = Math.max(2 * s.maxIter, s.maxIter + 10);
  const c = run.costHistory.filter(Number.isFinite);
  // a third of the rate where the cost went up and down, three times where it fell steadily
  const rateFactor = unsteady(c) ? 1 / 3 : 3;
  const otherRate = s.learningRate === undefined ? undefined : Number((s.learningRate * rateFactor).toPrecision(12)); // 0.0003, not 0.00030000000000000003
  // near chance: less than a tenth of the way from always guessing the commonest class to perfect
  if (run.trainAccuracy < run.chance + 0.1 * (100 - run.chance)) {
    // an overshooting rate first: more iterations of it do not help
    const suggestions: Suggestion[] = [];
    if (otherRate !== undefined && rateFactor < 1) suggestions.push({ option: 'learningRate', value: otherRate });
    suggestions.push({ option: 'maxIter', value: more });
    if (otherRate !== undefined && rateFactor > 1) suggestions.push({ option: 'learningRate', value: otherRate });
    if (s.optimizer !== 'fmincg') suggestions.push({ option: 'optimizer', value: 'fmincg' });
    return {
      kind: 'near-chance',
      problem: `training ended near chance: ${run.trainAccuracy.toFixed(2)}% of the training examples right, where always guessing the commonest class gets ${run.chance.toFixed(2)}%`,
      suggestions,
    };
  }
  if (run.stopReason !== 'max-iter') return undefined; // it stopped by itself (converged, early-stopped)
  const n = c.length;
  if (n < 3) return undefined;
  // the last tenth of the run, at least two steps, falling at each: one lower epoch after a higher one is noise
  const k = Math.min(n - 1, Math.max(2, Math.round(n / 10)));
  const window = c.slice(n - 1 - k);
  const falling = window.every((v, i) => i === 0 || v < window[i - 1]);
  const relative = (c[n - 1 - k] - c[n - 1]) / k / Math.abs(c[n - 1]);
  if (falling && relative > STEEP_RELATIVE && run.trainAccuracy < FITTED_ACCURACY) {
    const suggestions: Suggestion[] = [{ option: 'maxIter', value: more }];
    if (otherRate !== undefined && rateFactor > 1) suggestions.push({ option: 'learningRate', value: otherRate });
    return {
      kind: 'still-falling',
      problem: `the cost was still falling steeply at the last ${unit} (${(100 * relative).toFixed(1)}% lower per ${unit}): the network has not finished learning`,
      suggestions,
    };
  }
  return undefined;
}
