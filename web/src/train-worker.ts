/**
 * The page's worker: trains networks and measures them on the page's digits, so that the page's own thread only
 * draws. It runs from any static host:
 *   - Stop is a message. The training loop pauses after every iteration and every mini-batch (Network.trainAsync)
 *     and lets this worker's messages in there, so no shared memory is needed for it.
 *   - Where the page is cross-origin isolated (shared memory allowed), the cost is evaluated on several threads
 *     (the threaded evaluator of src/nn/fast/threads-web.ts); elsewhere on this one, with the WebAssembly kernels.
 * After every iteration it reports the cost, the accuracy on the training and the held-out digits, and the
 * gradient's size in each layer; the first layer's weights a few times a second, for the hidden-unit pictures.
 */
import { Network } from '../../src/nn/network.js';
import type { TrainState } from '../../src/nn/network.js';
import { createEvaluator, type CostEvaluator } from '../../src/nn/fast/evaluator.js';
import { openEvaluator, registerThreadPlatform, resolveBackend } from '../../src/nn/fast/backend.js';
import { defaultWebThreads, webThreadsAvailable, webWorkerSpawner } from '../../src/nn/fast/threads-web.js';
import { GradientSizes } from '../../src/nn/gradient-sizes.js';
import { digitOfLabel, labelOfDigit, labelsToTargets } from '../../src/data/labels.js';
import { accuracy } from '../../src/nn/predict.js';
import type { ImageShape } from '../../src/data/dataset.js';
import type { Matrix } from '../../src/linalg/matrix.js';
import { digitsMatrix, gunzipIfNeeded, parseDigits, type PageDigits } from './digits.js';
import { DEFAULT_RATES, isFirstOrder, layerSizes, type Settings } from './settings.js';
import type { ModelSpec, PageMessage, WorkerMessage } from './protocol.js';
import threadWorkerUrl from '../../src/nn/fast/worker-web.ts?worker&url';

const post = (m: WorkerMessage, transfer: Transferable[] = []) => self.postMessage(m, { transfer });

// Web Workers as the backend module's threads, where the page may share memory (cross-origin isolated): the
// backend module (src/nn/fast/backend.ts) then decides, as it does for the library and the command line
if (webThreadsAvailable()) registerThreadPlatform({ cores: defaultWebThreads, spawn: webWorkerSpawner(threadWorkerUrl) });

let digits: PageDigits | undefined;
let stopRequested = false;
let busy = false;
/** the page's digits in each input layout asked for (28×28 row-major, the course's 20×20 by columns, …) */
const layouts = new Map<string, { train: Matrix; test: Matrix }>();

function dataFor(image: ImageShape): { train: Matrix; test: Matrix } {
  const key = `${image.height}x${image.width}:${image.order}`;
  let d = layouts.get(key);
  if (d === undefined) {
    if (digits === undefined) throw new Error('the digits have not arrived');
    d = { train: digitsMatrix(digits.train, image), test: digitsMatrix(digits.test, image) };
    layouts.set(key, d);
  }
  return d;
}

self.addEventListener('message', (e: MessageEvent<PageMessage>) => {
  const m = e.data;
  if (m.type === 'stop') {
    stopRequested = true;
    return;
  }
  if (busy) {
    post({ type: 'error', message: 'the worker is busy: stop the run first' });
    return;
  }
  busy = true;
  const job = m.type === 'digits' ? receiveDigits(m.bytes) : m.type === 'train' ? train(m) : evaluate(m.model);
  job
    .catch((err: unknown) => post({ type: 'error', message: err instanceof Error ? err.message : String(err) }))
    .finally(() => {
      busy = false;
    });
});

async function receiveDigits(bytes: ArrayBuffer): Promise<void> {
  digits ??= parseDigits(await gunzipIfNeeded(bytes));
  post({ type: 'digits-ready', train: digits.train.count, test: digits.test.count });
}

function networkOf(spec: ModelSpec): Network {
  return new Network(spec.sizes, Float64Array.from(spec.params), {
    activation: spec.activation,
    output: spec.output,
    labels: spec.labels,
    image: spec.image,
  });
}

/** Accuracies of a model on the page's digits (in its input layout), and its answer for every test digit. */
async function evaluate(spec: ModelSpec): Promise<void> {
  const net = networkOf(spec);
  const { train, test } = dataFor(spec.image);
  const ty = labelsOf(digits!.train.labels, spec.labels);
  const sy = labelsOf(digits!.test.labels, spec.labels);
  const trainPredicted = net.predict(train);
  const testPredicted = net.predict(test);
  post({
    type: 'evaluated',
    trainAccuracy: accuracy(trainPredicted, ty),
    testAccuracy: accuracy(testPredicted, sy),
    testPredicted: Int32Array.from(testPredicted, (label) => digitOfLabel(label, spec.labels)),
  });
}

/** Digit labels 0..9 in a network's convention (the course's: 1..10, 10 for the digit 0). */
function labelsOf(digitsLabels: Uint8Array, convention: 'course' | 'zero-based'): Int32Array {
  return Int32Array.from(digitsLabels, (d) => labelOfDigit(d, convention));
}

/** The training set's evaluator: the kernels on every core where threads are available, else on this thread (float64). */
function makeEvaluator(net: Network, X: Matrix, targets: Int32Array): Promise<CostEvaluator> {
  return openEvaluator(net.sizes, X, targets, resolveBackend({ precision: 'f64' }), { architecture: net.architecture });
}

async function train(m: Extract<PageMessage, { type: 'train' }>): Promise<void> {
  if (digits === undefined) throw new Error('the digits have not arrived');
  const s: Settings = m.settings;
  stopRequested = false;
  const net =
    m.from !== undefined
      ? networkOf(m.from.model)
      : Network.random(layerSizes(s), { activation: s.activation, output: s.output, labels: 'zero-based', image: { height: 28, width: 28, order: 'row-major' }, seed: m.seed });
  const image = net.image ?? { height: 28, width: 28, order: 'row-major' };
  const { train: X, test: Xt } = dataFor(image);
  const targets = labelsToTargets(labelsOf(digits.train.labels, net.labels), net.numLabels, net.labels);
  const testTargets = labelsToTargets(labelsOf(digits.test.labels, net.labels), net.numLabels, net.labels);
  const firstOrder = isFirstOrder(s.optimizer);
  const inner = await makeEvaluator(net, X, targets);
  let testEval: CostEvaluator | undefined;
  try {
    testEval = createEvaluator(net.sizes, Xt, testTargets, { backend: 'wasm', architecture: net.architecture });
    const test = testEval;
    const sizes = new GradientSizes(net.sizes, inner);
    post({ type: 'started', threads: inner.threads, backend: inner.backend });
    const n1 = net.sizes[1] * (net.sizes[0] + 1);
    let lastPicture = 0;
    const result = await net.trainAsync(X, labelsOf(digits.train.labels, net.labels), {
      lambda: s.lambda,
      maxIter: s.iterations,
      optimizer: s.optimizer,
      ...(firstOrder ? { learningRate: s.rate ?? DEFAULT_RATES[s.optimizer], batchSize: s.batch > 0 ? s.batch : ('full' as const), batchSeed: m.seed } : {}),
      ...(m.from?.state !== undefined ? { resume: m.from.state } : {}),
      backend: sizes.evaluator,
      onIteration: ({ iteration, cost, theta }) => {
        const now = performance.now();
        const picture = now - lastPicture > 400 || iteration === 1 || iteration === s.iterations;
        if (picture) lastPicture = now;
        const theta1 = picture ? theta.slice(0, n1) : undefined;
        post(
          {
            type: 'progress',
            iteration,
            cost,
            trainAccuracy: accuracy(inner.predictTargets(theta), targets),
            testAccuracy: accuracy(test.predictTargets(theta), testTargets),
            gradientRms: Array.from(sizes.take() ?? []),
            ...(theta1 !== undefined ? { theta1 } : {}),
          },
          theta1 !== undefined ? [theta1.buffer] : [],
        );
      },
      stopRequested: () => stopRequested,
    });
    const params = Float64Array.from(net.params);
    post(
      {
        type: 'done',
        params,
        iterations: result.iterations,
        stopped: result.stopReason === 'stopped',
        stopReason: result.stopReason,
        ...(result.state !== undefined ? { state: result.state as TrainState } : {}),
        trainAccuracy: result.trainAccuracy,
        testAccuracy: accuracy(test.predictTargets(net.params), testTargets),
      },
      [params.buffer],
    );
  } finally {
    inner.close();
    testEval?.close();
  }
}
