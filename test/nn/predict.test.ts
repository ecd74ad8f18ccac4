/**
 * Outputs and predictions a block of rows at a time (src/nn/predict.ts: forwardInBlocks): the same bits as one
 * forward pass over the whole of X, in a workspace whose size does not grow with m.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Matrix } from '../../src/linalg/matrix.js';
import { Random } from '../../src/random.js';
import { MemoryError, setMemoryLimit } from '../../src/memory.js';
import { forward, Workspace } from '../../src/nn/cost.js';
import { argmaxRows, FORWARD_ROWS } from '../../src/nn/predict.js';
import { Network } from '../../src/nn/network.js';

/**
 * m rows of n values; rows in [sparseFrom, m) are 90% zeros, the others dense, so that blocks on either side of
 * sparseFrom take different products (the reference multiplies on compressed rows below 40% density).
 */
function data(m: number, n: number, sparseFrom: number, seed: number): Matrix {
  const rng = new Random(seed);
  const X = new Matrix(m, n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) X.data[i * n + j] = i >= sparseFrom && rng.random() < 0.9 ? 0 : rng.random() * 2 - 1;
  }
  return X;
}

/** One pass over the whole of X, in a workspace of m rows: what the blocks must reproduce. */
function onePass(net: Network, X: Matrix): Float64Array {
  return forward(net.thetas, X, new Workspace(net.sizes, X.rows), net.architecture).data.slice();
}

test('outputs and labels by blocks of rows are the bits of one pass, on dense, sparse and mixed X, for every architecture', () => {
  const m = 2 * FORWARD_ROWS + 37;
  const cases: [string, Matrix][] = [
    ['dense', data(m, 30, m, 1)],
    ['sparse', data(m, 30, 0, 2)],
    // the first block dense, the others compressed: the whole matrix is neither
    ['mixed', data(m, 30, FORWARD_ROWS, 3)],
  ];
  const archs = [{}, { activation: 'tanh', output: 'softmax' }, { activation: 'relu', output: 'softmax' }] as const;
  for (const arch of archs) {
    const net = Network.random([30, 17, 9, 6], { seed: 4, labels: 'zero-based', ...arch });
    for (const [name, X] of cases) {
      const whole = onePass(net, X);
      const blocks = net.outputs(X).data;
      assert.equal(blocks.length, whole.length);
      let differ = 0;
      // === rather than Object.is: a sum of no non-zero products is -0 on one path and +0 on the other
      for (let i = 0; i < whole.length; i++) if (!(blocks[i] === whole[i])) differ++;
      assert.equal(differ, 0, `${name} ${JSON.stringify(arch)}: ${differ} outputs differ`);
      assert.deepEqual(net.predictUnits(X), argmaxRows(whole, 6), `${name} ${JSON.stringify(arch)}`);
    }
  }
});

test('predictions of many rows need a block’s workspace, not one of m rows (once refused after training)', () => {
  const m = 3 * FORWARD_ROWS;
  const X = data(m, 20, m, 5);
  const net = Network.random([20, 300, 10], { seed: 6, labels: 'zero-based' });
  const expected = argmaxRows(onePass(net, X), 10);
  // one pass: 3·8·m·310 bytes (46 MB); a block: a third of it
  setMemoryLimit(20e6, () => 0);
  try {
    assert.throws(() => new Workspace(net.sizes, m), MemoryError);
    assert.deepEqual(net.predictUnits(X), expected);
    assert.equal(net.outputs(X).rows, m);
  } finally {
    setMemoryLimit(Infinity, () => 0);
  }
});

test('no rows: no outputs and no labels', () => {
  const net = Network.random([4, 3, 2], { seed: 7 });
  assert.equal(net.outputs(new Matrix(0, 4)).data.length, 0);
  assert.equal(net.predictUnits(new Matrix(0, 4)).length, 0);
});
