/**
 * Data with NaN or infinite values is refused, from every format, with the row and column of the first bad value
 * (exit code 1), before any training; so are weights that are not finite.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeMat } from '../../src/data/mat.js';
import { Matrix } from '../../src/linalg/matrix.js';
import { runCli } from '../helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'nnlearn-values-'));

/** 4 examples of 2×2 pixels with one bad value at (row, col), 1-based. */
function pixels(bad: number, row: number, col: number): Matrix {
  const X = new Matrix(4, 4, Float64Array.from({ length: 16 }, (_, i) => (i % 5) / 5));
  X.set(row - 1, col - 1, bad);
  return X;
}

/** A big-endian IDX file of doubles (type 0x0e) with the given dimensions. */
function idxDoubles(dims: number[], values: ArrayLike<number>): Uint8Array {
  const header = 4 + 4 * dims.length;
  const bytes = new Uint8Array(header + 8 * values.length);
  const v = new DataView(bytes.buffer);
  bytes.set([0, 0, 0x0e, dims.length]);
  dims.forEach((d, i) => v.setUint32(4 + 4 * i, d, false));
  for (let i = 0; i < values.length; i++) v.setFloat64(header + 8 * i, values[i], false);
  return bytes;
}

test('NaN and infinite inputs are refused with their row and column, from a MAT-file, an IDX file and a CSV', async () => {
  const y = new Matrix(4, 1, Float64Array.from([1, 2, 1, 2]));
  for (const [bad, row, col] of [
    [NaN, 3, 2],
    [Infinity, 1, 4],
    [-Infinity, 4, 1],
  ] as const) {
    const mat = join(tmp, `bad-${row}-${col}.mat`);
    writeFileSync(mat, writeMat({ X: pixels(bad, row, col), y }));
    let r = await runCli(['train', '--data', mat, '--quiet']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`X has the value ${bad} at row ${row}, column ${col}; inputs must be finite numbers\\n$`));

    const images = join(tmp, `bad-${row}-${col}-images-idx3-double`);
    writeFileSync(images, idxDoubles([4, 2, 2], pixels(bad, row, col).data));
    writeFileSync(join(tmp, `bad-${row}-${col}-labels-idx1-double`), idxDoubles([4], [0, 1, 0, 1]));
    r = await runCli(['train', '--data', images, '--quiet']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`at row ${row}, column ${col}; inputs must be finite numbers\\n$`));
  }
  const csv = join(tmp, 'bad.csv');
  writeFileSync(csv, 'label,a,b\n1,0.5,0.25\n0,NaN,0\n');
  const r = await runCli(['train', '--data', csv, '--quiet']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /bad\.csv: line 3, column 2: "NaN" is not a finite number/);
});

test('weights that are not finite are refused with where they are', async () => {
  const weights = join(tmp, 'w.mat');
  const T1 = new Matrix(2, 5);
  T1.set(1, 2, NaN);
  writeFileSync(weights, writeMat({ Theta1: T1, Theta2: new Matrix(2, 3) }));
  const r = await runCli(['hidden', '--weights', weights, '--out', join(tmp, 'h.png')]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /w\.mat: Theta1\(2, 3\) is NaN; weights must be finite/);
});

test('a MAT-file whose X is saved transposed (one example a column) is named as such, not told to reshape y', async () => {
  const X = new Matrix(6, 4, Float64Array.from({ length: 24 }, (_, i) => (i % 7) / 7)); // 6 features × 4 examples
  const y = new Matrix(4, 1, Float64Array.from([1, 2, 1, 2]));
  const file = join(tmp, 'x-transposed.mat');
  writeFileSync(file, writeMat({ X, y }));
  const r = await runCli(['train', '--data', file, '--quiet']);
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.stderr, `nnlearn: ${file}: X is 6×4 and y has 4 labels: X looks transposed (one example per row: save X, not X.T)\n`);
  // a y that fits neither side is told the shape it needs
  writeFileSync(file, writeMat({ X, y: new Matrix(3, 1, Float64Array.from([1, 2, 1])) }));
  const other = await runCli(['train', '--data', file, '--quiet']);
  assert.equal(other.stderr, `nnlearn: ${file}: y is 3×1 but X has 6 rows; y must be 6×1\n`);
});
