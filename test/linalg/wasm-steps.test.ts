/**
 * The optimizers' updates in WebAssembly (src/linalg/wasm/steps.ts) against the JavaScript loop of src/optim/adam.ts,
 * written out here: the same weights and moments, bit for bit, step after step.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WasmAdam } from '../../src/linalg/wasm/steps.js';
import { Random } from '../../src/random.js';

test('the WebAssembly Adam step gives the JavaScript loop’s weights and moments bit for bit', () => {
  const rng = new Random(9);
  for (const n of [1, 2, 7, 1000]) {
    const theta = Float64Array.from({ length: n }, () => rng.random() - 0.5);
    const mine = Float64Array.from(theta);
    const m = new Float64Array(n);
    const v = new Float64Array(n);
    const stepper = new WasmAdam(n);
    const [b1, b2, alpha, eps] = [0.9, 0.999, 0.003, 1e-8];
    for (let t = 1; t <= 25; t++) {
      // gradients with zeros, tiny and large values
      const grad = Float64Array.from({ length: n }, (_, i) => (i % 5 === 0 ? 0 : (rng.random() - 0.5) * 10 ** (rng.interval(12) - 6)));
      const c1 = 1 - b1 ** t;
      const c2 = 1 - b2 ** t;
      for (let k = 0; k < n; k++) {
        const g = grad[k];
        m[k] = b1 * m[k] + (1 - b1) * g;
        v[k] = b2 * v[k] + (1 - b2) * g * g;
        theta[k] -= (alpha * (m[k] / c1)) / (Math.sqrt(v[k] / c2) + eps);
      }
      stepper.step(mine, grad, t, b1, b2, alpha, eps);
      assert.deepEqual(Array.from(mine), Array.from(theta), `n ${n}, step ${t}: weights`);
      assert.deepEqual(Array.from(stepper.m), Array.from(m), `n ${n}, step ${t}: first moments`);
      assert.deepEqual(Array.from(stepper.v), Array.from(v), `n ${n}, step ${t}: second moments`);
    }
  }
});
