/**
 * `nnlearn train` off the beaten path: every optimizer's defaults train a good model; a run that ends badly says
 * so; a model file records its run, and `--like` reruns it to the same weights; early stopping shows its
 * validation curve and names the iteration it kept.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OPTIMIZERS } from '../../src/optim/registry.js';
import { diagnoseRun } from '../../src/nn/diagnose.js';
import { resolveTraining } from '../../src/nn/train-options.js';
import { readMatFile } from '../../src/data/files.js';
import { metaFromMat, modelToJson } from '../../src/nn/model.js';
import { Network } from '../../src/nn/network.js';
import { repoRoot, runCli } from '../helpers.js';
import { shippedDigits } from '../../src/data/shipped-digits.js';
import type { Dataset } from '../../src/data/dataset.js';
import { setMemoryLimit } from '../../src/memory.js';
import { writeOutputs } from '../../src/cli/train/report.js';
import type { Session } from '../../src/cli/train/session.js';
import type { TrainPlan } from '../../src/cli/train/plan.js';
import type { Io } from '../../src/cli/io.js';

const tmp = mkdtempSync(join(tmpdir(), 'nnlearn-train-'));

interface Summary {
  testAccuracy: number;
  trainAccuracy: number;
  cost: number;
  settings: { summary: string };
  bestIteration: number | null;
  iterations: number;
  validationHistory: number[] | null;
  advice: { kind: string } | null;
}

describe('defaults', () => {
  for (const optimizer of OPTIMIZERS) {
    test(`--optimizer ${optimizer} and nothing else: at least 90% on the shipped test digits`, { timeout: 600_000 }, async () => {
      const r = await runCli(['train', '--optimizer', optimizer, '--out', join(tmp, `${optimizer}.json`), '--json', '--quiet']);
      assert.equal(r.code, 0, r.stderr);
      const s = JSON.parse(r.stdout) as Summary;
      assert.ok(s.testAccuracy >= 90, `${optimizer}: ${s.testAccuracy}% (${s.settings.summary})`);
      assert.match(s.settings.summary, new RegExp(`^${optimizer}, `));
    });
  }
});

test('gd’s default step follows the hidden units: ReLU and tanh train well with no other flag (ReLU once stayed near chance)', { timeout: 600_000 }, async () => {
  for (const [activation, rate] of [['relu', 0.1], ['tanh', 0.3]] as const) {
    const r = await runCli(['train', '--optimizer', 'gd', '--activation', activation, '--out', join(tmp, `gd-${activation}.json`), '--json', '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout) as Summary;
    assert.match(s.settings.summary, new RegExp(`^gd, batch 32, α ${rate}, 10 epochs`));
    assert.ok(s.testAccuracy >= 90, `${activation}: ${s.testAccuracy}%`);
  }
});

describe('a run that ends badly says so, on one line, and still succeeds', () => {
  const settings = resolveTraining({ optimizer: 'adam' }, 1000);
  test('near chance, and still falling steeply, are told apart from a run that ended well', () => {
    const flat = [3, 2.9, 2.85, 2.84, 2.84, 2.84, 2.84, 2.84, 2.84, 2.84];
    assert.equal(diagnoseRun({ costHistory: flat, trainAccuracy: 11.8, chance: 10, settings, stopReason: 'max-iter' })?.kind, 'near-chance');
    const falling = [3.1, 2.6, 2.1, 1.7, 1.4, 1.2, 1.08, 0.98, 0.89, 0.82];
    const advice = diagnoseRun({ costHistory: falling, trainAccuracy: 91.9, chance: 11, settings, stopReason: 'max-iter' });
    assert.equal(advice?.kind, 'still-falling');
    assert.deepEqual(advice?.suggestions, [{ option: 'maxIter', value: 20 }, { option: 'learningRate', value: 0.003 }]);
    const settled = [3, 1, 0.6, 0.5, 0.47, 0.466, 0.465, 0.4645, 0.4642, 0.464];
    assert.equal(diagnoseRun({ costHistory: settled, trainAccuracy: 95, chance: 11, settings, stopReason: 'max-iter' }), undefined);
    assert.equal(diagnoseRun({ costHistory: falling, trainAccuracy: 91.9, chance: 11, settings, stopReason: 'early-stopped' }), undefined);
    // a network that already fits its training set (MNIST, 99.3% after 6 epochs): a falling cost is no news
    assert.equal(diagnoseRun({ costHistory: falling, trainAccuracy: 99.3, chance: 11, settings, stopReason: 'max-iter' }), undefined);
  });

  test('a cost that went up and down asks for a smaller rate, and one lower last epoch is not a steep fall', () => {
    const gd = resolveTraining({ optimizer: 'gd' }, 1000);
    // gd's α = 1 with ReLU units on the shipped digits (seed 1): 21.96% of the training digits
    const bouncing = [1.99, 1.85, 1.98, 1.79, 2.0, 2.0, 2.01, 2.01, 2.31, 1.99];
    const near = diagnoseRun({ costHistory: bouncing, trainAccuracy: 12, chance: 11, settings: gd, stopReason: 'max-iter' });
    assert.equal(near?.kind, 'near-chance');
    assert.deepEqual(near?.suggestions, [{ option: 'learningRate', value: 0.333333333333 }, { option: 'maxIter', value: 20 }, { option: 'optimizer', value: 'fmincg' }]);
    assert.equal(diagnoseRun({ costHistory: bouncing, trainAccuracy: 21.96, chance: 11, settings: gd, stopReason: 'max-iter' }), undefined);
  });

  test('gradient descent with a tiny step stays near chance: a line of advice on stderr, exit 0', async () => {
    const r = await runCli(['train', '--optimizer', 'gd', '--learning-rate', '0.0001', '--max-iter', '1', '--hidden', '5', '--out', join(tmp, 'slow.json')]);
    assert.equal(r.code, 0, r.stderr);
    const advice = r.stderr.split('\n').filter((l) => l.startsWith('nnlearn: '));
    assert.equal(advice.length, 1, r.stderr);
    assert.match(advice[0], /^nnlearn: training ended near chance: [\d.]+% of the training examples right, where always guessing the commonest class gets [\d.]+%; try --max-iter 11, or --learning-rate 0\.0003, or --optimizer fmincg$/);
  });

  test('the course’s run (fmincg, 50 iterations) gets no advice', async () => {
    const r = await runCli(['train', '--out', join(tmp, 'course.json'), '--quiet']);
    assert.equal(r.code, 0);
    assert.equal(r.stderr, '');
  });
});

describe('a model records its run', () => {
  test('--like with another optimizer takes that optimizer’s precision, not the recorded one’s; float32 is named', { timeout: 600_000 }, async () => {
    const adam = join(tmp, 'like-adam.json');
    const a = await runCli(['train', '--optimizer', 'adam', '--hidden', '6', '--max-iter', '1', '--out', adam, '--quiet']);
    assert.equal(a.code, 0, a.stderr);
    assert.match(a.stdout, /adam, batch 32, α 0\.001, 1 epochs, λ = 1, float32\)/);
    const like = await runCli(['train', '--like', adam, '--optimizer', 'fmincg', '--max-iter', '3', '--out', join(tmp, 'like-fmincg.json'), '--json', '--quiet']);
    const plain = await runCli(['train', '--hidden', '6', '--max-iter', '3', '--out', join(tmp, 'plain-fmincg.json'), '--json', '--quiet']);
    const [l, p] = [like, plain].map((r) => JSON.parse(r.stdout) as Summary & { precision: string });
    assert.equal(l.precision, 'f64');
    assert.equal(l.cost, p.cost, 'the same run as fmincg typed alone');
  });


  test('--like reruns it from the model file alone: the same final cost, bit for bit, and the same weights', { timeout: 600_000 }, async () => {
    const first = join(tmp, 'first.json');
    const a = await runCli(['train', '--optimizer', 'momentum', '--hidden', '12', '--max-iter', '3', '--validation', '0.1', '--out', first, '--json', '--quiet']);
    assert.equal(a.code, 0, a.stderr);
    const model = JSON.parse(readFileSync(first, 'utf8')) as { meta: { nnlearn: string; flags: Record<string, string>; datasets: { train: { source: string } } }; thetas: number[][][] };
    assert.match(model.meta.nnlearn, /^\d+\.\d+\.\d+/);
    assert.deepEqual(model.meta.flags, {
      labels: 'zero-based', numLabels: '10', hidden: '12', seed: '0', activation: 'sigmoid', output: 'sigmoid', optimizer: 'momentum',
      lambda: '1', maxIter: '3', learningRate: '0.05', momentum: '0.9', batchSize: '32', splitSeed: '0', validation: '0.1', patience: '10',
      backend: 'wasm', threads: model.meta.flags.threads, precision: 'f32', // mini-batches: f32 by default
    });
    const again = join(tmp, 'again.json');
    const b = await runCli(['train', '--like', first, '--out', again, '--json', '--quiet']);
    assert.equal(b.code, 0, b.stderr);
    const [sa, sb] = [JSON.parse(a.stdout) as Summary, JSON.parse(b.stdout) as Summary];
    assert.ok(Math.abs(sa.cost - sb.cost) <= 1e-12 * Math.abs(sa.cost), `${sa.cost} vs ${sb.cost}`);
    assert.deepEqual((JSON.parse(readFileSync(again, 'utf8')) as typeof model).thetas, model.thetas);
    // a typed flag changes the rerun, and drops the recorded settings that belong to another optimizer
    const lbfgs = await runCli(['train', '--like', first, '--optimizer', 'lbfgs', '--max-iter', '2', '--out', join(tmp, 'l.json'), '--json', '--quiet']);
    assert.equal(lbfgs.code, 0, lbfgs.stderr);
    assert.equal((JSON.parse(lbfgs.stdout) as Summary).settings.summary, 'lbfgs, full batch, 2 iterations');
  });

  test('a .mat model carries its record too (nnlearn_meta), and --like reads it', async () => {
    const mat = join(tmp, 'model.mat');
    const r = await runCli(['train', '--hidden', '8', '--max-iter', '4', '--out', mat, '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    const meta = metaFromMat(readMatFile(mat)) as { flags: { hidden: string } };
    assert.equal(meta.flags.hidden, '8');
    const again = await runCli(['train', '--like', mat, '--out', join(tmp, 'again.mat'), '--json', '--quiet']);
    assert.equal(again.code, 0, again.stderr);
    assert.equal((JSON.parse(again.stdout) as Summary).settings.summary, 'fmincg, full batch, 4 iterations');
  });

  test('--like of a file that records no run says so', async () => {
    const r = await runCli(['train', '--like', join(tmp, 'nothing.json'), '--quiet']);
    assert.equal(r.code, 1);
    const plain = join(tmp, 'plain.json');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(plain, JSON.stringify(modelToJson(Network.random([784, 5, 10], { labels: 'zero-based' })))); // a model with no meta
    const p = await runCli(['train', '--like', plain, '--quiet']);
    assert.equal(p.code, 1);
    assert.match(p.stderr, /the model has no record of its run \(meta\.flags\)/);
  });
});

describe('early stopping', () => {
  test('the cost picture has the validation curve, and the summary names the iteration whose weights are kept', { timeout: 600_000 }, async () => {
    const dir = join(tmp, 'early');
    const r = await runCli(['train', '--hidden', '30', '--lambda', '0', '--max-iter', '200', '--validation', '0.2', '--patience', '5', '--out-dir', dir]);
    assert.equal(r.code, 0, r.stderr);
    const m = /Final cost: ([\d.]+) at iteration (\d+), the best on the validation data, whose weights are kept \(stopped early: (\d+) iterations/.exec(r.stdout);
    assert.ok(m !== null, r.stdout);
    assert.ok(Number(m[3]) - Number(m[2]) === 5, 'stopped 5 iterations after the best');
    const model = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as { meta: { costHistory: number[]; bestIteration: number; cost: number } };
    assert.equal(model.meta.cost, model.meta.costHistory[model.meta.bestIteration - 1], 'the final cost is the kept iteration’s');
    const svg = readFileSync(join(dir, 'cost.svg'), 'utf8');
    assert.match(svg, /validation \(no penalty\)/);
    assert.match(svg, />kept</);
  });
});

describe('periodic checkpoints', () => {
  const built = existsSync(join(repoRoot, 'dist', 'cli', 'main.js')) ? false : 'needs the build in dist/';
  test('a run that saves its checkpoint at every pause ends with the weights of one that never does, and removes it', { skip: built, timeout: 600_000 }, () => {
    const cwd = mkdtempSync(join(tmpdir(), 'nnlearn-periodic-'));
    const bin = join(repoRoot, 'bin', 'nnlearn.js');
    const args = ['train', '--optimizer', 'adam', '--hidden', '8', '--max-iter', '2', '--validation', '0.1', '--threads', '1', '--quiet'];
    const plain = spawnSync(process.execPath, [bin, ...args, '--out', 'plain.json'], { cwd, encoding: 'utf8' });
    assert.equal(plain.status, 0, plain.stderr);
    const saving = spawnSync(process.execPath, [bin, ...args, '--out', 'saving.json'], { cwd, encoding: 'utf8', env: { ...process.env, NNLEARN_CHECKPOINT_SECONDS: '0' } });
    assert.equal(saving.status, 0, saving.stderr);
    const thetas = (f: string) => (JSON.parse(readFileSync(join(cwd, f), 'utf8')) as { thetas: number[][][] }).thetas;
    assert.deepEqual(thetas('saving.json'), thetas('plain.json'));
    assert.equal(existsSync(join(cwd, 'saving.checkpoint.json')), false, 'removed once the model is written');
  });
});

describe('held-out data that repeats training examples', () => {
  const note = (n: number, test: string, train: string) =>
    `nnlearn: note: all ${n} examples of ${test} are also in the training data (${train}): its accuracy is not measured on unseen examples (--holdout sets some apart)\n`;

  test('train and sweep say so on one line (the whole shipped set holds its test split), and still run', async () => {
    let r = await runCli(['train', '--data', 'digits', '--test', 'digits:test', '--max-iter', '1', '--quiet', '--out', join(tmp, 'shared.json')]);
    assert.equal(r.code, 0, r.stderr);
    // (and, after one iteration, the line about a run that ended near chance)
    assert.equal(r.stderr.split('\n')[0] + '\n', note(2000, 'digits:test', 'digits'));
    r = await runCli(['sweep', '--data', 'digits:test', '--test', 'digits:test', '--lambda', '1', '--max-iter', '1', '--hidden', '2', '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr.split('\n')[0] + '\n', note(2000, 'digits:test', 'digits:test'));
  });

  test('disjoint parts, and the default split, get no note', async () => {
    const r = await runCli(['train', '--data', 'digits:train', '--test', 'digits:test', '--max-iter', '1', '--quiet', '--out', join(tmp, 'apart.json')]);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /note:/);
  });
});

test('a picture the memory budget refuses after training is left out with a line; the model is written where asked', async () => {
  const d = shippedDigits('digits:test') as Dataset;
  const net = Network.random([784, 25, 10], { seed: 1, labels: 'zero-based', image: d.image });
  const result = net.train(d.X, d.y, { maxIter: 2 });
  const outDir = mkdtempSync(join(tmpdir(), 'nnlearn-pictures-'));
  const session = { net, result, data: { train: d, fit: d }, evaluator: { backend: 'wasm', threads: 1, precision: 'f64' }, outDir, seconds: 0 } as unknown as Session;
  const said: string[] = [];
  const io: Io = { out: () => undefined, err: (t) => said.push(t), errIsTTY: false };
  // 1 MB: the hidden units' picture (25 units of 28×28, magnified 4 times: 584×584, 1.3 MiB) does not fit
  setMemoryLimit(1e6, () => 0);
  let written: string[];
  try {
    written = await writeOutputs(session, { outputs: {} } as unknown as TrainPlan, {}, io);
  } finally {
    setMemoryLimit(Infinity, () => 0);
  }
  assert.ok(written.includes(join(outDir, 'model.json')) && existsSync(join(outDir, 'model.json')));
  assert.ok(!written.includes(join(outDir, 'hidden.png')) && !existsSync(join(outDir, 'hidden.png')));
  assert.ok(written.includes(join(outDir, 'cost.svg')), 'the other pictures are drawn');
  assert.equal(said.join(''), `nnlearn: ${join(outDir, 'hidden.png')} not drawn: a 584×584 picture needs 1.3 MiB, more than the 977 KiB left of the 977 KiB memory limit; raise the limit with --max-memory if the machine has the memory\n`);
});
