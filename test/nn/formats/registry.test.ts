/**
 * The model-format registry: formats recognised by content whatever the file is called, each format's round trip,
 * what each says it loses, the label-convention rule, and the checks every read gets.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Network } from '../../../src/nn/network.js';
import { detectModelFormat, MODEL_FORMATS, readModel, writeModelFiles } from '../../../src/nn/formats/registry.js';
import { modelOutputFormat, readModelFile, writeModel } from '../../../src/nn/formats/files.js';
import { networkToOnnx } from '../../../src/nn/formats/onnx-write.js';
import { FormatError, UsageError, ValueError } from '../../../src/errors.js';
import { writeMat } from '../../../src/data/mat.js';
import { Random } from '../../../src/random.js';
import { Matrix } from '../../../src/linalg/matrix.js';

const tmp = mkdtempSync(join(tmpdir(), 'nnlearn-formats-'));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

const net = Network.random([6, 4, 3], { seed: 2, activation: 'relu', output: 'softmax', labels: 'course', inputScale: 255, image: { height: 2, width: 3, order: 'column-major' } });
const meta = { data: 'digits', lambda: 1, costHistory: [2.5, 1.25] };

test('every format writes and reads back the network: architecture, labels, image and scale kept; weights exact or float32', () => {
  for (const f of MODEL_FORMATS) {
    const { files } = writeModelFiles(net, f.name, meta);
    const weights = files.slice(1);
    const back = readModel(files[0].bytes, { source: `m-${f.name}`, sibling: (p) => weights.find((w) => w.name === p)?.bytes });
    assert.equal(back.format, f.name);
    assert.equal(detectModelFormat(files[0].bytes), f, `${f.name} detected by content`);
    assert.deepEqual(back.network.options, net.options, f.name);
    const exact = f.name === 'json' || f.name === 'mat';
    assert.deepEqual(back.network.params, exact ? net.params : net.params.map(Math.fround), f.name);
    assert.equal(back.labelsRecorded, true, f.name);
    assert.deepEqual(back.meta, meta, f.name);
  }
});

test('what a format cannot hold is said: float32 for ONNX and TF.js, nothing for JSON and a MAT-file (the record as nnlearn_meta)', () => {
  const losses = Object.fromEntries(MODEL_FORMATS.map((f) => [f.name, writeModelFiles(net, f.name, meta).losses]));
  assert.deepEqual(losses.json, []);
  assert.match(losses.onnx[0], /ONNX holds weights as float32/);
  assert.match(losses.tfjs[0], /TensorFlow\.js model holds weights as float32/);
  assert.deepEqual(losses.mat, []);
  assert.deepEqual(writeModelFiles(net, 'mat').losses, []);
});

test('a file is read by its content, whatever its name says', () => {
  const names: [string, Uint8Array][] = [
    ['really-onnx.json', networkToOnnx(net)],
    ['really-mat.onnx', writeModelFiles(net, 'mat').files[0].bytes],
    ['really-json.mat', writeModelFiles(net, 'json').files[0].bytes],
    ['no-extension', networkToOnnx(net)],
  ];
  for (const [name, bytes] of names) {
    writeFileSync(join(tmp, name), bytes);
    assert.deepEqual(readModelFile(join(tmp, name)).network.sizes, [6, 4, 3], name);
  }
  assert.throws(() => readModelFile(join(tmp, 'no-extension-text')), /no such file/);
  writeFileSync(join(tmp, 'text'), 'hello\n');
  assert.throws(() => readModelFile(join(tmp, 'text')), (e: Error) => e instanceof FormatError && /not a model nnlearn reads/.test(e.message));
  writeFileSync(join(tmp, 'cut.json'), '{"format": "nnlearn-model", "lay');
  assert.throws(() => readModelFile(join(tmp, 'cut.json')), /cut\.json: not valid JSON/);
  writeFileSync(join(tmp, 'short.mat'), 'MATLAB');
  assert.throws(() => readModelFile(join(tmp, 'short.mat')), /short\.mat: not a MAT-file: 6 bytes/);
});

test("the label convention: the file's when it records one, else the one asked for, else the format's default", () => {
  const course = writeModelFiles(Network.random([3, 2], { seed: 1 }), 'json').files[0].bytes;
  assert.equal(readModel(course, { labels: 'course' }).network.labels, 'course');
  assert.throws(() => readModel(course, { source: 'm.json', labels: 'zero-based' }), (e: Error) => e instanceof ValueError && /m\.json: the model uses course labels, not zero-based/.test(e.message));
  // the course's ex4weights.mat records none: course labels, unless told
  const ex4 = writeMat({ Theta1: new Random(1).rand(2, 4) });
  assert.equal(readModel(ex4, { source: 'w.mat' }).network.labels, 'course');
  assert.equal(readModel(ex4, { source: 'w.mat', labels: 'zero-based' }).network.labels, 'zero-based');
  assert.equal(readModel(ex4, { source: 'w.mat' }).labelsRecorded, false);
});

test('a NaN or infinite weight is refused in every format, naming the matrix and the entry', () => {
  const bad = Network.random([3, 2, 2], { seed: 1 });
  bad.params[7] = NaN;
  for (const f of ['onnx', 'tfjs', 'mat'] as const) {
    const { files } = writeModelFiles(bad, f);
    assert.throws(
      () => readModel(files[0].bytes, { source: `bad-${f}`, sibling: () => files[1]?.bytes }),
      (e: Error) => e instanceof ValueError && /Theta1\(2, 4\) is NaN; weights must be finite/.test(e.message),
      f,
    );
  }
});

test('where a model is written: the format from the name or --format, files whole, weights before model.json', () => {
  assert.equal(modelOutputFormat('a/b.ONNX').name, 'onnx');
  assert.equal(modelOutputFormat('out', 'tfjs').name, 'tfjs');
  assert.equal(modelOutputFormat('out/model.json', 'tfjs').name, 'tfjs');
  assert.throws(() => modelOutputFormat('m.txt', undefined, '--to'), (e: Error) => e instanceof UsageError && /--to: "m\.txt" must end in \.json, \.mat or \.onnx/.test(e.message));
  assert.throws(() => modelOutputFormat('m.mat', 'json'), /--format json writes \.json files, not "m\.mat"/);
  assert.throws(() => modelOutputFormat('m', 'keras'), /unknown model format "keras" \(nnlearn knows json, tfjs, onnx, mat\)/);
  const dir = join(tmp, 'tf');
  const r = writeModel(join(dir, 'model.json'), net, undefined, 'tfjs');
  assert.deepEqual(r.files, [join(dir, 'model.json'), join(dir, 'weights.bin')]);
  assert.deepEqual(readdirSync(dir).sort(), ['model.json', 'weights.bin'], 'no temporary file left');
  const manifest = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as { weightsManifest: { paths: string[] }[] };
  assert.deepEqual(manifest.weightsManifest[0].paths, ['weights.bin']);
  // a folder is read through its model.json
  assert.deepEqual(readModelFile(dir).network.sizes, [6, 4, 3]);
});

test('MAT weights: a gap in the Thetas is refused, and transposed Thetas are named as such, with the file', () => {
  const rng = new Random(2);
  const [T1, T2] = [rng.rand(5, 4), rng.rand(3, 6)]; // layers 3-5-3
  const T = (m: typeof T1) => Matrix.fromColumnMajor(m.cols, m.rows, m.data);
  assert.deepEqual(readModel(writeMat({ Theta1: T1, Theta2: T2 }), { source: 'w.mat' }).network.sizes, [3, 5, 3]);
  const refused = (vars: Record<string, typeof T1>, message: RegExp) =>
    assert.throws(() => readModel(writeMat(vars), { source: 'w.mat' }), (e: Error) => message.test(e.message), JSON.stringify(Object.keys(vars)));
  refused({ Theta1: T1, Theta3: T2 }, /^w\.mat: Theta3 without Theta2; the layers' Thetas are numbered 1, 2, … without a gap$/);
  refused({ Theta1: T(T1), Theta2: T(T2) }, /^w\.mat: Theta2 is 6×3, but Theta1 has 4 output units, so Theta2 needs 5 columns; the Thetas look transposed/);
  refused({ Theta1: T1, Theta2: T(T2) }, /^w\.mat: Theta2 is 6×3, .*; Theta2 looks transposed \(each Theta is units × \(inputs \+ 1\)\)$/);
  // no hint where no transposition fits
  refused({ Theta1: T1, Theta2: rng.rand(3, 4) }, /^w\.mat: Theta2 is 3×4, but Theta1 has 5 output units, so Theta2 needs 6 columns$/);
});
