/**
 * Pictures: the displayData grid (checked pixel by pixel on images built here), the grey map, PNG encoding
 * (decoded again with pngjs), and charts rendered to SVG and PNG.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import { Matrix } from '../../src/linalg/matrix.js';
import { displayData, hiddenUnitsRaster, magnify, toGreyBytes } from '../../src/viz/raster.js';
import { rasterToPng, svgToPng } from '../../src/viz/png.js';
import { confusionChart, costChart, sweepChart } from '../../src/viz/charts.js';
import { chartToSvg } from '../../src/viz/render.js';

/** m images of 4×4 whose first four values are 1 and the rest 0. */
function barImages(m: number): Matrix {
  const X = new Matrix(m, 16);
  for (let i = 0; i < m; i++) for (let p = 0; p < 4; p++) X.data[i * 16 + p] = 1;
  return X;
}

test('displayData lays m images in floor(√m) rows and ceil(m/rows) columns with 1 pixel of padding', () => {
  assert.deepEqual([displayData(barImages(9), { height: 4, width: 4, order: 'column-major' })].map((r) => [r.width, r.height]), [[16, 16]]);
  const r10 = displayData(barImages(10), { height: 4, width: 4, order: 'column-major' });
  assert.deepEqual([r10.width, r10.height], [1 + 4 * 5, 1 + 3 * 5]);
  const r100 = displayData(new Matrix(100, 400, new Float64Array(40000).fill(0.5)), { height: 20, width: 20, order: 'column-major' });
  assert.deepEqual([r100.width, r100.height], [211, 211]);
});

test('column-major rows fill the left column of each image first, row-major rows the top row', () => {
  const cm = displayData(barImages(1), { height: 4, width: 4, order: 'column-major' });
  const rm = displayData(barImages(1), { height: 4, width: 4, order: 'row-major' });
  const at = (r: { width: number; data: Float64Array }, y: number, x: number) => r.data[(1 + y) * r.width + 1 + x];
  for (let k = 0; k < 4; k++) {
    assert.equal(at(cm, k, 0), 1, 'left column white');
    assert.equal(at(cm, k, 1), 0);
    assert.equal(at(rm, 0, k), 1, 'top row white');
    assert.equal(at(rm, 1, k), 0);
  }
  assert.equal(cm.data[0], -1, 'padding is the background -1');
});

test('each image is divided by its largest absolute value; a blank image stays 0', () => {
  const X = Matrix.fromRows([
    [0.5, -2, 1, 0],
    [0, 0, 0, 0],
  ]);
  const r = displayData(X, { height: 2, width: 2, order: 'row-major' });
  const img = (i: number) => [r.data[r.width + 1 + 3 * i], r.data[r.width + 2 + 3 * i], r.data[2 * r.width + 1 + 3 * i], r.data[2 * r.width + 2 + 3 * i]];
  assert.deepEqual(img(0), [0.25, -1, 0.5, 0]);
  assert.deepEqual(img(1), [0, 0, 0, 0]);
});

test('the grey map sends -1 to black, 0 to mid grey and 1 to white, clamping outside', () => {
  const bytes = toGreyBytes({ width: 5, height: 1, data: Float64Array.from([-1, 0, 1, -7, 7]) });
  assert.deepEqual(Array.from(bytes), [0, 128, 255, 0, 255]);
  const big = magnify({ width: 2, height: 1, data: Float64Array.from([1, -1]) }, 2);
  assert.deepEqual(Array.from(big.data), [1, 1, -1, -1, 1, 1, -1, -1]);
});

test('a raster encodes as a greyscale PNG that decodes to the same pixels', () => {
  const r = displayData(barImages(3), { height: 4, width: 4, order: 'column-major' });
  const png = PNG.sync.read(Buffer.from(rasterToPng(r, 2)));
  assert.equal(png.width, r.width * 2);
  assert.equal(png.height, r.height * 2);
  // pngjs decodes to RGBA: pixel (1,1) of the picture is the first image's top-left pixel, white.
  const px = (x: number, y: number) => png.data[(y * png.width + x) * 4];
  assert.equal(px(2, 2), 255);
  assert.equal(px(0, 0), 0);
  assert.equal(px(4, 2), 128);
});

test('the hidden-unit picture draws the rows of Theta1 without the bias column', () => {
  const Theta1 = new Matrix(4, 5);
  for (let i = 0; i < 4; i++) {
    Theta1.set(i, 0, 100); // a huge bias must not show
    Theta1.set(i, 1 + i, -0.5);
  }
  const r = hiddenUnitsRaster(Theta1, { height: 2, width: 2, order: 'row-major' });
  assert.deepEqual([r.width, r.height], [7, 7]);
  assert.equal(r.data[1 * 7 + 1], -1); // unit 1's first pixel, scaled by its max |w| = 0.5
  assert.equal(r.data[1 * 7 + 2], 0);
});

test('charts render to SVG with their titles, and to PNG at twice the size', async () => {
  const cost = costChart(
    [
      { name: 'α = 0.1', costs: [3, 2, 1] },
      { name: 'α = 30', costs: [3, NaN, Infinity] },
    ],
    { title: 'Cost curves', seriesTitle: 'learning rate' },
  );
  const values = (cost.data as { values: unknown[] }).values;
  assert.equal(values.length, 4, 'non-finite costs are left out');
  const svg = await chartToSvg(cost);
  assert.match(svg, /^<svg/);
  assert.match(svg, /Cost curves/);
  assert.match(svg, /α = 0\.1/);
  const png = PNG.sync.read(Buffer.from(svgToPng(svg)));
  const width = Number(/width="(\d+)"/.exec(svg)?.[1]);
  assert.equal(png.width, 2 * width);

  const sweep = await chartToSvg(
    sweepChart(
      [
        { lambda: 0, maxIter: 10, trainAccuracy: 80, testAccuracy: 79, trainCost: 1, testCost: 1 },
        { lambda: 0, maxIter: 50, trainAccuracy: 99, testAccuracy: 90, trainCost: 0.1, testCost: 0.5 },
      ],
      { title: 'Sweep' },
    ),
  );
  assert.match(sweep, /λ = 0/);
  assert.match(sweep, /held-out/);
  const cm = await chartToSvg(confusionChart([[5, 1], [0, 4]], ['1', '2'], { title: 'Confusion' }));
  assert.match(cm, /predicted label/);
});
