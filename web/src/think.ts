/**
 * "See the network think": the activations of every layer for the digit on the canvas, from the input picture
 * through each hidden layer to the ten outputs (the forward pass of ex4 1.3, layer by layer). Each unit is a
 * square, brighter the more it fires; the first hidden layer's units are drawn as what they look for (their row of
 * Θ(1) as a picture, ex4 part 3), lit by how much they fire.
 */
import { Matrix } from '../../src/linalg/matrix.js';
import { fromMnistLayout } from '../../src/data/resize.js';
import { forward, Workspace } from '../../src/nn/cost.js';
import type { Network } from '../../src/nn/network.js';
import { imageOf } from './model.js';
import type { Reading } from './draw.js';
import { unitOfDigit } from '../../src/data/labels.js';

const $ = <T extends HTMLElement>(sel: string) => document.querySelector<T>(sel)!;

/** Colour of an activation in [0, 1] (dark → bright). */
function ramp(v: number): [number, number, number] {
  const t = Math.max(0, Math.min(1, v));
  // dark blue to yellow through orange: readable in light and dark themes
  return [Math.round(20 + 235 * t), Math.round(24 + 200 * t ** 1.5), Math.round(60 + 40 * (1 - t))];
}

/**
 * Units as squares in a grid (`cols` wide), brighter the more they fire, painted as one ImageData: a few hundred
 * fillRect calls with colour strings cost tens of milliseconds on a slow phone.
 */
function drawUnits(canvas: HTMLCanvasElement, values: ArrayLike<number>, max: number, cols = Math.ceil(Math.sqrt(values.length))): void {
  const n = values.length;
  const rows = Math.ceil(n / cols);
  const cell = Math.max(5, Math.min(22, Math.floor(168 / cols)));
  const gap = cell >= 8 ? 1 : 0;
  canvas.width = cols * cell;
  canvas.height = rows * cell;
  const ctx = canvas.getContext('2d')!;
  const img = ctx.createImageData(canvas.width, canvas.height);
  const d = img.data;
  for (let i = 0; i < n; i++) {
    const [r, g, b] = ramp(max > 0 ? values[i] / max : 0);
    const x0 = (i % cols) * cell;
    const y0 = Math.floor(i / cols) * cell;
    for (let y = y0; y < y0 + cell - gap; y++) {
      for (let x = x0; x < x0 + cell - gap; x++) {
        const o = 4 * (y * canvas.width + x);
        d[o] = r;
        d[o + 1] = g;
        d[o + 2] = b;
        d[o + 3] = 255;
      }
    }
  }
  ctx.putImageData(img, 0, 0);
}

/** The first hidden layer's units as their weight pictures, each lit by its activation. */
function drawDetectors(canvas: HTMLCanvasElement, net: Network, act: ArrayLike<number>, max: number): void {
  const image = imageOf(net)!;
  const T = net.thetas[0];
  const n = T.rows;
  const cols = Math.ceil(Math.sqrt(n));
  const rows = Math.ceil(n / cols);
  const side = image.width + 1;
  canvas.width = cols * side + 1;
  canvas.height = rows * (image.height + 1) + 1;
  const ctx = canvas.getContext('2d')!;
  const img = ctx.createImageData(canvas.width, canvas.height);
  for (let u = 0; u < n; u++) {
    let wmax = 0;
    for (let k = 1; k < T.cols; k++) wmax = Math.max(wmax, Math.abs(T.data[u * T.cols + k]));
    const light = max > 0 ? Math.max(0, act[u]) / max : 0;
    const left = 1 + (u % cols) * side;
    const top = 1 + Math.floor(u / cols) * (image.height + 1);
    for (let y = 0; y < image.height; y++) {
      for (let x = 0; x < image.width; x++) {
        const p = image.order === 'column-major' ? x * image.height + y : y * image.width + x;
        const w = wmax > 0 ? T.data[u * T.cols + 1 + p] / wmax : 0;
        // grey weights (as the course draws them), tinted warm by how much the unit fires
        const grey = 128 + 127 * w;
        const o = 4 * ((top + y) * canvas.width + left + x);
        img.data[o] = Math.min(255, grey * (0.35 + 0.65 * light) + 90 * light);
        img.data[o + 1] = Math.min(255, grey * (0.35 + 0.65 * light) + 40 * light);
        img.data[o + 2] = grey * (0.35 + 0.65 * light);
        img.data[o + 3] = 255;
      }
    }
  }
  ctx.putImageData(img, 0, 0);
}

export function setUpThink(): { show: (net: Network | undefined, r: Reading | undefined) => void } {
  const layersEl = $<HTMLElement>('#think-layers');
  let pending: { net: Network | undefined; r: Reading | undefined } | undefined;
  let scheduled = false;

  function render(net: Network | undefined, r: Reading | undefined): void {
    if (net === undefined || r === undefined) {
      layersEl.replaceChildren(Object.assign(document.createElement('p'), { className: 'hint', textContent: 'Draw a digit to see every layer’s activations.' }));
      return;
    }
    const L = net.sizes.length;
    const ws = new Workspace(net.sizes, 1);
    forward(net.thetas, new Matrix(1, r.input.length, r.input), ws, net.architecture);
    const figures: HTMLElement[] = [];
    const figure = (caption: string, canvas: HTMLCanvasElement, label: string) => {
      const f = document.createElement('figure');
      canvas.setAttribute('role', 'img');
      canvas.setAttribute('aria-label', label);
      const c = document.createElement('figcaption');
      c.textContent = caption;
      f.append(canvas, c);
      figures.push(f);
    };
    // input
    const input = document.createElement('canvas');
    // the picture the network gets, in its size (20×20 for the course's models), drawn row by row
    drawUnits(input, fromMnistLayout(r.picture, { ...imageOf(net)!, order: 'row-major' }), 1);
    input.classList.add('pixels');
    figure(`a(1): the ${net.sizes[0]} input pixels`, input, `Layer 1, the input: the ${net.sizes[0]} pixels of the digit`);
    for (let l = 1; l < L - 1; l++) {
      const a = ws.A[l].data;
      let max = 0;
      let on = 0;
      let best = 0;
      for (let i = 0; i < a.length; i++) {
        max = Math.max(max, a[i]);
        if (a[i] > a[best]) best = i;
      }
      const scale = net.activation === 'sigmoid' || net.activation === 'tanh' ? 1 : max;
      for (const v of a) if (v > 0.5 * scale) on++;
      const c = document.createElement('canvas');
      const detectors = l === 1 && imageOf(net) !== undefined;
      if (detectors) drawDetectors(c, net, a, scale);
      else drawUnits(c, a, scale);
      const what = net.activation === 'relu' ? `${on} of ${a.length} above half the largest (${max.toFixed(2)})` : `${on} of ${a.length} above 0.5`;
      figure(
        `a(${l + 1}): ${a.length} ${net.activation} units${detectors ? ', each drawn as the picture it responds to' : ''}`,
        c,
        `Layer ${l + 1}, hidden: ${what}; the strongest is unit ${best + 1} at ${a[best].toFixed(2)}`,
      );
    }
    const out = ws.A[L - 1].data;
    const byDigit = Array.from({ length: 10 }, (_, d) => out[unitOfDigit(d, net.labels)]);
    const c = document.createElement('canvas');
    drawUnits(c, byDigit, 1, 10);
    figure(`h = a(${L}): the ${out.length} outputs`, c, `Layer ${L}, the output: ${byDigit.map((v, d) => `${d}: ${v.toFixed(2)}`).join(', ')}`);
    // the digits under the output squares, as text (readable, and themed by the page's CSS)
    const digits = document.createElement('div');
    digits.className = 'digits';
    digits.setAttribute('aria-hidden', 'true');
    digits.replaceChildren(...Array.from({ length: 10 }, (_, d) => Object.assign(document.createElement('span'), { textContent: String(d) })));
    digits.style.width = `${c.width}px`;
    figures[figures.length - 1].insertBefore(digits, figures[figures.length - 1].lastChild);
    layersEl.replaceChildren(...figures.flatMap((f, i) => (i === 0 ? [f] : [arrow(), f])));
  }

  function arrow(): HTMLElement {
    const s = document.createElement('span');
    s.className = 'arrow';
    s.setAttribute('aria-hidden', 'true');
    s.textContent = '→';
    return s;
  }

  // drawn at most once a frame, however fast the pen moves
  return {
    show(net, r) {
      pending = { net, r };
      if (scheduled) return;
      scheduled = true;
      requestAnimationFrame(() => {
        scheduled = false;
        if (pending !== undefined) render(pending.net, pending.r);
      });
    },
  };
}
