/**
 * The main entry (`nnlearn`) reads every model format in a browser: bundled by esbuild for the browser platform
 * (a Node module anywhere in its import graph fails the build), run in Debian's Chromium, it reads a TF.js
 * model.json with its weight file, ONNX, a MAT-file and nnlearn JSON from fetched bytes, and computes the outputs
 * Node computes from the same files.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { Network } from '../../src/nn/network.js';
import { Random } from '../../src/random.js';
import { writeModelFiles, readModel } from '../../src/nn/formats/registry.js';

const here = dirname(fileURLToPath(import.meta.url));
const CHROMIUM = '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? false : `needs ${CHROMIUM} (Debian's chromium; .ci/run installs it)`;

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
  const html = '<!doctype html><html><head><meta charset="utf-8"><title>nnlearn formats</title></head><body><script type="module" src="page.js"></script></body></html>';
  const server = createServer((req, res) => {
    const name = (req.url ?? '/').split('?')[0].replace(/^\/+/, '') || 'index.html';
    if (name === 'index.html') res.writeHead(200, { 'Content-Type': 'text/html' }).end(html);
    else if (/^[\w.-]+$/.test(name) && existsSync(join(dir, name))) {
      res.writeHead(200, { 'Content-Type': extname(name) === '.js' ? 'text/javascript' : 'application/octet-stream' }).end(readFileSync(join(dir, name)));
    } else res.writeHead(404).end();
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as { port: number }).port;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForFunction(() => (globalThis as { __result?: unknown }).__result !== undefined, undefined, { timeout: 60_000 });
    const r = (await page.evaluate(() => (globalThis as { __result?: unknown }).__result)) as { outputs: Record<string, number[]>; formats: Record<string, string>; error?: string };
    assert.equal(r.error, undefined, r.error);
    assert.deepEqual(r.formats, { 'model.json': 'tfjs', 'model.onnx': 'onnx', 'model.mat': 'mat', 'nnlearn.json': 'json' });
    for (const [name, values] of Object.entries(expected)) {
      assert.equal(r.outputs[name].length, values.length, name);
      // the same code on the same float32 or float64 weights, and nnlearn's exp is correctly rounded: equal
      r.outputs[name].forEach((v, i) => assert.ok(Math.abs(v - values[i]) <= 1e-15, `${name}[${i}]: ${v} vs ${values[i]}`));
    }
  } finally {
    await browser.close();
    server.close();
  }
});
