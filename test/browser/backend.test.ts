/**
 * The fast backend in a real browser (Debian's Chromium, driven by playwright-core): the WebAssembly kernels on the
 * page, and the threaded evaluator on Web Workers with shared memory, both against the reference.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const CHROMIUM = '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? false : `needs ${CHROMIUM} (Debian's chromium; .ci/run installs it)`;

test('in Chromium the wasm kernels and 2 Web Worker threads (whole set and mini-batch) agree with the reference to 1e-10, bit-identical on repeat', { skip, timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nnlearn-browser-'));
  await build({
    entryPoints: {
      page: join(here, 'page.ts'),
      trainer: join(here, 'trainer.ts'),
      'worker-web': resolve(here, '../../src/nn/fast/worker-web.ts'),
    },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    outdir: dir,
    logLevel: 'error',
  });
  const html = '<!doctype html><html><head><meta charset="utf-8"><title>nnlearn backend</title></head><body><script type="module" src="page.js"></script></body></html>';
  // Shared memory needs a cross-origin isolated page.
  const server = createServer((req, res) => {
    const name = (req.url ?? '/').split('?')[0].replace(/^\/+/, '') || 'index.html';
    const headers = {
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'Content-Type': extname(name) === '.js' ? 'text/javascript' : 'text/html',
    };
    if (name === 'index.html') {
      res.writeHead(200, headers).end(html);
    } else if (/^[\w-]+\.js$/.test(name) && existsSync(join(dir, name))) {
      res.writeHead(200, headers).end(readFileSync(join(dir, name)));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as { port: number }).port;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForFunction(() => (globalThis as { __result?: unknown }).__result !== undefined, undefined, { timeout: 60_000 });
    const r = (await page.evaluate(() => (globalThis as { __result?: unknown }).__result)) as {
      flavor: string;
      isolated: boolean;
      single: { cost: number; grad: number };
      threads: { cost: number; grad: number; batch: { cost: number; grad: number }; threads: number; repeatIdentical: boolean; error?: string };
      error?: string;
    };
    if (process.env.NNLEARN_DEBUG) console.log(JSON.stringify(r));
    assert.equal(r.error, undefined, r.error);
    assert.equal(r.isolated, true, 'the page is cross-origin isolated');
    assert.ok(['relaxed', 'simd'].includes(r.flavor));
    assert.ok(r.single.cost <= 1e-10 && r.single.grad <= 1e-10, JSON.stringify(r.single));
    assert.equal(r.threads.error, undefined, r.threads.error);
    assert.equal(r.threads.threads, 2);
    assert.ok(r.threads.cost <= 1e-10 && r.threads.grad <= 1e-10, JSON.stringify(r.threads));
    assert.ok(r.threads.batch.cost <= 1e-10 && r.threads.batch.grad <= 1e-10, JSON.stringify(r.threads.batch));
    assert.equal(r.threads.repeatIdentical, true);
  } finally {
    await browser.close();
    server.close();
  }
});
