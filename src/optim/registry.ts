/**
 * The table of optimizers: each one's name, file, what its iterations count and its defaults. The library
 * (Network.train), the CLI's `--optimizer` choices, `--help` and the README's table all read it, so that a
 * default is decided here and nowhere else.
 *
 * The defaults were measured, not guessed: with no setting but the optimizer's name, each trains the 784-25-10
 * network on the shipped digits to at least 90% test accuracy, and Adam trains 784-300-10 (sigmoid or ReLU,
 * softmax) on full MNIST to at least 97.5% (README, "Optimizers"; the figures come from `npm run
 * bench:defaults`). The first-order methods take mini-batches by default: on a full batch they need hundreds of
 * steps where a few epochs of mini-batches do better (Adam at α = 0.001 on the full batch for 50 steps reached
 * 11.8% on the shipped digits).
 */
import { ValueError } from '../errors.js';
import { fmincgIterations } from './fmincg.js';
import { lbfgsIterations } from './lbfgs.js';
import { GD_LEARNING_RATE, gradientDescentIterations } from './gradient-descent.js';
import { MOMENTUM_DEFAULTS, momentumIterations } from './momentum.js';
import { ADAM_LEARNING_RATE, adamIterations } from './adam.js';
import type { StochasticOptions } from './first-order.js';
import type { Iterations, Objective } from './types.js';

/** The optimizers nnlearn has, by name. */
export type OptimizerName = 'fmincg' | 'lbfgs' | 'gd' | 'momentum' | 'adam';

/** What an optimizer's run is made of: one setting of each (resolved: defaults filled in). */
export interface OptimizerSettings {
  /** line searches (fmincg, L-BFGS), full-batch steps, or epochs of mini-batches */
  maxIter: number;
  /** examples per mini-batch; undefined: the full batch */
  batchSize: number | undefined;
  /** the step α of the first-order methods; undefined for the line-search methods */
  learningRate: number | undefined;
  /** momentum's μ; undefined for the others */
  momentum: number | undefined;
}

/** One row of the optimizer table. */
export interface OptimizerEntry {
  name: OptimizerName;
  /** a few words for --help and the README */
  title: string;
  /** its source file, under src/optim/ */
  file: string;
  /** line-search methods find their own step on the full batch: no learning rate, no mini-batches */
  lineSearch: boolean;
  /** the defaults, chosen by measurement (see above), for sigmoid hidden units */
  defaults: OptimizerSettings;
  /**
   * The default step for other hidden activations (by name: tanh, relu), where the sigmoid's does not train:
   * measured like the rest (bench/defaults.ts)
   */
  rateByActivation?: Readonly<Record<string, number>>;
  /**
   * The vectors of the parameters' length it keeps (x and its own, as its source allocates them): its memory is
   * this many times the weights', checked against the budget before it starts (src/memory.ts).
   */
  vectors: number;
  /** the run as a generator of iterations (see Iterations) */
  iterations(f: Objective, x0: Float64Array, settings: OptimizerSettings, common: StochasticOptions): Iterations;
}

const entries: readonly OptimizerEntry[] = [
  {
    name: 'fmincg',
    title: 'the course’s conjugate gradients (fmincg.m)',
    file: 'fmincg.ts',
    lineSearch: true,
    defaults: { maxIter: 50, batchSize: undefined, learningRate: undefined, momentum: undefined },
    vectors: 6, // x, X0, df0, df1, df2, s
    iterations: (f, x0, s, common) => fmincgIterations(f, x0, { ...common, maxIter: s.maxIter }),
  },
  {
    name: 'lbfgs',
    title: 'L-BFGS with a strong-Wolfe line search',
    file: 'lbfgs.ts',
    lineSearch: true,
    defaults: { maxIter: 50, batchSize: undefined, learningRate: undefined, momentum: undefined },
    vectors: 25, // x, xt, d, g and 10 pairs (s, y), and the gradient it copies
    iterations: (f, x0, s, common) => lbfgsIterations(f, x0, { ...common, maxIter: s.maxIter }),
  },
  {
    name: 'gd',
    title: 'gradient descent',
    file: 'gradient-descent.ts',
    lineSearch: false,
    defaults: { maxIter: 10, batchSize: 32, learningRate: GD_LEARNING_RATE, momentum: undefined },
    // shipped digits, batch 32, 10 epochs, seeds 0–2: ReLU at α = 1 stays near chance (9–60%), at 0.1 gets
    // 93.15–93.35% test; tanh 91.2–92.2% at 1, 92.3–92.5% at 0.3 (the sigmoid: 93.05–93.55% at 1)
    rateByActivation: { tanh: 0.3, relu: 0.1 },
    vectors: 2, // θ and the gradient
    iterations: (f, x0, s, common) =>
      gradientDescentIterations(f, x0, { ...common, maxIter: s.maxIter, batchSize: s.batchSize, learningRate: s.learningRate }),
  },
  {
    name: 'momentum',
    title: 'gradient descent with momentum',
    file: 'momentum.ts',
    lineSearch: false,
    defaults: { maxIter: 10, batchSize: 32, ...MOMENTUM_DEFAULTS },
    vectors: 3, // θ, the gradient, the velocity
    iterations: (f, x0, s, common) =>
      momentumIterations(f, x0, { ...common, maxIter: s.maxIter, batchSize: s.batchSize, learningRate: s.learningRate, momentum: s.momentum }),
  },
  {
    name: 'adam',
    title: 'Adam (Kingma & Ba, 2015)',
    file: 'adam.ts',
    lineSearch: false,
    defaults: { maxIter: 10, batchSize: 32, learningRate: ADAM_LEARNING_RATE, momentum: undefined },
    vectors: 4, // θ, the gradient, m, v
    iterations: (f, x0, s, common) =>
      adamIterations(f, x0, { ...common, maxIter: s.maxIter, batchSize: s.batchSize, learningRate: s.learningRate, stepper: common.adamStepper }),
  },
];

/** Every optimizer, in the order --help lists them (the course's first). */
export const OPTIMIZER_TABLE: readonly OptimizerEntry[] = entries;

/** Their names. */
export const OPTIMIZERS: readonly OptimizerName[] = entries.map((e) => e.name);

/** The entry of `name`, or a ValueError listing the known ones. */
export function optimizerEntry(name: string): OptimizerEntry {
  const e = entries.find((x) => x.name === name);
  if (e === undefined) throw new ValueError(`unknown optimizer "${name}" (expected ${OPTIMIZERS.join(', ')})`);
  return e;
}

/** What the iterations of a run count: "iterations" (line searches, steps) or "epochs" (with mini-batches). */
export function iterationUnit(s: Pick<OptimizerSettings, 'batchSize'>): 'iterations' | 'epochs' {
  return s.batchSize === undefined ? 'iterations' : 'epochs';
}

/** The settings in force, as the run's summary states them: "adam, batch 32, α 0.001, 10 epochs". */
export function describeSettings(name: OptimizerName, s: OptimizerSettings): string {
  const parts: string[] = [name];
  parts.push(s.batchSize === undefined ? 'full batch' : `batch ${s.batchSize}`);
  if (s.learningRate !== undefined) parts.push(`α ${s.learningRate}`);
  if (s.momentum !== undefined) parts.push(`μ ${s.momentum}`);
  parts.push(`${s.maxIter} ${iterationUnit(s)}`);
  return parts.join(', ');
}

/** One line per optimizer with its defaults, for --help. */
export function optimizerDefaultsHelp(): string {
  return entries
    .map((e) => {
      const others = Object.entries(e.rateByActivation ?? {}).map(([act, rate]) => `α ${rate} with ${act}`);
      return `  ${e.name.padEnd(9)} ${e.title}: ${describeSettings(e.name, e.defaults).slice(e.name.length + 2)}${others.length > 0 ? ` (${others.join(', ')})` : ''}`;
    })
    .join('\n');
}

/** The step α an optimizer takes by default with this hidden activation (undefined for the line-search methods). */
export function defaultLearningRate(entry: OptimizerEntry, activation: string | undefined): number | undefined {
  return (activation === undefined ? undefined : entry.rateByActivation?.[activation]) ?? entry.defaults.learningRate;
}
