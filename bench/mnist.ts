/**
 * nnlearn's side of the MNIST comparison (bench/bench.ts runs it; the PyTorch side is bench/peer/mnist_torch.py):
 * the recipe 784-300-10, ReLU, softmax, Adam (lr 0.001), mini-batches of 128, λ = 2 on the weights only, for E
 * epochs, with the test accuracy measured after every epoch (its time is not counted in the epochs' times).
 *
 *   node --import tsx bench/mnist.ts MNIST_DIR EPOCHS THREADS PRECISION   -> one JSON line
 */
import { join } from 'node:path';
import { loadDataset } from '../src/cli/data.js';
import { labelsToTargets } from '../src/data/labels.js';
import { createThreadedEvaluator } from '../src/nn/fast/threads-node.js';
import { Network } from '../src/nn/network.js';
import { accuracy } from '../src/nn/predict.js';

const [dir, epochsArg, threadsArg, precisionArg] = process.argv.slice(2);
const epochs = Number(epochsArg ?? 10);
const threads = Number(threadsArg ?? 2);
const precision = (precisionArg ?? 'f32') as 'f32' | 'f64';

let t = performance.now();
const train = loadDataset(join(dir, 'train-images-idx3-ubyte.gz'));
const test = loadDataset(join(dir, 't10k-images-idx3-ubyte.gz'), { numLabels: train.numLabels, labels: train.labels });
const readSeconds = (performance.now() - t) / 1000;

const arch = { activation: 'relu', output: 'softmax' } as const;
const net = Network.random([784, 300, 10], { seed: 0, labels: train.labels, ...arch });
t = performance.now();
const ev = await createThreadedEvaluator(net.sizes, train.X, labelsToTargets(train.y, 10, train.labels), threads, { precision, architecture: arch });
const prepareSeconds = (performance.now() - t) / 1000;
const testEv = await createThreadedEvaluator(net.sizes, test.X, labelsToTargets(test.y, 10, test.labels), threads, { precision: 'f64', architecture: arch });

const testTargets = labelsToTargets(test.y, 10, test.labels);
const epochSeconds: number[] = [];
const testAccuracy: number[] = [];
let epochStart = performance.now();
net.train(train.X, train.y, {
  optimizer: 'adam',
  learningRate: 0.001,
  batchSize: 128,
  lambda: 2,
  maxIter: epochs,
  batchSeed: 0,
  backend: ev,
  onIteration: ({ theta }) => {
    epochSeconds.push((performance.now() - epochStart) / 1000);
    testAccuracy.push(accuracy(testEv.predictTargets(theta), testTargets));
    epochStart = performance.now();
  },
});
ev.close();
testEv.close();
process.stdout.write(`${JSON.stringify({ threads, precision, readSeconds, prepareSeconds, epochSeconds, testAccuracy })}\n`);
