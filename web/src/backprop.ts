/**
 * Step through backpropagation on one digit: the notebook's steps 1-5 (ex4 2.3) on the page's real network, one
 * matrix at a time, each with its shape, the documents' formula, a picture and its numbers. At the end, the
 * gradient D of this one example is checked against the library's nnCostFunction (the vectorized cost function of
 * the Spanish lecture's "implementación vectorizada") run on the same example: they agree to 1e-12.
 */
import { Matrix } from '../../src/linalg/matrix.js';
import { backpropTrace, type BackpropTrace, type TraceStep } from '../../src/nn/backprop-trace.js';
import { costFunction, nnCostFunction } from '../../src/nn/cost.js';
import type { Network } from '../../src/nn/network.js';
import { digitPixels, pageDigits } from './digits.js';
import { cannotRead, imageOf } from './model.js';
import { fromMnistLayout } from '../../src/data/resize.js';
import type { Reading } from './draw.js';
import { unitOfDigit } from '../../src/data/labels.js';

const $ = <T extends HTMLElement>(sel: string) => document.querySelector<T>(sel)!;

/** What a test reads back: the example, the weights and the page's D, to check them against nnCostFunction itself. */
export interface BackpropProbe {
  sizes: number[];
  params: number[];
  input: number[];
  /** the example's label in the network's convention (the course's: 1..10, 10 for the digit 0) */
  label: number;
  labels: 'course' | 'zero-based';
  lambda: number;
  activation: string;
  output: string;
  grad: number[];
  shapes: string[];
}

const STEP_TITLES = ['', 'Step 1 · forward pass', 'Step 2 · the output’s error', 'Step 3 · errors sent back', 'Step 4 · gradient contributions', 'Step 5 · the gradient'];

function fmt(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e-3 && a < 1e4 ? String(Number(v.toFixed(4))) : v.toExponential(3);
}

/** Diverging colours: blue below zero, orange above, pale at zero; `v` in [-1, 1]. */
function diverging(v: number): [number, number, number] {
  const t = Math.max(-1, Math.min(1, v));
  const base: [number, number, number] = [236, 238, 242];
  const end: [number, number, number] = t < 0 ? [37, 99, 235] : [234, 88, 12];
  const k = Math.abs(t) ** 0.7;
  return [0, 1, 2].map((i) => Math.round(base[i] + (end[i] - base[i]) * k)) as [number, number, number];
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

export function setUpBackprop(getNet: () => Network | undefined, getReading: () => Reading | undefined): { refresh: () => void } {
  const sourceSel = $<HTMLSelectElement>('#bp-source');
  const indexInput = $<HTMLInputElement>('#bp-index');
  const labelSel = $<HTMLSelectElement>('#bp-label');
  const stepEl = $<HTMLElement>('[data-testid="backprop-step"]');
  const chips = $<HTMLElement>('#bp-steps');
  const prev = $<HTMLButtonElement>('#bp-prev');
  const next = $<HTMLButtonElement>('#bp-next');
  const note = $<HTMLElement>('#bp-note');
  const lambdaInput = $<HTMLInputElement>('#bp-lambda');
  let trace: (BackpropTrace & { net: Network; input: Float64Array; lambda: number; check: number }) | undefined;
  let at = 0;

  for (let d = 0; d < 10; d++) labelSel.append(new Option(String(d), String(d)));
  const syncSource = () => {
    indexInput.disabled = sourceSel.value !== 'data';
    indexInput.closest('label')!.classList.toggle('off', indexInput.disabled);
  };
  sourceSel.addEventListener('change', syncSource);
  syncSource();

  async function example(): Promise<{ picture: Float64Array; digit: number; what: string } | undefined> {
    if (sourceSel.value === 'data') {
      note.textContent = 'fetching the digits…';
      const d = await pageDigits();
      const i = Math.max(0, Math.min(d.test.count - 1, Number(indexInput.value) - 1 || 0));
      indexInput.value = String(i + 1);
      return { picture: digitPixels(d.test, i), digit: d.test.labels[i], what: `test digit ${i + 1} (a ${d.test.labels[i]})` };
    }
    const r = getReading();
    if (r === undefined) return undefined;
    return { picture: r.picture, digit: r.source.kind === 'data' ? r.source.label : r.digit, what: r.source.kind === 'data' ? `the digit on the canvas (test digit ${r.source.index + 1})` : 'the digit on the canvas' };
  }

  async function start(keepLabel: boolean): Promise<void> {
    const net = getNet();
    if (net === undefined || cannotRead(net) !== undefined) {
      note.textContent = 'The step-through needs a model that reads digits.';
      return;
    }
    const ex = await example();
    if (ex === undefined) {
      note.textContent = 'Draw a digit first, or choose a test digit.';
      return;
    }
    if (!keepLabel) labelSel.value = String(ex.digit);
    const digit = Number(labelSel.value);
    const input = fromMnistLayout(ex.picture, imageOf(net)!);
    const lambda = Number(lambdaInput.value);
    if (!(lambda >= 0 && Number.isFinite(lambda))) {
      note.textContent = 'λ must be a number of at least 0.';
      return;
    }
    const t = backpropTrace(net.sizes, net.params, input, unitOfDigit(digit, net.labels), { lambda, architecture: net.architecture });
    const check = gradientCheck(net, input, digit, lambda, t.grad);
    trace = { ...t, net, input, lambda, check };
    note.textContent = `${ex.what}, the right answer y = ${digit}; network ${net.sizes.join('-')} (${net.activation}, ${net.output} output), λ = ${lambda}. J for this example: ${t.cost.toFixed(6)}.`;
    at = Math.min(at, t.steps.length - 1);
    renderChips();
    render();
  }

  /** The library's own gradient for this one example: nnCostFunction for the course's network, else costFunction. */
  function gradientCheck(net: Network, input: Float64Array, digit: number, lambda: number, grad: Float64Array): number {
    const X = new Matrix(1, input.length, input);
    const unit = unitOfDigit(digit, net.labels);
    const label = net.labels === 'course' ? unit + 1 : unit;
    const ref =
      net.activation === 'sigmoid' && net.output === 'sigmoid'
        ? nnCostFunction(net.params, net.sizes[0], net.sizes.slice(1, -1), net.numLabels, X, [label], lambda, { labels: net.labels })[1]
        : costFunction(net.sizes, net.params, X, [unit], lambda, { architecture: net.architecture }).grad;
    let worst = 0;
    for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(ref[i] - grad[i]));
    return worst;
  }

  function renderChips(): void {
    if (trace === undefined) return;
    chips.replaceChildren(
      ...trace.steps.map((s, i) => {
        const b = document.createElement('button');
        b.type = 'button';
        b.textContent = s.name;
        b.title = `${STEP_TITLES[s.step]}: ${s.name}`;
        b.addEventListener('click', () => {
          at = i;
          render();
        });
        return b;
      }),
    );
  }

  function render(): void {
    if (trace === undefined) return;
    const s = trace.steps[at];
    const shape = `${s.value.rows}×${s.value.cols}`;
    stepEl.dataset.index = String(at);
    stepEl.dataset.count = String(trace.steps.length);
    stepEl.dataset.name = s.name;
    stepEl.dataset.shape = shape;
    stepEl.dataset.step = String(s.step);
    $<HTMLElement>('#bp-title-step').textContent = `${STEP_TITLES[s.step]} — ${s.name}`;
    $<HTMLElement>('#bp-formula').textContent = s.formula;
    $<HTMLElement>('#bp-shape').textContent = `shape ${shape}${s.weightShaped ? `, the shape of Θ(${s.layer})` : s.value.cols === 1 ? ' (a column vector)' : ''}`;
    $<HTMLElement>('#bp-about').textContent = s.about;
    drawStep(s);
    showNumbers(s);
    const check = $<HTMLElement>('[data-testid="backprop-check"]');
    if (s.step === 5) {
      check.dataset.maxDifference = String(trace.check);
      check.textContent =
        `Check: the largest difference between D and nnCostFunction’s gradient for this one example, over all ${trace.grad.length.toLocaleString('en')} entries, ` +
        `is ${trace.check.toExponential(2)} (${trace.check <= 1e-12 ? 'within 1e-12 ✓' : 'more than 1e-12 ✗'}).`;
    } else {
      check.textContent = '';
    }
    chips.querySelectorAll('button').forEach((b, i) => b.setAttribute('aria-current', i === at ? 'step' : 'false'));
    prev.disabled = at === 0;
    next.disabled = at === trace.steps.length - 1;
  }

  function drawStep(s: TraceStep): void {
    const canvas = $<HTMLCanvasElement>('#bp-picture');
    const net = trace!.net;
    const image = imageOf(net)!;
    const v = s.value.data;
    const ctx = canvas.getContext('2d')!;
    const m = maxAbs(v) || 1;
    let caption: string;
    if (s.name === 'a(1)') {
      // the input as the picture it is (bias unit left out)
      paintGrid(canvas, image.height, image.width, (y, x) => {
        const p = image.order === 'column-major' ? x * image.height + y : y * image.width + x;
        const g = Math.round(255 * Math.max(0, Math.min(1, v[1 + p])));
        return [g, g, g];
      }, 8);
      caption = `the ${image.height}×${image.width} input pixels (the bias unit a0 = 1 is not drawn)`;
    } else if (s.weightShaped && s.layer === 1) {
      // each row: what this example adds to one hidden unit's weights, drawn as a picture
      const rows = s.value.rows;
      const cols = Math.ceil(Math.sqrt(rows));
      const gridRows = Math.ceil(rows / cols);
      const cell = image.width + 1;
      const W = cols * cell + 1;
      const H = gridRows * (image.height + 1) + 1;
      canvas.width = W;
      canvas.height = H;
      const img = ctx.createImageData(W, H);
      const c = s.value.cols;
      for (let u = 0; u < rows; u++) {
        const left = 1 + (u % cols) * cell;
        const top = 1 + Math.floor(u / cols) * (image.height + 1);
        for (let y = 0; y < image.height; y++) {
          for (let x = 0; x < image.width; x++) {
            const p = image.order === 'column-major' ? x * image.height + y : y * image.width + x;
            const [r, g, b] = diverging(v[u * c + 1 + p] / m);
            const o = 4 * ((top + y) * W + left + x);
            img.data[o] = r;
            img.data[o + 1] = g;
            img.data[o + 2] = b;
            img.data[o + 3] = 255;
          }
        }
      }
      ctx.putImageData(img, 0, 0);
      canvas.style.width = `${Math.min(420, W * 3)}px`;
      caption = `one picture per unit of layer 2: its row of ${s.name} without the bias column, blue negative, orange positive (largest |value| ${fmt(m)})`;
    } else if (s.weightShaped) {
      paintGrid(canvas, s.value.rows, s.value.cols, (y, x) => diverging(v[y * s.value.cols + x] / m), Math.max(4, Math.min(16, Math.floor(420 / s.value.cols))));
      caption = `${s.value.rows} rows (units of layer ${s.layer + 1}) × ${s.value.cols} columns (bias, then units of layer ${s.layer}); blue negative, orange positive (largest |value| ${fmt(m)})`;
    } else {
      const n = v.length;
      const cols = n <= 30 ? n : Math.ceil(Math.sqrt(n));
      const cellSize = n <= 30 ? 26 : Math.max(6, Math.floor(300 / cols));
      const bias = s.name.startsWith('a(');
      paintGrid(canvas, Math.ceil(n / cols), cols, (y, x) => {
        const i = y * cols + x;
        return i < n ? diverging(v[i] / m) : [0, 0, 0, 0];
      }, cellSize);
      if (bias) {
        ctx.strokeStyle = '#111';
        ctx.lineWidth = 2;
        ctx.strokeRect(1, 1, cellSize - 2, cellSize - 2);
      }
      caption = `${n} values${bias ? ', the bias unit first (outlined)' : ''}; blue negative, orange positive (largest |value| ${fmt(m)})`;
    }
    canvas.setAttribute('aria-label', `${s.name}, ${s.value.rows}×${s.value.cols}: ${caption}`);
    $<HTMLElement>('#bp-caption').textContent = caption;
  }

  function paintGrid(canvas: HTMLCanvasElement, rows: number, cols: number, colour: (y: number, x: number) => number[], cell: number): void {
    canvas.width = cols * cell;
    canvas.height = rows * cell;
    canvas.style.width = `${Math.min(canvas.width, 420)}px`;
    const ctx = canvas.getContext('2d')!;
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    const gap = cell >= 8 ? 1 : 0;
    for (let y = 0; y < rows; y++) {
      for (let x = 0; x < cols; x++) {
        const c = colour(y, x);
        if (c.length === 4 && c[3] === 0) continue;
        ctx.fillStyle = `rgb(${c[0]},${c[1]},${c[2]})`;
        ctx.fillRect(x * cell, y * cell, cell - gap, cell - gap);
      }
    }
  }

  function showNumbers(s: TraceStep): void {
    const box = $<HTMLElement>('#bp-numbers');
    const { rows, cols, data } = s.value;
    let excerpt: string;
    if (cols === 1) {
      const shown = Array.from(data.subarray(0, 12), fmt);
      excerpt = `${s.name} = [${shown.join(', ')}${rows > 12 ? `, … (${rows - 12} more)` : ''}]ᵀ`;
    } else {
      const r = Math.min(rows, 5);
      const c = Math.min(cols, 6);
      const lines = Array.from({ length: r }, (_, i) => `  ${Array.from(data.subarray(i * cols, i * cols + c), (x) => fmt(x).padStart(11)).join(' ')}${cols > c ? '  …' : ''}`);
      excerpt = `${s.name}(1:${r}, 1:${c}) =\n${lines.join('\n')}${rows > r ? '\n  …' : ''}`;
    }
    const pre = document.createElement('pre');
    pre.textContent = excerpt;
    const details = document.createElement('details');
    const summary = document.createElement('summary');
    summary.textContent = `all ${(rows * cols).toLocaleString('en')} numbers`;
    const all = document.createElement('pre');
    details.append(summary, all);
    // written only when opened: Δ(1) of a 784-25-10 network has 19,625 of them
    details.addEventListener('toggle', () => {
      if (!details.open || all.textContent !== '') return;
      const lines: string[] = [];
      for (let i = 0; i < rows; i++) lines.push(Array.from(data.subarray(i * cols, (i + 1) * cols), (x) => x.toExponential(6)).join(' '));
      all.textContent = lines.join('\n');
    });
    box.replaceChildren(pre, details);
  }

  prev.addEventListener('click', () => {
    at = Math.max(0, at - 1);
    render();
  });
  next.addEventListener('click', () => {
    if (trace === undefined) {
      void start(false);
      return;
    }
    at = Math.min(trace.steps.length - 1, at + 1);
    render();
  });
  $<HTMLButtonElement>('#bp-trace').addEventListener('click', () => {
    at = 0;
    void start(false);
  });
  labelSel.addEventListener('change', () => void start(true));
  lambdaInput.addEventListener('change', () => {
    if (trace !== undefined) void start(true);
  });
  $<HTMLElement>('#backprop-panel').addEventListener('keydown', (e) => {
    if (trace === undefined || (e.target as HTMLElement).matches('input, select')) return;
    if (e.key === 'ArrowRight') next.click();
    else if (e.key === 'ArrowLeft') prev.click();
  });

  (globalThis as { nnlearnBackprop?: () => BackpropProbe | undefined }).nnlearnBackprop = () =>
    trace === undefined
      ? undefined
      : {
          sizes: [...trace.net.sizes],
          params: Array.from(trace.net.params),
          input: Array.from(trace.input),
          label: trace.net.labels === 'course' ? trace.target + 1 : trace.target,
          labels: trace.net.labels,
          lambda: trace.lambda,
          activation: trace.net.activation,
          output: trace.net.output,
          grad: Array.from(trace.grad),
          shapes: trace.steps.map((s) => `${s.name} ${s.value.rows}×${s.value.cols}`),
        };

  return {
    /** the model changed: trace again if a trace is showing */
    refresh() {
      if (trace !== undefined) void start(true);
    },
  };
}
