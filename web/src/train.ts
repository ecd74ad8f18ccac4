/**
 * The training panel: starts the training worker, draws the cost curve (a Vega-Lite chart, loaded when training
 * first starts, so the page opens fast) and the hidden units as they learn, reports the accuracies, and hands the
 * trained network to the drawing panel. Stop and resume; download and load the model (the CLI's JSON).
 */
import { modelFromJson } from '../../src/nn/model.js';
import { Matrix } from '../../src/linalg/matrix.js';
import { hiddenUnitsRaster, toGreyBytes } from '../../src/viz/raster.js';
import { costChart } from '../../src/viz/charts.js';
import type { Network, OptimizerName } from '../../src/nn/network.js';
import type { Activation, OutputKind } from '../../src/nn/activations.js';
import type { StartMessage, WorkerMessage } from './train-worker.js';

const $ = <T extends HTMLElement>(sel: string) => document.querySelector<T>(sel)!;

export function setUpTraining(onModel: (net: Network) => void): { show: (net: Network) => void } {
  const form = $<HTMLFormElement>('#train-form');
  const trainBtn = $<HTMLButtonElement>('#train');
  const stopBtn = $<HTMLButtonElement>('#stop');
  const resumeBtn = $<HTMLButtonElement>('#resume');
  const download = $<HTMLButtonElement>('#download');
  const load = $<HTMLInputElement>('#load');
  const status = $<HTMLElement>('#status');
  const trainAcc = $<HTMLElement>('#train-accuracy');
  const testAcc = $<HTMLElement>('#test-accuracy');
  const chartEl = $<HTMLElement>('#cost-chart');
  const hiddenCanvas = $<HTMLCanvasElement>('#hidden-units');
  let worker: Worker | undefined;
  let stop: Int32Array | undefined;
  let model: string | undefined;
  let costs: number[] = [];
  let chartPending = false;

  const drawHidden = (theta1: Float64Array) => {
    const units = theta1.length / 785;
    const raster = hiddenUnitsRaster(new Matrix(units, 785, theta1), { height: 28, width: 28, order: 'row-major' });
    hiddenCanvas.width = raster.width;
    hiddenCanvas.height = raster.height;
    const grey = toGreyBytes(raster);
    const img = hiddenCanvas.getContext('2d')!.createImageData(raster.width, raster.height);
    for (let i = 0; i < grey.length; i++) img.data.set([grey[i], grey[i], grey[i], 255], 4 * i);
    hiddenCanvas.getContext('2d')!.putImageData(img, 0, 0);
  };

  const drawChart = () => {
    if (chartPending) return;
    chartPending = true;
    requestAnimationFrame(async () => {
      chartPending = false;
      const [{ compile }, { View, parse }] = await Promise.all([import('vega-lite'), import('vega')]);
      const spec = costChart([{ name: 'training', costs }], { title: 'Cost during training' });
      const view = new View(parse(compile({ ...spec, width: 400, height: 200 }).spec), { renderer: 'svg' });
      chartEl.innerHTML = await view.toSVG();
      chartEl.dataset.points = String(costs.length);
      chartEl.dataset.first = String(costs[0]);
      chartEl.dataset.last = String(costs[costs.length - 1]);
      view.finalize();
    });
  };

  const start = (resume: boolean) => {
    worker?.terminate();
    worker = new Worker(new URL('./train-worker.ts', import.meta.url), { type: 'module' });
    const flag = new SharedArrayBuffer(4);
    stop = new Int32Array(flag);
    if (!resume) costs = [];
    const msg: StartMessage = {
      type: 'start',
      hidden: Number($<HTMLInputElement>('#hidden').value),
      activation: $<HTMLSelectElement>('#activation').value as Activation,
      output: $<HTMLSelectElement>('#output').value as OutputKind,
      lambda: Number($<HTMLInputElement>('#lambda').value),
      optimizer: $<HTMLSelectElement>('#optimizer').value as OptimizerName,
      iterations: Number($<HTMLInputElement>('#iterations').value),
      ...(resume && model !== undefined ? { resume: model } : {}),
      stop: flag,
      digitsUrl: new URL('./digits.bin', document.baseURI).href,
    };
    trainBtn.disabled = true;
    resumeBtn.disabled = true;
    stopBtn.disabled = false;
    status.textContent = 'loading the digits…';
    worker.onmessage = (e: MessageEvent<WorkerMessage>) => {
      const m = e.data;
      if (m.type === 'progress') {
        costs.push(m.cost);
        status.textContent = `iteration ${m.iteration}: cost ${m.cost.toFixed(4)}`;
        if (m.theta1 !== undefined) drawHidden(m.theta1);
        drawChart();
      } else if (m.type === 'done') {
        model = m.model;
        const net = modelFromJson(m.model, 'the trained model');
        drawHidden(net.thetas[0].data);
        trainAcc.textContent = `${m.trainAccuracy.toFixed(2)}%`;
        testAcc.textContent = `${m.testAccuracy.toFixed(2)}%`;
        status.textContent = `${m.stopped ? 'stopped' : 'done'} after ${m.iterations} iterations`;
        trainBtn.disabled = false;
        stopBtn.disabled = true;
        resumeBtn.disabled = false;
        download.disabled = false;
        onModel(net);
        drawChart();
      } else {
        status.textContent = `error: ${m.message}`;
        trainBtn.disabled = false;
        stopBtn.disabled = true;
      }
    };
    worker.postMessage(msg);
  };

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    start(false);
  });
  resumeBtn.addEventListener('click', () => start(true));
  stopBtn.addEventListener('click', () => {
    if (stop !== undefined) Atomics.store(stop, 0, 1);
  });
  download.addEventListener('click', () => {
    if (model === undefined) return;
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([model], { type: 'application/json' }));
    a.download = 'nnlearn-model.json';
    a.click();
  });
  const show = (net: Network) => {
    if (net.sizes[0] === 784 && net.sizes.length > 2) drawHidden(net.thetas[0].data);
  };
  load.addEventListener('change', async () => {
    const file = load.files?.[0];
    if (file === undefined) return;
    try {
      const text = await file.text();
      const net = modelFromJson(text, file.name);
      model = text;
      onModel(net);
      if (net.sizes[0] === 784 && net.sizes.length > 2) drawHidden(net.thetas[0].data);
      status.textContent = `loaded ${file.name}: layers ${net.sizes.join('-')}`;
      resumeBtn.disabled = false;
      download.disabled = false;
    } catch (err) {
      status.textContent = String(err instanceof Error ? err.message : err);
    }
  });
  return { show };
}
