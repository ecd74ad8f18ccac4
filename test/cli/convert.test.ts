/**
 * Models that travel, through the command line: train writes ONNX, convert goes between every format, and every
 * command that takes a model (predict, hidden, describe, train --init) reads each of them by its content.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectModelFormat } from '../../src/nn/formats/registry.js';
import { readModelFile } from '../../src/nn/formats/files.js';
import { runCli } from '../helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'nnlearn-convert-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));

const TRAIN = ['train', '--hidden', '12', '--max-iter', '8', '--seed', '4', '--activation', 'relu', '--output', 'softmax', '--quiet'];

async function ok(args: string[]): Promise<string> {
  const r = await runCli(args);
  assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

async function accuracy(model: string, extra: string[] = []): Promise<number> {
  return (JSON.parse(await ok(['predict', '--model', model, '--data', 'digits:test', '--json', ...extra])) as { accuracy: number }).accuracy;
}

describe('train --out and convert', () => {
  const json = join(tmp, 'model.json');
  const onnxFile = join(tmp, 'model.onnx');

  test('train --out model.onnx writes an ONNX file that predict reads, as the same run saved as JSON predicts', async () => {
    await ok([...TRAIN, '--out', json]);
    await ok([...TRAIN, '--out', onnxFile]);
    assert.equal(detectModelFormat(new Uint8Array(readFileSync(onnxFile)))?.name, 'onnx');
    const a = await accuracy(json);
    const b = await accuracy(onnxFile);
    // float32 weights may flip a digit whose two best outputs are within 1e-7 of each other; none of 2,000 here
    assert.equal(b, a);
    assert.ok(a > 50, `accuracy ${a}`); // 8 iterations: a network that learned something
  });

  test('convert goes json → onnx → tfjs → mat → json keeping the architecture, labels and image; weights as float32', async () => {
    const tfjsDir = join(tmp, 'tfjs');
    const steps: [string, string, string[]][] = [
      [json, join(tmp, 'c.onnx'), []],
      [join(tmp, 'c.onnx'), tfjsDir, ['--format', 'tfjs']],
      [tfjsDir, join(tmp, 'c.mat'), []],
      [join(tmp, 'c.mat'), join(tmp, 'c.json'), []],
    ];
    for (const [from, to, extra] of steps) {
      const r = await runCli(['convert', from, '--to', to, ...extra, '--json']);
      assert.equal(r.code, 0, r.stderr);
      const s = JSON.parse(r.stdout) as { layers: number[]; activation: string; output: string; labels: string; losses: string[] };
      assert.deepEqual([s.layers, s.activation, s.output, s.labels], [[784, 12, 10], 'relu', 'softmax', 'zero-based']);
      // what the target cannot hold is said on stderr, and in the JSON
      for (const loss of s.losses) assert.ok(r.stderr.includes(loss));
    }
    assert.ok(existsSync(join(tfjsDir, 'model.json')) && existsSync(join(tfjsDir, 'weights.bin')));
    const original = readModelFile(json).network;
    const back = readModelFile(join(tmp, 'c.json'));
    assert.deepEqual(back.network.params, original.params.map(Math.fround));
    assert.deepEqual(back.network.options, original.options);
    assert.equal(await accuracy(join(tmp, 'c.json')), await accuracy(json));
  });

  test('hidden, describe and train --init take an ONNX file and a TF.js folder or its model.json', async () => {
    const tfjsDir = join(tmp, 'tfjs');
    const png = join(tmp, 'hidden.png');
    const h = JSON.parse(await ok(['hidden', '--model', join(tfjsDir, 'model.json'), '--out', png, '--json'])) as { units: number; image: object };
    assert.equal(h.units, 12);
    assert.deepEqual(h.image, { height: 28, width: 28, order: 'row-major' });
    const d = JSON.parse(await ok(['describe', '--model', tfjsDir, '--json'])) as { layers: number[]; activation: string; format: string; labels: string };
    assert.deepEqual(d.layers, [784, 12, 10]);
    assert.equal(d.activation, 'relu');
    assert.deepEqual([d.format, d.labels], ['tfjs', 'zero-based']);
    const text = await ok(['describe', '--model', onnxFile]);
    assert.match(text, /^Model .*model\.onnx \(ONNX\): 784-12-10, 1 hidden layer of relu units, softmax output, labels 0\.\.9\n/);
    assert.match(text, /\n {2}inputs: 28×28 images, row-major\n/);
    const init = JSON.parse(await ok(['train', '--init', onnxFile, '--max-iter', '2', '--activation', 'relu', '--output', 'softmax', '--json', '--quiet'])) as { layers: number[] };
    assert.deepEqual(init.layers, [784, 12, 10]);
  });

  test('what cannot be written or read is refused in one line', async () => {
    const cases: [string[], number, RegExp][] = [
      [['convert', json, '--to', join(tmp, 'x.txt')], 2, /--to: ".*x\.txt" must end in \.json, \.mat or \.onnx \(or give --format tfjs for a TensorFlow\.js folder\)/],
      [['convert', json, '--to', join(tmp, 'x.json'), '--format', 'onnx'], 2, /--to: --format onnx writes \.onnx files, not ".*x\.json"/],
      [['convert', json, '--to', join(tmp, 'x.onnx'), '--format', 'tfjs'], 2, /--to: --format tfjs writes a folder \(or its model\.json\)/],
      [['convert', json, '--to', join(tmp, 'x.onnx'), '--format', 'keras'], 2, /--format/],
      [['convert', join(tmp, 'nothing.onnx'), '--to', join(tmp, 'x.json')], 1, /nothing\.onnx: no such file/],
      [['convert', mkdtempSync(join(tmp, 'empty-')), '--to', join(tmp, 'x.json')], 1, /a folder with no model\.json in it/],
      [['describe', '--model', json, '--layers', '2,2'], 2, /--layers: --model gives it/],
      [['predict', '--model', json, '--data', 'digits:test', '--labels', 'course'], 1, /model\.json: the model uses zero-based labels, not course/],
    ];
    for (const [args, code, message] of cases) {
      const r = await runCli(args);
      assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message, args.join(' '));
      assert.equal(r.stderr.trim().split('\n').length, 1);
    }
    const notModel = join(tmp, 'notes.json');
    writeFileSync(notModel, '{"hello": 1}');
    const r = await runCli(['predict', '--model', notModel, '--data', 'digits:test']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /notes\.json: JSON, but neither an nnlearn model .* nor a TensorFlow\.js model\.json/);
  });

  test('a TF.js model is never overwritten by its own conversion (its model.json or its weights), and is left whole', async () => {
    const folder = join(tmp, 'self-tfjs');
    await ok(['convert', json, '--to', folder, '--format', 'tfjs']);
    const before = [readFileSync(join(folder, 'model.json')), readFileSync(join(folder, 'weights.bin'))];
    for (const args of [
      ['convert', folder, '--to', join(folder, 'model.json')],
      ['convert', join(folder, 'model.json'), '--to', folder, '--format', 'tfjs'],
      ['convert', folder, '--to', join(folder, 'model.json'), '--format', 'tfjs'],
    ]) {
      const r = await runCli(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /--to: writing ".*model\.json" would overwrite the input file ".*model\.json"/);
    }
    assert.deepEqual([readFileSync(join(folder, 'model.json')), readFileSync(join(folder, 'weights.bin'))], before);
  });

  test('a TF.js model that records no label convention takes --labels; one written by nnlearn keeps its own', async () => {
    const dir = join(tmp, 'foreign');
    await ok(['convert', json, '--to', dir, '--format', 'tfjs']);
    const modelJson = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as Record<string, unknown>;
    delete modelJson.userDefinedMetadata; // as TF.js or Keras would have saved it
    writeFileSync(join(dir, 'model.json'), JSON.stringify(modelJson));
    const labelsOf = async (args: string[]) => (JSON.parse(await ok(['convert', ...args, '--json'])) as { labels: string }).labels;
    assert.equal(await labelsOf([dir, '--to', join(tmp, 'f1.json')]), 'zero-based', "a TF.js classifier's classes are 0..K-1");
    assert.equal(await labelsOf([dir, '--to', join(tmp, 'f2.json'), '--labels', 'course']), 'course');
    const r = await runCli(['convert', join(tmp, 'tfjs'), '--to', join(tmp, 'f3.json'), '--labels', 'course']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /tfjs\/model\.json: the model uses zero-based labels, not course/);
  });
});
