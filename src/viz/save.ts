/**
 * Writing pictures (Node): the format follows the file's extension, and every write is atomic.
 */
import { extname } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { UsageError } from '../errors.js';
import { writeFileAtomic } from '../data/files.js';
import type { Raster } from './raster.js';

// The renderers (Vega, resvg, pngjs) are loaded on first use: they take longer to load than a training run on the
// fast backend, and most runs draw nothing or draw at the end.

/** Checks that a picture path ends in one of `formats` (e.g. ['.png', '.svg']), for a flag named `flag`. */
export function checkPictureExtension(path: string, flag: string, formats: readonly string[]): void {
  const ext = extname(path).toLowerCase();
  if (!formats.includes(ext)) {
    throw new UsageError(`${flag}: "${path}" must end in ${formats.join(' or ')}`);
  }
}

/** Saves a chart as .svg or .png (rendered at twice its size). */
export async function saveChart(spec: TopLevelSpec, path: string): Promise<void> {
  checkPictureExtension(path, 'the chart', ['.png', '.svg']);
  const { chartToSvg } = await import('./render.js');
  const svg = await chartToSvg(spec);
  if (extname(path).toLowerCase() === '.svg') {
    writeFileAtomic(path, svg);
  } else {
    const { svgToPng } = await import('./png.js');
    writeFileAtomic(path, svgToPng(svg));
  }
}

/** Saves a grey raster as PNG, each pixel magnified `scale` times. */
export async function saveRaster(r: Raster, path: string, scale = 1): Promise<void> {
  checkPictureExtension(path, 'the picture', ['.png']);
  const { rasterToPng } = await import('./png.js');
  writeFileAtomic(path, rasterToPng(r, scale));
}
