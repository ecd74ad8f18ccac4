/**
 * Charts as Vega-Lite specifications (vega.github.io/vega-lite): cost curves, the learning-rate comparison,
 * the λ × iterations sweep and the confusion matrix. Specs are plain data, so the same chart renders in Node
 * (./render.ts: SVG, and PNG through resvg) and in the browser (vega-embed).
 */
import type { TopLevelSpec } from 'vega-lite';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const FONT = 'DejaVu Sans, Helvetica, Arial, sans-serif';
const config = {
  font: FONT,
  view: { stroke: 'transparent' },
  axis: { labelFontSize: 12, titleFontSize: 13, grid: true, gridColor: '#e4e4e4' },
  legend: { labelFontSize: 12, titleFontSize: 13 },
  title: { fontSize: 15, anchor: 'start' as const },
};

export interface CostSeries {
  /** the legend's name for this curve */
  name: string;
  /** cost after iteration 1, 2, … */
  costs: ArrayLike<number>;
}

/**
 * Cost against iteration, one line per series (one for a training run; one per learning rate for the Oslo
 * exercise's "see how the convergence changes if you use a learning rate of 0.01, 0.1, 1 or 3"). A log scale
 * on the cost shows slow and fast convergence alike; non-finite costs (a diverging run) are left out.
 */
export function costChart(series: readonly CostSeries[], options: { title: string; seriesTitle?: string }): TopLevelSpec {
  const values: { iteration: number; cost: number; series: string }[] = [];
  let positive = true;
  for (const s of series) {
    for (let i = 0; i < s.costs.length; i++) {
      const cost = s.costs[i];
      if (!Number.isFinite(cost)) continue;
      if (cost <= 0) positive = false;
      values.push({ iteration: i + 1, cost, series: s.name });
    }
  }
  return {
    $schema: SCHEMA,
    title: options.title,
    width: 520,
    height: 320,
    config,
    data: { values },
    mark: { type: 'line', strokeWidth: 2, clip: true },
    encoding: {
      x: { field: 'iteration', type: 'quantitative', title: 'iteration', axis: { tickMinStep: 1 } },
      y: { field: 'cost', type: 'quantitative', title: 'cost J(Θ)', scale: positive ? { type: 'log' } : { zero: false } },
      ...(series.length > 1
        ? { color: { field: 'series', type: 'nominal', title: options.seriesTitle ?? 'series', sort: series.map((s) => s.name) } }
        : {}),
    },
  };
}

export interface SweepRow {
  lambda: number;
  maxIter: number;
  trainAccuracy: number;
  testAccuracy: number;
  trainCost: number;
  testCost: number;
}

/**
 * The notebook's "final analysis": accuracy against training iterations, one colour per λ, the training set
 * solid and the held-out set dashed. Where the solid line climbs away from its dashed twin, the network
 * overfits.
 */
export function sweepChart(rows: readonly SweepRow[], options: { title: string }): TopLevelSpec {
  const values = rows.flatMap((r) => [
    { lambda: `λ = ${r.lambda}`, maxIter: r.maxIter, set: 'training', accuracy: r.trainAccuracy },
    { lambda: `λ = ${r.lambda}`, maxIter: r.maxIter, set: 'held-out', accuracy: r.testAccuracy },
  ]);
  const lambdas = [...new Set(rows.map((r) => r.lambda))].sort((a, b) => a - b).map((l) => `λ = ${l}`);
  const iters = [...new Set(rows.map((r) => r.maxIter))];
  const logX = iters.length > 2 && Math.min(...iters) > 0 && Math.max(...iters) / Math.min(...iters) >= 10;
  return {
    $schema: SCHEMA,
    title: options.title,
    width: 520,
    height: 340,
    config,
    data: { values },
    mark: { type: 'line', point: true, strokeWidth: 2 },
    encoding: {
      x: {
        field: 'maxIter',
        type: 'quantitative',
        title: 'iterations (MaxIter)',
        scale: logX ? { type: 'log' } : {},
        axis: { values: iters },
      },
      y: { field: 'accuracy', type: 'quantitative', title: 'accuracy (%)', scale: { zero: false } },
      color: { field: 'lambda', type: 'ordinal', title: 'regularization', sort: lambdas, scale: { scheme: 'viridis' } },
      strokeDash: { field: 'set', type: 'nominal', title: 'data', sort: ['training', 'held-out'] },
      shape: { field: 'set', type: 'nominal', title: 'data', sort: ['training', 'held-out'] },
    },
  };
}

/**
 * A confusion matrix: counts of (true label, predicted label) as a heat map with the count in each cell.
 * `counts[t][p]` is the number of examples of class t predicted as p; `names` label the classes.
 */
export function confusionChart(counts: readonly (readonly number[])[], names: readonly string[], options: { title: string }): TopLevelSpec {
  const values = counts.flatMap((row, t) =>
    row.map((count, p) => ({ actual: names[t], predicted: names[p], count, diagonal: t === p })),
  );
  const max = Math.max(1, ...values.map((v) => v.count));
  const side = Math.max(240, 36 * names.length);
  return {
    $schema: SCHEMA,
    title: options.title,
    width: side,
    height: side,
    config: { ...config, axis: { ...config.axis, grid: false } },
    data: { values },
    encoding: {
      x: { field: 'predicted', type: 'ordinal', sort: [...names], title: 'predicted label', axis: { labelAngle: 0 } },
      y: { field: 'actual', type: 'ordinal', sort: [...names], title: 'true label' },
    },
    layer: [
      {
        mark: 'rect',
        encoding: {
          color: { field: 'count', type: 'quantitative', title: 'examples', scale: { scheme: 'blues', type: 'sqrt', domain: [0, max] } },
        },
      },
      {
        mark: { type: 'text', fontSize: 11 },
        encoding: {
          text: { field: 'count', type: 'quantitative' },
          color: { condition: { test: `datum.count > ${max * 0.45}`, value: 'white' }, value: 'black' },
        },
      },
    ],
  };
}
