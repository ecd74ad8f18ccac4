/**
 * PNG encoding with pngjs (Node), for rasters and for charts rendered from SVG by resvg.
 */
import { PNG } from 'pngjs';
import { Resvg } from '@resvg/resvg-js';
import { magnify, toGreyBytes, type Raster } from './raster.js';

/** PNG bytes of a grey raster ([-1, 1] → black…white), magnified `scale` times. */
export function rasterToPng(r: Raster, scale = 1): Uint8Array {
  const big = magnify(r, scale);
  const grey = toGreyBytes(big);
  // Colour type 0 (greyscale, 8 bits): a third of the size of RGB and exactly what imagesc with a grey map shows.
  const png = new PNG({ width: big.width, height: big.height, colorType: 0, inputColorType: 0, inputHasAlpha: false });
  png.data = Buffer.from(grey.buffer, grey.byteOffset, grey.byteLength);
  return new Uint8Array(PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false }));
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
