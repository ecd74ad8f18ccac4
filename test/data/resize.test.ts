/**
 * MATLAB-style imresize: exact on constant pictures and at scale 1, and the course's 20×20 digits rebuilt from
 * MNIST's 28×28 images (ex4data1_reconstructed.mat was made with imresize's bicubic antialiased kernel).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fromMnistLayout, resizeImage, transposeImage } from '../../src/data/resize.js';
import { idxImages, idxLabels, parseIdx } from '../../src/data/idx.js';
import { readMatFile } from '../../src/data/files.js';
import { shared } from '../helpers.js';

test('a constant picture stays constant at any size; scale 1 is the identity', () => {
  const flat = new Float64Array(28 * 28).fill(0.25);
  for (const [h, w] of [[20, 20], [7, 13], [40, 31]]) {
    const out = resizeImage(flat, 28, 28, h, w);
    assert.equal(out.length, h * w);
    for (const v of out) assert.ok(Math.abs(v - 0.25) < 1e-15, `${h}×${w}: ${v}`);
  }
  const pic = Float64Array.from({ length: 6 * 5 }, (_, i) => Math.sin(i));
  assert.deepEqual(Array.from(resizeImage(pic, 6, 5, 6, 5)), Array.from(pic));
});

test('shrinking averages: a one-pixel line keeps its mass and spreads (antialiasing), it does not vanish', () => {
  const pic = new Float64Array(28 * 28);
  for (let y = 0; y < 28; y++) pic[y * 28 + 13] = 1; // a vertical line one pixel wide
  const out = resizeImage(pic, 28, 28, 20, 20);
  let mass = 0;
  for (const v of out) mass += v;
  // the mass scales with the area, 28 pixels × (20/28)² = 14.29, up to where the line falls between samples
  assert.ok(Math.abs(mass / (28 * (20 / 28) ** 2) - 1) < 0.01, `mass ${mass}`);
  assert.ok(Math.max(...out) < 1, 'the line is spread over neighbouring columns');
});

test('transposeImage unrolls column by column', () => {
  assert.deepEqual(Array.from(transposeImage([1, 2, 3, 4, 5, 6], 2, 3)), [1, 4, 2, 5, 3, 6]);
});

const images = shared('mnist/train-images-idx3-ubyte.gz');
const labels = shared('mnist/train-labels-idx1-ubyte.gz');
const course = shared('ex4data1_reconstructed.mat');
const skip = images.skip || labels.skip || course.skip;

test('the course’s 5000 digits are MNIST’s first 500 of each digit, resized 28×28 → 20×20 and unrolled by columns (to 1e-12)', { skip }, () => {
  const { X: mnist } = idxImages(parseIdx(readFileSync(resolve(images.path))));
  const y = idxLabels(parseIdx(readFileSync(resolve(labels.path))));
  const X = readMatFile(course.path).matrix('X');
  assert.equal(X.cols, 400);
  // the course's order: label 10 (digit 0) first, then 1..9, 500 each
  let worst = 0;
  for (let d = 0; d < 10; d++) {
    let row = d * 500;
    for (let i = 0; i < y.length && row < (d + 1) * 500; i++) {
      if (y[i] !== d) continue;
      const out = transposeImage(resizeImage(mnist.row(i), 28, 28, 20, 20), 20, 20);
      for (let k = 0; k < 400; k++) worst = Math.max(worst, Math.abs(out[k] - X.data[row * 400 + k]));
      row++;
    }
  }
  assert.ok(worst < 1e-12, `largest difference ${worst}`);
});

test('fromMnistLayout: 28×28 row-major stays as it is; 20×20 column-major is resized and unrolled by columns', () => {
  const pic = Float64Array.from({ length: 784 }, (_, i) => (i % 29) / 29);
  assert.deepEqual(Array.from(fromMnistLayout(pic, { height: 28, width: 28, order: 'row-major' })), Array.from(pic));
  const course = fromMnistLayout(pic, { height: 20, width: 20, order: 'column-major' });
  assert.deepEqual(Array.from(course), Array.from(transposeImage(resizeImage(pic, 28, 28, 20, 20), 20, 20)));
});
