/**
 * The checkpoint Ctrl-C leaves behind a `train` run: the run's own flags (to run it again the same way) and
 * fmincg's state after its last whole iteration. `--resume` reads it back; a resumed run ends with the weights an
 * uninterrupted one would have (test/cli/commands.test.ts, "interruption").
 *
 * A checkpoint is user-editable JSON, so everything in it is checked as strictly as a model file.
 */
import { FormatError } from '../errors.js';
import type { FmincgState } from '../optim/fmincg.js';

export const CHECKPOINT_FORMAT = 'nnlearn-checkpoint';

/** The flags a checkpoint records: commander's option values (strings, or true for a switch). */
export type SavedFlags = Record<string, string | boolean | undefined>;

export interface CheckpointJson {
  format: typeof CHECKPOINT_FORMAT;
  version: 1;
  flags: SavedFlags;
  state: Omit<FmincgState, 'x' | 'df1' | 's'> & { x: number[]; df1: number[]; s: number[] };
}

/** The JSON text of a checkpoint. */
export function checkpointToJson(flags: SavedFlags, st: FmincgState): string {
  const saved: CheckpointJson = {
    format: CHECKPOINT_FORMAT,
    version: 1,
    flags,
    state: { ...st, x: Array.from(st.x), df1: Array.from(st.df1), s: Array.from(st.s), costHistory: [...st.costHistory] },
  };
  return `${JSON.stringify(saved)}\n`;
}

/** Parses and checks a checkpoint's text; `path` names it in errors. */
export function parseCheckpoint(text: string, path: string): { flags: SavedFlags; state: FmincgState } {
  const fail = (why: string): never => {
    throw new FormatError(`${path}: ${why}`);
  };
  let c: unknown;
  try {
    c = JSON.parse(text);
  } catch (err) {
    return fail(`not valid JSON (${(err as Error).message})`);
  }
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObject(c) || c.format !== CHECKPOINT_FORMAT || c.version !== 1) return fail('not an nnlearn checkpoint (version 1)');
  const { flags, state } = c;
  if (!isObject(flags)) return fail('"flags" must be an object');
  for (const [k, v] of Object.entries(flags)) {
    if (v !== null && typeof v !== 'string' && typeof v !== 'boolean') fail(`flags.${k} must be a string, not ${JSON.stringify(v)}`);
  }
  if (!isObject(state)) return fail('"state" must be an object');
  const vector = (name: string): Float64Array => {
    const v = state[name];
    if (!Array.isArray(v) || v.length === 0 || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) {
      return fail(`state.${name} must be a non-empty list of finite numbers`);
    }
    return Float64Array.from(v as number[]);
  };
  const scalar = (name: string, rule: (v: number) => boolean, what: string): number => {
    const v = state[name];
    if (typeof v !== 'number' || !Number.isFinite(v) || !rule(v)) return fail(`state.${name} must be ${what}, not ${JSON.stringify(v)}`);
    return v;
  };
  const x = vector('x');
  const df1 = vector('df1');
  const s = vector('s');
  if (df1.length !== x.length || s.length !== x.length) fail(`state.x, state.df1 and state.s must have the same length`);
  const history = state.costHistory;
  if (!Array.isArray(history) || !history.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    fail('state.costHistory must be a list of finite numbers');
  }
  const whole = (v: number) => Number.isInteger(v) && v >= 0;
  return {
    flags: Object.fromEntries(Object.entries(flags).map(([k, v]) => [k, v === null ? undefined : (v as string | boolean)])),
    state: {
      x,
      df1,
      s,
      f1: scalar('f1', () => true, 'a finite number'),
      d1: scalar('d1', () => true, 'a finite number'),
      z1: scalar('z1', () => true, 'a finite number'),
      i: scalar('i', whole, 'a whole number'),
      evaluations: scalar('evaluations', whole, 'a whole number'),
      costHistory: [...(history as number[])],
    },
  };
}
