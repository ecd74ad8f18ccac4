/**
 * The --backend, --threads and --precision flags shared by the commands that train, and the evaluator they ask for.
 */
import { Command, Option } from 'commander';
import { UsageError } from '../errors.js';
import type { Matrix } from '../linalg/matrix.js';
import { labelsToTargets, type LabelConvention } from '../data/labels.js';
import { createEvaluator, wasmSupports, type CostEvaluator } from '../nn/fast/evaluator.js';
import { COURSE_ARCHITECTURE, type Architecture } from '../nn/activations.js';
import type { Precision } from '../nn/fast/partition.js';
import type { WorkerPool } from '../nn/fast/threaded.js';
import { createThreadedEvaluator, defaultThreads, startNodeWorkers } from '../nn/fast/threads-node.js';
import { parseChoice, parseNumber } from './options.js';

export interface BackendFlags {
  backend: string;
  threads?: string;
  precision: string;
}

export function addBackendOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option('--backend <name>', 'wasm: SIMD kernels on all cores; reference: plain TypeScript, one thread')
        .choices(['wasm', 'reference'])
        .default('wasm'),
    )
    .option('--threads <n>', `threads for the wasm backend (default: all ${defaultThreads()} cores)`)
    .addOption(
      new Option('--precision <p>', 'f64, or f32 for the input layer’s products (faster; the cost stays float64)')
        .choices(['f64', 'f32'])
        .default('f64'),
    );
}

export interface BackendChoice {
  backend: 'wasm' | 'reference';
  threads: number;
  precision: Precision;
}

export function parseBackend(flags: BackendFlags): BackendChoice {
  const backend = parseChoice('--backend', flags.backend, ['wasm', 'reference'] as const);
  const precision = parseChoice('--precision', flags.precision, ['f64', 'f32'] as const);
  // More threads than cores only costs memory (each worker holds its own WebAssembly instance): at most 4 per core.
  const threads =
    flags.threads === undefined ? defaultThreads() : parseNumber('--threads', flags.threads, { integer: true, min: 1, max: Math.max(4, 4 * defaultThreads()) });
  if (backend === 'reference' && (precision !== 'f64' || (flags.threads !== undefined && threads !== 1))) {
    throw new UsageError('--backend reference runs in float64 on one thread: drop --precision and --threads');
  }
  return { backend, threads: backend === 'reference' ? 1 : threads, precision };
}

/** Starts the worker threads a choice needs, ahead of the data (see WorkerPool); undefined when it needs none. */
export function startWorkers(choice: BackendChoice): WorkerPool | undefined {
  return choice.backend === 'wasm' && choice.threads > 1 ? startNodeWorkers(choice.threads - 1) : undefined;
}

/** An evaluator for training a network of `sizes` on X and labels y (close it when done). */
export async function prepareEvaluator(
  sizes: readonly number[],
  X: Matrix,
  y: ArrayLike<number>,
  labels: LabelConvention,
  choice: BackendChoice,
  pool?: WorkerPool,
  architecture: Architecture = COURSE_ARCHITECTURE,
): Promise<CostEvaluator> {
  const targets = labelsToTargets(y, sizes[sizes.length - 1], labels);
  if (choice.backend === 'reference' || choice.threads === 1 || X.rows < 2 || !wasmSupports(architecture)) {
    pool?.close();
    return createEvaluator(sizes, X, targets, { backend: choice.backend, precision: choice.precision, architecture });
  }
  return createThreadedEvaluator(sizes, X, targets, choice.threads, { precision: choice.precision, architecture }, pool);
}
