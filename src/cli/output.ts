/**
 * Where commands write their results: a folder per run, named so that runs never overwrite each other; and the
 * checks that an output flag names somewhere writable, made before any work so that an hour of training is
 * never lost to a typo in --out.
 */
import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { checkExtension } from '../data/files.js';
import { NnlearnError, UsageError } from '../errors.js';

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

/** What stands at a path: a file, a folder, or nothing. */
function kindAt(path: string): 'file' | 'folder' | 'none' {
  try {
    return statSync(path).isDirectory() ? 'folder' : 'file';
  } catch {
    return 'none';
  }
}

/**
 * Checks that a folder could be created at `dir` (or is one already) and written to: the nearest existing
 * ancestor must be a writable folder. Nothing is created.
 */
export function checkOutputFolder(flag: string, dir: string, given = dir): void {
  if (dir === '') throw new UsageError(`${flag}: empty folder name`);
  let p = resolve(dir);
  let kind = kindAt(p);
  while (kind === 'none' && dirname(p) !== p) {
    p = dirname(p);
    kind = kindAt(p);
  }
  if (kind === 'file') {
    throw new UsageError(
      given === dir && p === resolve(dir) ? `${flag}: "${dir}" is a file, not a folder` : `${flag}: cannot write "${given}": ${p} is a file, not a folder`,
    );
  }
  try {
    accessSync(p, constants.W_OK);
  } catch {
    throw new UsageError(`${flag}: cannot write "${given}": the folder ${p} is not writable`);
  }
}

/**
 * Checks an output file named by `flag` before any work is done: its extension is one of `extensions` (when
 * given), it is not a folder, and its folder can be created and written to.
 */
export function checkOutputFile(flag: string, path: string, extensions?: readonly string[]): void {
  if (path === '') throw new UsageError(`${flag}: empty file name`);
  if (extensions !== undefined) checkExtension(flag, path, extensions);
  if (kindAt(path) === 'folder') throw new UsageError(`${flag}: "${path}" is a folder; give a file name`);
  checkOutputFolder(flag, dirname(path), path);
}
