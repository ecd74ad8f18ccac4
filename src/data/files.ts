/**
 * File access for Node (the parsers themselves take bytes and run in the browser too).
 *
 * Writes are atomic: the bytes go to a temporary file beside the target, which is then renamed over it, so an
 * interrupted run never leaves a half-written model or picture.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, renameSync, unlinkSync, writeFileSync, statSync, mkdirSync, type Stats } from 'node:fs';
import { dirname, basename, extname, join, resolve } from 'node:path';
import { gunzipSync, inflateSync } from 'node:zlib';
import { FormatError, NnlearnError, UsageError } from '../errors.js';
import { MatFile } from './mat.js';
import { concatBytes } from './inflate.js';
import { checkMemory, formatBytes, memoryAvailable, MemoryError } from '../memory.js';

/** Checks that `path` names something to read (not missing, not a folder), with one-line errors that name it. */
export function checkReadable(path: string): Stats {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    throw new NnlearnError(`${path}: no such file`);
  }
  if (stat.isDirectory()) throw new NnlearnError(`${path}: is a directory, not a file`);
  return stat;
}

/**
 * Reads a whole file, once, turning "not found" and friends into one-line errors that name the path. A file's
 * size is checked against the memory budget before reading; a pipe or a device (`<(cat w.mat)`, /dev/zero) has
 * none, and is read in pieces up to what the budget allows.
 */
export function readBytes(path: string, options: { accept?: (head: Uint8Array) => void } = {}): Uint8Array {
  const stat = checkReadable(path);
  const fail = (err: unknown): never => {
    if (err instanceof NnlearnError) throw err;
    throw new NnlearnError(`${path}: cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  };
  if (stat.isFile()) {
    checkMemory(`${path} (a file of ${formatBytes(stat.size)})`, stat.size, 'give a smaller file, or raise the limit with --max-memory');
    let bytes: Uint8Array;
    try {
      // a view of the file's own buffer, not a copy (the parsers honour byteOffset)
      const b = readFileSync(path);
      bytes = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    } catch (err) {
      return fail(err);
    }
    options.accept?.(bytes.subarray(0, HEAD_BYTES));
    return bytes;
  }
  try {
    return readBounded(path, memoryAvailable(), options.accept);
  } catch (err) {
    return fail(err);
  }
}

/** How much of a file `accept` sees: enough for any format's signature (a MAT-file's header is 128 bytes). */
const HEAD_BYTES = 128;

/** Calls `use` with each piece of a file (or a pipe), in order, read into one 1 MiB buffer (`use` copies what it keeps). */
export function forEachChunk(path: string, use: (chunk: Uint8Array) => void): void {
  const fd = openSync(path, 'r');
  try {
    const buf = new Uint8Array(1 << 20);
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      use(buf.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads a stream-like file (a pipe, a device) in pieces, refusing it past `max` bytes; `accept` sees its first
 * bytes before the rest is read (so that /dev/zero is refused as no known format, not after gigabytes).
 */
function readBounded(path: string, max: number, accept?: (head: Uint8Array) => void): Uint8Array {
  const parts: Uint8Array[] = [];
  let total = 0;
  let accepted = accept === undefined;
  forEachChunk(path, (chunk) => {
    parts.push(chunk.slice()); // a copy of the piece: the buffer is read into again
    total += chunk.length;
    if (!accepted && total >= HEAD_BYTES) {
      accepted = true;
      accept?.(concatBytes(parts).subarray(0, HEAD_BYTES));
    }
    if (total > max) {
      throw new MemoryError(`${path}: more than the ${formatBytes(max)} the memory limit leaves for it (a pipe or a device with no end?); give a file, or raise the limit with --max-memory`);
    }
  });
  const all = concatBytes(parts);
  if (!accepted) accept?.(all);
  return all;
}

/** Reads a whole text file (UTF-8), with readBytes' one-line errors (and its `accept` of the first bytes). */
export function readText(path: string, options: { accept?: (head: Uint8Array) => void } = {}): string {
  return new TextDecoder().decode(readBytes(path, options));
}

/**
 * Node's native zlib inflater for MatFile (three times fflate's speed on the course's 5000×400 data), stopping
 * with an error past `maxOutput` bytes.
 */
export function nativeInflate(zlib: Uint8Array, maxOutput: number): Uint8Array {
  const out = inflateSync(zlib, zlibOptions(maxOutput, zlib.length));
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/** Node's native gunzip for parseIdx (MNIST's 47 MB of training images in a third of fflate's time), bounded. */
export function nativeGunzip(gz: Uint8Array, maxOutput: number): Uint8Array {
  const out = gunzipSync(gz, zlibOptions(maxOutput, gz.length));
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/**
 * Output bounded by `maxOutput` (the size the header declares), inflated into one buffer of that size: in 16 KiB
 * pieces, Node allocates every piece and copies them all into one at the end (on ex4's 16 MB, 110 ms of a 190 ms
 * read went to the pieces and the copy). The buffer is no larger than 16 times the compressed input, so that a
 * small file that declares a large size cannot make it reserve that size.
 */
function zlibOptions(maxOutput: number, inputBytes: number): { maxOutputLength: number; chunkSize: number } {
  const chunk = Math.min(maxOutput, 16 * inputBytes, MAX_ZLIB_CHUNK);
  return { maxOutputLength: Math.max(1, maxOutput), chunkSize: Math.max(64, chunk) };
}

const MAX_ZLIB_CHUNK = 256 * 1024 * 1024;

/** Reads and parses a MAT-file. */
export function readMatFile(path: string): MatFile {
  return new MatFile(readBytes(path), path, { inflate: nativeInflate });
}

/**
 * Refuses a file name that is an extension alone (`--out .json`: a hidden file with no extension to Node, once
 * refused as ".json must end in .json"); `what` names it (a flag) in the error.
 */
export function checkHasName(what: string, path: string): void {
  const name = basename(path);
  if (/^\.[^.]+$/.test(name)) throw new UsageError(`${what}: "${path}" has no name before its extension (e.g. model${name})`);
}

/** Checks that `path` ends in one of `extensions` (e.g. ['.png', '.svg']); `what` names it (a flag) in the error. */
export function checkExtension(what: string, path: string, extensions: readonly string[]): void {
  checkHasName(what, path);
  if (!extensions.includes(extname(path).toLowerCase())) {
    const list = extensions.length === 1 ? extensions[0] : `${extensions.slice(0, -1).join(', ')} or ${extensions[extensions.length - 1]}`;
    throw new UsageError(`${what}: "${path}" must end in ${list}`);
  }
}

/**
 * The temporary name a write to `path` uses: hidden, beside it, with the writer's process id (so that a later
 * write can tell a killed writer's leftover from a live one's) and a random part.
 */
export function temporaryName(path: string, pid = process.pid): string {
  return join(dirname(path), `.${basename(path)}.${pid}.${randomBytes(6).toString('hex')}.tmp`);
}

/** Whether process `pid` is alive (signal 0 tests without sending anything). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // alive, someone else's
  }
}

/** Removes the temporary files that killed writes to `path` left behind (their writer's process is gone). */
function removeStaleTemporaries(path: string): void {
  const prefix = `.${basename(path)}.`;
  let names: string[];
  try {
    names = readdirSync(dirname(path));
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    const m = /^(\d+)\.[0-9a-f]{12}\.tmp$/.exec(name.slice(prefix.length));
    if (m === null || alive(Number(m[1]))) continue;
    try {
      unlinkSync(join(dirname(path), name));
    } catch {
      // gone already, or not ours to remove
    }
  }
}

/**
 * Creates `dir` and its missing parents, one level at a time. Node's mkdirSync(dir, { recursive: true }) loops for
 * ever where a folder exists but refuses children with ENOENT (/proc/x on Linux: full CPU and no error); here the
 * first refusal is thrown.
 */
export function makeFolders(dir: string): void {
  const missing: string[] = [];
  for (let p = resolve(dir); !existsSync(p); p = dirname(p)) {
    missing.push(p);
    if (dirname(p) === p) break;
  }
  for (const p of missing.reverse()) {
    try {
      mkdirSync(p);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

/**
 * Writes bytes or text to `path` atomically (a temporary file, then a rename over the target), creating the folder
 * if needed: a crash or a kill never leaves half a file, and a failed write leaves the old file whole and no
 * temporary file. Temporaries that killed writes left are removed first.
 */
export function writeFileAtomic(path: string, content: Uint8Array | string): void {
  const dir = dirname(path);
  const tmp = temporaryName(path);
  try {
    makeFolders(dir);
    removeStaleTemporaries(path);
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
