/**
 * The first panel: draw a digit (or pick one from the data) and the network reads it as you draw.
 *
 * The drawing is kept as strokes and read through strokesToInput (src/data/strokes.ts): normalised to a fixed
 * size before it is painted, so that a digit drawn small reads as well as a large one. What the network reads is
 * shown as the 28×28 picture it gets (or the picture in the model's own layout: the course's models read 20×20).
 * The prediction updates at every frame; the screen reader's live region speaks only when the drawing pauses.
 */
import { Matrix } from '../../src/linalg/matrix.js';
import { fromMnistLayout } from '../../src/data/resize.js';
import { strokesToInput, type Point } from '../../src/data/strokes.js';
import type { Network } from '../../src/nn/network.js';
import { cannotRead, imageOf } from './model.js';
import { unitOfDigit } from '../../src/data/labels.js';
import { digitPixels, pageDigits } from './digits.js';

const $ = <T extends HTMLElement>(sel: string) => document.querySelector<T>(sel)!;

/** What is on the canvas: strokes drawn here, or a digit from the data (its exact pixels are read). */
export type Source = { kind: 'drawing' } | { kind: 'data'; set: 'test'; index: number; label: number };

export interface Reading {
  /** the 28×28 picture, row-major, [0, 1] */
  picture: Float64Array;
  /** the network's input: the picture in its layout */
  input: Float64Array;
  /** probability of each digit 0..9 */
  probabilities: Float64Array;
  digit: number;
  source: Source;
}

export interface DrawingPanel {
  setModel(net: Network): void;
  current(): Reading | undefined;
  showData(index: number): Promise<void>;
  /** resolves once the first model has read what is on the canvas (the sample digit): the first prediction */
  firstPrediction: Promise<void>;
}

export function setUpDrawing(onReading: (r: Reading | undefined) => void): DrawingPanel {
  const canvas = $<HTMLCanvasElement>('#draw');
  const view = $<HTMLCanvasElement>('#view');
  const prediction = $<HTMLElement>('[data-testid="prediction"]');
  const bars = $<HTMLOListElement>('[data-testid="probabilities"]');
  const spoken = $<HTMLElement>('#spoken');
  const refusal = $<HTMLElement>('#draw-refusal');
  const ctx = canvas.getContext('2d')!;
  const vctx = view.getContext('2d')!;
  let net: Network | undefined;
  let strokes: Point[][] = [];
  let source: Source = { kind: 'drawing' };
  let dataPicture: Float64Array | undefined;
  let reading: Reading | undefined;

  // ten bars, made once and updated in place
  const items = Array.from({ length: 10 }, (_, d) => {
    const li = document.createElement('li');
    li.innerHTML = `<span class="bar"><span></span></span><b>${d}</b>`;
    bars.append(li);
    return { li, fill: li.querySelector<HTMLElement>('.bar span')! };
  });

  function paintBackground(): void {
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
  }

  function paintStrokes(): void {
    paintBackground();
    ctx.strokeStyle = '#fff';
    ctx.fillStyle = '#fff';
    ctx.lineWidth = 20;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    for (const s of strokes) {
      ctx.beginPath();
      ctx.moveTo(s[0].x, s[0].y);
      for (const p of s.slice(1)) ctx.lineTo(p.x, p.y);
      if (s.length === 1) ctx.lineTo(s[0].x + 0.01, s[0].y);
      ctx.stroke();
    }
  }

  function paintPicture(target: CanvasRenderingContext2D, picture: ArrayLike<number>, side: number, w: number, h: number): void {
    const img = new ImageData(side, side);
    for (let i = 0; i < side * side; i++) {
      const v = Math.max(0, Math.min(255, Math.round(picture[i] * 255)));
      img.data[4 * i] = v;
      img.data[4 * i + 1] = v;
      img.data[4 * i + 2] = v;
      img.data[4 * i + 3] = 255;
    }
    const small = document.createElement('canvas');
    small.width = side;
    small.height = side;
    small.getContext('2d')!.putImageData(img, 0, 0);
    target.imageSmoothingEnabled = target !== vctx;
    target.drawImage(small, 0, 0, w, h);
  }

  function showBars(p: Float64Array | undefined, best: number): void {
    items.forEach(({ li, fill }, d) => {
      const v = p?.[d] ?? 0;
      fill.style.height = `${(100 * v).toFixed(1)}%`;
      li.classList.toggle('best', d === best);
      li.title = `${d}: ${(100 * v).toFixed(1)}%`;
      li.setAttribute('aria-label', `${d}: ${(100 * v).toFixed(1)} percent`);
    });
  }

  function read(): void {
    const picture = source.kind === 'data' ? dataPicture : strokesToInput(strokes);
    const why = net === undefined ? 'no model yet' : cannotRead(net);
    refusal.textContent = net !== undefined && why !== undefined ? `This model cannot read the drawing: ${why}. Load a model with 10 outputs and a picture’s inputs.` : '';
    if (picture === undefined || net === undefined || why !== undefined) {
      vctx.fillStyle = '#000';
      vctx.fillRect(0, 0, view.width, view.height);
      prediction.textContent = '–';
      showBars(undefined, -1);
      reading = undefined;
      onReading(undefined);
      return;
    }
    const image = imageOf(net)!;
    const input = fromMnistLayout(picture, image);
    // what the network sees, in its own size (20×20 for the course's models), drawn row by row
    view.width = image.width;
    view.height = image.height;
    const shown = image.order === 'column-major' ? fromMnistLayout(picture, { ...image, order: 'row-major' }) : input;
    paintPicture(vctx, shown, image.width, image.width, image.height);
    const out = net.outputs(new Matrix(1, input.length, input)).data;
    // a softmax output is a distribution; independent sigmoid units are normalised for display
    let sum = 0;
    for (const v of out) sum += v;
    const probabilities = Float64Array.from({ length: 10 }, (_, d) => {
      const v = out[unitOfDigit(d, net!.labels)];
      return net!.output === 'softmax' ? v : v / sum;
    });
    let digit = 0;
    for (let d = 1; d < 10; d++) if (probabilities[d] > probabilities[digit]) digit = d;
    prediction.textContent = String(digit);
    showBars(probabilities, digit);
    reading = { picture, input, probabilities, digit, source };
    onReading(reading);
  }

  // The live region speaks once the drawing pauses (pen up, then 0.6 s without a new stroke), not at every point.
  let speakTimer: ReturnType<typeof setTimeout> | undefined;
  function speakSoon(delay = 600): void {
    clearTimeout(speakTimer);
    speakTimer = setTimeout(() => {
      if (reading === undefined) return;
      const what = reading.source.kind === 'data' ? `Test digit ${reading.source.index + 1}, a ${reading.source.label}, ` : 'Your drawing ';
      spoken.textContent = `${what}is read as ${reading.digit}, ${(100 * reading.probabilities[reading.digit]).toFixed(0)} percent sure.`;
    }, delay);
  }

  let pending = false;
  function readSoon(): void {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      read();
    });
  }

  const at = (e: PointerEvent): Point => {
    const r = canvas.getBoundingClientRect();
    return { x: ((e.clientX - r.left) * canvas.width) / r.width, y: ((e.clientY - r.top) * canvas.height) / r.height };
  };
  let down = false;
  canvas.addEventListener('pointerdown', (e) => {
    down = true;
    canvas.setPointerCapture(e.pointerId);
    clearTimeout(speakTimer);
    if (source.kind === 'data') {
      // drawing starts afresh over a digit from the data
      source = { kind: 'drawing' };
      strokes = [];
    }
    strokes.push([at(e)]);
    paintStrokes();
    readSoon();
  });
  canvas.addEventListener('pointermove', (e) => {
    if (!down) return;
    const s = strokes[strokes.length - 1];
    const p = at(e);
    const q = s[s.length - 1];
    s.push(p);
    ctx.strokeStyle = '#fff';
    ctx.lineWidth = 20;
    ctx.lineCap = 'round';
    ctx.beginPath();
    ctx.moveTo(q.x, q.y);
    ctx.lineTo(p.x, p.y);
    ctx.stroke();
    readSoon();
  });
  const up = () => {
    if (!down) return;
    down = false;
    speakSoon();
  };
  canvas.addEventListener('pointerup', up);
  canvas.addEventListener('pointercancel', up);

  function clear(): void {
    strokes = [];
    source = { kind: 'drawing' };
    dataPicture = undefined;
    paintBackground();
    spoken.textContent = 'Cleared.';
    read();
  }
  $<HTMLButtonElement>('#clear').addEventListener('click', clear);
  canvas.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' || e.key === 'Delete' || e.key === 'Backspace') clear();
  });

  /** Shows a 28×28 picture on the canvas and reads it exactly (not redrawn from the canvas). */
  function showPicture(picture: Float64Array, s: Source): void {
    source = s;
    strokes = [];
    dataPicture = picture;
    paintBackground();
    paintPicture(ctx, picture, 28, canvas.width, canvas.height);
    read();
    speakSoon(0);
  }

  // pick a test digit: a number field and a button, so that a keyboard alone can choose one and hear it read
  const pick = $<HTMLInputElement>('#pick');
  const pickStatus = $<HTMLElement>('#pick-status');
  async function showData(index: number): Promise<void> {
    pickStatus.textContent = 'fetching the digits…';
    try {
      const d = await pageDigits();
      const i = Math.max(0, Math.min(d.test.count - 1, index));
      pick.max = String(d.test.count);
      pick.value = String(i + 1);
      pickStatus.textContent = `a ${d.test.labels[i]} from the test digits`;
      showPicture(digitPixels(d.test, i), { kind: 'data', set: 'test', index: i, label: d.test.labels[i] });
    } catch (err) {
      pickStatus.textContent = `could not fetch the digits: ${String(err)}`;
    }
  }
  $<HTMLFormElement>('#pick-form').addEventListener('submit', (e) => {
    e.preventDefault();
    void showData(Number(pick.value) - 1);
  });

  paintBackground();
  // a shipped digit (sample.json, 2 kB) shows as soon as the model is there, so that a prediction shows at once
  const sample = fetch(new URL('./sample.json', document.baseURI))
    .then((r) => (r.ok ? (r.json() as Promise<{ label: number; pixels: number[] }>) : undefined))
    .catch(() => undefined);

  let first = true;
  let predicted: () => void = () => undefined;
  const firstPrediction = new Promise<void>((resolve) => (predicted = resolve));
  return {
    firstPrediction,
    setModel(n: Network) {
      net = n;
      if (first) {
        first = false;
        void sample.then((s) => {
          if (s !== undefined && strokes.length === 0 && source.kind === 'drawing') {
            showPicture(Float64Array.from(s.pixels, (v) => v / 255), { kind: 'data', set: 'test', index: 0, label: s.label });
          } else {
            read();
          }
          performance.mark('nnlearn:first-prediction');
          predicted();
        });
      } else {
        read();
      }
    },
    current: () => reading,
    showData,
  };
}
