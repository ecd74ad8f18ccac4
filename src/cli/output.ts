/**
 * Where commands write their results: a folder per run, named so that runs never overwrite each other.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { NnlearnError } from '../errors.js';

/** The folder runs write to unless told otherwise. */
export const DEFAULT_OUTPUT_ROOT = 'nnlearn-out';

/** A new folder `nnlearn-out/<command>-<date>-<time>` (with a suffix if taken), created. */
export function newRunFolder(command: string, now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const stamp = `${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}-${pad(now.getHours())}${pad(now.getMinutes())}${pad(now.getSeconds())}`;
  let dir = join(DEFAULT_OUTPUT_ROOT, `${command}-${stamp}`);
  for (let k = 2; existsSync(dir); k++) dir = join(DEFAULT_OUTPUT_ROOT, `${command}-${stamp}-${k}`);
  return ensureFolder(dir);
}

/** Creates `dir` (and its parents) if needed, with a one-line error when it cannot. */
export function ensureFolder(dir: string): string {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new NnlearnError(`${dir}: cannot create the output folder (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return dir;
}
