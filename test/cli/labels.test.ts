/**
 * Labels are never misread silently: zero-based labels against the course's weights (the notebook's case),
 * course labels against a zero-based model, and labels that fit neither.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readMatFile } from '../../src/data/files.js';
import { writeMat } from '../../src/data/mat.js';
import { Matrix } from '../../src/linalg/matrix.js';
import { runCli, shared } from '../helpers.js';

const ex4 = shared('ex4data1_reconstructed.mat');
const weights = shared('ex4weights.mat');
const tmp = mkdtempSync(join(tmpdir(), 'nnlearn-labels-'));

/** ex4data1 with the notebook's labels: the digit 0 as 0 (the course writes 10). */
function zeroBasedEx4(): string {
  const d = readMatFile(ex4.path);
  const y = d.matrix('y');
  const file = join(tmp, 'ex4-zero-based.mat');
  writeFileSync(file, writeMat({ X: d.matrix('X'), y: new Matrix(y.rows, 1, y.data.map((v) => v % 10)) }));
  return file;
}

test('zero-based digits with the course’s weights: the right cost and accuracy, and a note saying how they were read', { skip: ex4.skip || weights.skip }, async () => {
  const data = zeroBasedEx4();
  const cost = await runCli(['cost', '--data', data, '--weights', weights.path]);
  assert.equal(cost.code, 0, cost.stderr);
  assert.match(cost.stdout, /lambda = 0: 0\.287653\n/, 'the cost of the course’s labels, not 10.441274');
  assert.match(cost.stderr, /has the labels 0\.\.9 and .*ex4weights\.mat the course’s 1\.\.10: read as digits \(the course’s 10 is the digit 0\)/);
  const reg = await runCli(['cost', '--data', data, '--weights', weights.path, '--lambda', '1']);
  assert.match(reg.stdout, /lambda = 1: 0\.383794\n/);
  const predict = await runCli(['predict', '--model', weights.path, '--data', data, '--json']);
  assert.equal(predict.code, 0, predict.stderr);
  assert.equal((JSON.parse(predict.stdout) as { accuracy: number }).accuracy.toFixed(2), '97.52');
});

test('the exercise on the notebook’s zero-based digits reads them across as cost does, and every part agrees', { skip: ex4.skip || weights.skip, timeout: 600_000 }, async () => {
  const r = await runCli(['exercise', '--data', zeroBasedEx4(), '--weights', weights.path, '--quiet', '--json', '--out-dir', join(tmp, 'exercise')]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /has the labels 0\.\.9 and .*ex4weights\.mat the course’s 1\.\.10: read as digits/);
  const parts = (JSON.parse(r.stdout) as { parts: { name: string; agrees: boolean | null }[] }).parts;
  assert.deepEqual(parts.filter((p) => p.agrees !== true).map((p) => p.name), []);
});

test('labels that fit neither convention of the model are refused with the way out', async () => {
  const X = new Matrix(4, 2, Float64Array.from([0, 1, 1, 0, 0.5, 0.5, 1, 1]));
  const T1 = new Matrix(2, 3, Float64Array.from([0.1, 0.2, 0.3, 0.4, 0.5, 0.6]));
  const T2 = new Matrix(3, 3, Float64Array.from([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]));
  const w = join(tmp, 'w3.mat');
  writeFileSync(w, writeMat({ Theta1: T1, Theta2: T2 }));
  const d = join(tmp, 'd3.mat');
  writeFileSync(d, writeMat({ X, y: new Matrix(4, 1, Float64Array.from([0, 1, 2, 0])) }));
  for (const cmd of [['cost', '--data', d, '--weights', w], ['predict', '--model', w, '--data', d]]) {
    const r = await runCli(cmd);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /d3\.mat has zero-based labels \(0\.\.2\) but .*w3\.mat was trained on course labels \(1\.\.3\); relabel the data to 1\.\.3, or use a model trained on 0\.\.2/);
  }
});

test('--labels course on the shipped digits trains a model with the course’s labels (10 for the digit 0), once ignored', async () => {
  const model = join(tmp, 'digits-course.json');
  const t = await runCli(['train', '--labels', 'course', '--max-iter', '3', '--hidden', '4', '--quiet', '--json', '--out', model]);
  assert.equal(t.code, 0, t.stderr);
  const trained = JSON.parse(t.stdout) as { testAccuracy: number };
  const d = await runCli(['describe', '--model', model, '--json']);
  assert.equal((JSON.parse(d.stdout) as { labels: string }).labels, 'course');
  // the digits of digits:test read back across conventions, with the note: the same accuracy as training measured
  const p = await runCli(['predict', '--model', model, '--data', 'digits:test', '--json']);
  assert.equal(p.code, 0, p.stderr);
  assert.match(p.stderr, /digits:test has the labels 0\.\.9 and .* the course’s 1\.\.10: read as digits/);
  assert.equal((JSON.parse(p.stdout) as { accuracy: number }).accuracy, trained.testAccuracy);
});
