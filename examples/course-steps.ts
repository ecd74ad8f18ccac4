/**
 * The course's exercise 4, step by step, on its MAT-files: feedforward cost (part 1.3) and with regularization
 * (1.4), the sigmoid gradient (2.1), random initialization (2.2), backpropagation checked by numerical gradients
 * (2.4, 2.5), training with fmincg (2.6) and the training accuracy.
 *
 *   npx tsx examples/course-steps.ts [ex4data1.mat] [ex4weights.mat]
 *
 * (defaults: the rebuilt ex4data1 and the course's weights in ../shared/data beside the repository, wherever it
 * runs from)
 */
import { fileURLToPath } from 'node:url';
import { checkNNGradients, nnCostFunction, Network, predict, accuracy, randInitializeWeights, sigmoidGradient, unrollParams } from 'nnlearn';
import { readMatFile } from 'nnlearn/node';

const shared = (name: string) => fileURLToPath(new URL(`../../shared/data/${name}`, import.meta.url));
const dataFile = process.argv[2] ?? shared('ex4data1_reconstructed.mat');
const weightsFile = process.argv[3] ?? shared('ex4weights.mat');

// 1.1 the data: 5000 20×20 digits, one per row of X; y holds the labels 1..10 (10 is the digit 0)
const data = readMatFile(dataFile);
const X = data.matrix('X');
const y = data.matrix('y').data;

// 1.2 the course's trained weights: Theta1 25×401, Theta2 10×26
const weights = readMatFile(weightsFile);
const Theta1 = weights.matrix('Theta1');
const Theta2 = weights.matrix('Theta2');
const params = unrollParams([Theta1, Theta2]);

// 1.3 and 1.4: the cost of those weights, without and with regularization
for (const lambda of [0, 1]) {
  const [J] = nnCostFunction(params, 400, 25, 10, X, y, lambda);
  console.log(`Cost at parameters (loaded from ex4weights), lambda = ${lambda}: ${J.toFixed(6)}`);
}
console.log(`Accuracy of the given weights: ${accuracy(predict(Theta1, Theta2, X), y).toFixed(2)}%`);

// 2.1 the sigmoid gradient at -1, -0.5, 0, 0.5, 1
console.log('Sigmoid gradient:', [-1, -0.5, 0, 0.5, 1].map((z) => sigmoidGradient(z).toFixed(8)).join(' '));

// 2.2 random initial weights, uniform in [-0.12, 0.12]
const initial = randInitializeWeights(400, 25, { rng: 0 });
console.log(`Initial Theta1 is ${initial.rows}×${initial.cols}`);

// 2.4 and 2.5: backpropagation against numerical gradients on the course's small debug network
for (const lambda of [0, 3]) {
  console.log(`Gradient check, lambda = ${lambda}: relative difference ${checkNNGradients(lambda).relativeDifference.toExponential(5)}`);
}

// 2.6 training: fmincg, 50 iterations, lambda = 1, from random weights (seed 0)
const net = Network.random([400, 25, 10], { seed: 0 });
const result = net.train(X, y, { lambda: 1, maxIter: 50 });
console.log(`Training Set Accuracy: ${result.trainAccuracy.toFixed(2)}% (final cost ${result.cost.toFixed(6)})`);
