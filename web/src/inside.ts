/**
 * "See inside": the data grid (the course's displayData), the confusion matrix of the test digits with the
 * digits the network gets wrong, the gradient check of the course's debug network, and the lecture's
 * computational graphs with their values and gradients. All drawn by the library's own code.
 */
import { Matrix } from '../../src/linalg/matrix.js';
import { displayData, toGreyBytes, type Raster } from '../../src/viz/raster.js';
import { confusionMatrix } from '../../src/nn/confusion.js';
import { predictTargets } from '../../src/nn/predict.js';
import { checkNNGradients } from '../../src/nn/gradcheck.js';
import { formatExp } from '../../src/format.js';
import { graphExample } from '../../src/graph/examples.js';
import { parseAssignments, parseGraph } from '../../src/graph/parse.js';
import { graphSvg } from '../../src/graph/render.js';
import type { Network } from '../../src/nn/network.js';
import { parseDigits, type DigitSets } from './digits.js';

const $ = <T extends HTMLElement>(sel: string) => document.querySelector<T>(sel)!;
const IMAGE = { height: 28, width: 28, order: 'row-major' as const };

function paint(canvas: HTMLCanvasElement, raster: Raster): void {
  canvas.width = raster.width;
  canvas.height = raster.height;
  const ctx = canvas.getContext('2d')!;
  const img = ctx.createImageData(raster.width, raster.height);
  const grey = toGreyBytes(raster);
  for (let i = 0; i < grey.length; i++) img.data.set([grey[i], grey[i], grey[i], 255], 4 * i);
  ctx.putImageData(img, 0, 0);
}

function rows(X: Matrix, idx: number[]): Matrix {
  const out = new Matrix(idx.length, X.cols);
  idx.forEach((r, i) => out.data.set(X.data.subarray(r * X.cols, (r + 1) * X.cols), i * X.cols));
  return out;
}

export function setUpInside(): { show: (net: Network) => void } {
  let digits: DigitSets | undefined;
  let waiting: Network | undefined;
  const load = fetch(new URL('./digits.bin', document.baseURI).href)
    .then((r) => r.arrayBuffer())
    .then((buf) => {
      digits = parseDigits(buf);
      paint($<HTMLCanvasElement>('#data-grid'), displayData(rows(digits.train.X, Array.from({ length: 100 }, (_, i) => i)), IMAGE));
      if (waiting !== undefined) show(waiting);
    })
    .catch(() => undefined);
  void load;

  function show(net: Network): void {
    if (digits === undefined || net.sizes[0] !== 784) {
      waiting = net;
      return;
    }
    const { X, y } = digits.test;
    const predicted = predictTargets(net.thetas, X, net.architecture);
    const counts = confusionMatrix(y, predicted, 10);
    const table = $<HTMLTableElement>('#confusion');
    const head = `<tr><th></th>${counts.map((_, k) => `<th scope="col">${k}</th>`).join('')}</tr>`;
    table.innerHTML =
      head + counts.map((row, t) => `<tr><th scope="row">${t}</th>${row.map((c, p) => `<td class="${p === t ? 'diag' : ''}">${c}</td>`).join('')}</tr>`).join('');
    const wrong: number[] = [];
    for (let i = 0; i < y.length && wrong.length < 36; i++) if (predicted[i] !== y[i]) wrong.push(i);
    const caption = $<HTMLElement>('#misclassified-caption');
    if (wrong.length > 0) {
      paint($<HTMLCanvasElement>('#misclassified'), displayData(rows(X, wrong), IMAGE));
      caption.textContent = `misclassified test digits (first ${wrong.length}), read as: ${wrong.map((i) => predicted[i]).join(' ')}`;
    } else {
      caption.textContent = 'no test digit is misclassified';
    }
  }

  $<HTMLButtonElement>('#gradcheck').addEventListener('click', () => {
    const r = checkNNGradients(0);
    const lines = Array.from(r.numerical, (v, i) => `${formatExp(v, 8).padStart(16)} ${formatExp(r.analytic[i], 8).padStart(16)}`);
    $<HTMLElement>('#gradcheck-out').textContent =
      `numerical        backpropagation   (the course's 3-5-3 debug network)\n${lines.join('\n')}\n` +
      `Relative Difference: ${r.relativeDifference.toExponential(5)} (should be below 1e-9)`;
  });

  const select = $<HTMLSelectElement>('#graph-example');
  const drawGraph = () => {
    const ex = graphExample(select.value);
    if (ex === undefined) return;
    const g = parseGraph(ex.expression, parseAssignments(ex.values));
    g.root.backward();
    $<HTMLElement>('#graph').innerHTML = graphSvg(g.root, `${ex.name}: ${ex.source}`);
  };
  select.addEventListener('change', drawGraph);
  drawGraph();
  return { show };
}
