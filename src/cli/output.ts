/**
 * Where commands write their results: a folder per run, named so that runs never overwrite each other; and the
 * checks that an output flag names somewhere writable, made before any work so that an hour of training is
 * never lost to a typo in --out.
 */
import { accessSync, closeSync, constants, mkdirSync, openSync, statSync, unlinkSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { checkExtension, makeFolders, temporaryName } from '../data/files.js';
import { NnlearnError, UsageError } from '../errors.js';

/** The folder runs write to unless told otherwise. */
export const DEFAULT_OUTPUT_ROOT = 'nnlearn-out';

/**
 * A new folder `nnlearn-out/<command>-<date>-<time>` (with a suffix if taken), created. Each name is claimed by
 * creating it (mkdir fails on one that exists): two runs started in the same second once both found the name
 * free and shared the folder, its model and its checkpoint.
 */
export function newRunFolder(command: string, now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const stamp = `${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}-${pad(now.getHours())}${pad(now.getMinutes())}${pad(now.getSeconds())}`;
  ensureFolder(DEFAULT_OUTPUT_ROOT);
  for (let k = 1; ; k++) {
    const dir = join(DEFAULT_OUTPUT_ROOT, k === 1 ? `${command}-${stamp}` : `${command}-${stamp}-${k}`);
    try {
      mkdirSync(dir);
      return dir;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') throw new NnlearnError(`${dir}: cannot create the output folder (${code ?? (err as Error).message})`);
    }
  }
}

/** Creates `dir` (and its parents) if needed, with a one-line error when it cannot. */
export function ensureFolder(dir: string): string {
  try {
    makeFolders(dir);
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
 * given), it is not a folder, and its folder can be created and written to; `what` says what the file is when
 * it is not the flag's own value (the checkpoint named after --out).
 */
export function checkOutputFile(flag: string, path: string, extensions?: readonly string[], what?: string): void {
  if (path === '') throw new UsageError(`${flag}: empty file name`);
  if (extensions !== undefined) checkExtension(flag, path, extensions);
  if (kindAt(path) === 'folder') throw new UsageError(`${flag}: "${path}" is a folder; give a file name`);
  checkOutputFolder(flag, dirname(path), path);
  probeWrite(flag, path, what);
}

/**
 * Creates and removes the temporary file a write to `path` would make, where its folder exists: a name too long
 * once the temporary part is added (ENAMETOOLONG), a read-only file system, are found now, not after training.
 */
function probeWrite(flag: string, path: string, what?: string): void {
  if (kindAt(dirname(path)) !== 'folder') return; // made later; its nearest existing ancestor was checked
  const tmp = temporaryName(path);
  try {
    closeSync(openSync(tmp, 'wx'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENAMETOOLONG' ? 'the name is too long (with the temporary name written first)' : `it cannot be written (${code ?? (err as Error).message})`;
    throw new UsageError(`${flag}: "${path}"${what === undefined ? '' : ` (${what})`}: ${why}`);
  }
  try {
    unlinkSync(tmp);
  } catch {
    // removed by someone else meanwhile
  }
}

/** Flags that name files a command reads. */
const INPUT_FLAGS = ['data', 'test', 'labelsFile', 'init', 'resume', 'like', 'model', 'weights'] as const;
/** Flags that name files (or, for outDir, a folder) a command writes. */
const OUTPUT_FLAGS = ['out', 'to', 'checkpoint', 'outDir'] as const;
/** What a command writes into an output folder: files with these endings. */
const FOLDER_OUTPUTS = /\.(json|png|svg)$/i;

/** The checkpoint of a run with an output folder (--out-dir, or the run folder made for it), in that folder. */
export const FOLDER_CHECKPOINT = 'checkpoint.json';

/** The device and inode of what `path` names (through links), or undefined when there is nothing there. */
function identity(path: string): string | undefined {
  try {
    const s = statSync(path);
    return `${s.dev}:${s.ino}`;
  } catch {
    return undefined;
  }
}

/** Whether two paths name one existing file (by device and inode: through links and other spellings too). */
export function sameFile(a: string, b: string): boolean {
  const id = identity(a);
  return id !== undefined && id === identity(b);
}

/**
 * Refuses to write any of `outputs` when it is one of the files `inputs` (by device and inode: through links and
 * other spellings too). For outputs known only once the work is done, such as a TF.js model's files.
 */
export function checkNotInputs(flag: string, outputs: readonly string[], inputs: readonly string[]): void {
  for (const out of outputs) {
    const id = identity(out);
    if (id === undefined) continue;
    const input = inputs.find((p) => identity(p) === id);
    if (input !== undefined) {
      throw new UsageError(`${flag}: writing "${out}" would overwrite the input file "${input}": an output must never overwrite an input; give another name`);
    }
  }
}

/**
 * Refuses a command whose output would overwrite one of its inputs: the same file by device and inode (so through
 * links and other spellings of the path too), or an input inside an output folder under a name the command writes
 * there. `train --data d.mat --out d.mat` once replaced the data with the model. A checkpoint may be both (a resumed
 * run saves its checkpoint where it read it).
 */
export function checkOutputsNotInputs(values: Record<string, unknown>, positional: readonly string[] = []): void {
  const inputs: { flag: string; path: string; id: string }[] = [];
  const add = (flag: string, path: unknown) => {
    const files = typeof path === 'string' ? [path] : Array.isArray(path) ? path.filter((p): p is string => typeof p === 'string') : [];
    for (const p of files) {
      const id = identity(p);
      if (id !== undefined) inputs.push({ flag, path: p, id });
    }
  };
  for (const k of INPUT_FLAGS) add(`--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`, values[k]);
  positional.forEach((p) => add('input', p)); // "the input file" in the messages
  for (const k of OUTPUT_FLAGS) {
    const flag = `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    const outs = typeof values[k] === 'string' ? [values[k] as string] : Array.isArray(values[k]) ? (values[k] as string[]) : [];
    for (const out of outs) {
      const id = identity(out);
      for (const input of inputs) {
        if (k === 'checkpoint' && input.flag === '--resume') continue;
        // a run in its own folder goes on from the checkpoint it left there, and replaces it
        if (k === 'outDir' && input.flag === '--resume' && identity(join(out, FOLDER_CHECKPOINT)) === input.id) continue;
        const same = id !== undefined && id === input.id;
        const inFolder = k === 'outDir' && id !== undefined && identity(dirname(resolve(input.path))) === id && FOLDER_OUTPUTS.test(input.path);
        if (same || inFolder) {
          throw new UsageError(
            same
              ? `${flag}: "${out}" is the ${input.flag} file "${input.path}": an output must never overwrite an input; give another name`
              : `${flag}: "${out}" holds the ${input.flag} file "${input.path}", which this command may overwrite there; give another folder`,
          );
        }
      }
    }
  }
}
