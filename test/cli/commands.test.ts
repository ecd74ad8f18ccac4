/**
 * The exercise from the command line: display, hidden, predict, learning-rates, sweep, exercise and the main
 * job, on small data sets built here (and the course's files when ../shared/data has them).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { writeMat } from '../../src/data/mat.js';
import { Matrix } from '../../src/linalg/matrix.js';
import { Random } from '../../src/random.js';
import { compareCost, type ExercisePart } from '../../src/cli/commands/exercise.js';
import { repoRoot, runCli, shared } from '../helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'nnlearn-commands-'));
const weights = shared('ex4weights.mat');
const ex4 = shared('ex4data1_reconstructed.mat');

/**
 * 60 noisy 4×4 images of three classes (a vertical bar in column 0, 1 or 2), unrolled column-major as the
 * course's files are, labels 1..3.
 */
function barData(name = 'bars.mat', seed = 1, m = 60): string {
  const rng = new Random(seed);
  const X = new Matrix(m, 16);
  const y = new Matrix(m, 1);
  for (let i = 0; i < m; i++) {
    const c = i % 3;
    y.data[i] = c + 1;
    for (let p = 0; p < 16; p++) X.data[i * 16 + p] = (Math.floor(p / 4) === c ? 1 : 0) + 0.3 * rng.random();
  }
  const file = join(tmp, name);
  writeFileSync(file, writeMat({ X, y }));
  return file;
}

function pngSize(path: string): [number, number] {
  const png = PNG.sync.read(readFileSync(path));
  return [png.width, png.height];
}

describe('nnlearn display and hidden', () => {
  test('display draws the course’s grid: column-major images, floor(√m) rows, 1 pixel of padding', async () => {
    const out = join(tmp, 'grid.png');
    const r = await runCli(['display', '--data', barData(), '--count', '9', '--first', '--out', out, '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(pngSize(out), [16, 16]);
    const png = PNG.sync.read(readFileSync(out));
    // the first image is class 1: a bar in its first column, so the picture's column 1 is bright, column 3 dark
    const px = (x: number, y: number) => png.data[(y * png.width + x) * 4];
    assert.ok(px(1, 2) > 200, `bar pixel ${px(1, 2)}`);
    assert.ok(px(3, 2) < 200);
    const s = JSON.parse(r.stdout) as { width: number; count: number; image: { order: string } };
    assert.equal(s.count, 9);
    assert.equal(s.image.order, 'column-major');
  });

  test('display draws data without labels: a CSV of pixels (--label-column none), IDX images with no labels file', async () => {
    // four 5×5 images (row-major) of a bright first row, as 8-bit pixels with no label column
    const csv = join(tmp, 'pixels.csv');
    const image = Array.from({ length: 25 }, (_, p) => (p < 5 ? 255 : 0));
    writeFileSync(csv, `${Array.from({ length: 4 }, () => image.join(',')).join('\n')}\n`);
    const guessed = await runCli(['display', '--data', csv, '--out', join(tmp, 'p.png')]);
    // its first column (255 in every row) is no label column to guess
    assert.equal(guessed.code, 1);
    assert.match(guessed.stderr, /pixels\.csv: column 1 may not be labels \(it has the single value 255 in all 4 rows\).*, or --label-column none for features only$/m);
    const labelled = await runCli(['display', '--data', csv, '--label-column', 'last', '--out', join(tmp, 'p.png')]);
    assert.equal(labelled.code, 2);
    assert.match(labelled.stderr, /rows of 24 values are not square images; nothing to draw \(if the file has no label column: --label-column none\)/);
    const out = join(tmp, 'pixels.png');
    const r = await runCli(['display', '--data', csv, '--label-column', 'none', '--first', '--out', out, '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(pngSize(out), [13, 13]); // 2×2 images of 5×5 with 1 pixel of padding around each
    const png = PNG.sync.read(readFileSync(out));
    const px = (x: number, y: number) => png.data[(y * png.width + x) * 4];
    assert.ok(px(3, 1) > px(3, 3) + 100, `row-major: the bright first row is the picture’s top row (${px(3, 1)}, ${px(3, 3)})`);
    // IDX images alone (no labels file beside them): drawn, as predict reads them
    const idx = join(mkdtempSync(join(tmp, 'idx-')), 'images-idx3-ubyte');
    const header = Buffer.from([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 3]);
    writeFileSync(idx, Buffer.concat([header, Buffer.alloc(18, 200)]));
    const r2 = await runCli(['display', '--data', idx, '--out', join(tmp, 'idx.png'), '--json']);
    assert.equal(r2.code, 0, r2.stderr);
    assert.equal((JSON.parse(r2.stdout) as { count: number }).count, 2);
  });

  test('display of 100 course digits is a 211×211 PNG', { skip: ex4.skip }, async () => {
    const out = join(tmp, 'ex4grid.png');
    const r = await runCli(['display', '--data', ex4.path, '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(pngSize(out), [211, 211]);
  });

  test('hidden draws the 25 hidden units of ex4weights.mat as a 106×106 PNG', { skip: weights.skip }, async () => {
    const out = join(tmp, 'hidden.png');
    const r = await runCli(['hidden', '--weights', weights.path, '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(pngSize(out), [106, 106]);
  });

  test('bad picture requests are one-line errors', async () => {
    const cases: [string[], number, RegExp][] = [
      [['display', '--data', barData(), '--out', join(tmp, 'x.jpg')], 2, /must end in \.png/],
      [['display', '--data', join(tmp, 'nothing.mat'), '--out', join(tmp, 'x.png')], 1, /no such file/],
      [['display', '--data', barData(), '--count', '0', '--out', join(tmp, 'x.png')], 2, /--count: must be at least 1/],
      [['hidden', '--out', join(tmp, 'x.png')], 2, /give --model or --weights/],
    ];
    for (const [args, code, message] of cases) {
      const r = await runCli(args);
      assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
  });
});

describe('nnlearn predict', () => {
  test('a saved model predicts with the accuracy training reported, and a confusion matrix that adds up', async () => {
    const data = barData();
    const model = join(tmp, 'bars.json');
    const t = await runCli(['train', '--data', data, '--hidden', '4', '--max-iter', '30', '--out', model, '--json', '--quiet']);
    assert.equal(t.code, 0, t.stderr);
    const trained = JSON.parse(t.stdout) as { trainAccuracy: number };
    const picture = join(tmp, 'cm.svg');
    const p = await runCli(['predict', '--model', model, '--data', data, '--out', picture, '--json']);
    assert.equal(p.code, 0, p.stderr);
    const s = JSON.parse(p.stdout) as { accuracy: number; examples: number; correct: number; confusion: number[][]; labels: number[] };
    assert.equal(s.accuracy, trained.trainAccuracy);
    assert.deepEqual(s.labels, [1, 2, 3]);
    assert.equal(s.confusion.flat().reduce((a, b) => a + b, 0), 60);
    assert.equal(s.correct, s.confusion[0][0] + s.confusion[1][1] + s.confusion[2][2]);
    assert.equal((100 * s.correct) / 60, s.accuracy);
    assert.match(readFileSync(picture, 'utf8'), /Confusion matrix/);
    const text = await runCli(['predict', '--model', model, '--data', data]);
    assert.match(text.stdout, /Accuracy: \d+\.\d\d%/);
    assert.match(text.stdout, /true\\pred/);
  });

  test('a ReLU/softmax model predicts with its own architecture (the accuracy training reported)', async () => {
    const data = barData('bars-relu.mat', 3, 60);
    const model = join(tmp, 'bars-relu.json');
    const t = await runCli(['train', '--data', data, '--hidden', '6', '--activation', 'relu', '--output', 'softmax', '--max-iter', '30', '--out', model, '--json', '--quiet']);
    assert.equal(t.code, 0, t.stderr);
    const trained = JSON.parse(t.stdout) as { trainAccuracy: number; activation: string };
    assert.equal(trained.activation, 'relu');
    const p = await runCli(['predict', '--model', model, '--data', data, '--json']);
    assert.equal((JSON.parse(p.stdout) as { accuracy: number }).accuracy, trained.trainAccuracy);
  });

  test('data that does not fit the model is refused with both sizes and both files named', async () => {
    const model = join(tmp, 'bars2.json');
    await runCli(['train', '--data', barData(), '--hidden', '2', '--max-iter', '2', '--out', model, '--quiet']);
    let r = await runCli(['predict', '--model', model, '--data', 'digits:test']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `nnlearn: digits:test has 784 features, but ${model} expects 16 inputs\n`);
    // 16 columns, the first read as labels: the file itself would fit
    const features = join(tmp, 'features16.csv');
    writeFileSync(features, `${Array.from({ length: 3 }, (_, i) => Array.from({ length: 16 }, (_, j) => (j === 0 ? i : ((i + j) % 5) / 4)).join(',')).join('\n')}\n`);
    r = await runCli(['predict', '--model', model, '--data', features, '--label-column', 'first']);
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      `nnlearn: ${features} has 15 features (and a column read as the labels: --label-column none if the file holds features only), but ${model} expects 16 inputs\n`,
    );
  });

  test('a model of another version or with the wrong shapes fails clearly', async () => {
    const model = JSON.parse(readFileSync(join(tmp, 'bars2.json'), 'utf8')) as Record<string, unknown>;
    const v2 = join(tmp, 'v2.json');
    writeFileSync(v2, JSON.stringify({ ...model, version: 2 }));
    const r = await runCli(['predict', '--model', v2, '--data', barData()]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /model version 2, but this nnlearn reads version 1/);
    const bad = join(tmp, 'bad.json');
    writeFileSync(bad, JSON.stringify({ ...model, layers: [16, 3, 3] }));
    const b = await runCli(['predict', '--model', bad, '--data', barData()]);
    assert.equal(b.code, 1);
    assert.match(b.stderr, /Theta1 must be 3×17/);
  });
});

describe('nnlearn learning-rates and sweep', () => {
  test('learning-rates runs gradient descent at each rate from the same weights and plots the curves', async () => {
    const out = join(tmp, 'rates.svg');
    const r = await runCli(['learning-rates', '--data', barData(), '--rates', '0.01,0.3,3', '--iterations', '20', '--hidden', '3', '--out', out, '--json', '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout) as { initialCost: number; runs: { rate: number; costHistory: number[] }[] };
    assert.deepEqual(s.runs.map((x) => x.rate), [0.01, 0.3, 3]);
    for (const run of s.runs) assert.equal(run.costHistory.length, 20);
    // small steps go down from the shared start (a step of 3 may overshoot first, as the Oslo exercise finds)
    assert.ok(s.runs[0].costHistory[0] < s.initialCost && s.runs[1].costHistory[0] < s.initialCost);
    // a larger (stable) step gets further in the same number of steps
    assert.ok(s.runs[1].costHistory[19] < s.runs[0].costHistory[19]);
    const svg = readFileSync(out, 'utf8');
    assert.match(svg, /α = 0\.01/);
    assert.match(svg, /α = 3/);
  });

  test('sweep measures each (λ, MaxIter) as a separate training run would, and the training cost falls with iterations', async () => {
    const data = barData('sweep.mat', 7, 90);
    const r = await runCli(['sweep', '--data', data, '--holdout', '0.3', '--lambda', '0,1', '--max-iter', '2,5,12', '--hidden', '3', '--out', join(tmp, 'sweep.png'), '--json', '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout) as { rows: { lambda: number; maxIter: number; trainAccuracy: number; testAccuracy: number; trainCost: number }[] };
    assert.equal(s.rows.length, 6);
    const l0 = s.rows.filter((x) => x.lambda === 0);
    assert.ok(l0[0].trainCost >= l0[1].trainCost && l0[1].trainCost >= l0[2].trainCost, 'fmincg never increases the cost');
    for (const row of [s.rows[1], s.rows[5]]) {
      const t = await runCli(['train', '--data', data, '--holdout', '0.3', '--lambda', String(row.lambda), '--max-iter', String(row.maxIter), '--hidden', '3', '--out', join(tmp, 'swept.json'), '--json', '--quiet']);
      const trained = JSON.parse(t.stdout) as { trainAccuracy: number; testAccuracy: number };
      assert.equal(row.trainAccuracy, trained.trainAccuracy);
      assert.equal(row.testAccuracy, trained.testAccuracy);
    }
    assert.ok(existsSync(join(tmp, 'sweep.png')));
    const none = await runCli(['sweep', '--data', data]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /needs held-out data/);
  });
});

describe('nnlearn exercise', () => {
  test('a cost agrees within 1e-4 relative; regularizing the bias column (0.384488) does not', () => {
    assert.equal(compareCost('regularized cost', 0.38377, 0.383794).agrees, true);
    assert.equal(compareCost('regularized cost', 0.38377, 0.384488).agrees, false);
    assert.equal(compareCost('cost', 0.287629, 0.287653).agrees, true);
  });

  test('with the course’s files every part agrees with the documents', { skip: weights.skip || ex4.skip }, async () => {
    const r = await runCli(['exercise', '--data', ex4.path, '--weights', weights.path, '--out-dir', join(tmp, 'ex'), '--json', '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    const { parts } = JSON.parse(r.stdout) as { parts: ExercisePart[] };
    assert.equal(parts.length, 11);
    assert.deepEqual(parts.filter((p) => p.agrees !== true).map((p) => p.name), []);
    assert.deepEqual(pngSize(join(tmp, 'ex', 'data.png')), [211, 211]);
    assert.deepEqual(pngSize(join(tmp, 'ex', 'hidden.png')), [106, 106]);
    assert.ok(parts.some((p) => p.name === 'cost at λ = 3' && p.computed === '0.576075'));
  });

  test('without the course’s files it runs the other parts on the shipped digits and says what it skipped', async () => {
    const r = await runCli(['exercise', '--out-dir', join(tmp, 'ex2'), '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /feedforward cost \(λ = 0\): skipped/);
    assert.match(r.stdout, /needs the course’s ex4weights\.mat/);
    assert.match(r.stdout, /gradient check \(λ = 0\): agrees/);
    assert.doesNotMatch(r.stdout, /DIFFERS/);
    assert.deepEqual(pngSize(join(tmp, 'ex2', 'data.png')), [291, 291]);
  });
});

describe('the main job', () => {
  const skip = existsSync(join(repoRoot, 'dist', 'index.js')) ? false : 'needs the build in dist/ (npm install runs it)';

  test('`nnlearn train` with no arguments reaches 90% on the shipped digits, and predict reproduces its test accuracy', { skip }, () => {
    const cwd = mkdtempSync(join(tmpdir(), 'nnlearn-main-'));
    const bin = join(repoRoot, 'bin', 'nnlearn.js');
    const t = spawnSync('node', [bin, 'train'], { cwd, encoding: 'utf8' });
    assert.equal(t.status, 0, t.stderr);
    assert.match(t.stderr, /Iteration {3}50 \| Cost/, 'progress lines on stderr when it is not a terminal');
    const acc = /Test Set Accuracy: (\d+\.\d\d)%/.exec(t.stdout);
    assert.ok(acc, t.stdout);
    assert.ok(Number(acc[1]) >= 90, `test accuracy ${acc[1]}%`);
    const folder = /Wrote (nnlearn-out\/train-[\d-]+)\/model\.json/.exec(t.stdout)?.[1];
    assert.ok(folder, t.stdout);
    for (const f of ['model.json', 'hidden.png', 'cost.png', 'cost.svg']) assert.ok(existsSync(join(cwd, folder, f)), f);
    assert.deepEqual(pngSize(join(cwd, folder, 'hidden.png')), [4 * 146, 4 * 146]);
    const p = spawnSync('node', [bin, 'predict', '--model', join(folder, 'model.json'), '--data', 'digits:test', '--json'], { cwd, encoding: 'utf8' });
    assert.equal(p.status, 0, p.stderr);
    assert.equal((JSON.parse(p.stdout) as { accuracy: number }).accuracy.toFixed(2), acc[1]);
  });
});

describe('divergence', () => {
  test('training with a learning rate of 100 stops with a message naming the iteration, and never prints NaN', async () => {
    const data = barData('diverge.mat', 5, 60);
    const r = await runCli(['train', '--data', data, '--hidden', '5', '--optimizer', 'gd', '--learning-rate', '100', '--max-iter', '50', '--out', join(tmp, 'diverge.json')]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /training diverged at iteration \d+: the cost (rose to|became)/);
    assert.match(r.stderr, /try a smaller learning rate \(e\.g\. 10\)/);
    assert.doesNotMatch(r.stdout + r.stderr, /NaN/);
    assert.equal(existsSync(join(tmp, 'diverge.json')), false, 'no model is written');
    const rates = await runCli(['learning-rates', '--data', data, '--rates', '0.5,100', '--iterations', '20', '--hidden', '5']);
    assert.equal(rates.code, 0, rates.stderr);
    assert.match(rates.stdout, /100 {3}diverged at iteration \d+/);
    assert.doesNotMatch(rates.stdout, /NaN/);
  });
});

describe('interruption', () => {
  const skip = existsSync(join(repoRoot, 'dist', 'index.js')) ? false : 'needs the build in dist/ (npm install runs it)';

  /** Runs `args` straight, then interrupted at `after` iterations and resumed; both must end with the same weights. */
  async function interruptAndResume(args: string[], after: number): Promise<string> {
    const { spawn } = await import('node:child_process');
    const cwd = mkdtempSync(join(tmpdir(), 'nnlearn-resume-'));
    const bin = join(repoRoot, 'bin', 'nnlearn.js');
    const straight = spawnSync('node', [bin, ...args, '--out', 'straight.json', '--quiet'], { cwd, encoding: 'utf8' });
    assert.equal(straight.status, 0, straight.stderr);

    const child = spawn('node', [bin, ...args, '--out', 'resumed.json'], { cwd });
    let stderr = '';
    let signalled = false;
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (!signalled && new RegExp(`(Iteration|Epoch) +${after} \\|`).test(stderr)) {
        signalled = true;
        child.kill('SIGINT');
      }
    });
    const code = await new Promise<number | null>((done) => child.on('close', done));
    assert.equal(code, 130, stderr);
    assert.match(stderr, /stopping after this step to save a checkpoint \(Ctrl-C again quits at once\)/);
    assert.ok(existsSync(join(cwd, 'resumed.checkpoint.json')), 'the checkpoint is named after the model');
    assert.equal(existsSync(join(cwd, 'resumed.json')), false, 'no model from the interrupted run');

    const resumed = spawnSync('node', [bin, 'train', '--resume', 'resumed.checkpoint.json', '--quiet'], { cwd, encoding: 'utf8' });
    assert.equal(resumed.status, 0, resumed.stderr);
    const a = JSON.parse(readFileSync(join(cwd, 'straight.json'), 'utf8')) as { thetas: number[][][]; meta: { costHistory: number[] } };
    const b = JSON.parse(readFileSync(join(cwd, 'resumed.json'), 'utf8')) as { thetas: number[][][]; meta: { costHistory: number[] } };
    assert.deepEqual(b.thetas, a.thetas, 'bit-identical final weights');
    assert.deepEqual(b.meta.costHistory, a.meta.costHistory);
    return stderr;
  }

  test('Ctrl-C during training saves a checkpoint, and --resume ends with the weights of an uninterrupted run', { skip, timeout: 120_000 }, async () => {
    const stderr = await interruptAndResume(['train', '--max-iter', '40', '--hidden', '25'], 10);
    assert.match(stderr, /interrupted at iteration (1[0-9]); saved .*resumed\.checkpoint\.json; go on with: nnlearn train --resume/);
  });

  test('Ctrl-C stops Adam on mini-batches within a batch, with early stopping, and --resume ends as an uninterrupted run', { skip, timeout: 120_000 }, async () => {
    const stderr = await interruptAndResume(
      ['train', '--optimizer', 'adam', '--batch-size', '50', '--max-iter', '6', '--hidden', '25', '--validation', '0.1', '--threads', '1'],
      2,
    );
    assert.match(stderr, /interrupted (in epoch [3-7] \(after \d+ examples\)|at iteration [2-6]); saved .*checkpoint\.json/);
  });

  test('Ctrl-C stops Adam on mini-batches shared by 2 threads, and --resume ends bit-identical to an uninterrupted run', { skip, timeout: 120_000 }, async () => {
    const stderr = await interruptAndResume(['train', '--optimizer', 'adam', '--batch-size', '128', '--max-iter', '5', '--hidden', '25', '--threads', '2'], 2);
    assert.match(stderr, /interrupted (in epoch [3-6] \(after \d+ examples\)|at iteration [2-5]); saved .*checkpoint\.json/);
  });
});
