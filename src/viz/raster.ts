/**
 * Grey pictures of data: the course's `displayData` grid and the hidden-unit images, as values in [-1, 1]
 * (Octave: `colormap(gray); imagesc(display_array, [-1 1])`), and their encoding as PNG bytes.
 */
import { ValueError } from '../errors.js';
import type { ImageShape } from '../data/dataset.js';
import { Matrix } from '../linalg/matrix.js';

/** A grey picture, one value per pixel, row-major, -1 black … 1 white. */
export interface Raster {
  width: number;
  height: number;
  data: Float64Array;
}

/**
 * The course's `displayData(X)`: the rows of X as images in a grid with 1 pixel of padding, background -1,
 * each image divided by its largest absolute value; rows = floor(√m), columns = ceil(m / rows).
 * `image` says how a row is unrolled (column-major for the course's `.mat` files, row-major for MNIST).
 * Implements ex4 section 1.1, "Visualizing the data" (see [the course map](../../docs/course.md)).
 */
export function displayData(X: Matrix, image: ImageShape): Raster {
  const m = X.rows;
  const { width: w, height: h } = image;
  if (w * h !== X.cols) throw new ValueError(`rows of ${X.cols} values cannot be drawn as ${h}×${w} images`);
  if (m === 0) throw new ValueError('there are no images to draw');
  const pad = 1;
  const gridRows = Math.floor(Math.sqrt(m));
  const gridCols = Math.ceil(m / gridRows);
  const width = pad + gridCols * (w + pad);
  const height = pad + gridRows * (h + pad);
  const data = new Float64Array(width * height).fill(-1);
  const x = X.data;
  for (let ex = 0; ex < m; ex++) {
    const gr = Math.floor(ex / gridCols);
    const gc = ex % gridCols;
    const base = ex * X.cols;
    let max = 0;
    for (let p = 0; p < X.cols; p++) max = Math.max(max, Math.abs(x[base + p]));
    // A blank image stays 0 (mid grey) rather than 0/0.
    const scale = max > 0 ? 1 / max : 0;
    const top = pad + gr * (h + pad);
    const left = pad + gc * (w + pad);
    for (let r = 0; r < h; r++) {
      for (let c = 0; c < w; c++) {
        const p = image.order === 'column-major' ? c * h + r : r * w + c;
        data[(top + r) * width + left + c] = x[base + p] * scale;
      }
    }
  }
  return { width, height, data };
}

/** Grey levels 0..255 of a raster, mapping [lo, hi] linearly and clamping outside (imagesc with limits). */
export function toGreyBytes(r: Raster, lo = -1, hi = 1): Uint8Array {
  const out = new Uint8Array(r.width * r.height);
  const s = 255 / (hi - lo);
  for (let i = 0; i < out.length; i++) {
    const v = Math.round((r.data[i] - lo) * s);
    out[i] = v < 0 ? 0 : v > 255 ? 255 : v;
  }
  return out;
}

/** A raster magnified by a whole factor (each pixel becomes a `scale`×`scale` block; crisp pixels). */
export function magnify(r: Raster, scale: number): Raster {
  if (!Number.isInteger(scale) || scale < 1) throw new ValueError(`the scale must be a whole number >= 1, got ${scale}`);
  if (scale === 1) return r;
  const width = r.width * scale;
  const height = r.height * scale;
  const data = new Float64Array(width * height);
  for (let y = 0; y < height; y++) {
    const src = Math.floor(y / scale) * r.width;
    for (let x = 0; x < width; x++) data[y * width + x] = r.data[src + Math.floor(x / scale)];
  }
  return { width, height, data };
}

/**
 * The notebook's "visualizing the hidden layer": each row of Theta1 without its bias column, drawn as an image
 * of the input (displayData(Theta1(:, 2:end))).
 * Implements ex4 section 3, "Visualizing the hidden layer" (see [the course map](../../docs/course.md)).
 */
export function hiddenUnitsRaster(Theta1: Matrix, image: ImageShape): Raster {
  const n = Theta1.cols - 1;
  const W = new Matrix(Theta1.rows, n);
  for (let i = 0; i < Theta1.rows; i++) W.data.set(Theta1.data.subarray(i * Theta1.cols + 1, (i + 1) * Theta1.cols), i * n);
  return displayData(W, image);
}
