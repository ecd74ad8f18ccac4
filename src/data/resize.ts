/**
 * Image resizing as MATLAB's `imresize` does it by default: bicubic (Keys' kernel, a = -0.5) with antialiasing
 * when shrinking (the kernel is stretched by 1/scale, so every source pixel contributes), and symmetric padding at
 * the borders. The course's 20×20 digits were made from MNIST's 28×28 this way, so a 28×28 picture (a drawing, a
 * shipped digit) becomes what a network trained on the course's data expects.
 *
 * Written here because no maintained JavaScript package reproduces imresize's numbers (canvas and image libraries
 * use other kernels or no antialiasing); the test checks it against the course's data rebuilt from MNIST.
 */
import { Matrix } from '../linalg/matrix.js';

/** Keys' cubic convolution kernel with a = -0.5 (MATLAB's 'bicubic'). */
function cubic(x: number): number {
  const a = Math.abs(x);
  const a2 = a * a;
  const a3 = a2 * a;
  if (a <= 1) return 1.5 * a3 - 2.5 * a2 + 1;
  if (a <= 2) return -0.5 * a3 + 2.5 * a2 - 4 * a + 2;
  return 0;
}

/** The source indices and weights of each output index along one dimension (MATLAB's `contributions`). */
interface Contributions {
  /** taps per output */
  taps: number;
  /** out×taps source indices (0-based, already reflected into range) */
  index: Int32Array;
  /** out×taps weights, each row summing to 1 */
  weight: Float64Array;
}

function contributions(inLength: number, outLength: number): Contributions {
  const scale = outLength / inLength;
  const shrink = scale < 1;
  const width = shrink ? 4 / scale : 4;
  const taps = Math.ceil(width) + 2;
  const index = new Int32Array(outLength * taps);
  const weight = new Float64Array(outLength * taps);
  // symmetric padding: 1..n, n..1, repeated
  const period = 2 * inLength;
  const reflect = (i: number) => {
    const r = ((i % period) + period) % period;
    return r < inLength ? r : period - 1 - r;
  };
  for (let o = 0; o < outLength; o++) {
    // 1-based as in MATLAB: the output pixel o+1 maps to u in the input's coordinates
    const u = (o + 1) / scale + 0.5 * (1 - 1 / scale);
    const left = Math.floor(u - width / 2);
    let sum = 0;
    for (let t = 0; t < taps; t++) {
      const j = left + t; // 1-based input index
      const w = shrink ? scale * cubic(scale * (u - j)) : cubic(u - j);
      weight[o * taps + t] = w;
      index[o * taps + t] = reflect(j - 1);
      sum += w;
    }
    for (let t = 0; t < taps; t++) weight[o * taps + t] /= sum;
  }
  return { taps, index, weight };
}

/**
 * `pixels`: an inH×inW picture, row-major. Returns it resized to outH×outW, row-major. Rows are resized first,
 * then columns, as imresize does when both scales are equal; values are not clamped (bicubic overshoots a little:
 * the course's digits range from -0.13 to 1.13).
 */
export function resizeImage(pixels: ArrayLike<number>, inH: number, inW: number, outH: number, outW: number): Float64Array {
  if (pixels.length !== inH * inW) throw new RangeError(`a ${inH}×${inW} picture has ${inH * inW} pixels, not ${pixels.length}`);
  const byRow = contributions(inH, outH);
  const byCol = contributions(inW, outW);
  // Which dimension first: the one that shrinks more (MATLAB's order), rows on a tie.
  const rowsFirst = outH / inH <= outW / inW;
  if (rowsFirst) {
    const mid = resizeRows(pixels, inH, inW, outH, byRow);
    return resizeCols(mid, outH, inW, outW, byCol);
  }
  const mid = resizeCols(pixels, inH, inW, outW, byCol);
  return resizeRows(mid, inH, outW, outH, byRow);
}

/** h×w → outH×w along the first dimension. */
function resizeRows(src: ArrayLike<number>, _h: number, w: number, outH: number, c: Contributions): Float64Array {
  const out = new Float64Array(outH * w);
  for (let o = 0; o < outH; o++) {
    for (let t = 0; t < c.taps; t++) {
      const wt = c.weight[o * c.taps + t];
      if (wt === 0) continue;
      const r = c.index[o * c.taps + t];
      for (let x = 0; x < w; x++) out[o * w + x] += wt * src[r * w + x];
    }
  }
  return out;
}

/** h×w → h×outW along the second dimension. */
function resizeCols(src: ArrayLike<number>, h: number, w: number, outW: number, c: Contributions): Float64Array {
  const out = new Float64Array(h * outW);
  for (let y = 0; y < h; y++) {
    for (let o = 0; o < outW; o++) {
      let s = 0;
      for (let t = 0; t < c.taps; t++) {
        const wt = c.weight[o * c.taps + t];
        if (wt === 0) continue;
        s += wt * src[y * w + c.index[o * c.taps + t]];
      }
      out[y * outW + o] = s;
    }
  }
  return out;
}

/** A row-major h×w picture unrolled column by column (the course's MATLAB layout; Matrix.fromColumnMajor reads it back). */
export function transposeImage(pixels: ArrayLike<number>, h: number, w: number): Float64Array {
  return new Matrix(h, w, Float64Array.from(pixels)).toColumnMajor();
}

/**
 * A 28×28 row-major picture (MNIST's layout: a drawing, a shipped digit) in the layout of another image input:
 * resized as imresize does (the course's 20×20 digits were made so from MNIST's), then unrolled by rows or by
 * columns as `order` says. The 28×28 row-major layout itself comes back as a copy.
 */
export function fromMnistLayout(pixels: ArrayLike<number>, image: { height: number; width: number; order: 'row-major' | 'column-major' }): Float64Array {
  const sized = image.height === 28 && image.width === 28 ? Float64Array.from(pixels) : resizeImage(pixels, 28, 28, image.height, image.width);
  return image.order === 'column-major' ? transposeImage(sized, image.height, image.width) : sized;
}
