/**
 * The main entry (`nnlearn`) reads every model format in a browser: bundled by esbuild for the browser platform
 * (a Node module anywhere in its import graph fails the build), run in Debian's Chromium, it reads a TF.js
 * model.json with its weight file, ONNX, a MAT-file and nnlearn JSON from fetched bytes, and computes the outputs
 * Node computes from the same files.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { pageResult, skipWithoutChromium as skip } from './harness.js';
import { Network } from '../../src/nn/network.js';
import { Random } from '../../src/random.js';
import { writeModelFiles, readModel } from '../../src/nn/formats/registry.js';

const here = dirname(fileURLToPath(import.meta.url));

test('the main entry bundles for the browser with no Node module', async () => {
  const r = await build({ entryPoints: [join(here, '../../src/index.ts')], bundle: true, format: 'esm', platform: 'browser', write: false, logLevel: 'silent' });
  assert.equal(r.errors.length, 0);
  assert.doesNotMatch(r.outputFiles[0].text, /from ["']node:/);
});

test('in Chromium, the main entry reads TF.js, ONNX, MAT and nnlearn JSON models from bytes and predicts as Node does', { skip, timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nnlearn-browser-formats-'));
  await build({ entryPoints: { page: join(here, 'formats-page.ts') }, bundle: true, format: 'esm', platform: 'browser', target: 'es2022', outdir: dir, logLevel: 'error' });
  const net = Network.random([16, 5, 3], { seed: 4, activation: 'tanh', output: 'softmax', inputScale: 255, image: { height: 4, width: 4, order: 'row-major' }, labels: 'zero-based' });
  const X = new Random(6).rand(7, 16);
  writeFileSync(join(dir, 'x.json'), JSON.stringify({ rows: X.rows, cols: X.cols, data: Array.from(X.data) }));
  const expected: Record<string, Float64Array> = {};
  for (const [format, name] of [['tfjs', 'model.json'], ['onnx', 'model.onnx'], ['mat', 'model.mat'], ['json', 'nnlearn.json']] as const) {
    const { files } = writeModelFiles(net, format);
    for (const f of files) writeFileSync(join(dir, f.name === '' || f.name === 'model.json' ? name : f.name), f.bytes);
    const sibling = (p: string) => new Uint8Array(readFileSync(join(dir, p)));
    expected[name] = readModel(new Uint8Array(readFileSync(join(dir, name))), { source: name, sibling }).network.outputs(X).data;
  }
  const r = await pageResult<{ outputs: Record<string, number[]>; formats: Record<string, string>; error?: string }>(dir, 'nnlearn formats');
  assert.equal(r.error, undefined, r.error);
  assert.deepEqual(r.formats, { 'model.json': 'tfjs', 'model.onnx': 'onnx', 'model.mat': 'mat', 'nnlearn.json': 'json' });
  for (const [name, values] of Object.entries(expected)) {
    assert.equal(r.outputs[name].length, values.length, name);
    // the same code on the same float32 or float64 weights, and nnlearn's exp is correctly rounded: equal
    r.outputs[name].forEach((v, i) => assert.ok(Math.abs(v - values[i]) <= 1e-15, `${name}[${i}]: ${v} vs ${values[i]}`));
  }
});
