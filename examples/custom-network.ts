/**
 * A network of your own on the digits that ship with nnlearn: two hidden layers of tanh units, a softmax output,
 * gradient descent with momentum; then the model saved as JSON, read back, and its predictions checked.
 *
 *   npx tsx examples/custom-network.ts [model.json]
 */
import { readFileSync } from 'node:fs';
import { Network, modelFromJson, modelToJson } from 'nnlearn';
import { shippedDigits, writeFileAtomic } from 'nnlearn/node';

const out = process.argv[2] ?? 'custom-model.json';
const train = shippedDigits('digits:train')!; // 8,000 28×28 digits, labels 0..9
const test = shippedDigits('digits:test')!; // the other 2,000

const net = Network.random([784, 64, 32, 10], {
  activation: 'tanh',
  output: 'softmax',
  labels: 'zero-based',
  image: { height: 28, width: 28, order: 'row-major' },
  epsilon: 'sqrt6', // √6/√(L_in + L_out), a good start for tanh units
  seed: 1,
});
const result = await net.trainAsync(train.X, train.y, { optimizer: 'momentum', lambda: 0.5, maxIter: 5 });
console.log(`${net.sizes.join('-')} (${net.activation}, ${net.output}): ${result.iterations} epochs, cost ${result.cost.toFixed(4)}`);
console.log(`Training Set Accuracy: ${result.trainAccuracy.toFixed(2)}%`);
console.log(`Test Set Accuracy: ${net.accuracy(test.X, test.y).toFixed(2)}%`);

// the model file holds everything needed to predict: layers, units, labels, the image layout, the weights
writeFileAtomic(out, `${JSON.stringify(modelToJson(net, { settings: result.settings }))}\n`);
const again = modelFromJson(readFileSync(out, 'utf8'), out);
const before = net.predict(test.X);
const same = again.predict(test.X).every((label, i) => label === before[i]);
console.log(`Saved ${out}; read back, it predicts ${same ? 'the same labels' : 'DIFFERENT labels'}`);
