/**
 * Full MNIST from its IDX files: a 784-300-10 network with ReLU units and a softmax output, trained with Adam on
 * mini-batches (its defaults: batch 32, α 0.001, 10 epochs) on every core, then tested on the 10,000 test images.
 *
 *   npx tsx examples/mnist-idx.ts [folder with the four MNIST .gz files] [epochs] [training images to use]
 *
 * (defaults: ../shared/data/mnist beside the repository, 10 epochs, all 60,000; about 98% test accuracy)
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Network, describeSettings, selectRows } from 'nnlearn';
import { loadDataset } from 'nnlearn/node'; // importing nnlearn/node also gives training Node's threads

const dir = process.argv[2] ?? fileURLToPath(new URL('../../shared/data/mnist', import.meta.url));
const epochs = Number(process.argv[3] ?? 10);
const limit = Number(process.argv[4] ?? Infinity);

// the labels are found beside the images (t10k-labels-idx1-ubyte.gz); pixels come scaled to [0, 1]
const all = loadDataset(join(dir, 'train-images-idx3-ubyte.gz'));
const train = limit < all.X.rows ? selectRows(all, Array.from({ length: limit }, (_, i) => i), all.source) : all;
const test = loadDataset(join(dir, 't10k-images-idx3-ubyte.gz'));

const net = Network.random([784, 300, 10], { activation: 'relu', output: 'softmax', labels: 'zero-based', seed: 0 });
const result = await net.trainAsync(train.X, train.y, {
  optimizer: 'adam',
  maxIter: epochs,
  onIteration: ({ iteration, cost }) => console.log(`epoch ${iteration}: cost ${cost.toFixed(6)}`),
});
console.log(`Trained with ${describeSettings(result.settings.optimizer, result.settings)}, λ = ${result.settings.lambda}`);
console.log(`Training Set Accuracy: ${result.trainAccuracy.toFixed(2)}% (${train.X.rows} images)`);
console.log(`Test Set Accuracy: ${net.accuracy(test.X, test.y).toFixed(2)}% (${test.X.rows} images)`);
