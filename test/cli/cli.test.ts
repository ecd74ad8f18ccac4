import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readMat, writeMat } from '../../src/data/mat.js';
import { Matrix } from '../../src/linalg/matrix.js';
import { Random } from '../../src/random.js';
import { shippedDigits } from '../../src/data/shipped-digits.js';
import type { Dataset } from '../../src/data/dataset.js';
import { repoRoot, runCli, shared } from '../helpers.js';

const weights = shared('ex4weights.mat');
const data = shared('ex4data1_reconstructed.mat');
const tmp = mkdtempSync(join(tmpdir(), 'nnlearn-cli-'));

/** A small data set in a MAT-file: 40 examples of 4 features, labels 1..3. */
function smallData(): string {
  const rng = new Random(4);
  const X = rng.rand(40, 4);
  const y = new Matrix(40, 1);
  for (let i = 0; i < 40; i++) y.data[i] = 1 + (X.get(i, 0) > 0.5 ? 1 : 0) + (X.get(i, 1) > 0.5 ? 1 : 0);
  const file = join(tmp, 'small.mat');
  writeFileSync(file, writeMat({ X, y }));
  return file;
}

describe('nnlearn cost', () => {
  test('prints {"cost": …} for the course’s weights at λ = 1', { skip: weights.skip || data.skip }, async () => {
    const r = await runCli(['cost', '--data', data.path, '--weights', weights.path, '--lambda', '1', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { cost: number }).cost.toFixed(6), '0.383794');
  });

  test('a missing file is one line naming it, exit code 1, no stack trace', async () => {
    const r = await runCli(['cost', '--data', join(tmp, 'nope.mat'), '--weights', join(tmp, 'nope.mat')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^nnlearn: .*nope\.mat: no such file\n$/);
  });

  test('a truncated or non-MAT file is refused with exit code 1', async () => {
    const file = smallData();
    const cut = join(tmp, 'cut.mat');
    writeFileSync(cut, readFileSync(file).subarray(0, 200));
    const notMat = join(tmp, 'notes.txt');
    writeFileSync(notMat, 'just some text, not a MAT-file at all.'.repeat(5));
    for (const bad of [cut, notMat]) {
      const r = await runCli(['cost', '--data', bad, '--weights', bad]);
      assert.equal(r.code, 1);
      assert.equal(r.stderr.split('\n').length, 2, r.stderr);
      assert.doesNotMatch(r.stderr, /at .*\.ts:\d+/);
    }
  });

  test('any data the other commands read: the shipped digits, IDX, CSV give the cost the same data gives as a MAT-file', async () => {
    const model = join(tmp, 'cost-model.json');
    assert.equal((await runCli(['train', '--max-iter', '3', '--quiet', '--out', model])).code, 0);
    const test = shippedDigits('digits:test') as Dataset;
    const mat = join(tmp, 'digits-test.mat');
    writeFileSync(mat, writeMat({ X: test.X, y: new Matrix(test.X.rows, 1, Float64Array.from(test.y)) }));
    const csv = join(tmp, 'digits-test.csv');
    const rows: string[] = [];
    for (let i = 0; i < test.X.rows; i++) rows.push([test.y[i], ...test.X.data.subarray(i * 784, (i + 1) * 784)].join(','));
    writeFileSync(csv, `${rows.join('\n')}\n`);
    const cost = async (data: string) => {
      const r = await runCli(['cost', '--data', data, '--weights', model, '--lambda', '1', '--json']);
      assert.equal(r.code, 0, r.stderr);
      return (JSON.parse(r.stdout) as { cost: number }).cost;
    };
    const fromMat = await cost(mat);
    assert.ok(fromMat > 0.5 && fromMat < 3.3, `cost ${fromMat}`);
    assert.equal(await cost('digits:test'), fromMat);
    assert.equal(await cost(csv), fromMat);
  });

  test('data that does not fit the weights names both sizes', { skip: weights.skip }, async () => {
    const r = await runCli(['cost', '--data', smallData(), '--weights', weights.path]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /has 4 features, but .*ex4weights\.mat expects 400 inputs/);
  });
});

describe('nnlearn check-gradients', () => {
  test('prints the numerical and analytic gradients in the notebook’s order and a tiny relative difference', async () => {
    const r = await runCli(['check-gradients', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { numerical: number[]; analytic: number[]; relativeDifference: number };
    assert.equal(out.numerical.length, 38);
    assert.equal(out.analytic.length, 38);
    assert.equal(out.numerical[0].toExponential(8), '-9.27825235e-3');
    assert.equal(out.analytic[1].toExponential(8), '-3.04978914e-6');
    assert.ok(out.relativeDifference < 1e-9);
    const r3 = await runCli(['check-gradients', '--lambda', '3', '--json']);
    assert.ok((JSON.parse(r3.stdout) as { relativeDifference: number }).relativeDifference < 1e-9);
  });

  test('prints the table as the notebook does without --json', async () => {
    const r = await runCli(['check-gradients']);
    assert.match(r.stdout, /^\[\[-9\.27825235e-03 -9\.27825236e-03\]\n \[-3\.04978709e-06 -3\.04978914e-06\]/);
    assert.match(r.stdout, /Relative Difference: \d\.\d{5}e-11/, r.stdout.slice(-200));
  });
});

describe('nnlearn train', () => {
  test('trains, reports accuracy, cost and one cost per iteration, and saves a model', async () => {
    const out = join(tmp, 'model.json');
    const r = await runCli(['train', '--data', smallData(), '--hidden', '5', '--lambda', '0.1', '--max-iter', '100', '--seed', '3', '--out', out, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout) as { trainAccuracy: number; cost: number; costHistory: number[]; iterations: number; layers: number[] };
    assert.equal(s.iterations, 100);
    assert.ok(s.costHistory.length >= 1 && s.costHistory.length <= 100);
    assert.equal(s.cost, s.costHistory[s.costHistory.length - 1]);
    assert.ok(s.trainAccuracy > 60);
    assert.deepEqual(s.layers, [4, 5, 3]);
    assert.match(r.stderr, /Iteration {4}1 \| Cost: \d\.\d{6}e[+-]\d\d/);
    const model = JSON.parse(readFileSync(out, 'utf8')) as { format: string; layers: number[] };
    assert.equal(model.format, 'nnlearn-model');
  });

  test('mini-batch progress counts epochs: "Epoch    1 | Cost: …", one line per epoch', async () => {
    const r = await runCli(['train', '--data', smallData(), '--hidden', '5', '--optimizer', 'adam', '--max-iter', '3', '--out', join(tmp, 'epochs.json')]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('train: '));
    assert.deepEqual(lines.map((l) => /^train: Epoch {4}(\d) \| Cost: \d\.\d{6}e[+-]\d\d$/.exec(l)?.[1]), ['1', '2', '3']);
    assert.match(r.stdout, /after 3 epochs/);
  });

  test('the same seed gives the same result; --init starts from given weights', async () => {
    const file = smallData();
    const args = ['train', '--data', file, '--hidden', '3', '--max-iter', '5', '--json', '--quiet'];
    const a = JSON.parse((await runCli([...args, '--seed', '1'])).stdout) as { cost: number };
    const b = JSON.parse((await runCli([...args, '--seed', '1'])).stdout) as { cost: number };
    assert.equal(a.cost, b.cost);
    const init = join(tmp, 'init.mat');
    const rng = new Random(2);
    writeFileSync(init, writeMat({ Theta1: rng.rand(3, 5), Theta2: rng.rand(3, 4) }));
    // the weights set the layer sizes, so --hidden (and --seed) cannot go with --init
    const fromInit = ['train', '--data', file, '--max-iter', '5', '--json', '--quiet', '--init'];
    const c = await runCli([...fromInit, init]);
    assert.equal(c.code, 0, c.stderr);
    assert.deepEqual((JSON.parse(c.stdout) as { layers: number[] }).layers, [4, 3, 3]);
    // any model file nnlearn reads sets the sizes: here the JSON model the first test saved (4-5-3)
    const fromModel = await runCli([...fromInit, join(tmp, 'model.json')]);
    assert.equal(fromModel.code, 0, fromModel.stderr);
    assert.deepEqual((JSON.parse(fromModel.stdout) as { layers: number[] }).layers, [4, 5, 3]);
    const bad = await runCli([...fromInit, file]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /no Theta1 variable/);
    const both = await runCli([...args, '--init', init]);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /--init .* cannot be used with option '--hidden/);
  });

  test('saves a .mat model with Theta1, Theta2 and the cost history', async () => {
    const out = join(tmp, 'model.mat');
    const r = await runCli(['train', '--data', smallData(), '--hidden', '2', '--max-iter', '3', '--out', out, '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    const mat = readMat(new Uint8Array(readFileSync(out)));
    assert.equal(mat.matrix('Theta1').shape, '2×5');
    assert.equal(mat.matrix('Theta2').shape, '3×3');
    assert.equal(mat.matrix('costHistory').rows, 1);
    assert.ok(mat.matrix('costHistory').cols >= 1);
  });

  test('bad flags are usage errors (exit code 2) with one line each', async () => {
    const file = smallData();
    const cases: [string[], RegExp][] = [
      [['train', '--data', file, '--lambda', 'abc'], /--lambda: "abc" is not a number/],
      [['train', '--data', file, '--max-iter', '0'], /--max-iter: must be at least 1/],
      [['train', '--data', file, '--hidden', '25,,3'], /--hidden/],
      [['train', '--data', file, '--out', 'x.txt'], /must end in \.json, \.mat or \.onnx/],
      [['train', '--bogus'], /unknown option '--bogus'/],
      [['frobnicate'], /unknown command 'frobnicate'/],
      [['train', '--data', file, '--holdout', '0.2', '--test', file], /--holdout .* cannot be used with option '--test/],
      [['train', '--data', file, '--holdout', '1.5'], /--holdout: must be at most 0.9/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.trim().split('\n').length <= 2, true, r.stderr);
    }
  });
});

describe('the installed package', () => {
  const built = existsSync(join(repoRoot, 'dist', 'index.js'));
  const skip = built ? false : 'needs the build in dist/ (npm install runs it)';

  test('npx nnlearn --help lists the commands and the exit codes', { skip }, () => {
    const out = execFileSync('node', [join(repoRoot, 'bin', 'nnlearn.js'), '--help']).toString();
    assert.match(out, /check-gradients/);
    assert.match(out, /Exit codes:/);
    const bad = spawnSync('node', [join(repoRoot, 'bin', 'nnlearn.js'), 'cost', '--nope']);
    assert.equal(bad.status, 2);
  });

  test('a script inside the repository can import { … } from "nnlearn"', { skip }, () => {
    const script = join(repoRoot, 'test', 'fixtures', 'self-import.mjs');
    const out = execFileSync('node', [script]).toString().trim();
    assert.equal(out, '0.25 0.19661193 2000');
  });
});
