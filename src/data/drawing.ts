/**
 * A hand-drawn digit to the network's input, the way MNIST's digits were made (LeCun et al.: "the images were
 * size normalized to fit in a 20x20 pixel box while preserving their aspect ratio … centered in a 28x28 image by
 * computing the center of mass of the pixels"): crop to the ink, scale the larger side to 20 pixels by area
 * averaging, and place the result in a 28×28 frame with its center of mass at the center. Intensities stay in
 * [0, 1], as the training data's.
 */

export interface DrawingOptions {
  /** the frame's side; default 28 */
  frame?: number;
  /** the side of the box the ink is scaled into; default 20 */
  box?: number;
  /** ink threshold for the crop; default 0.05 */
  threshold?: number;
}

/**
 * `pixels`: w×h intensities in [0, 1], row-major (1 = ink). Returns frame×frame intensities, row-major, or
 * undefined when there is no ink.
 */
export function drawingToInput(pixels: ArrayLike<number>, w: number, h: number, options: DrawingOptions = {}): Float64Array | undefined {
  const frame = options.frame ?? 28;
  const box = options.box ?? 20;
  const thr = options.threshold ?? 0.05;
  let x0 = w;
  let y0 = h;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (pixels[y * w + x] > thr) {
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x);
        y0 = Math.min(y0, y);
        y1 = Math.max(y1, y);
      }
    }
  }
  if (x1 < 0) return undefined;
  const bw = x1 - x0 + 1;
  const bh = y1 - y0 + 1;
  const scale = box / Math.max(bw, bh);
  const tw = Math.max(1, Math.round(bw * scale));
  const th = Math.max(1, Math.round(bh * scale));
  // area-average downsampling: each target pixel averages the source pixels its footprint covers (fractionally)
  const small = new Float64Array(tw * th);
  const sx = bw / tw;
  const sy = bh / th;
  for (let ty = 0; ty < th; ty++) {
    const fy0 = y0 + ty * sy;
    const fy1 = fy0 + sy;
    for (let tx = 0; tx < tw; tx++) {
      const fx0 = x0 + tx * sx;
      const fx1 = fx0 + sx;
      let sum = 0;
      let area = 0;
      for (let y = Math.floor(fy0); y < Math.ceil(fy1); y++) {
        const wy = Math.min(fy1, y + 1) - Math.max(fy0, y);
        if (wy <= 0) continue;
        for (let x = Math.floor(fx0); x < Math.ceil(fx1); x++) {
          const wx = Math.min(fx1, x + 1) - Math.max(fx0, x);
          if (wx <= 0) continue;
          sum += pixels[y * w + x] * wx * wy;
          area += wx * wy;
        }
      }
      small[ty * tw + tx] = area > 0 ? Math.min(1, sum / area) : 0;
    }
  }
  // center of mass of the small image, then the shift that puts it at the frame's center
  let mass = 0;
  let cx = 0;
  let cy = 0;
  for (let y = 0; y < th; y++) {
    for (let x = 0; x < tw; x++) {
      const v = small[y * tw + x];
      mass += v;
      cx += v * (x + 0.5);
      cy += v * (y + 0.5);
    }
  }
  cx /= mass;
  cy /= mass;
  const ox = Math.round(frame / 2 - cx);
  const oy = Math.round(frame / 2 - cy);
  const out = new Float64Array(frame * frame);
  for (let y = 0; y < th; y++) {
    const fy = y + oy;
    if (fy < 0 || fy >= frame) continue;
    for (let x = 0; x < tw; x++) {
      const fx = x + ox;
      if (fx < 0 || fx >= frame) continue;
      out[fy * frame + fx] = small[y * tw + x];
    }
  }
  return out;
}
