/**
 * CSV data sets (label, then features): parsing, the header, pixel scaling, and errors that name line and column.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseCsv, scalePixels } from '../../src/data/csv.js';
import { FormatError } from '../../src/errors.js';
import { loadDataset } from '../../src/cli/data.js';
import { Matrix } from '../../src/linalg/matrix.js';

test('a CSV with a header reads as labels and a feature matrix', () => {
  const d = parseCsv('label,p1,p2\n5,0,255\n0,128,1\n', 'x.csv');
  assert.equal(d.header, true);
  assert.deepEqual(Array.from(d.y), [5, 0]);
  assert.deepEqual(d.X.toRows(), [
    [0, 255],
    [128, 1],
  ]);
  assert.equal(scalePixels(d.X), 255);
  assert.deepEqual(d.X.toRows(), [
    [0, 1],
    [128 / 255, 1 / 255],
  ]);
  const noHeader = parseCsv('1;0.5;0.25\r\n2;0;1\r\n');
  assert.equal(noHeader.header, false);
  assert.equal(scalePixels(noHeader.X), 1, 'values already in [0, 1] stay');
});

test('bad CSV lines are FormatErrors that name the line and the column', () => {
  assert.throws(() => parseCsv('1,2,3\n4,5\n', 'd.csv'), /d\.csv: line 2 has 2 fields, but line 1 has 3/);
  assert.throws(() => parseCsv('1,2,3\n4,5,x\n', 'd.csv'), /line 2, column 3: "x" is not a finite number/);
  assert.throws(() => parseCsv('1.5,2\n', 'd.csv'), /the label 1.5 is not a whole number/);
  assert.throws(() => parseCsv('\n\n', 'd.csv'), /empty/);
  assert.throws(() => parseCsv('a,b\n', 'd.csv'), /a header but no data/);
  assert.throws(() => parseCsv('1,NaN\n'), FormatError);
});

test('integer matrices round-trip through CSV text', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }), fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 36, maxLength: 36 }), (m, n, vals) => {
      const rows = Array.from({ length: m }, (_, i) => [i % 10, ...vals.slice(i * n, (i + 1) * n)]);
      const d = parseCsv(rows.map((r) => r.join(',')).join('\n'));
      assert.deepEqual(Array.from(d.y), rows.map((r) => r[0]));
      assert.deepEqual(d.X.toRows(), rows.map((r) => r.slice(1)));
    }),
    { numRuns: 200 },
  );
});

test('--data accepts a .csv: zero-based labels when a 0 appears, pixels scaled, square images row-major', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nnlearn-csv-'));
  const file = join(dir, 'tiny.csv');
  writeFileSync(file, 'label,a,b,c,d\n0,0,255,0,255\n1,255,0,255,0\n2,10,20,30,40\n');
  const data = loadDataset(file);
  assert.equal(data.labels, 'zero-based');
  assert.equal(data.numLabels, 3);
  assert.deepEqual(data.image, { height: 2, width: 2, order: 'row-major' });
  assert.equal(data.X.get(0, 1), 1);
  assert.ok(data.X instanceof Matrix);
});
