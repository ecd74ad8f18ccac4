/**
 * The numbers the documents print, reproduced: sigmoid gradients, the gradient-check table, the costs of the
 * course's weights and their accuracy.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sigmoid, sigmoidGradient } from '../../src/nn/sigmoid.js';
import { checkNNGradients } from '../../src/nn/gradcheck.js';
import { debugInitializeWeights } from '../../src/nn/init.js';
import { nnCostFunction } from '../../src/nn/cost.js';
import { predict, accuracy } from '../../src/nn/predict.js';
import { unrollParams } from '../../src/nn/params.js';
import { readMatFile } from '../../src/data/files.js';
import { Matrix } from '../../src/linalg/matrix.js';
import { formatExp } from '../../src/format.js';
import { shared } from '../helpers.js';

test('sigmoidGradient([-1, -0.5, 0, 0.5, 1]) prints as the notebook: 0.19661193 0.23500371 0.25 0.23500371 0.19661193', () => {
  const g = sigmoidGradient([-1, -0.5, 0, 0.5, 1]);
  assert.deepEqual(Array.from(g, (v) => Number(v.toFixed(8))), [0.19661193, 0.23500371, 0.25, 0.23500371, 0.19661193]);
  assert.equal(sigmoidGradient(0), 0.25);
  assert.ok(sigmoidGradient(50) < 1e-20 && sigmoidGradient(-50) < 1e-20);
});

test('sigmoid works on numbers, arrays and matrices alike', () => {
  assert.equal(sigmoid(0), 0.5);
  assert.deepEqual(Array.from(sigmoid([0, 0])), [0.5, 0.5]);
  const M = sigmoid(Matrix.fromRows([[0, 1000, -1000]]));
  assert.deepEqual(Array.from(M.data), [0.5, 1, 0]);
});

test('debugInitializeWeights fills sin(1..n)/10 in column-major order', () => {
  const W = debugInitializeWeights(5, 3);
  assert.equal(W.shape, '5×4');
  assert.equal(W.get(0, 0), Math.sin(1) / 10);
  assert.equal(W.get(1, 0), Math.sin(2) / 10);
  assert.equal(W.get(0, 1), Math.sin(6) / 10);
});

// The table printed by `utils.checkNNGradients(nnCostFunction)` in the seed notebook (000_*.txt), numerical
// gradient then backpropagation, row-major unrolled. The seed's text lost one row at a page break (after row 23);
// that row, 1.58339334e-01 in both columns, is the one NumPy prints there with the notebook's code.
const TABLE = `
-9.27825235e-03 -9.27825236e-03
-3.04978709e-06 -3.04978914e-06
-1.75060084e-04 -1.75060082e-04
-9.62660640e-05 -9.62660620e-05
 8.89911959e-03  8.89911960e-03
 1.42869450e-05  1.42869443e-05
 2.33146358e-04  2.33146357e-04
 1.17982666e-04  1.17982666e-04
-8.36010761e-03 -8.36010762e-03
-2.59383093e-05 -2.59383100e-05
-2.87468729e-04 -2.87468729e-04
-1.37149709e-04 -1.37149706e-04
 7.62813550e-03  7.62813551e-03
 3.69883257e-05  3.69883234e-05
 3.35320351e-04  3.35320347e-04
 1.53247082e-04  1.53247082e-04
-6.74798369e-03 -6.74798370e-03
-4.68759764e-05 -4.68759769e-05
-3.76215583e-04 -3.76215587e-04
-1.66560294e-04 -1.66560294e-04
 3.14544970e-01  3.14544970e-01
 1.64090819e-01  1.64090819e-01
 1.64567932e-01  1.64567932e-01
 1.58339334e-01  1.58339334e-01
 1.51127527e-01  1.51127527e-01
 1.49568335e-01  1.49568335e-01
 1.11056588e-01  1.11056588e-01
 5.75736494e-02  5.75736493e-02
 5.77867378e-02  5.77867378e-02
 5.59235296e-02  5.59235296e-02
 5.36967009e-02  5.36967009e-02
 5.31542052e-02  5.31542052e-02
 9.74006970e-02  9.74006970e-02
 5.04575855e-02  5.04575855e-02
 5.07530173e-02  5.07530173e-02
 4.91620841e-02  4.91620841e-02
 4.71456249e-02  4.71456249e-02
 4.65597186e-02  4.65597186e-02`
  .trim()
  .split('\n')
  .map((line) => line.trim().split(/\s+/));

const e8 = (x: number): string => formatExp(x, 8); // NumPy's %.8e, as the table is printed

test('checkNNGradients reproduces every value of the notebook’s table to its printed digits', () => {
  const r = checkNNGradients(0);
  assert.equal(r.numerical.length, 38);
  const mismatches: string[] = [];
  TABLE.forEach(([num, ana], i) => {
    if (e8(r.numerical[i]) !== num) mismatches.push(`numerical[${i}] = ${e8(r.numerical[i])}, printed ${num}`);
    if (e8(r.analytic[i]) !== ana) mismatches.push(`analytic[${i}] = ${e8(r.analytic[i])}, printed ${ana}`);
  });
  assert.deepEqual(mismatches, []);
});

test('the relative difference of the gradient check is below 1e-9 for λ = 0 and λ = 3', () => {
  const r0 = checkNNGradients(0);
  const r3 = checkNNGradients(3);
  assert.ok(r0.relativeDifference < 1e-9 && r0.relativeDifference > 0, String(r0.relativeDifference));
  assert.ok(r3.relativeDifference < 1e-9, String(r3.relativeDifference));
  // the notebook prints 2.41486e-11 (NumPy's BLAS rounds the analytic gradient differently in the last bits)
  assert.ok(Math.abs(r0.relativeDifference - 2.41e-11) < 0.05e-11);
});

const weights = shared('ex4weights.mat');
const data = shared('ex4data1_reconstructed.mat');
const skip = weights.skip || data.skip;

test('the course’s weights cost 0.287653, 0.383794 and 0.576075 at λ = 0, 1, 3 on the rebuilt data, and score 97.52%', { skip }, () => {
  const w = readMatFile(weights.path);
  const d = readMatFile(data.path);
  const T1 = w.matrix('Theta1');
  const T2 = w.matrix('Theta2');
  const X = d.matrix('X');
  const y = d.matrix('y').data;
  const params = unrollParams([T1, T2]);
  const costs = [0, 1, 3].map((lambda) => nnCostFunction(params, 400, 25, 10, X, y, lambda)[0].toFixed(6));
  assert.deepEqual(costs, ['0.287653', '0.383794', '0.576075']);
  assert.equal(accuracy(predict([T1, T2], X), y).toFixed(2), '97.52');
  // Regularizing the bias column too would give a visibly different cost.
  let biasSq = 0;
  for (const T of [T1, T2]) for (let i = 0; i < T.rows; i++) biasSq += T.get(i, 0) ** 2;
  const withBias = nnCostFunction(params, 400, 25, 10, X, y, 1)[0] + biasSq / (2 * 5000);
  assert.notEqual(withBias.toFixed(6), '0.383794');
});

test('the notebook’s zero-based labels give the same cost once Theta2’s rows are rolled as the notebook rolls them', { skip }, () => {
  const w = readMatFile(weights.path);
  const d = readMatFile(data.path);
  const T1 = w.matrix('Theta1');
  const T2 = w.matrix('Theta2');
  const X = d.matrix('X');
  const y = Array.from(d.matrix('y').data, (v) => v % 10); // digit 0 labelled 0
  const rolled = Matrix.fromRows([T2.toRows()[9], ...T2.toRows().slice(0, 9)]); // np.roll(Theta2, 1, axis=0)
  const [J] = nnCostFunction(unrollParams([T1, rolled]), 400, 25, 10, X, y, 0, { labels: 'zero-based' });
  assert.equal(J.toFixed(6), '0.287653');
});
