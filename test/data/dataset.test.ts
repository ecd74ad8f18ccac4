/**
 * The shipped digits and the seeded train/test split.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fromJson, loadShippedDigits, shippedDigits, SHIPPED_SPLIT_SEED, SHIPPED_TEST_FRACTION } from '../../src/data/shipped-digits.js';
import { repoRoot } from '../helpers.js';
import { sharedRows, splitDataset, squareImage, type Dataset } from '../../src/data/dataset.js';
import fc from 'fast-check';
import { Matrix } from '../../src/linalg/matrix.js';
import { Random } from '../../src/random.js';

test('the shipped digits are 10,000 row-major 28×28 images in [0, 1], about 1,000 of each digit, mostly zeros', () => {
  const d = loadShippedDigits();
  assert.equal(d.X.shape, '10000×784');
  assert.deepEqual(d.image, { height: 28, width: 28, order: 'row-major' });
  assert.equal(d.labels, 'zero-based');
  const counts = new Array<number>(10).fill(0);
  for (const v of d.y) counts[v]++;
  assert.ok(counts.every((c) => c > 800 && c < 1200), String(counts));
  let zeros = 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of d.X.data) {
    if (v === 0) zeros++;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  assert.ok(lo >= 0 && hi <= 1 && hi > 0.99);
  assert.ok(zeros / d.X.data.length > 0.7, 'MNIST digits are mostly exact zeros');
});

test('digits:train and digits:test are a fixed 8,000/2,000 split that covers every digit once', () => {
  const train = shippedDigits('digits:train');
  const test2 = shippedDigits('digits:test');
  assert.ok(train && test2);
  assert.equal(train.X.rows, 8000);
  assert.equal(test2.X.rows, 2000);
  const again = shippedDigits('digits:test');
  assert.deepEqual(again?.y, test2.y);
  assert.deepEqual(again?.X.data.subarray(0, 784 * 5), test2.X.data.subarray(0, 784 * 5));
  // The split is the permutation NumPy's np.random.seed(0); np.random.permutation(10000) gives.
  const perm = new Random(0).permutation(10000);
  const all = loadShippedDigits();
  assert.equal(test2.y[0], all.y[perm[0]]);
  assert.equal(train.y[0], all.y[perm[2000]]);
  assert.equal(shippedDigits('digits')?.X.rows, 10000);
  assert.equal(shippedDigits('digitz'), undefined);
  assert.equal(shippedDigits('./digits.mat'), undefined);
});

test('splitDataset holds out round(m·f) rows and keeps the rest, disjoint and seeded', () => {
  const X = new Matrix(10, 1, Float64Array.from({ length: 10 }, (_, i) => i));
  const data = { X, y: Int32Array.from({ length: 10 }, (_, i) => i), labels: 'zero-based' as const, numLabels: 10, source: 's' };
  const { train, test: held } = splitDataset(data, 0.3, 5);
  assert.equal(held.X.rows, 3);
  assert.equal(train.X.rows, 7);
  const seen = [...held.y, ...train.y].sort((a, b) => a - b);
  assert.deepEqual(seen, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.deepEqual(Array.from(held.X.data), Array.from(held.y));
  assert.deepEqual(splitDataset(data, 0.3, 5).test.y, held.y);
  assert.throws(() => splitDataset(data, 1, 0), /between 0 and 1/);
  assert.throws(() => splitDataset(data, 0.01, 0), /cannot hold out/);
  assert.equal(squareImage(400, 'column-major')?.width, 20);
  assert.equal(squareImage(401, 'column-major'), undefined);
});

test('the build’s binary copy of the shipped digits holds the very doubles the package’s JSON gives', { skip: existsSync(join(repoRoot, 'dist', 'data', 'shipped-digits.bin.gz')) ? false : 'needs the build (dist/data/shipped-digits.bin.gz)' }, () => {
  const fast = loadShippedDigits();
  const json = fromJson();
  assert.equal(fast.X.data.length, json.X.data.length);
  let differ = 0;
  for (let i = 0; i < json.X.data.length; i++) if (!Object.is(fast.X.data[i], json.X.data[i])) differ++;
  assert.equal(differ, 0);
  assert.deepEqual(Array.from(fast.y), Array.from(json.y));
});

test('the shipped split, decoded straight into its shuffled order, is splitDataset\'s of the digits in the package\'s order', () => {
  const { train, test: held } = splitDataset(loadShippedDigits(), SHIPPED_TEST_FRACTION, SHIPPED_SPLIT_SEED);
  const same = (a: Float64Array, b: Float64Array) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
  const t = shippedDigits('digits:train');
  const h = shippedDigits('digits:test');
  const all = shippedDigits('digits');
  assert.ok(t !== undefined && h !== undefined && all !== undefined);
  assert.ok(same(t.X.data, train.X.data) && same(h.X.data, held.X.data));
  assert.deepEqual(Array.from(t.y), Array.from(train.y));
  assert.deepEqual(Array.from(h.y), Array.from(held.y));
  // the whole set: the held-out part first, then the rest
  assert.ok(same(all.X.data.subarray(0, held.X.data.length), held.X.data) && same(all.X.data.subarray(held.X.data.length), train.X.data));
  assert.deepEqual(Array.from(all.y), [...held.y, ...train.y]);
  assert.deepEqual([t.source, h.source, all.source], ['digits:train', 'digits:test', 'digits']);
});

test('sharedRows counts the rows of b that are rows of a, as a brute-force comparison does', () => {
  // rows drawn from a small pool, so that repeats are common; odd and even widths (the hash's two loop ends)
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 5 }),
      fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 30 }),
      fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 30 }),
      (n, pickA, pickB) => {
        const pool = Array.from({ length: 6 }, (_, p) => Array.from({ length: n }, (_, j) => (p === 5 ? 0 : Math.sin(p * 7 + j))));
        const matrix = (picks: number[]) => new Matrix(picks.length, n, Float64Array.from(picks.flatMap((p) => pool[p])));
        const expected = pickB.filter((q) => pickA.some((p) => pool[p].every((v, j) => Object.is(v, pool[q][j])))).length;
        assert.equal(sharedRows(matrix(pickA), matrix(pickB)), expected);
      },
    ),
  );
});

test('the whole shipped set holds every row of its test split; the training split none', () => {
  const [all, train, test] = ['digits', 'digits:train', 'digits:test'].map((name) => shippedDigits(name) as Dataset);
  assert.equal(sharedRows(all.X, test.X), test.X.rows);
  assert.equal(sharedRows(train.X, test.X), 0);
});

test('a split’s parts are named apart from any file or shipped set (half of "digits" was once "digits:test")', () => {
  const all = shippedDigits('digits') as Dataset;
  const { train, test } = splitDataset(all, 0.5, 3);
  assert.equal(test.source, 'digits [0.5 held out, split seed 3: the held-out part]');
  assert.equal(train.source, 'digits [0.5 held out, split seed 3: the rest]');
  assert.equal(shippedDigits(test.source), undefined);
});
