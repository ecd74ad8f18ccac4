/**
 * The IDX reader: files built here byte by byte (an independent writer), gzip or raw, and every truncation and
 * many mutations of them; the real MNIST files when ../shared/data has them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { gzipSync } from 'fflate';
import { idxImages, idxLabels, parseIdx } from '../../src/data/idx.js';
import { FormatError } from '../../src/errors.js';
import { idxLabelsPath, loadDataset } from '../../src/cli/data.js';
import { shared } from '../helpers.js';

/** An IDX file of unsigned bytes with the given dimensions. */
function idxBytes(dims: number[], values: ArrayLike<number>, type = 0x08): Uint8Array {
  const header = [0, 0, type, dims.length];
  for (const d of dims) header.push((d >>> 24) & 255, (d >>> 16) & 255, (d >>> 8) & 255, d & 255);
  return Uint8Array.from([...header, ...Array.from(values)]);
}

test('a 3×2×2 unsigned-byte image file reads as 3 rows of 4 row-major pixels scaled to [0, 1]', () => {
  const values = [0, 255, 51, 102, 1, 2, 3, 4, 255, 255, 0, 0];
  const idx = parseIdx(idxBytes([3, 2, 2], values));
  assert.deepEqual(idx.dims, [3, 2, 2]);
  const { X, height, width } = idxImages(idx);
  assert.equal(X.shape, '3×4');
  assert.equal(height, 2);
  assert.equal(width, 2);
  assert.deepEqual(Array.from(X.data), values.map((v) => v / 255));
});

test('gzipped and raw files read the same; labels come back as integers', () => {
  const raw = idxBytes([5], [5, 0, 4, 1, 9]);
  assert.deepEqual(Array.from(idxLabels(parseIdx(gzipSync(raw)))), [5, 0, 4, 1, 9]);
  assert.deepEqual(Array.from(idxLabels(parseIdx(raw))), [5, 0, 4, 1, 9]);
});

test('big-endian shorts, ints, floats and doubles are decoded', () => {
  const bytes = new Uint8Array(4 + 4 + 8);
  bytes.set([0, 0, 0x0e, 1, 0, 0, 0, 1]);
  new DataView(bytes.buffer).setFloat64(8, -1.25, false);
  assert.deepEqual(Array.from(parseIdx(bytes).values), [-1.25]);
  const shorts = Uint8Array.from([0, 0, 0x0b, 1, 0, 0, 0, 2, 0xff, 0xfe, 0x01, 0x00]);
  assert.deepEqual(Array.from(parseIdx(shorts).values), [-2, 256]);
});

test('every truncation of a valid file is a FormatError, never a crash or a short read', () => {
  const full = idxBytes([2, 3, 3], Array.from({ length: 18 }, (_, i) => i * 14));
  for (let n = 0; n < full.length; n++) {
    assert.throws(() => parseIdx(full.subarray(0, n), 'cut.idx'), (e: unknown) => e instanceof FormatError && /cut\.idx/.test(e.message), `length ${n}`);
  }
  assert.throws(() => parseIdx(Uint8Array.from([...full, 0])), /1 bytes after the data/);
  assert.throws(() => parseIdx(gzipSync(full).subarray(0, 20)), /gzip stream is corrupt or truncated/);
});

test('random mutations of a valid file give a correct result or a FormatError', () => {
  const full = idxBytes([4, 2, 3], Array.from({ length: 24 }, (_, i) => (i * 37) % 256));
  fc.assert(
    fc.property(fc.nat(full.length - 1), fc.nat(255), (pos, byte) => {
      const bytes = Uint8Array.from(full);
      bytes[pos] = byte;
      try {
        const idx = parseIdx(bytes);
        const count = idx.dims.reduce((a, b) => a * b, 1);
        assert.equal(idx.values.length, count);
      } catch (e) {
        assert.ok(e instanceof FormatError, String(e));
      }
    }),
    { numRuns: 1000 },
  );
});

test('a header claiming 2³²-1 images of 28×28 fails at once, allocating nothing', () => {
  const bytes = idxBytes([0xffffffff, 28, 28], []);
  const before = process.memoryUsage().arrayBuffers;
  assert.throws(() => parseIdx(bytes), /truncated/);
  assert.ok(process.memoryUsage().arrayBuffers - before < 2 ** 20, 'refused before allocating');
});

test('the labels file is found beside the images by the MNIST naming', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nnlearn-idx-'));
  writeFileSync(join(dir, 'train-images-idx3-ubyte.gz'), gzipSync(idxBytes([2, 2, 2], [0, 1, 2, 3, 4, 5, 6, 7])));
  writeFileSync(join(dir, 'train-labels-idx1-ubyte.gz'), gzipSync(idxBytes([2], [7, 3])));
  assert.equal(idxLabelsPath(join(dir, 'train-images-idx3-ubyte.gz')), join(dir, 'train-labels-idx1-ubyte.gz'));
  const data = loadDataset(join(dir, 'train-images-idx3-ubyte.gz'));
  assert.deepEqual(Array.from(data.y), [7, 3]);
  assert.equal(data.labels, 'zero-based');
  assert.equal(data.numLabels, 8);
  assert.deepEqual(data.image, { height: 2, width: 2, order: 'row-major' });
  writeFileSync(join(dir, 'lonely-idx3-ubyte'), idxBytes([1, 1, 1], [0]));
  assert.throws(() => loadDataset(join(dir, 'lonely-idx3-ubyte')), /no labels file beside it/);
});

const mnist = shared('mnist/train-images-idx3-ubyte.gz');

test('the MNIST training set reads as 60000×784 with the labels its README lists', { skip: mnist.skip }, () => {
  const data = loadDataset(mnist.path);
  assert.equal(data.X.shape, '60000×784');
  assert.deepEqual(Array.from(data.y.subarray(0, 10)), [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]);
  const counts = new Array<number>(10).fill(0);
  for (const v of data.y) counts[v]++;
  assert.deepEqual(counts, [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
  let max = 0;
  for (const v of data.X.data) max = Math.max(max, v);
  assert.equal(max, 1);
});
