/**
 * A drawing kept as pen strokes (the points a mouse, finger or pen passed through), turned into the network's
 * input with a pen as wide relative to the drawing as MNIST's writers' pens were to their digits.
 *
 * Why: MNIST's digits were written on forms and then scaled to fit 20×20, so their strokes are about a tenth of
 * the digit's height whatever size it was written at. A page that paints with a fixed pen and scales afterwards
 * makes a digit drawn small into a blob of thick strokes (a 7 drawn in a fifth of the box becomes a smudge). So
 * the strokes are rescaled to a fixed extent first and painted then, with a fixed pen: every drawing, small or
 * large, reaches drawingToInput (./drawing.ts) with MNIST's proportions.
 *
 * The painting is written here (distance from each pixel to each segment, a round pen with a one-pixel soft edge)
 * rather than with a canvas so that the same code runs in Node and is tested there.
 */
import { drawingToInput, type DrawingOptions } from './drawing.js';

export interface Point {
  x: number;
  y: number;
}

/** One stroke: the points the pen passed through while down (one point: a dot). */
export type Stroke = readonly Point[];

export interface StrokeInputOptions extends DrawingOptions {
  /** the side of the square the strokes are painted on before drawingToInput; default 280 */
  canvas?: number;
  /** the larger side of the drawing once rescaled; default 200 (of 280) */
  extent?: number;
  /** the pen's width on that canvas; default 20, a tenth of the extent */
  pen?: number;
  /** the smallest side the drawing is taken to have, in the strokes' own units, so that a dot is not blown up; default 8 */
  minSide?: number;
}

/** The bounding box of all points, or undefined for no points. */
export function strokesBounds(strokes: readonly Stroke[]): { x0: number; y0: number; x1: number; y1: number } | undefined {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const s of strokes) {
    for (const p of s) {
      x0 = Math.min(x0, p.x);
      y0 = Math.min(y0, p.y);
      x1 = Math.max(x1, p.x);
      y1 = Math.max(y1, p.y);
    }
  }
  return x1 < x0 ? undefined : { x0, y0, x1, y1 };
}

/**
 * The strokes moved and scaled so that the larger side of their bounding box is `extent`, centred on a
 * `canvas`×`canvas` square (aspect kept). A drawing smaller than `minSide` is scaled as if it were `minSide`.
 */
export function normalizeStrokes(strokes: readonly Stroke[], canvas = 280, extent = 200, minSide = 8): Stroke[] {
  const b = strokesBounds(strokes);
  if (b === undefined) return [];
  const side = Math.max(b.x1 - b.x0, b.y1 - b.y0, minSide);
  const k = extent / side;
  const cx = (b.x0 + b.x1) / 2;
  const cy = (b.y0 + b.y1) / 2;
  return strokes.map((s) => s.map((p) => ({ x: canvas / 2 + (p.x - cx) * k, y: canvas / 2 + (p.y - cy) * k })));
}

/**
 * Paints strokes with a round pen of width `pen` on a w×h grid: each pixel's ink is its coverage by the pen
 * (1 inside, fading to 0 over one pixel at the edge), the largest over all segments. Row-major, values in [0, 1].
 */
export function paintStrokes(strokes: readonly Stroke[], w: number, h: number, pen: number): Float64Array {
  const ink = new Float64Array(w * h);
  const r = pen / 2;
  for (const s of strokes) {
    if (s.length === 0) continue;
    for (let i = 0; i < Math.max(1, s.length - 1); i++) {
      const a = s[i];
      const b = s[Math.min(i + 1, s.length - 1)];
      paintSegment(ink, w, h, a, b, r);
    }
  }
  return ink;
}

function paintSegment(ink: Float64Array, w: number, h: number, a: Point, b: Point, r: number): void {
  const reach = r + 0.5;
  const xa = Math.max(0, Math.floor(Math.min(a.x, b.x) - reach));
  const xb = Math.min(w - 1, Math.ceil(Math.max(a.x, b.x) + reach));
  const ya = Math.max(0, Math.floor(Math.min(a.y, b.y) - reach));
  const yb = Math.min(h - 1, Math.ceil(Math.max(a.y, b.y) + reach));
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len2 = dx * dx + dy * dy;
  for (let y = ya; y <= yb; y++) {
    const py = y + 0.5;
    for (let x = xa; x <= xb; x++) {
      const px = x + 0.5;
      // distance from the pixel's centre to the segment
      let t = len2 > 0 ? ((px - a.x) * dx + (py - a.y) * dy) / len2 : 0;
      t = t < 0 ? 0 : t > 1 ? 1 : t;
      const ex = px - (a.x + t * dx);
      const ey = py - (a.y + t * dy);
      const d = Math.sqrt(ex * ex + ey * ey);
      const cover = Math.min(1, Math.max(0, reach - d));
      if (cover > ink[y * w + x]) ink[y * w + x] = cover;
    }
  }
}

/**
 * Strokes to the network's 28×28 input (row-major, [0, 1]), whatever size they were drawn at: normalised, painted
 * with a pen a tenth of the drawing's size, then cropped, scaled into 20×20 and centred by mass as MNIST's digits
 * were. Undefined when there is nothing drawn.
 */
export function strokesToInput(strokes: readonly Stroke[], options: StrokeInputOptions = {}): Float64Array | undefined {
  const canvas = options.canvas ?? 280;
  const extent = options.extent ?? 200;
  const pen = options.pen ?? extent / 10;
  const normal = normalizeStrokes(strokes, canvas, extent, options.minSide ?? 8);
  if (normal.length === 0) return undefined;
  return drawingToInput(paintStrokes(normal, canvas, canvas, pen), canvas, canvas, options);
}
