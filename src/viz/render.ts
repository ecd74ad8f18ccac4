/**
 * Rendering a Vega-Lite chart to SVG text, headless (no DOM, no canvas): Vega's own SVG string renderer.
 */
import { compile, type TopLevelSpec } from 'vega-lite';
import { parse, View } from 'vega';

/** A Vega-Lite chart as SVG text, rendered without a browser. */
export async function chartToSvg(spec: TopLevelSpec): Promise<string> {
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
