/**
 * Writing pictures (Node): the format follows the file's extension, and every write is atomic.
 */
import { extname } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { checkExtension, writeFileAtomic } from '../data/files.js';
import type { Raster } from './raster.js';

// The renderers (Vega, resvg, pngjs) are loaded on first use: they take longer to load than a training run on the
// fast backend, and most runs draw nothing or draw at the end.

/** Saves a chart as .svg or .png (rendered at twice its size). */
export async function saveChart(spec: TopLevelSpec, path: string): Promise<void> {
  checkExtension('the chart', path, ['.png', '.svg']);
  const { chartToSvg } = await import('./render.js');
  const svg = await chartToSvg(spec);
  if (extname(path).toLowerCase() === '.svg') {
    writeFileAtomic(path, svg);
  } else {
    const { svgToPng } = await import('./png.js');
    writeFileAtomic(path, svgToPng(svg));
  }
}

/** Saves a grey raster as PNG, each pixel magnified `scale` times (`instead`: see rasterToPng). */
export async function saveRaster(r: Raster, path: string, scale = 1, instead?: string): Promise<void> {
  checkExtension('the picture', path, ['.png']);
  const { rasterToPng } = await import('./png.js');
  writeFileAtomic(path, rasterToPng(r, scale, instead));
}
