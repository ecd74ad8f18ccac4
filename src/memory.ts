/**
 * The memory budget: every large allocation is checked before it is made, against a limit (the CLI's default: half
 * of the machine's memory; `--max-memory` to change it), so that a small or hostile input (a 389 KB MAT-file that
 * declares a 20000×20000 matrix, an IDX header claiming 2.7 million images, /dev/zero) is refused with a line that
 * says what was asked, what is allowed and what to do, instead of taking the machine's memory.
 *
 * What is in use is measured (Node: the process's resident memory, registered by the CLI and by importing
 * `nnlearn/node`, which sets no limit: a library user sets one with setMemoryLimit), so that the checks add up: the
 * data already read counts against the network that follows. Without a measure (a browser) each allocation is
 * checked against the limit alone. Sizes are computed in float64 arithmetic, never in 32-bit integers (2^31 bytes
 * is a plausible request).
 */
import { NnlearnError } from './errors.js';

/** Refused before allocating: more memory than the budget allows. */
export class MemoryError extends NnlearnError {}

let limit = Infinity;
let inUse: () => number = () => 0;

/** Sets the budget in bytes (Infinity: none) and how to measure what is in use. */
export function setMemoryLimit(bytes: number, usage?: () => number): void {
  if (!(bytes > 0)) throw new MemoryError(`the memory limit must be a positive number of bytes, got ${bytes}`);
  limit = bytes;
  if (usage !== undefined) inUse = usage;
}

/** Sets how to measure what is in use (bytes), keeping the limit: `nnlearn/node` registers the process's RSS. */
export function setMemoryMeasure(usage: () => number): void {
  inUse = usage;
}

/** What the budget still allows, in bytes. */
export function memoryAvailable(): number {
  return Math.max(0, limit - inUse());
}

/** Bytes as people read them: "3.9 GiB", "512 MiB", "870 KiB". */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${Math.round(v)} bytes` : `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[u]}`;
}

/** The advice of a refusal: `instead` (a smaller file, fewer hidden units), or a larger --max-memory. */
export function memoryAdvice(instead?: string): string {
  return instead === undefined ? 'raise the limit with --max-memory if the machine has the memory' : `${instead}, or a larger --max-memory if the machine has the memory`;
}

/**
 * Checks that `bytes` more fit the budget; throws a MemoryError naming `what`, the sizes, and `advice` (what to do
 * instead) when they do not.
 */
export function checkMemory(what: string, bytes: number, advice = memoryAdvice()): void {
  if (!(bytes >= 0)) throw new MemoryError(`${what}: a size of ${bytes} bytes`);
  const used = inUse();
  if (used + bytes <= limit) return;
  const left = Math.max(0, limit - used);
  throw new MemoryError(
    `${what} needs ${formatBytes(bytes)}, more than the ${formatBytes(left)} left of the ${formatBytes(limit)} memory limit; ${advice}`,
  );
}

/**
 * Parses a size as people type it: 512M, 2G, 2GiB (powers of 1024, as ulimit and docker read them), 2GB (of
 * 1000), 800000000 (bytes); NaN when it is not one.
 */
export function parseSize(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(?:([kmgt])(ib|b)?)?\s*$/i.exec(text);
  if (m === null) return NaN;
  const power = m[2] === undefined ? 0 : ['k', 'm', 'g', 't'].indexOf(m[2].toLowerCase()) + 1;
  const base = m[3] !== undefined && m[3].toLowerCase() === 'b' ? 1000 : 1024;
  return Math.round(Number(m[1]) * base ** power);
}
