/**
 * Beyond the course's sigmoid network: tanh and ReLU hidden units, the softmax output, any depth. Each checked
 * against numerical gradients (the independent reference), and the drawing and description of a network.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkNNGradients, computeNumericalGradient } from '../../src/nn/gradcheck.js';
import { costFunction } from '../../src/nn/cost.js';
import { randInitializeWeights } from '../../src/nn/init.js';
import { paramCount } from '../../src/nn/params.js';
import { Network } from '../../src/nn/network.js';
import { modelFromJson, modelToJson } from '../../src/nn/model.js';
import { Matrix } from '../../src/linalg/matrix.js';
import { Random } from '../../src/random.js';
import { ACTIVATIONS, OUTPUTS } from '../../src/nn/activations.js';
import { relNormDiff, runCli } from '../helpers.js';

test('the gradient check of the Oslo net 9-3-2-6 passes below 1e-9 for every activation and output, λ = 0 and 3', () => {
  for (const activation of ACTIVATIONS) {
    for (const output of OUTPUTS) {
      for (const lambda of [0, 3]) {
        const r = checkNNGradients(lambda, { layers: [9, 3, 2, 6], activation, output });
        assert.equal(r.numerical.length, 3 * 10 + 2 * 4 + 6 * 3);
        assert.ok(r.relativeDifference < 1e-9, `${activation}/${output}/λ=${lambda}: ${r.relativeDifference}`);
        // the debug network sits far from ReLU's kink compared with the step ε = 1e-4
        assert.ok(r.minAbsHiddenZ > 1e-3, String(r.minAbsHiddenZ));
      }
    }
  }
});

test('backpropagation matches the numerical gradient on random nets of depth 1 to 3 for every architecture', () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 0, maxLength: 2 }),
      fc.integer({ min: 1, max: 5 }),
      fc.integer({ min: 2, max: 4 }),
      fc.nat(1000),
      fc.constantFrom(...ACTIVATIONS),
      fc.constantFrom(...OUTPUTS),
      (hidden, n, K, seed, activation, output) => {
        const sizes = [n, ...hidden, K];
        const rng = new Random(seed);
        const m = 6;
        const X = rng.rand(m, n);
        const targets = Int32Array.from({ length: m }, () => rng.interval(K - 1));
        const params = new Float64Array(paramCount(sizes)).map(() => rng.random() * 2 - 1);
        const architecture = { activation, output };
        const { grad } = costFunction(sizes, params, X, targets, 0.3, { architecture });
        const numerical = computeNumericalGradient((t) => costFunction(sizes, t, X, targets, 0.3, { architecture, gradient: false }).cost, params, 1e-6);
        // ReLU: a unit within 1e-6 of its kink makes the central difference meaningless; such draws are skipped
        const nearKink = activation === 'relu' && hidden.length > 0 && hasNearZeroUnit(sizes, params, X);
        if (!nearKink) assert.ok(relNormDiff(grad, numerical) < 1e-6, `${sizes} ${activation}/${output}: ${relNormDiff(grad, numerical)}`);
      },
    ),
    { numRuns: 150 },
  );
});

function hasNearZeroUnit(sizes: number[], params: Float64Array, X: Matrix): boolean {
  // forward by hand through the ReLU layers, looking for |z| < 1e-5
  let A = X;
  let off = 0;
  for (let l = 0; l + 2 < sizes.length; l++) {
    const w1 = sizes[l] + 1;
    const Z = new Matrix(A.rows, sizes[l + 1]);
    for (let i = 0; i < A.rows; i++) {
      for (let u = 0; u < sizes[l + 1]; u++) {
        let z = params[off + u * w1];
        for (let j = 0; j < sizes[l]; j++) z += A.get(i, j) * params[off + u * w1 + 1 + j];
        if (Math.abs(z) < 1e-5) return true;
        Z.set(i, u, Math.max(0, z));
      }
    }
    off += sizes[l + 1] * w1;
    A = Z;
  }
  return false;
}

test('the softmax cost stays finite and exact when outputs saturate', () => {
  const X = Matrix.fromRows([[1]]);
  const sizes = [1, 3];
  const params = Float64Array.from([1000, 0, -1000, 0, 0, 0]); // z = [1000, -1000, 0]
  const architecture = { activation: 'sigmoid' as const, output: 'softmax' as const };
  const right = costFunction(sizes, params, X, [0], 0, { architecture });
  const wrong = costFunction(sizes, params, X, [1], 0, { architecture });
  assert.ok(right.cost >= 0 && right.cost < 1e-300);
  assert.equal(wrong.cost, 2000); // -log softmax(z)_1 = logsumexp(z) - z_1 = 1000 + 1000
  assert.ok(Array.from(wrong.grad).every(Number.isFinite));
});

test('He initialization for ReLU: biases 0, weights uniform in ±√(6/L_in)', () => {
  const W = randInitializeWeights(50, 20, { epsilon: 'he', rng: 3 });
  const bound = Math.sqrt(6 / 50);
  for (let r = 0; r < 20; r++) {
    assert.equal(W.get(r, 0), 0);
    for (let c = 1; c < 51; c++) assert.ok(Math.abs(W.get(r, c)) <= bound);
  }
  const net = Network.random([50, 20, 3], { activation: 'relu', seed: 3 });
  assert.equal(net.thetas[0].get(5, 0), 0, 'a ReLU network starts from He’s rule');
});

test('a ReLU/softmax model saved as JSON loads back with its architecture and predicts the same', () => {
  const rng = new Random(9);
  const X = rng.rand(30, 6);
  const y = Int32Array.from({ length: 30 }, (_, i) => i % 3);
  const net = Network.random([6, 5, 4, 3], { activation: 'relu', output: 'softmax', labels: 'zero-based', seed: 1 });
  net.train(X, y, { lambda: 0.1, maxIter: 20 });
  const back = modelFromJson(JSON.stringify(modelToJson(net)));
  assert.equal(back.activation, 'relu');
  assert.equal(back.output, 'softmax');
  assert.deepEqual(back.predict(X), net.predict(X));
  assert.throws(() => modelFromJson(JSON.stringify({ ...modelToJson(net), activation: 'swish' })), /unsupported activation "swish"/);
});

test('nnlearn describe --layers 9,3,2,6 names Theta1 3×10, Theta2 2×4, Theta3 6×3 and draws the net with its bias units', async () => {
  const r = await runCli(['describe', '--layers', '9,3,2,6', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout) as { matrices: { name: string; rows: number; cols: number }[]; parameters: number };
  assert.deepEqual(s.matrices.map((x) => `${x.name} ${x.rows}×${x.cols}`), ['Theta1 3×10', 'Theta2 2×4', 'Theta3 6×3']);
  assert.equal(s.parameters, 56);
  const { mkdtempSync, readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const out = join(mkdtempSync(join(tmpdir(), 'nnlearn-describe-')), 'net.svg');
  const d = await runCli(['describe', '--layers', '9,3,2,6', '--out', out]);
  assert.equal(d.code, 0, d.stderr);
  assert.match(d.stdout, /Theta1: 3×10/);
  const svg = readFileSync(out, 'utf8');
  assert.equal((svg.match(/<circle /g) ?? []).length, 9 + 3 + 2 + 6, 'one circle per unit');
  assert.equal((svg.match(/>\+1</g) ?? []).length, 3, 'a bias unit for every layer but the output');
  assert.equal((svg.match(/<line /g) ?? []).length, 30 + 8 + 18, 'one line per weight');
  for (const label of ['Θ1: 3×10', 'Θ2: 2×4', 'Θ3: 6×3']) assert.ok(svg.includes(label), label);
});

test('nnlearn check-gradients --layers 9,3,2,6 --activation relu --output softmax --json', async () => {
  const r = await runCli(['check-gradients', '--layers', '9,3,2,6', '--activation', 'relu', '--output', 'softmax', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout) as { relativeDifference: number; layers: number[]; activation: string };
  assert.ok(s.relativeDifference < 1e-9);
  assert.deepEqual(s.layers, [9, 3, 2, 6]);
  assert.equal(s.activation, 'relu');
  const bad = await runCli(['check-gradients', '--layers', '9']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /needs at least an input and an output size/);
});

test('a model saved as .mat keeps its architecture, predicts as the one in memory, and loads in scipy with the right shapes', async () => {
  const { execFileSync } = await import('node:child_process');
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const { modelToMat, networkFromMat } = await import('../../src/nn/model.js');
  const { readMat } = await import('../../src/data/mat.js');
  const rng = new Random(12);
  const X = rng.rand(40, 8);
  const y = Int32Array.from({ length: 40 }, (_, i) => i % 4);
  const net = Network.random([8, 6, 5, 4], { activation: 'tanh', output: 'softmax', labels: 'zero-based', seed: 5 });
  net.train(X, y, { lambda: 0.1, maxIter: 15 });
  const bytes = modelToMat(net);
  const back = networkFromMat(readMat(bytes, 'model.mat'));
  assert.equal(back.activation, 'tanh');
  assert.equal(back.output, 'softmax');
  assert.equal(back.labels, 'zero-based');
  assert.deepEqual(back.predict(X), net.predict(X));
  assert.deepEqual(Array.from(back.params), Array.from(net.params));
  let python = true;
  try {
    execFileSync('python3', ['-c', 'import scipy.io'], { stdio: 'ignore' });
  } catch {
    python = false;
  }
  if (!python) return; // scipy is an optional peer
  const file = join(mkdtempSync(join(tmpdir(), 'nnlearn-mat-')), 'model.mat');
  writeFileSync(file, bytes);
  const out = execFileSync('python3', ['-c', `import scipy.io; d = scipy.io.loadmat(${JSON.stringify(file)}); print(d['Theta1'].shape, d['Theta2'].shape, d['Theta3'].shape, int(d['nnlearn_activation'][0,0]), int(d['nnlearn_output'][0,0]))`]).toString().trim();
  assert.equal(out, '(6, 9) (5, 7) (4, 6) 2 2');
});

test('a model records the scaling of its inputs: 255 for 8-bit pixels brought to [0, 1]', async () => {
  const { mkdtempSync, writeFileSync, readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'nnlearn-scale-'));
  const csv = join(dir, 'px.csv');
  const rng = new Random(3);
  const lines = Array.from({ length: 30 }, (_, i) => [i % 2, ...Array.from({ length: 4 }, () => Math.floor(rng.random() * 256))].join(','));
  writeFileSync(csv, `label,a,b,c,d\n${lines.join('\n')}\n`);
  const model = join(dir, 'm.json');
  const r = await runCli(['train', '--data', csv, '--hidden', '3', '--max-iter', '5', '--out', model, '--quiet']);
  assert.equal(r.code, 0, r.stderr);
  const saved = JSON.parse(readFileSync(model, 'utf8')) as { inputScale: number };
  assert.equal(saved.inputScale, 255);
  assert.equal(modelFromJson(readFileSync(model, 'utf8')).inputScale, 255);
  assert.throws(() => modelFromJson(JSON.stringify({ ...saved, inputScale: -1 })), /"inputScale" must be a positive number/);
});
