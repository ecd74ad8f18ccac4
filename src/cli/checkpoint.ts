/**
 * The checkpoint Ctrl-C leaves behind a `train` run: the run's own flags (to run it again the same way) and where
 * training was: the optimizer's state (any optimizer, stopped after an iteration or within an epoch) and the run's
 * own (the divergence watch, early stopping). `--resume` reads it back; a resumed run ends with the weights an
 * uninterrupted one would have (test/cli/commands.test.ts, "interruption").
 *
 * A checkpoint is JSON a user can edit, so everything in it is checked as strictly as a model file, and it carries
 * the SHA-256 of its content: an edited one (a λ, an activation, an iteration changed) is refused, since the run it
 * resumes would not be the run that was interrupted. It also records the identity of the data (absolute path, size,
 * SHA-256), compared on resume. JSON has no NaN or Infinity: the few numbers that may be either (no cost yet, no
 * best yet) are written as null.
 */
import { createHash } from 'node:crypto';
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { FormatError, UsageError } from '../errors.js';
import type { FileIdentity } from '../data/dataset.js';
import { parseJsonFile } from '../data/json.js';
import { OPTIMIZERS, type OptimizerName, type TrainState } from '../nn/network.js';

export const CHECKPOINT_FORMAT = 'nnlearn-checkpoint';
export const CHECKPOINT_VERSION = 3;

/** The flags a checkpoint records: commander's option values (strings, or true for a switch). */
export type SavedFlags = Record<string, string | boolean | undefined>;

const finiteOrNull = (v: number): number | null => (Number.isFinite(v) ? v : null);

/** The checksum of a checkpoint's content: its flags, data and state as written. */
function checksum(content: { flags: unknown; data: unknown; state: unknown }): string {
  return sha256(JSON.stringify({ flags: content.flags, data: content.data, state: content.state }));
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** The identity of the files a run read (FileIdentity of the training data, and of the held-out data if any). */
export interface CheckpointData {
  train: FileIdentity | null;
  test: FileIdentity | null;
}

/** The JSON text of a checkpoint. */
export function checkpointToJson(flags: SavedFlags, st: TrainState, data: CheckpointData = { train: null, test: null }): string {
  const o = st.optimizerState;
  const content = {
    flags,
    data,
    state: {
      optimizer: st.optimizer,
      x: Array.from(o.x),
      vectors: Object.fromEntries(Object.entries(o.vectors).map(([k, v]) => [k, Array.from(v)])),
      numbers: o.numbers,
      costHistory: o.costHistory,
      evaluations: o.evaluations,
      initialCost: finiteOrNull(st.initialCost),
      previousCost: finiteOrNull(st.previousCost),
      validation:
        st.validation === undefined
          ? null
          : {
              history: st.validation.history.map(finiteOrNull),
              bestCost: finiteOrNull(st.validation.bestCost),
              bestIteration: st.validation.bestIteration,
              bestParams: Array.from(st.validation.bestParams),
            },
    },
  };
  // the weights and the optimizer's vectors turned into text once: the checksum is of that text, which the file holds
  const body = JSON.stringify(content); // {"flags":…,"data":…,"state":…}, as checksum() writes it
  const head = JSON.stringify({ format: CHECKPOINT_FORMAT, version: CHECKPOINT_VERSION });
  return `${head.slice(0, -1)},${body.slice(1, -1)},"checksum":"${sha256(body)}"}\n`;
}

/** Parses and checks a checkpoint's text; `path` names it in errors. */
export function parseCheckpoint(text: string, path: string): { flags: SavedFlags; state: TrainState; data: CheckpointData } {
  const fail = (why: string): never => {
    throw new FormatError(`${path}: ${why}`);
  };
  const c = parseJsonFile(text, path);
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObject(c) || c.format !== CHECKPOINT_FORMAT) return fail('not an nnlearn checkpoint');
  if (c.version !== CHECKPOINT_VERSION) return fail(`checkpoint version ${JSON.stringify(c.version)}, but this nnlearn reads version ${CHECKPOINT_VERSION}`);
  const { flags, state } = c;
  if (!isObject(flags)) return fail('"flags" must be an object');
  for (const [k, v] of Object.entries(flags)) {
    if (v !== null && typeof v !== 'string' && typeof v !== 'boolean') fail(`flags.${k} must be a string, not ${JSON.stringify(v)}`);
  }
  if (!isObject(state)) return fail('"state" must be an object');
  if (!OPTIMIZERS.includes(state.optimizer as OptimizerName)) fail(`state.optimizer must be one of ${OPTIMIZERS.join(', ')}`);

  const numbers = (v: unknown, name: string, nullable = false): number[] => {
    if (!Array.isArray(v) || !v.every((x) => (typeof x === 'number' && Number.isFinite(x)) || (nullable && x === null))) {
      return fail(`${name} must be a list of finite numbers`);
    }
    return v.map((x) => (x === null ? NaN : (x as number)));
  };
  const x = Float64Array.from(numbers(state.x, 'state.x'));
  if (x.length === 0) fail('state.x is empty');
  const vector = (v: unknown, name: string): Float64Array => {
    const a = Float64Array.from(numbers(v, name));
    if (a.length !== x.length) fail(`${name} has ${a.length} numbers, but state.x has ${x.length}`);
    return a;
  };
  if (!isObject(state.vectors)) return fail('state.vectors must be an object');
  const vectors = Object.fromEntries(Object.entries(state.vectors).map(([k, v]) => [k, vector(v, `state.vectors.${k}`)]));
  if (!isObject(state.numbers)) return fail('state.numbers must be an object');
  const nums: Record<string, number> = {};
  for (const [k, v] of Object.entries(state.numbers)) {
    if (typeof v !== 'number' || !Number.isFinite(v)) fail(`state.numbers.${k} must be a finite number`);
    nums[k] = v as number;
  }
  const count = (v: unknown, name: string): number => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) return fail(`${name} must be a whole number`);
    return v;
  };
  const costOrNull = (v: unknown, name: string, otherwise: number): number => {
    if (v === null) return otherwise;
    if (typeof v !== 'number' || !Number.isFinite(v)) return fail(`${name} must be a finite number or null`);
    return v;
  };
  let validation: TrainState['validation'];
  if (state.validation !== null && state.validation !== undefined) {
    const v = state.validation;
    if (!isObject(v)) return fail('state.validation must be an object or null');
    validation = {
      history: numbers(v.history, 'state.validation.history', true),
      bestCost: costOrNull(v.bestCost, 'state.validation.bestCost', Infinity),
      bestIteration: count(v.bestIteration, 'state.validation.bestIteration'),
      bestParams: vector(v.bestParams, 'state.validation.bestParams'),
    };
  }
  const identity = (v: unknown, name: string): FileIdentity | null => {
    if (v === null || v === undefined) return null;
    if (!isObject(v) || typeof v.path !== 'string' || typeof v.sha256 !== 'string' || typeof v.bytes !== 'number') {
      return fail(`${name} must be null or {path, bytes, sha256}`);
    }
    return { path: v.path, bytes: v.bytes, sha256: v.sha256 };
  };
  const data = isObject(c.data) ? c.data : {};
  // well formed, and as written: an edit (a λ, an activation, an iteration) would resume another run than the one stopped
  if (c.checksum !== checksum({ flags: c.flags, data: c.data, state: c.state })) {
    return fail('the checkpoint was changed after it was written (its SHA-256 does not match): resuming it would not continue the interrupted run');
  }
  return {
    flags: Object.fromEntries(Object.entries(flags).map(([k, v]) => [k, v === null ? undefined : (v as string | boolean)])),
    data: { train: identity(data.train, 'data.train'), test: identity(data.test, 'data.test') },
    state: {
      optimizer: state.optimizer as OptimizerName,
      optimizerState: {
        x,
        vectors,
        numbers: nums,
        costHistory: numbers(state.costHistory, 'state.costHistory'),
        evaluations: count(state.evaluations, 'state.evaluations'),
      },
      initialCost: costOrNull(state.initialCost, 'state.initialCost', NaN),
      previousCost: costOrNull(state.previousCost, 'state.previousCost', NaN),
      ...(validation !== undefined ? { validation } : {}),
    },
  };
}

/** Whether a process runs with this id (one of another user's counts: kill answers EPERM). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Claims a run's checkpoint file for this process until the returned release is called. Two runs given one --out
 * (or one --checkpoint) wrote one checkpoint, the second over the first, whose printed --resume command then went
 * on with the other run. The claim is a file beside the checkpoint, created exclusively, holding the process id; a
 * claim whose process is gone (kill -9) is taken over. Where no claim can be written (a read-only folder: the
 * checkpoint then falls back to the temporary folder anyway) the run goes on unclaimed.
 */
export function claimCheckpoint(path: string): () => void {
  const lock = `${path}.lock`;
  const release = () => {
    try {
      if (readFileSync(lock, 'utf8').trim() === String(process.pid)) unlinkSync(lock);
    } catch {
      // gone already
    }
  };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lock, `${process.pid}\n`, { flag: 'wx' });
      return release;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') return () => undefined;
    }
    let pid = NaN;
    try {
      pid = Number(readFileSync(lock, 'utf8').trim());
    } catch {
      // removed meanwhile: try again
    }
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && processAlive(pid)) {
      throw new UsageError(`${path} is the checkpoint of a run still going (process ${pid}); give this run its own --out, --out-dir or --checkpoint`);
    }
    try {
      unlinkSync(lock); // a claim left by a process that is gone
    } catch {
      // removed meanwhile
    }
  }
  return () => undefined;
}
