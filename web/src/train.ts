/**
 * The playground: choose a network and how to train it (the settings live in the page's address), train it in
 * the worker and watch it learn: the cost, the accuracy on the training and the held-out digits (overfitting shows
 * as the two part), the gradient's size in each layer, and the hidden units' pictures. Stop, resume (the count goes
 * on), download the model with its whole history and settings, or load one (its curve, its accuracies measured
 * here, where it came from).
 *
 * The page's own thread only draws, and at most four times a second however fast the iterations come.
 */
import { Network, type TrainState } from '../../src/nn/network.js';
import { Matrix } from '../../src/linalg/matrix.js';
import { hiddenUnitsRaster, toGreyBytes } from '../../src/viz/raster.js';
import type { Charts } from './charts.js';
import { cannotRead, emptyHistory, imageOf, modelFile, readModelFile, type PageModel } from './model.js';
import { checkSettings, DEFAULT_RATES, describe, isFirstOrder, layerSizes, MAX_HIDDEN_LAYERS, settingsFromQuery, settingsToQuery, type Settings } from './settings.js';
import type { PageWorker, Progress } from './worker-client.js';

const $ = <T extends HTMLElement>(sel: string) => document.querySelector<T>(sel)!;
const REDRAW_MS = 250;

export interface TrainingPanel {
  /** the model the page reads with (shipped, trained or loaded) */
  show(m: PageModel): void;
}

export function setUpTraining(
  worker: PageWorker,
  /** resolves when the panel is first on screen: the digits are fetched for the accuracies then, not before */
  visible: Promise<void>,
  onModel: (m: PageModel, accuracies: Promise<{ train: number; test: number }>) => void,
): TrainingPanel {
  const form = $<HTMLFormElement>('#train-form');
  const trainBtn = $<HTMLButtonElement>('#train');
  const stopBtn = $<HTMLButtonElement>('#stop');
  const resumeBtn = $<HTMLButtonElement>('#resume');
  const download = $<HTMLButtonElement>('#download');
  const load = $<HTMLInputElement>('#load');
  const status = $<HTMLElement>('#status');
  const origin = $<HTMLElement>('#model-origin');
  const trainAcc = $<HTMLElement>('#train-accuracy');
  const testAcc = $<HTMLElement>('#test-accuracy');
  const linkNote = $<HTMLElement>('#settings-note');
  const hiddenCanvas = $<HTMLCanvasElement>('#hidden-units');
  const hiddenCaption = $<HTMLElement>('#hidden-caption');
  const costEl = $<HTMLElement>('#cost-chart');
  const field = <T extends HTMLInputElement | HTMLSelectElement>(id: string) => $<T>(`#${id}`);

  let model: PageModel | undefined;
  let accuracies: { train?: number; test?: number } = {};
  /** the optimizer's state when the last run was stopped: Resume goes on with it, bit for bit */
  let stopped: { state: TrainState; settings: Settings; base: number } | undefined;
  let running = false;

  // ---- settings: form ⇄ address ----
  function readForm(): Settings {
    const depth = Number(field<HTMLSelectElement>('depth').value);
    const hidden = Array.from({ length: depth }, (_, i) => Number(field<HTMLInputElement>(`hidden${i + 1}`).value));
    const rate = field<HTMLInputElement>('rate').value.trim();
    return {
      hidden,
      activation: field<HTMLSelectElement>('activation').value as Settings['activation'],
      output: field<HTMLSelectElement>('output').value as Settings['output'],
      optimizer: field<HTMLSelectElement>('optimizer').value as Settings['optimizer'],
      rate: rate === '' ? undefined : Number(rate),
      batch: Number(field<HTMLInputElement>('batch').value || '0'),
      lambda: Number(field<HTMLInputElement>('lambda').value),
      iterations: Number(field<HTMLInputElement>('iterations').value),
    };
  }

  function writeForm(s: Settings): void {
    field<HTMLSelectElement>('depth').value = String(s.hidden.length);
    for (let i = 0; i < MAX_HIDDEN_LAYERS; i++) field<HTMLInputElement>(`hidden${i + 1}`).value = String(s.hidden[i] ?? s.hidden[s.hidden.length - 1]);
    field<HTMLSelectElement>('activation').value = s.activation;
    field<HTMLSelectElement>('output').value = s.output;
    field<HTMLSelectElement>('optimizer').value = s.optimizer;
    field<HTMLInputElement>('rate').value = s.rate === undefined ? '' : String(s.rate);
    field<HTMLInputElement>('batch').value = String(s.batch);
    field<HTMLInputElement>('lambda').value = String(s.lambda);
    field<HTMLInputElement>('iterations').value = String(s.iterations);
    syncForm();
  }

  /** Fields that do not apply are disabled, and say why. */
  function syncForm(): void {
    const depth = Number(field<HTMLSelectElement>('depth').value);
    for (let i = 0; i < MAX_HIDDEN_LAYERS; i++) {
      const input = field<HTMLInputElement>(`hidden${i + 1}`);
      input.disabled = i >= depth;
      input.closest('label')!.classList.toggle('off', i >= depth);
    }
    const o = field<HTMLSelectElement>('optimizer').value as Settings['optimizer'];
    const first = isFirstOrder(o);
    for (const id of ['rate', 'batch']) {
      field<HTMLInputElement>(id).disabled = !first;
      field<HTMLInputElement>(id).closest('label')!.classList.toggle('off', !first);
    }
    field<HTMLInputElement>('rate').placeholder = first ? String(DEFAULT_RATES[o]) : 'line search';
    $<HTMLElement>('#step-note').textContent = first
      ? `${o} takes steps of the learning rate’s length${o === 'gd' ? '' : ' (adapted by its memory of past gradients)'}; with a batch size, one step per mini-batch and an iteration is an epoch.`
      : `${o} finds each step’s length by a line search on the whole set: no learning rate, no batches (ex4 2.6 uses fmincg).`;
  }

  const initial = settingsFromQuery(location.search);
  writeForm(initial.settings);
  linkNote.textContent = initial.problems.length > 0 ? `Not taken from the link: ${initial.problems.join('; ')}.` : '';

  form.addEventListener('input', () => {
    syncForm();
    const s = readForm();
    const problem = checkSettings(s);
    linkNote.textContent = problem ?? '';
    if (problem === undefined) {
      const q = settingsToQuery(s);
      history.replaceState(null, '', `${location.pathname}${q ? `?${q}` : ''}${location.hash}`);
    }
  });

  // ---- drawing: charts (loaded with the first one), status and pictures, a few times a second ----
  let charts: Charts | undefined;
  let chartsLoading: Promise<Charts> | undefined;
  let chartLayers = 0;
  async function chartsFor(layers: number): Promise<Charts> {
    if (charts !== undefined && chartLayers === layers) return charts;
    if (chartsLoading !== undefined && chartLayers === layers) return chartsLoading;
    charts?.destroy();
    charts = undefined;
    chartLayers = layers;
    const els = { cost: costEl, accuracy: $<HTMLElement>('#accuracy-chart'), gradients: $<HTMLElement>('#gradient-chart') };
    Object.values(els).forEach((el) => el.replaceChildren());
    chartsLoading = import('./charts.js').then(({ createCharts }) => (charts = createCharts(els, layers)));
    return chartsLoading;
  }
  // the theme changed: charts take their colours when made
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => {
    charts?.destroy();
    charts = undefined;
    chartsLoading = undefined;
    chartLayers = 0;
    if (model !== undefined) drawNow();
  });

  let latestTheta1: Float64Array | undefined;
  let drawTimer: ReturnType<typeof setTimeout> | undefined;
  let lastDraw = 0;
  function drawSoon(): void {
    if (drawTimer !== undefined) return;
    const wait = Math.max(0, REDRAW_MS - (performance.now() - lastDraw));
    drawTimer = setTimeout(() => {
      drawTimer = undefined;
      lastDraw = performance.now();
      drawNow();
    }, wait);
  }

  function drawNow(): void {
    if (model === undefined) return;
    const h = model.history;
    const m = model;
    void visible
      .then(() => chartsFor(m.net.sizes.length - 1))
      .then((c) => {
      c.update(m.history);
      costEl.dataset.points = String(h.cost.length);
      costEl.dataset.first = String(h.cost[0] ?? '');
      costEl.dataset.last = String(h.cost[h.cost.length - 1] ?? '');
      });
    if (latestTheta1 !== undefined) {
      drawHidden(m.net, latestTheta1);
      latestTheta1 = undefined;
    }
  }

  function drawHidden(net: Network, theta1: Float64Array): void {
    const image = imageOf(net);
    if (image === undefined || net.sizes.length < 3) {
      hiddenCanvas.width = 1;
      hiddenCanvas.height = 1;
      hiddenCaption.textContent = 'no hidden-unit pictures: the inputs are not a picture';
      return;
    }
    const raster = hiddenUnitsRaster(new Matrix(net.sizes[1], net.sizes[0] + 1, theta1), image);
    hiddenCanvas.width = raster.width;
    hiddenCanvas.height = raster.height;
    const grey = toGreyBytes(raster);
    const ctx = hiddenCanvas.getContext('2d')!;
    const img = ctx.createImageData(raster.width, raster.height);
    for (let i = 0; i < grey.length; i++) {
      img.data[4 * i] = img.data[4 * i + 1] = img.data[4 * i + 2] = grey[i];
      img.data[4 * i + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
    hiddenCaption.textContent = `the ${net.sizes[1]} units of layer 2: each row of Θ(1) without its bias, as a ${image.height}×${image.width} picture`;
  }

  function showAccuracies(a: { train?: number; test?: number }): void {
    accuracies = a;
    trainAcc.textContent = a.train === undefined ? '–' : `${a.train.toFixed(2)}%`;
    testAcc.textContent = a.test === undefined ? '–' : `${a.test.toFixed(2)}%`;
  }

  function setRunning(on: boolean): void {
    running = on;
    trainBtn.disabled = on;
    stopBtn.disabled = !on;
    resumeBtn.disabled = on || model === undefined || cannotRead(model.net) !== undefined;
    load.disabled = on;
    download.disabled = on || model === undefined;
  }

  function iterationCount(): number {
    const it = model?.history.iteration;
    return it === undefined || it.length === 0 ? 0 : it[it.length - 1];
  }

  // ---- a model to show: accuracies measured on the page, its pictures, its curve ----
  function adopt(m: PageModel, known?: { train: number; test: number }): void {
    model = m;
    origin.textContent = m.origin;
    drawHidden(m.net, m.net.thetas[0].data);
    showAccuracies(known ?? {});
    drawNow();
    setRunning(false);
    let measured: Promise<{ train: number; test: number }>;
    if (known !== undefined) {
      measured = Promise.resolve(known);
    } else if (cannotRead(m.net) !== undefined) {
      measured = Promise.reject(new Error(cannotRead(m.net)));
      trainAcc.textContent = testAcc.textContent = 'n/a';
    } else {
      measured = visible.then(() => {
        if (model === m) trainAcc.textContent = testAcc.textContent = 'measuring…';
        return worker.evaluate(m.net);
      }).then((e) => {
        if (model === m) showAccuracies({ train: e.trainAccuracy, test: e.testAccuracy });
        return { train: e.trainAccuracy, test: e.testAccuracy };
      });
      measured.catch((err: unknown) => {
        if (model === m) trainAcc.textContent = testAcc.textContent = `could not measure: ${String(err)}`;
      });
    }
    measured.catch(() => undefined);
    onModel(m, measured);
  }

  // ---- training ----
  async function run(resume: boolean): Promise<void> {
    const settings = readForm();
    const problem = checkSettings(settings);
    if (problem !== undefined) {
      status.textContent = `Check the settings: ${problem}`;
      return;
    }
    let runSettings = settings;
    let from: { net: Network; state?: TrainState } | undefined;
    let base = 0;
    let m: PageModel;
    if (resume && model !== undefined) {
      m = model;
      if (stopped !== undefined) {
        // the stopped run goes on with its own settings and state: it ends as if it had never stopped
        runSettings = stopped.settings;
        from = { net: m.net, state: stopped.state };
        base = stopped.base; // the optimizer's count goes on from its state
        status.textContent = `resuming the stopped run at iteration ${iterationCount() + 1}…`;
      } else {
        // a finished run or a loaded model: more iterations from its weights, the count going on
        runSettings = { ...settings, hidden: m.net.sizes.slice(1, -1), activation: m.net.activation, output: m.net.output };
        from = { net: m.net };
        base = iterationCount();
        status.textContent = `training further from iteration ${base}…`;
      }
    } else {
      // the worker draws the initial weights; here the network's shape is enough until the first pictures come
      const net = new Network(layerSizes(settings), undefined, { activation: settings.activation, output: settings.output, labels: 'zero-based', image: { height: 28, width: 28, order: 'row-major' } });
      m = { net, origin: `trained on this page: ${describe(settings)}`, history: emptyHistory(net.sizes.length - 1), runs: [] };
      model = m;
      origin.textContent = m.origin;
      showAccuracies({});
      status.textContent = 'fetching the digits…';
    }
    stopped = undefined;
    const first = iterationCount() + 1;
    const runRecord = { settings: runSettings, first, last: base, stopped: false, threads: 1 };
    m.runs.push(runRecord);
    setRunning(true);
    let threadsNote = '';
    try {
      const done = await worker.train(runSettings, from, {
        started: (threads, backend) => {
          runRecord.threads = threads;
          status.dataset.threads = String(threads);
          threadsNote =
            threads > 1
              ? ` · ${threads} threads`
              : ` · 1 thread${crossOriginIsolated ? '' : ' (the page is not cross-origin isolated: no shared memory for threads)'}`;
          status.textContent = `training (${backend})${threadsNote}…`;
        },
        progress: (p: Progress) => {
          const h = m.history;
          const it = base + p.iteration;
          h.iteration.push(it);
          h.cost.push(p.cost);
          h.trainAccuracy.push(p.trainAccuracy);
          h.testAccuracy.push(p.testAccuracy);
          p.gradientRms.forEach((v, l) => h.gradientRms[l]?.push(v));
          runRecord.last = it;
          status.textContent = `iteration ${it} of ${base + runSettings.iterations}: cost ${p.cost.toFixed(4)}${threadsNote}`;
          status.dataset.iteration = String(it);
          showAccuracies({ train: p.trainAccuracy, test: p.testAccuracy });
          if (p.theta1 !== undefined) latestTheta1 = p.theta1;
          drawSoon();
        },
      });
      const net = new Network(m.net.sizes, done.params, m.net.options);
      m.net = net;
      runRecord.stopped = done.stopped;
      if (done.stopped && done.state !== undefined) stopped = { state: done.state, settings: runSettings, base };
      const it = iterationCount();
      status.textContent = `${done.stopped ? 'stopped' : 'done'} after iteration ${it}${done.stopped ? ' (Resume goes on from here)' : ''}`;
      status.dataset.iteration = String(it);
      latestTheta1 = undefined;
      adopt(m, { train: done.trainAccuracy, test: done.testAccuracy });
    } catch (err) {
      status.textContent = `error: ${err instanceof Error ? err.message : String(err)}`;
      setRunning(false);
      drawNow();
    }
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!running) void run(false);
  });
  resumeBtn.addEventListener('click', () => {
    if (!running) void run(true);
  });
  stopBtn.addEventListener('click', () => {
    worker.stop();
    status.textContent = `stopping after this ${isFirstOrder(readForm().optimizer) ? 'mini-batch' : 'iteration'}…`;
  });

  download.addEventListener('click', () => {
    if (model === undefined) return;
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([modelFile(model, accuracies)], { type: 'application/json' }));
    a.download = 'nnlearn-model.json';
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  });
  load.addEventListener('change', async () => {
    // one model file, or a TensorFlow.js model.json with its weight files (choose them together)
    const files = Array.from(load.files ?? []);
    const file = files.find((f) => !/\.bin$/i.test(f.name)) ?? files[0];
    if (file === undefined) return;
    try {
      const others = new Map(await Promise.all(files.filter((f) => f !== file).map(async (f) => [f.name, new Uint8Array(await f.arrayBuffer())] as const)));
      const m = await readModelFile(new Uint8Array(await file.arrayBuffer()), file.name, others);
      stopped = undefined;
      status.textContent = `loaded ${file.name}: layers ${m.net.sizes.join('-')}`;
      status.dataset.iteration = String(m.history.iteration[m.history.iteration.length - 1] ?? 0);
      adopt(m);
    } catch (err) {
      status.textContent = `could not load ${file.name}: ${err instanceof Error ? err.message : String(err)}`;
    } finally {
      load.value = '';
    }
  });

  return { show: (m) => adopt(m) };
}
