/**
 * The page: draw a digit, see it as the network sees it, and the network's probabilities, updated as you draw.
 * Everything runs here, on the same library code as the command line (nnlearn's sources, bundled by Vite).
 */
import { modelFromJson } from '../../src/nn/model.js';
import { Matrix } from '../../src/linalg/matrix.js';
import { drawingToInput } from '../../src/data/drawing.js';
import type { Network } from '../../src/nn/network.js';
import { setUpTraining } from './train.js';
import { setUpInside } from './inside.js';

const draw = document.querySelector<HTMLCanvasElement>('#draw')!;
const view = document.querySelector<HTMLCanvasElement>('#view')!;
const clear = document.querySelector<HTMLButtonElement>('#clear')!;
const prediction = document.querySelector<HTMLElement>('[data-testid="prediction"]')!;
const bars = document.querySelector<HTMLOListElement>('[data-testid="probabilities"]')!;
const info = document.querySelector<HTMLElement>('#model-info')!;
const ctx = draw.getContext('2d', { willReadFrequently: true })!;
const vctx = view.getContext('2d')!;

let net: Network | undefined;

function resetCanvas(): void {
  ctx.fillStyle = '#000';
  ctx.fillRect(0, 0, draw.width, draw.height);
  vctx.fillStyle = '#000';
  vctx.fillRect(0, 0, 28, 28);
  prediction.textContent = '–';
  renderBars(undefined);
}

function renderBars(p: Float64Array | undefined): void {
  const labels = net?.labels === 'course' ? ['1', '2', '3', '4', '5', '6', '7', '8', '9', '0'] : ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
  const best = p === undefined ? -1 : p.indexOf(Math.max(...p));
  bars.replaceChildren(
    ...labels.map((label, k) => {
      const li = document.createElement('li');
      const v = p?.[k] ?? 0;
      if (k === best) li.className = 'best';
      li.innerHTML = `<b>${label}</b><span class="bar"><span style="width:${(100 * v).toFixed(1)}%"></span></span><span>${(100 * v).toFixed(1)}%</span>`;
      li.setAttribute('aria-label', `${label}: ${(100 * v).toFixed(1)} percent`);
      return li;
    }),
  );
}

function update(): void {
  if (net === undefined) return;
  const { data } = ctx.getImageData(0, 0, draw.width, draw.height);
  const grey = new Float64Array(draw.width * draw.height);
  for (let i = 0; i < grey.length; i++) grey[i] = data[4 * i] / 255;
  const input = drawingToInput(grey, draw.width, draw.height);
  if (input === undefined) {
    resetCanvas();
    return;
  }
  const img = vctx.createImageData(28, 28);
  for (let i = 0; i < 784; i++) {
    const v = Math.round(input[i] * 255);
    img.data.set([v, v, v, 255], 4 * i);
  }
  vctx.putImageData(img, 0, 0);
  const out = net.outputs(new Matrix(1, 784, input)).data;
  // a softmax output is already a distribution; independent sigmoids are normalised for display
  let sum = 0;
  for (const v of out) sum += v;
  const p = net.output === 'softmax' ? Float64Array.from(out) : Float64Array.from(out, (v) => v / sum);
  prediction.textContent = String(net.predict(new Matrix(1, 784, input))[0]);
  renderBars(p);
}

/** A shipped digit drawn on the canvas when the page opens, so that a prediction shows at once. */
async function showSample(): Promise<void> {
  const r = await fetch(new URL('./sample.json', document.baseURI));
  if (!r.ok) return;
  const { pixels } = (await r.json()) as { pixels: number[] };
  const img = ctx.createImageData(28, 28);
  pixels.forEach((v, i) => img.data.set([v, v, v, 255], 4 * i));
  const small = document.createElement('canvas');
  small.width = 28;
  small.height = 28;
  small.getContext('2d')!.putImageData(img, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(small, 0, 0, draw.width, draw.height);
  update();
}

// Drawing with mouse, touch or pen: pointer events, a round brush like a thick pen.
let drawing = false;
let last: { x: number; y: number } | undefined;
const at = (e: PointerEvent) => {
  const r = draw.getBoundingClientRect();
  return { x: ((e.clientX - r.left) * draw.width) / r.width, y: ((e.clientY - r.top) * draw.height) / r.height };
};
draw.addEventListener('pointerdown', (e) => {
  drawing = true;
  draw.setPointerCapture(e.pointerId);
  last = at(e);
  stroke(last, last);
});
draw.addEventListener('pointermove', (e) => {
  if (!drawing || last === undefined) return;
  const p = at(e);
  stroke(last, p);
  last = p;
});
const end = () => {
  drawing = false;
  last = undefined;
};
draw.addEventListener('pointerup', end);
draw.addEventListener('pointercancel', end);
function stroke(a: { x: number; y: number }, b: { x: number; y: number }): void {
  ctx.strokeStyle = '#fff';
  ctx.lineWidth = 20;
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  ctx.beginPath();
  ctx.moveTo(a.x, a.y);
  ctx.lineTo(b.x, b.y);
  ctx.stroke();
  scheduleUpdate();
}
let pending = false;
function scheduleUpdate(): void {
  if (pending) return;
  pending = true;
  requestAnimationFrame(() => {
    pending = false;
    update();
  });
}
clear.addEventListener('click', resetCanvas);
draw.addEventListener('keydown', (e) => {
  if (e.key === 'Escape' || e.key === 'Delete' || e.key === 'Backspace') resetCanvas();
});

resetCanvas();
const inside = setUpInside();
const training = setUpTraining((trained) => {
  net = trained;
  inside.show(trained);
  info.textContent = `model: layers ${trained.sizes.join('-')}, ${trained.activation} hidden units, ${trained.output} output (trained here)`;
  update();
});
fetch(new URL('./model.json', document.baseURI))
  .then((r) => {
    if (!r.ok) throw new Error(`model.json: ${r.status} ${r.statusText}`);
    return r.text();
  })
  .then((text) => {
    net = modelFromJson(text, 'model.json');
    info.textContent = `model: layers ${net.sizes.join('-')}, ${net.activation} hidden units, ${net.output} output`;
    document.body.dataset.ready = 'true';
    update();
    if (net !== undefined) {
      inside.show(net);
      training.show(net);
    }
    return showSample();
  })
  .catch((err: unknown) => {
    info.textContent = `could not load the model: ${String(err)}`;
  });
