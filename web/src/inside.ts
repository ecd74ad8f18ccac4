/**
 * "See inside": the data grid (the course's displayData, ex4 1.1), the confusion matrix of the held-out digits
 * with the digits the network gets wrong, the gradient check of the course's debug network (ex4 2.4), and the
 * lecture's computational graphs with their values and gradients. All drawn by the library's own code; loaded
 * when the panel comes near the screen, with the digits it needs.
 */
import { Matrix } from '../../src/linalg/matrix.js';
import { displayData, toGreyBytes, type Raster } from '../../src/viz/raster.js';
import { confusionMatrix } from '../../src/nn/confusion.js';
import { checkNNGradients } from '../../src/nn/gradcheck.js';
import { formatExp } from '../../src/format.js';
import { graphExample } from '../../src/graph/examples.js';
import { parseAssignments, parseGraph } from '../../src/graph/parse.js';
import { graphSvg } from '../../src/graph/render.js';
import type { Network } from '../../src/nn/network.js';
import { pageDigits, type DigitSet } from './digits.js';
import type { PageWorker } from './worker-client.js';

const $ = <T extends HTMLElement>(sel: string) => document.querySelector<T>(sel)!;
const IMAGE = { height: 28, width: 28, order: 'row-major' as const };

function paint(canvas: HTMLCanvasElement, raster: Raster): void {
  canvas.width = raster.width;
  canvas.height = raster.height;
  const ctx = canvas.getContext('2d')!;
  const img = ctx.createImageData(raster.width, raster.height);
  const grey = toGreyBytes(raster);
  for (let i = 0; i < grey.length; i++) {
    img.data[4 * i] = img.data[4 * i + 1] = img.data[4 * i + 2] = grey[i];
    img.data[4 * i + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}

function rows(set: DigitSet, idx: number[]): Matrix {
  const out = new Matrix(idx.length, 784);
  idx.forEach((r, i) => {
    for (let k = 0; k < 784; k++) out.data[i * 784 + k] = set.pixels[r * 784 + k] / 255;
  });
  return out;
}

export function setUpInside(worker: PageWorker): { show: (net: Network) => void } {
  const caption = $<HTMLElement>('#misclassified-caption');
  const table = $<HTMLTableElement>('#confusion');
  void pageDigits().then((d) => paint($<HTMLCanvasElement>('#data-grid'), displayData(rows(d.train, Array.from({ length: 100 }, (_, i) => i)), IMAGE)));
  let current: Network | undefined;

  async function show(net: Network): Promise<void> {
    current = net;
    caption.textContent = 'measuring the held-out digits…';
    const [d, e] = await Promise.all([pageDigits(), worker.evaluate(net)]);
    if (current !== net) return;
    const y = d.test.labels;
    const predicted = e.testPredicted;
    const counts = confusionMatrix(Int32Array.from(y), predicted, 10);
    const head = `<caption class="sr-only">held-out digits: rows are the true digit, columns what the network read</caption><tr><th scope="col">true ╲ read</th>${counts.map((_, k) => `<th scope="col">${k}</th>`).join('')}</tr>`;
    table.innerHTML =
      head + counts.map((row, t) => `<tr><th scope="row">${t}</th>${row.map((c, p) => `<td class="${p === t ? 'diag' : c > 0 ? 'off' : ''}">${c}</td>`).join('')}</tr>`).join('');
    const wrong: number[] = [];
    for (let i = 0; i < y.length && wrong.length < 36; i++) if (predicted[i] !== y[i]) wrong.push(i);
    if (wrong.length > 0) {
      paint($<HTMLCanvasElement>('#misclassified'), displayData(rows(d.test, wrong), IMAGE));
      caption.textContent = `held-out digits the network gets wrong (the first ${wrong.length}), read as: ${wrong.map((i) => predicted[i]).join(' ')}`;
    } else {
      caption.textContent = 'no held-out digit is misclassified';
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
  return {
    show: (net) => {
      void show(net).catch((err: unknown) => (caption.textContent = `could not measure: ${String(err)}`));
    },
  };
}
