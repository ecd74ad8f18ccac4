/**
 * Strokes to the network's input: a digit drawn small reads as the same picture as the same digit drawn large
 * (the pen scales with the drawing, as MNIST's did), where painting with a fixed pen makes a blob of it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { normalizeStrokes, paintStrokes, strokesBounds, strokesToInput, type Stroke } from '../../src/data/strokes.js';
import { drawingToInput } from '../../src/data/drawing.js';

/** A 7 in a box of side `size` at (x, y): a bar and a slanted stem. */
function seven(x: number, y: number, size: number): Stroke[] {
  const p = (u: number, v: number) => ({ x: x + u * size, y: y + v * size });
  return [[p(0.1, 0), p(0.5, 0), p(0.9, 0), p(0.7, 0.4), p(0.5, 0.8), p(0.4, 1)]];
}

const mass = (v: ArrayLike<number>) => Array.from(v).reduce((s, x) => s + x, 0);

test('a 7 drawn in a fifth of the box gives the same input as one drawn across the whole box', () => {
  const big = strokesToInput(seven(40, 40, 200));
  const small = strokesToInput(seven(200, 30, 40));
  assert.ok(big && small);
  let worst = 0;
  for (let i = 0; i < 784; i++) worst = Math.max(worst, Math.abs(big[i] - small[i]));
  assert.ok(worst < 1e-9, `largest difference ${worst}`);
});

test('with a fixed pen the small 7 would be a blob: about three times the ink of the large one', () => {
  const fixed = (s: Stroke[]) => drawingToInput(paintStrokes(s, 280, 280, 20), 280, 280)!;
  const big = mass(fixed(seven(40, 40, 200)));
  const small = mass(fixed(seven(200, 30, 40)));
  assert.ok(small > 2 * big, `ink ${small} against ${big}`);
  // the normalised pen gives MNIST's proportions: strokes about 2 pixels wide in the 20-pixel box
  const input = strokesToInput(seven(200, 30, 40))!;
  const length = 20 * (0.8 + Math.hypot(0.2, 0.4) + Math.hypot(0.2, 0.4) + Math.hypot(0.1, 0.2)); // the path in 20×20 pixels
  const width = mass(input) / length;
  assert.ok(width > 1.5 && width < 3, `stroke width ${width.toFixed(2)} pixels`);
});

test('a vertical stroke (a 1) keeps its width: the larger side sets the scale', () => {
  const one = strokesToInput([[{ x: 140, y: 40 }, { x: 140, y: 240 }]])!;
  const cols = new Set<number>();
  for (let i = 0; i < 784; i++) if (one[i] > 0.5) cols.add(i % 28);
  assert.ok(cols.size >= 1 && cols.size <= 3, `${cols.size} columns of ink`);
});

test('a dot is not blown up to fill the box; nothing drawn gives no input', () => {
  assert.equal(strokesToInput([]), undefined);
  assert.equal(strokesToInput([[]]), undefined);
  const dot = strokesToInput([[{ x: 100, y: 100 }]])!;
  assert.ok(dot.some((v) => v > 0));
  assert.deepEqual(normalizeStrokes([]), []);
});

test('any strokes give a 28×28 input in [0, 1] with ink, centred on the canvas when normalised', () => {
  const point = fc.record({ x: fc.double({ min: -50, max: 400, noNaN: true }), y: fc.double({ min: -50, max: 400, noNaN: true }) });
  fc.assert(
    fc.property(fc.array(fc.array(point, { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 4 }), (strokes) => {
      const out = strokesToInput(strokes);
      assert.ok(out !== undefined && out.length === 784);
      assert.ok(out.every((v) => v >= 0 && v <= 1));
      assert.ok(out.some((v) => v > 0));
      const b = strokesBounds(normalizeStrokes(strokes))!;
      assert.ok(Math.abs((b.x0 + b.x1) / 2 - 140) < 1e-9 && Math.abs((b.y0 + b.y1) / 2 - 140) < 1e-9);
      assert.ok(Math.max(b.x1 - b.x0, b.y1 - b.y0) <= 200 + 1e-9);
    }),
    { numRuns: 60 },
  );
});
