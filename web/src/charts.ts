/**
 * The training panel's live charts, drawn with uPlot (a small canvas chart library made for data that grows):
 * the cost J(Θ) per iteration, the accuracy on the training and the held-out digits, and the gradient's size in
 * each layer. Loaded with the first chart, not with the page. Redrawing is cheap (a few milliseconds for a
 * thousand points), and the panel asks for it at most a few times a second.
 *
 * Colours and fonts come from the page's CSS variables, so the charts follow the light or dark theme.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { History } from './model.js';

export interface Charts {
  update(h: History): void;
  destroy(): void;
}

const css = (name: string) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

const SERIES_COLOURS = ['--c1', '--c2', '--c3', '--c4'];

function tick(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return '';
  return v >= 0.01 && v < 1e4 ? String(Number(v.toPrecision(3))) : v.toExponential(0);
}

function chart(el: HTMLElement, yLabel: string, series: string[], options: { log: boolean; range?: [number, number] }): uPlot {
  const fg = css('--fg');
  const grid = css('--grid');
  const font = '12px system-ui, "DejaVu Sans", sans-serif';
  const axis = (label: string): uPlot.Axis => ({ stroke: fg, label, labelFont: font, font, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } });
  const width = Math.max(260, Math.min(520, el.clientWidth || 460));
  return new uPlot(
    {
      width,
      height: 190,
      scales: {
        x: { time: false },
        y: options.log ? { distr: 3 } : { range: options.range ?? [0, 100] },
      },
      series: [
        { label: 'iteration' },
        ...series.map((label, i) => ({ label, stroke: css(SERIES_COLOURS[i % SERIES_COLOURS.length]), width: 2, spanGaps: false, points: { show: false } })),
      ],
      // whole iterations on the x axis
      axes: [
        { ...axis('iteration'), incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000] },
        // log axes label small values as powers of ten (uPlot's default rounds 1e-4 to "0")
        { ...axis(yLabel), size: 56, ...(options.log ? { values: (_u: uPlot, splits: number[]) => splits.map(tick) } : {}) },
      ],
      legend: { show: true, live: false },
      cursor: { show: true, drag: { x: false, y: false } },
    },
    [[], ...series.map(() => [])],
    el,
  );
}

/** The three charts in their elements; `layers` is the number of weight matrices (one gradient line each). */
export function createCharts(els: { cost: HTMLElement; accuracy: HTMLElement; gradients: HTMLElement }, layers: number): Charts {
  const cost = chart(els.cost, 'cost J(Θ)', ['training cost'], { log: true });
  const accuracy = chart(els.accuracy, 'accuracy %', ['training digits', 'held-out digits'], { log: false });
  const gradients = chart(
    els.gradients,
    'RMS of ∂J/∂Θ',
    Array.from({ length: layers }, (_, l) => `Θ(${l + 1})`),
    { log: true },
  );
  const all = [cost, accuracy, gradients];
  const resize = new ResizeObserver(() => {
    all.forEach((u, i) => {
      const el = [els.cost, els.accuracy, els.gradients][i];
      const w = Math.max(260, Math.min(520, el.clientWidth));
      if (Math.abs(w - u.width) > 4) u.setSize({ width: w, height: 190 });
    });
  });
  Object.values(els).forEach((el) => resize.observe(el));
  return {
    update(h: History) {
      // a copy of the arrays now (training goes on appending), one chart per frame (each redraw is a task)
      const x = [...h.iteration];
      const n = x.length;
      const positive = (v: number) => (v > 0 && Number.isFinite(v) ? v : null);
      const data: uPlot.AlignedData[] = [
        [x, h.cost.map(positive)],
        [x, [...h.trainAccuracy], [...h.testAccuracy]],
        // gradient sizes are known for the iterations trained here; pad the front for a loaded model's history
        [x, ...h.gradientRms.map((g) => [...new Array<null>(n - g.length).fill(null), ...g.map(positive)])],
      ];
      data.forEach((d, i) => requestAnimationFrame(() => setTimeout(() => all[i].setData(d), i)));
    },
    destroy() {
      resize.disconnect();
      all.forEach((u) => u.destroy());
    },
  };
}
