/**
 * A drawing to the network's input, as MNIST's digits were made: cropped, scaled into 20×20 keeping the aspect,
 * centred by mass in 28×28.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { drawingToInput } from '../../src/data/drawing.js';

function rect(w: number, h: number, x0: number, y0: number, x1: number, y1: number): Float64Array {
  const p = new Float64Array(w * h);
  for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) p[y * w + x] = 1;
  return p;
}

test('a tall bar anywhere on the canvas becomes a 20-pixel-tall bar centred in 28×28', () => {
  const out = drawingToInput(rect(280, 280, 200, 10, 219, 209), 280, 280);
  assert.ok(out);
  let mass = 0;
  let cx = 0;
  let cy = 0;
  const rows = new Set<number>();
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) {
      const v = out[y * 28 + x];
      if (v > 0) rows.add(y);
      mass += v;
      cx += v * (x + 0.5);
      cy += v * (y + 0.5);
    }
  }
  assert.equal(rows.size, 20, 'the larger side scaled to 20');
  assert.ok(Math.abs(cx / mass - 14) <= 0.5 && Math.abs(cy / mass - 14) <= 0.5, `centre of mass ${cx / mass}, ${cy / mass}`);
  assert.ok(out.every((v) => v >= 0 && v <= 1));
});

test('an empty canvas has no input; any ink gives values in [0, 1] with the ink kept', () => {
  assert.equal(drawingToInput(new Float64Array(100), 10, 10), undefined);
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 50 }), fc.integer({ min: 1, max: 49 }), fc.integer({ min: 1, max: 49 }), (x, y, w, h) => {
      const out = drawingToInput(rect(100, 100, x, y, Math.min(99, x + w), Math.min(99, y + h)), 100, 100);
      assert.ok(out !== undefined && out.length === 784);
      assert.ok(out.every((v) => v >= 0 && v <= 1));
      assert.ok(out.some((v) => v > 0.5));
    }),
    { numRuns: 100 },
  );
});
