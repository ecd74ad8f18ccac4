/**
 * Decompression bounded by what a file declares, so that a corrupt header or a "zip bomb" (a few kilobytes that
 * expand to gigabytes) costs no more memory than the data the file says it holds.
 *
 * fflate's streaming inflaters do the work (they run in Node and in the browser); what is hand-written here is
 * only the stop: the output is counted chunk by chunk and the stream is abandoned past the bound.
 */
import { Gunzip, Unzlib } from 'fflate';

export interface BoundedInflateOptions {
  /** return the first `maxOutput` bytes instead of failing past them (to read a header) */
  prefix?: boolean;
  /** zlib (MAT-files' miCOMPRESSED) or gzip (MNIST's .gz files) */
  format?: 'zlib' | 'gzip';
}

/**
 * Inflates at most `maxOutput` bytes: more is an error, or with `prefix` the first `maxOutput` bytes are
 * returned. Streams in small chunks, so little more memory is used than the output needs.
 */
export function boundedInflate(compressed: Uint8Array, maxOutput: number, options: BoundedInflateOptions = {}): Uint8Array {
  const parts: Uint8Array[] = [];
  let total = 0;
  let done = false;
  const onData = (chunk: Uint8Array) => {
    if (done) return;
    const room = maxOutput - total;
    if (chunk.length > room) {
      if (!options.prefix) throw new Error(`more than ${maxOutput} bytes`);
      parts.push(chunk.subarray(0, room));
      total += room;
      done = true;
      return;
    }
    parts.push(chunk);
    total += chunk.length;
    if (options.prefix && total >= maxOutput) done = true;
  };
  const stream = options.format === 'gzip' ? new Gunzip(onData) : new Unzlib(onData);
  // Deflate expands at most about 1032:1, so a push of 4 KB makes at most ~4 MB before the count can stop it
  // (and 512 bytes, ~0.5 MB, when only a header is wanted).
  const CHUNK = options.prefix ? 512 : 4096;
  for (let i = 0; i < compressed.length && !done; i += CHUNK) {
    stream.push(compressed.subarray(i, Math.min(compressed.length, i + CHUNK)), i + CHUNK >= compressed.length);
  }
  if (compressed.length === 0) stream.push(compressed, true);
  return concatBytes(parts);
}

/** The parts one after another, in one array. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
