/**
 * Training in a Web Worker, so that the page never freezes: the fast backend (WebAssembly) in this worker. The
 * page posts {start}; the worker posts progress after every iteration (cost, and the first layer's weights every
 * few iterations for the pictures) and the result. Stopping: the page sets a flag in shared memory, which the
 * worker reads between iterations (it is busy in a synchronous loop and reads no messages meanwhile).
 */
import { Network, type OptimizerName } from '../../src/nn/network.js';
import { modelFromJson, modelToJson } from '../../src/nn/model.js';
import type { Activation, OutputKind } from '../../src/nn/activations.js';
import { parseDigits, type DigitSets } from './digits.js';

export interface StartMessage {
  type: 'start';
  hidden: number;
  activation: Activation;
  output: OutputKind;
  lambda: number;
  optimizer: OptimizerName;
  iterations: number;
  /** resume from this model (JSON) instead of random weights */
  resume?: string;
  /** shared flag: 1 = stop */
  stop: SharedArrayBuffer;
  /** where the digits are (the page knows its own address) */
  digitsUrl: string;
}

export type WorkerMessage =
  | { type: 'progress'; iteration: number; cost: number; theta1?: Float64Array }
  | { type: 'done'; model: string; trainAccuracy: number; testAccuracy: number; iterations: number; stopped: boolean; costHistory: number[] }
  | { type: 'error'; message: string };

let digits: Promise<DigitSets> | undefined;

function loadDigits(url: string): Promise<DigitSets> {
  digits ??= fetch(url)
    .then((r) => {
      if (!r.ok) throw new Error(`digits.bin: ${r.status}`);
      return r.arrayBuffer();
    })
    .then(parseDigits);
  return digits;
}

self.addEventListener('message', (e: MessageEvent<StartMessage>) => {
  const msg = e.data;
  if (msg.type !== 'start') return;
  void run(msg).catch((err: unknown) => self.postMessage({ type: 'error', message: String(err) } satisfies WorkerMessage));
});

async function run(msg: StartMessage): Promise<void> {
  const { train, test } = await loadDigits(msg.digitsUrl);
  const stop = new Int32Array(msg.stop);
  const net =
    msg.resume !== undefined
      ? modelFromJson(msg.resume, 'the model')
      : Network.random([784, msg.hidden, 10], {
          activation: msg.activation,
          output: msg.output,
          labels: 'zero-based',
          image: { height: 28, width: 28, order: 'row-major' },
          seed: 0,
        });
  const n1 = net.sizes[1] * 785;
  const stochastic = msg.optimizer === 'adam' || msg.optimizer === 'momentum';
  const result = net.train(train.X, train.y, {
    lambda: msg.lambda,
    maxIter: msg.iterations,
    optimizer: msg.optimizer,
    ...(stochastic ? { batchSize: 64, learningRate: msg.optimizer === 'adam' ? 0.002 : 0.05 } : {}),
    onIteration: ({ iteration, cost, theta }) => {
      const every = Math.max(1, Math.floor(msg.iterations / 20));
      self.postMessage({
        type: 'progress',
        iteration,
        cost,
        ...(iteration % every === 0 || iteration === 1 ? { theta1: theta.slice(0, n1) } : {}),
      } satisfies WorkerMessage);
    },
    // polled after every iteration and every mini-batch, so Stop takes effect within one batch
    stopRequested: () => Atomics.load(stop, 0) !== 0,
  });
  self.postMessage({
    type: 'done',
    model: JSON.stringify(modelToJson(net, { data: 'the page’s digits', costHistory: result.costHistory })),
    trainAccuracy: result.trainAccuracy,
    testAccuracy: net.accuracy(test.X, test.y),
    iterations: result.iterations,
    stopped: result.stopReason === 'stopped',
    costHistory: result.costHistory,
  } satisfies WorkerMessage);
}
