/**
 * The --backend, --threads and --precision flags shared by the commands that train, and the evaluator they ask
 * for. The decisions themselves are the backend module's (../nn/fast/backend.ts); this only reads the flags.
 */
import { Command, Option } from 'commander';
import { UsageError } from '../errors.js';
import type { Matrix } from '../linalg/matrix.js';
import { labelsToTargets, type LabelConvention } from '../data/labels.js';
import type { CostEvaluator, Precision } from '../nn/fast/evaluator.js';
import { availableThreads, maxThreads, openEvaluator, resolveBackend, type BackendChoice } from '../nn/fast/backend.js';
import { COURSE_ARCHITECTURE, type Architecture } from '../nn/activations.js';
import type { WorkerPool } from '../nn/fast/threaded.js';
import { parseChoice, parseNumber } from './options.js';

export type { BackendChoice } from '../nn/fast/backend.js';

export interface BackendFlags {
  backend: string;
  threads?: string;
  precision?: string;
}

export function addBackendOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option('--backend <name>', 'wasm: SIMD kernels on all cores; reference: plain TypeScript, one thread')
        .choices(['wasm', 'reference'])
        .default('wasm'),
    )
    .option('--threads <n>', `threads for the wasm backend (default: all ${availableThreads()} cores)`)
    .addOption(
      new Option('--precision <p>', 'f64, or f32 for the input layer’s products (faster; the cost stays float64); default: f32 for mini-batches, else f64').choices([
        'f64',
        'f32',
      ]),
    );
}

/** The backend the flags ask for; `precision` is the default where --precision is not given (see defaultPrecision). */
export function parseBackend(flags: BackendFlags, fallback: Precision = 'f64'): BackendChoice {
  const backend = parseChoice('--backend', flags.backend, ['wasm', 'reference'] as const);
  const precision = flags.precision === undefined ? undefined : parseChoice('--precision', flags.precision, ['f64', 'f32'] as const);
  const threads = flags.threads === undefined ? undefined : parseNumber('--threads', flags.threads, { integer: true, min: 1, max: maxThreads() });
  // resolveBackend refuses this too; here in the flags' own words
  if (backend === 'reference' && ((precision !== undefined && precision !== 'f64') || (threads !== undefined && threads !== 1))) {
    throw new UsageError('--backend reference runs in float64 on one thread: drop --precision and --threads');
  }
  return resolveBackend({ backend, threads, precision, defaultPrecision: fallback });
}

/** An evaluator for training a network of `sizes` on X and labels y (close it when done). */
export async function prepareEvaluator(
  sizes: readonly number[],
  X: Matrix,
  y: ArrayLike<number>,
  labels: LabelConvention,
  choice: BackendChoice,
  options: { pool?: WorkerPool; architecture?: Architecture } = {},
): Promise<CostEvaluator> {
  const targets = labelsToTargets(y, sizes[sizes.length - 1], labels);
  return openEvaluator(sizes, X, targets, choice, { architecture: options.architecture ?? COURSE_ARCHITECTURE, pool: options.pool });
}
