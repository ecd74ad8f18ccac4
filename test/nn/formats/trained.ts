/**
 * Networks trained by nnlearn for the exchange tests: on 2,000 of the shipped digits' training split, a few
 * iterations each (enough to move the weights far from their start and to give confident probabilities), and the
 * 2,000 test digits to compare predictions on.
 */
import { shippedDigits } from '../../../src/data/shipped-digits.js';
import { selectRows } from '../../../src/data/dataset.js';
import { Matrix } from '../../../src/linalg/matrix.js';
import { Network, type NetworkOptions } from '../../../src/nn/network.js';
import type { Dataset } from '../../../src/data/dataset.js';

export interface TrainedCase {
  name: string;
  net: Network;
  /** the inputs the network takes (scaled to [0, 1]) */
  X: Matrix;
  /** the same inputs as raw values, for a model whose graph divides by its input scale */
  raw: Matrix;
}

const train = shippedDigits('digits:train') as Dataset;
export const testDigits = shippedDigits('digits:test') as Dataset;

/** 8-bit pixel values 0..255 and the same divided by 255, from the shipped digits (which are in [0, 1]). */
function pixels(X: Matrix): { raw: Matrix; scaled: Matrix } {
  const raw = new Matrix(X.rows, X.cols, X.data.map((v) => Math.round(v * 255)));
  return { raw, scaled: new Matrix(X.rows, X.cols, raw.data.map((v) => v / 255)) };
}

function trainOn(sizes: number[], options: NetworkOptions, course: boolean, X: Matrix): Network {
  const rows = Array.from({ length: 2000 }, (_, i) => i);
  const part = selectRows(train, rows, 'digits:train');
  // the course's labels 1..10, where 10 is the digit 0
  const y = course ? part.y.map((v) => (v === 0 ? 10 : v)) : part.y;
  const net = Network.random(sizes, { seed: 3, image: train.image, labels: course ? 'course' : 'zero-based', ...options });
  net.train(new Matrix(2000, X.cols, X.data.subarray(0, 2000 * X.cols)), y, { maxIter: 15, lambda: 1 });
  return net;
}

let cases: TrainedCase[] | undefined;

/** The course's sigmoid network with its labels; ReLU with softmax; two tanh layers on 8-bit pixels (scale 255). */
export function trainedCases(): TrainedCase[] {
  if (cases !== undefined) return cases;
  const { scaled } = pixels(train.X);
  const test = pixels(testDigits.X);
  cases = [
    { name: 'course 784-25-10 sigmoid, labels 1..10', net: trainOn([784, 25, 10], {}, true, train.X), X: testDigits.X, raw: testDigits.X },
    { name: '784-32-10 relu, softmax', net: trainOn([784, 32, 10], { activation: 'relu', output: 'softmax' }, false, train.X), X: testDigits.X, raw: testDigits.X },
    {
      name: '784-20-12-10 tanh, softmax, input scale 255',
      net: trainOn([784, 20, 12, 10], { activation: 'tanh', output: 'softmax', inputScale: 255 }, false, scaled),
      X: test.scaled,
      raw: test.raw,
    },
  ];
  return cases;
}
