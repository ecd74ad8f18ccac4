/**
 * File access for Node (the parsers themselves take bytes and run in the browser too).
 *
 * Writes are atomic: the bytes go to a temporary file beside the target, which is then renamed over it, so an
 * interrupted run never leaves a half-written model or picture.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, unlinkSync, writeFileSync, statSync, mkdirSync } from 'node:fs';
import { dirname, basename, extname, join } from 'node:path';
import { gunzipSync, inflateSync } from 'node:zlib';
import { FormatError, NnlearnError, UsageError } from '../errors.js';
import { MatFile } from './mat.js';

/** Checks that `path` names something to read (not missing, not a folder), with one-line errors that name it. */
export function checkReadable(path: string): void {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    throw new NnlearnError(`${path}: no such file`);
  }
  if (stat.isDirectory()) throw new NnlearnError(`${path}: is a directory, not a file`);
}

/** Reads a whole file, turning "not found" and friends into one-line errors that name the path. */
export function readBytes(path: string): Uint8Array {
  checkReadable(path);
  try {
    return new Uint8Array(readFileSync(path));
  } catch (err) {
    throw new NnlearnError(`${path}: cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

/** Reads a whole text file (UTF-8), with readBytes' one-line errors. */
export function readText(path: string): string {
  return new TextDecoder().decode(readBytes(path));
}

/**
 * Node's native zlib inflater for MatFile (three times fflate's speed on the course's 5000×400 data), stopping
 * with an error past `maxOutput` bytes.
 */
export function nativeInflate(zlib: Uint8Array, maxOutput: number): Uint8Array {
  const out = inflateSync(zlib, { maxOutputLength: Math.max(1, maxOutput) });
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/** Node's native gunzip for parseIdx (MNIST's 47 MB of training images in a third of fflate's time), bounded. */
export function nativeGunzip(gz: Uint8Array, maxOutput: number): Uint8Array {
  const out = gunzipSync(gz, { maxOutputLength: Math.max(1, maxOutput) });
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/** Reads and parses a MAT-file. */
export function readMatFile(path: string): MatFile {
  return new MatFile(readBytes(path), path, { inflate: nativeInflate });
}

/** Checks that `path` ends in one of `extensions` (e.g. ['.png', '.svg']); `what` names it (a flag) in the error. */
export function checkExtension(what: string, path: string, extensions: readonly string[]): void {
  if (!extensions.includes(extname(path).toLowerCase())) {
    const list = extensions.length === 1 ? extensions[0] : `${extensions.slice(0, -1).join(', ')} or ${extensions[extensions.length - 1]}`;
    throw new UsageError(`${what}: "${path}" must end in ${list}`);
  }
}

/** Writes bytes or text to `path` atomically (temporary file, then rename), creating the folder if needed. */
export function writeFileAtomic(path: string, content: Uint8Array | string): void {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(tmp, content);
    renameSync(tmp, path);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      // the temporary file was never created
    }
    throw new NnlearnError(`${path}: cannot be written (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

export { FormatError };
