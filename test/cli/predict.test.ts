/**
 * `nnlearn predict` predicts: data without labels (an IDX images file alone, a CSV of features), predictions
 * written as CSV or JSON, per-class precision, recall and F1 with labels, and a closed pipe is normal use.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { shippedDigits } from '../../src/data/shipped-digits.js';
import { modelFromJson } from '../../src/nn/model.js';
import { Matrix } from '../../src/linalg/matrix.js';
import { repoRoot, runCli } from '../helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'nnlearn-predict-'));
const testDigits = shippedDigits('digits:test') as NonNullable<ReturnType<typeof shippedDigits>>;
const test200 = { X: testDigits.X.data.subarray(0, 200 * 784) };

/** The first `count` shipped test digits as 8-bit IDX images (gzipped), with no labels file beside them. */
function idxImages(name: string, count = 200): string {
  const header = Buffer.alloc(16);
  header.writeUInt32BE(0x0803, 0);
  header.writeUInt32BE(count, 4);
  header.writeUInt32BE(28, 8);
  header.writeUInt32BE(28, 12);
  const pixels = Buffer.from(Array.from(testDigits.X.data.subarray(0, count * 784), (v) => Math.round(v * 255)));
  const file = join(tmp, name);
  writeFileSync(file, gzipSync(Buffer.concat([header, pixels])));
  return file;
}

let model = '';
async function trainedModel(): Promise<string> {
  if (model !== '') return model;
  model = join(tmp, 'model.json');
  const r = await runCli(['train', '--hidden', '16', '--max-iter', '30', '--out', model, '--quiet']);
  assert.equal(r.code, 0, r.stderr);
  return model;
}

describe('predict without labels', () => {
  test('an IDX images file alone is predicted, one CSV row per image: row, label, every class’s output', async () => {
    const m = await trainedModel();
    const images = idxImages('images-without-labels.gz');
    const out = join(tmp, 'p.csv');
    const r = await runCli(['predict', '--model', m, '--data', images, '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Predicted 200 examples of .*images-without-labels\.gz \(no labels to score them against\)/);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    assert.equal(lines[0], 'row,label,p0,p1,p2,p3,p4,p5,p6,p7,p8,p9');
    assert.equal(lines.length, 201);
    // the labels are the model's own predictions, and the outputs its output layer
    const net = modelFromJson(readFileSync(m, 'utf8'));
    const expected = net.predict(new Matrix(1, 784, Float64Array.from(test200.X.subarray(0, 784), (v) => Math.round(v * 255) / 255)))[0];
    const [row, label, ...outputs] = lines[1].split(',').map(Number);
    assert.equal(row, 1);
    assert.equal(label, expected);
    assert.equal(outputs.length, 10);
    assert.equal(outputs.indexOf(Math.max(...outputs)), label);
  });

  test('MNIST-named images with no labels file beside them say so on stderr: predictions only', async () => {
    const m = await trainedModel();
    const images = idxImages('t10k-images-idx3-ubyte.gz');
    const r = await runCli(['predict', '--model', m, '--data', images, '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stderr,
      `nnlearn: note: no labels file beside ${images} (a name like t10k-labels-idx1-ubyte.gz): predictions only; --labels-file gives the labels, for the accuracy\n`,
    );
  });

  test('a CSV with exactly as many columns as the model has inputs is features, predicted to stdout as CSV', async () => {
    const m = await trainedModel();
    const csv = join(tmp, 'features.csv');
    const rows = Array.from({ length: 5 }, (_, i) => Array.from(test200.X.subarray(i * 784, (i + 1) * 784), (v) => Math.round(v * 255)).join(','));
    writeFileSync(csv, `${Array.from({ length: 784 }, (_, j) => `pixel${j}`).join(',')}\n${rows.join('\n')}\n`);
    const r = await runCli(['predict', '--model', m, '--data', csv]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, 6);
    assert.match(lines[0], /^row,label,p0,/);
    const json = await runCli(['predict', '--model', m, '--data', csv, '--json']);
    const s = JSON.parse(json.stdout) as { examples: number; predictions: { row: number; label: number; outputs: number[] }[]; accuracy?: number };
    assert.equal(s.examples, 5);
    assert.equal(s.accuracy, undefined);
    assert.deepEqual(s.predictions.map((p) => `${p.row},${p.label}`), lines.slice(1).map((l) => l.split(',').slice(0, 2).join(',')));
  });

  test('a confusion matrix without labels is refused, naming why', async () => {
    const r = await runCli(['predict', '--model', await trainedModel(), '--data', idxImages('x.gz'), '--out', join(tmp, 'cm.png')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--out .*cm\.png: a confusion matrix needs labels/);
  });
});

describe('predict with labels', () => {
  test('prints the accuracy, the confusion matrix and each class’s precision, recall and F1', async () => {
    const m = await trainedModel();
    const r = await runCli(['predict', '--model', m, '--data', 'digits:test', '--json']);
    const s = JSON.parse(r.stdout) as { confusion: number[][]; perClass: { label: number; precision: number; recall: number; f1: number; examples: number }[] };
    for (const c of s.perClass) {
      const k = c.label;
      const tp = s.confusion[k][k];
      const predicted = s.confusion.reduce((sum, row) => sum + row[k], 0);
      const actual = s.confusion[k].reduce((a, b) => a + b, 0);
      assert.equal(c.examples, actual);
      assert.ok(Math.abs(c.precision - tp / predicted) < 1e-15);
      assert.ok(Math.abs(c.recall - tp / actual) < 1e-15);
      assert.ok(Math.abs(c.f1 - (2 * c.precision * c.recall) / (c.precision + c.recall)) < 1e-15);
    }
    const text = await runCli(['predict', '--model', m, '--data', 'digits:test']);
    assert.match(text.stdout, /Per class\n {4}label precision {4}recall {8}F1 {2}examples\n {8}0 {4}0\.\d{4}/);
    assert.match(text.stdout, /average {4}0\.\d{4} {4}0\.\d{4} {4}0\.\d{4} {6}2000/);
  });

  test('`nnlearn predict … | head -1` prints one line and exits 0, quietly', { skip: existsSync(join(repoRoot, 'dist', 'cli', 'main.js')) ? false : 'needs the build in dist/' }, async () => {
    const m = await trainedModel();
    // 2,000 unlabelled images print 2,000 lines of predictions: more than a pipe holds, so the reader's exit is felt
    for (const data of ['digits:test', idxImages('pipe.gz', 2000)]) {
      const r = spawnSync('bash', ['-c', `set -o pipefail; node bin/nnlearn.js predict --model '${m}' --data '${data}' | head -1`], { cwd: repoRoot, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout.split('\n').length, 2, r.stdout);
      assert.equal(r.stderr, '');
    }
  });
});
