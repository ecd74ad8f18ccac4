/**
 * The page's digits (web/public/digits.bin.gz, written by scripts/web-data.mjs): 5,000 training and 1,000 test
 * digits of the shipped set, 28×28 bytes each, gzip-compressed (0.98 MB instead of 4.7 MB). They are fetched only
 * when something needs them (training, "See inside", a digit picked from the data), once, on the page's thread,
 * and handed to the training worker as the compressed bytes.
 *
 * Layout after inflating: two uint32 counts (training, test), then all pixels (row-major, intensity·255), then all
 * labels (0..9), one byte each.
 */
import { Matrix } from '../../src/linalg/matrix.js';
import { fromMnistLayout } from '../../src/data/resize.js';
import type { ImageShape } from '../../src/data/dataset.js';

export const DIGITS_FILE = 'digits.bin.gz';

export interface DigitSet {
  count: number;
  /** count×784 bytes */
  pixels: Uint8Array;
  labels: Uint8Array;
}

export interface PageDigits {
  train: DigitSet;
  test: DigitSet;
}

/** Inflates gzip bytes (the browser's own DecompressionStream where there is one, else fflate); other bytes as they are. */
export async function gunzipIfNeeded(buf: ArrayBuffer): Promise<Uint8Array> {
  const bytes = new Uint8Array(buf);
  // a server that sends the file with Content-Encoding: gzip has let the browser inflate it already
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  if (typeof DecompressionStream === 'function') {
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  }
  const { gunzipSync } = await import('fflate');
  return gunzipSync(bytes);
}

export function parseDigits(bytes: Uint8Array): PageDigits {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const nTrain = view.getUint32(0, true);
  const nTest = view.getUint32(4, true);
  const need = 8 + (nTrain + nTest) * 785;
  if (bytes.length !== need) throw new Error(`${DIGITS_FILE}: ${bytes.length} bytes, expected ${need} for ${nTrain} + ${nTest} digits`);
  const labelsAt = 8 + (nTrain + nTest) * 784;
  const set = (first: number, count: number): DigitSet => ({
    count,
    pixels: bytes.subarray(8 + first * 784, 8 + (first + count) * 784),
    labels: bytes.subarray(labelsAt + first, labelsAt + first + count),
  });
  return { train: set(0, nTrain), test: set(nTrain, nTest) };
}

/** One digit as 784 intensities in [0, 1], 28×28 row-major. */
export function digitPixels(set: DigitSet, i: number): Float64Array {
  return Float64Array.from(set.pixels.subarray(i * 784, (i + 1) * 784), (v) => v / 255);
}

/** The first `count` digits of a set as rows of a matrix, in the layout of `image` (28×28 row-major: as stored). */
export function digitsMatrix(set: DigitSet, image: ImageShape, count = set.count): Matrix {
  const X = new Matrix(count, image.height * image.width);
  const mnist = image.height === 28 && image.width === 28 && image.order === 'row-major';
  for (let i = 0; i < count; i++) {
    if (mnist) for (let k = 0; k < 784; k++) X.data[i * 784 + k] = set.pixels[i * 784 + k] / 255;
    else X.data.set(fromMnistLayout(digitPixels(set, i), image), i * X.cols);
  }
  return X;
}

let compressed: Promise<ArrayBuffer> | undefined;
let parsed: Promise<PageDigits> | undefined;

/** The compressed bytes, fetched once (relative to the page, so that it works from any folder of any host). */
export function digitsBytes(): Promise<ArrayBuffer> {
  compressed ??= fetch(new URL(`./${DIGITS_FILE}`, document.baseURI)).then((r) => {
    if (!r.ok) throw new Error(`${DIGITS_FILE}: ${r.status} ${r.statusText}`);
    return r.arrayBuffer();
  });
  compressed.catch(() => (compressed = undefined)); // a failed fetch may be tried again
  return compressed;
}

/** The digits, inflated and parsed once. */
export function pageDigits(): Promise<PageDigits> {
  parsed ??= digitsBytes()
    .then(gunzipIfNeeded)
    .then(parseDigits);
  parsed.catch(() => (parsed = undefined));
  return parsed;
}
