/**
 * Rendering a Vega-Lite chart to SVG text, headless (no DOM, no canvas): Vega's own SVG string renderer.
 */
import type { TopLevelSpec } from 'vega-lite';

/**
 * A Vega-Lite chart as SVG text, rendered without a browser. Vega and Vega-Lite are imported on the first chart:
 * they are half a second of imports and most of a browser bundle, which a user of the network alone never needs
 * (`import { Network } from 'nnlearn'` loaded them at once).
 */
export async function chartToSvg(spec: TopLevelSpec): Promise<string> {
  const [{ compile }, { parse, View }] = await Promise.all([import('vega-lite'), import('vega')]);
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
