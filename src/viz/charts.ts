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

/** One cost curve of {@link costChart}. */
export interface CostSeries {
  /** the legend's name for this curve */
  name: string;
  /** cost after iteration `first`, `first` + 1, … */
  costs: ArrayLike<number>;
  /** the iteration of costs[0]: 1 (the default) for an optimizer's history, 0 when it starts with the initial cost */
  first?: number;
}

/**
 * Cost against iteration, one line per series (one for a training run; one per learning rate for the Oslo
 * exercise's "see how the convergence changes if you use a learning rate of 0.01, 0.1, 1 or 3"). A log scale
 * on the cost shows slow and fast convergence alike; non-finite costs (a diverging run) are left out.
 */
export function costChart(
  series: readonly CostSeries[],
  options: {
    title: string;
    subtitle?: string;
    seriesTitle?: string;
    /** a dashed vertical line at an iteration, labelled (the weights early stopping kept) */
    marker?: { iteration: number; label: string };
  },
): TopLevelSpec {
  const values: { iteration: number; cost: number; series: string }[] = [];
  let positive = true;
  for (const s of series) {
    for (let i = 0; i < s.costs.length; i++) {
      const cost = s.costs[i];
      if (!Number.isFinite(cost)) continue;
      if (cost <= 0) positive = false;
      values.push({ iteration: i + (s.first ?? 1), cost, series: s.name });
    }
  }
  const line = {
    data: { values },
    mark: { type: 'line' as const, strokeWidth: 2, clip: true },
    encoding: {
      x: { field: 'iteration', type: 'quantitative' as const, title: 'iteration', axis: { tickMinStep: 1 } },
      y: { field: 'cost', type: 'quantitative' as const, title: 'cost J(Θ)', scale: positive ? { type: 'log' as const } : { zero: false } },
      ...(series.length > 1
        ? { color: { field: 'series', type: 'nominal' as const, title: options.seriesTitle ?? 'series', sort: series.map((s) => s.name) } }
        : {}),
    },
  };
  const head = {
    $schema: SCHEMA,
    title: { text: options.title, ...(options.subtitle ? { subtitle: options.subtitle } : {}) },
    width: 520,
    height: 320,
    config,
  };
  const m = options.marker;
  if (m === undefined) return { ...head, ...line };
  const at = { data: { values: [{ iteration: m.iteration, label: m.label }] }, encoding: { x: { field: 'iteration', type: 'quantitative' as const } } };
  return {
    ...head,
    layer: [
      line,
      { ...at, mark: { type: 'rule' as const, strokeDash: [4, 4], color: '#555' } },
      { ...at, mark: { type: 'text' as const, align: 'left' as const, dx: 4, y: 8, color: '#333' }, encoding: { ...at.encoding, text: { field: 'label' } } },
    ],
  };
}

/** One (λ, MaxIter) of a sweep: the accuracies and costs on the training and held-out sets. */
export interface SweepRow {
  lambda: number;
  maxIter: number;
  trainAccuracy: number;
  testAccuracy: number;
  trainCost: number;
  testCost: number;
}

/**
 * The notebook's "final analysis": on the left, accuracy against training iterations, one colour per λ, the
 * training set solid and the held-out set dashed; on the right, the gap between them. Where the gap widens as
 * training goes on, the network overfits (ex4 part 3.1: "close to 100% accuracy on the training set but does
 * not as well on new examples").
 * Draws ex4 section 3.1, "Optional (ungraded) exercise" (see [the course map](../../docs/course.md)).
 */
export function sweepChart(rows: readonly SweepRow[], options: { title: string; subtitle?: string }): TopLevelSpec {
  const name = (l: number) => `λ = ${l}`;
  const values = rows.flatMap((r) => [
    { lambda: name(r.lambda), maxIter: r.maxIter, set: 'training', accuracy: r.trainAccuracy },
    { lambda: name(r.lambda), maxIter: r.maxIter, set: 'held-out', accuracy: r.testAccuracy },
  ]);
  const gaps = rows.map((r) => ({ lambda: name(r.lambda), maxIter: r.maxIter, gap: r.trainAccuracy - r.testAccuracy }));
  const lambdas = [...new Set(rows.map((r) => r.lambda))].sort((a, b) => a - b).map(name);
  const iters = [...new Set(rows.map((r) => r.maxIter))].sort((a, b) => a - b);
  const logX = iters.length > 2 && iters[0] > 0 && iters[iters.length - 1] / iters[0] >= 10;
  const x = {
    field: 'maxIter',
    type: 'quantitative' as const,
    title: 'iterations (MaxIter)',
    scale: { ...(logX ? { type: 'log' as const } : {}), domain: [iters[0], iters[iters.length - 1]], nice: false },
    axis: { values: iters, format: 'd' },
  };
  const color = {
    field: 'lambda',
    type: 'ordinal' as const,
    title: 'regularization',
    sort: lambdas,
    scale: { scheme: 'viridis' },
  };
  return {
    $schema: SCHEMA,
    title: { text: options.title, ...(options.subtitle ? { subtitle: options.subtitle } : {}) },
    config,
    hconcat: [
      {
        width: 400,
        height: 320,
        data: { values },
        title: 'accuracy (training solid, held-out dashed)',
        layer: [
          {
            mark: { type: 'line', strokeWidth: 2 },
            encoding: {
              x,
              y: { field: 'accuracy', type: 'quantitative', title: 'accuracy (%)', scale: { zero: false } },
              color,
              strokeDash: { field: 'set', type: 'nominal', title: 'data', sort: ['training', 'held-out'] },
              detail: { field: 'set' },
            },
          },
          {
            mark: { type: 'point', filled: true, size: 40 },
            encoding: {
              x,
              y: { field: 'accuracy', type: 'quantitative' },
              color,
            },
          },
        ],
      },
      {
        width: 300,
        height: 320,
        data: { values: gaps },
        title: 'overfitting: training − held-out',
        mark: { type: 'line', point: { filled: true, size: 40 }, strokeWidth: 2 },
        encoding: {
          x,
          y: { field: 'gap', type: 'quantitative', title: 'percentage points' },
          color,
        },
      },
    ],
    spacing: 40,
    resolve: { scale: { y: 'independent' } },
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
