/**
 * PNG encoding with pngjs (Node), for rasters and for charts rendered from SVG by resvg.
 */
import { PNG } from 'pngjs';
import { Resvg } from '@resvg/resvg-js';
import { toGreyBytes, type Raster } from './raster.js';
import { ValueError } from '../errors.js';
import { checkMemory, memoryAdvice } from '../memory.js';

/**
 * PNG bytes of a grey raster ([-1, 1] → black…white), magnified `scale` times; `instead` is what a refusal for
 * memory advises (display: a smaller --scale or --count).
 */
export function rasterToPng(r: Raster, scale = 1, instead?: string): Uint8Array {
  if (!Number.isInteger(scale) || scale < 1) throw new ValueError(`the scale must be a whole number >= 1, got ${scale}`);
  const width = r.width * scale;
  const height = r.height * scale;
  // a byte a pixel, then the encoder's filtered rows and its compressed output: about 4 bytes a pixel in all
  checkMemory(`a ${width}×${height} picture`, 4 * width * height, memoryAdvice(instead));
  // grey bytes first, then magnified: a byte per pixel of the big picture, not a float64
  const grey = magnifyBytes(toGreyBytes(r), r.width, r.height, scale);
  // Colour type 0 (greyscale, 8 bits): a third of the size of RGB and exactly what imagesc with a grey map shows.
  const png = new PNG({ width, height, colorType: 0, inputColorType: 0, inputHasAlpha: false });
  png.data = Buffer.from(grey.buffer, grey.byteOffset, grey.byteLength);
  return new Uint8Array(PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false }));
}

/** Grey bytes of a w×h picture magnified `scale` times (each pixel a scale×scale block). */
function magnifyBytes(grey: Uint8Array, w: number, h: number, scale: number): Uint8Array {
  if (scale === 1) return grey;
  const W = w * scale;
  const out = new Uint8Array(W * h * scale);
  for (let y = 0; y < h * scale; y++) {
    const src = Math.floor(y / scale) * w;
    for (let x = 0; x < W; x++) out[y * W + x] = grey[src + Math.floor(x / scale)];
  }
  return out;
}

/** PNG bytes of an SVG picture (a chart), rendered at `zoom` times its size on white. */
export function svgToPng(svg: string, zoom = 2): Uint8Array {
  const resvg = new Resvg(svg, {
    background: 'white',
    fitTo: { mode: 'zoom', value: zoom },
    // System fonts where there are any; the charts name generic families, so any sans-serif font will do.
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
  });
  return new Uint8Array(resvg.render().asPng());
}
