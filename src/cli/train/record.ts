/**
 * What a training run records about itself, in its model file and in its checkpoint: every setting in force
 * (as the flags that give it, defaults filled in, paths made absolute), the data's identity, and the nnlearn
 * version. `train --like M` reruns a model's record; `train --resume C` continues a checkpoint's.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { FormatError } from '../../errors.js';
import type { Dataset, FileIdentity } from '../../data/dataset.js';
import { optimizerEntry } from '../../optim/registry.js';
import type { ResolvedTraining } from '../../nn/train-options.js';
import type { SavedFlags } from '../checkpoint.js';
import { readModelFile } from '../../nn/formats/files.js';
import { resolve } from 'node:path';
import { recordedPath, type TrainFlags, type TrainPlan } from './plan.js';
import type { RunData } from './session.js';

/** nnlearn's version, from its package.json. */
export function nnlearnVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Flags that say where results go or how they are shown: never part of a record. */
const NOT_SETTINGS = ['out', 'outDir', 'checkpoint', 'resume', 'like', 'json', 'quiet'] as const;

/**
 * Flags that belong to another one: typing the latter for `--like` drops the recorded former (a recorded learning
 * rate is Adam's, not L-BFGS's; recorded layer sizes do not apply to --init's weights).
 */
const DEPENDS_ON: Readonly<Record<string, readonly (keyof TrainFlags)[]>> = {
  // the precision's default follows the batches (f32 for mini-batches), gd's step the hidden units
  optimizer: ['maxIter', 'learningRate', 'batchSize', 'momentum', 'precision'],
  batchSize: ['precision'],
  activation: ['learningRate'],
  init: ['hidden', 'seed', 'epsilon'],
  test: ['holdout'],
  holdout: ['test'],
  data: ['labelsFile', 'labelColumn', 'labels', 'numLabels'],
};

/** The flags that reproduce a run: every setting in force, as `nnlearn train` would read it. */
export function recordFlags(plan: TrainPlan, data: RunData, settings: ResolvedTraining): SavedFlags {
  const d = plan.data;
  const n = plan.network;
  const lineSearch = optimizerEntry(settings.optimizer).lineSearch;
  const s = (v: number | undefined) => (v === undefined ? undefined : String(v));
  const flags: SavedFlags = {
    data: d.data === undefined ? undefined : recordedPath(d.data),
    test: d.test === undefined ? undefined : recordedPath(d.test),
    holdout: s(d.holdout),
    splitSeed: d.holdout !== undefined || d.validation !== undefined ? String(d.splitSeed) : undefined,
    labelsFile: d.labelsFile === undefined ? undefined : recordedPath(d.labelsFile),
    labelColumn: d.labelColumn === undefined ? undefined : typeof d.labelColumn === 'number' ? String(d.labelColumn + 1) : d.labelColumn,
    labels: data.train.labels,
    numLabels: String(data.train.numLabels),
    hidden: n.init === undefined ? n.hidden.join(',') : undefined,
    seed: n.init === undefined ? String(n.seed) : undefined,
    epsilon: n.epsilon === undefined ? undefined : String(n.epsilon),
    init: n.init === undefined ? undefined : recordedPath(n.init),
    activation: n.activation,
    output: n.output,
    optimizer: settings.optimizer,
    lambda: String(settings.lambda),
    maxIter: String(settings.maxIter),
    learningRate: s(settings.learningRate),
    momentum: s(settings.momentum),
    batchSize: lineSearch ? undefined : settings.batchSize === undefined ? 'full' : String(settings.batchSize),
    validation: s(d.validation),
    patience: d.validation === undefined ? undefined : String(settings.patience),
    backend: plan.backend.backend,
    threads: plan.backend.backend === 'wasm' ? String(plan.backend.threads) : undefined,
    precision: plan.backend.precision,
  };
  return Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined));
}

/**
 * Where a run writes, as its checkpoint keeps it (absolute), so that the resumed run writes where the interrupted
 * one would have: the model file, the run's folder (the one made for it, when none was named), the checkpoint.
 */
export function recordOutputs(plan: TrainPlan, outDir: string | undefined): SavedFlags {
  const o = plan.outputs;
  const flags: SavedFlags = {
    out: o.out === undefined ? undefined : resolve(o.out),
    outDir: outDir === undefined ? undefined : resolve(outDir),
    checkpoint: o.checkpoint === undefined ? undefined : resolve(o.checkpoint),
  };
  return Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined));
}

/** The data's identity as a record keeps it. */
export function dataRecord(d: Dataset | undefined): Record<string, unknown> | null {
  if (d === undefined) return null;
  return { source: d.source, examples: d.X.rows, features: d.X.cols, ...(d.file !== undefined ? { file: d.file } : {}) };
}

/**
 * The flags of a record (a checkpoint's or a model's): each must be one of train's own, a string where the flag
 * takes a value and a switch where it does not (the values are then checked as if typed).
 */
export function checkRecordedFlags(saved: SavedFlags, cmd: Command, path: string, outputs = false): Partial<TrainFlags> {
  const options = new Map(cmd.options.map((o) => [o.attributeName(), o]));
  const allowed = (k: string) => !(NOT_SETTINGS as readonly string[]).includes(k) || (outputs && ['out', 'outDir', 'checkpoint'].includes(k));
  for (const [k, v] of Object.entries(saved)) {
    const o = options.get(k);
    if (o === undefined || !allowed(k)) throw new FormatError(`${path}: flags.${k} is not a setting of nnlearn train`);
    const takesValue = o.required || o.optional;
    if (v !== undefined && (takesValue ? typeof v !== 'string' : typeof v !== 'boolean')) {
      throw new FormatError(`${path}: flags.${k} must be ${takesValue ? 'a string' : 'true or false'}`);
    }
  }
  return saved as Partial<TrainFlags>;
}

export interface ModelRecord {
  flags: SavedFlags;
  version: string | undefined;
  /** the training data's identity, when the record has it */
  file: FileIdentity | undefined;
}

/** The record in a model file written by `nnlearn train` (its `meta`, in any format that keeps it), for --like. */
export function readModelRecord(path: string): ModelRecord {
  const meta = readModelFile(path).meta;
  const flags = (meta as { flags?: unknown } | undefined)?.flags;
  if (typeof flags !== 'object' || flags === null || Array.isArray(flags)) {
    throw new FormatError(`${path}: the model has no record of its run (meta.flags); it was not written by nnlearn train 0.2 or later`);
  }
  const m = meta as { nnlearn?: unknown; datasets?: { train?: { file?: FileIdentity } } };
  return { flags: flags as SavedFlags, version: typeof m.nnlearn === 'string' ? m.nnlearn : undefined, file: m.datasets?.train?.file };
}

/**
 * The flags of a `--like` run: the record's settings, under what the user typed (a typed flag also drops the
 * recorded ones that belong to it), and the command's own defaults under both.
 */
export function likeFlags(defaults: TrainFlags, recorded: Partial<TrainFlags>, typed: Partial<TrainFlags>): TrainFlags {
  const kept: Partial<TrainFlags> = { ...recorded };
  for (const k of Object.keys(typed)) for (const dep of DEPENDS_ON[k] ?? []) delete kept[dep];
  return { ...defaults, ...kept, ...typed };
}

/** What differs between a recorded file and the one read now, in words (empty when they are the same). */
export function fileChanges(recorded: FileIdentity | undefined, now: FileIdentity | undefined): string[] {
  if (recorded === undefined || now === undefined) return [];
  if (recorded.sha256 === now.sha256 && recorded.bytes === now.bytes) return [];
  return [`${now.path} is not the file the run used (${recorded.bytes} bytes, SHA-256 ${recorded.sha256.slice(0, 12)}…; now ${now.bytes} bytes, ${now.sha256.slice(0, 12)}…)`];
}
