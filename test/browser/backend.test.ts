/**
 * The fast backend in a real browser (Debian's Chromium, driven by playwright-core): the WebAssembly kernels on the
 * page, and the threaded evaluator on Web Workers with shared memory, both against the reference.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { pageResult, skipWithoutChromium as skip } from './harness.js';

const here = dirname(fileURLToPath(import.meta.url));

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
  // Shared memory needs a cross-origin isolated page.
  const r = await pageResult<{
    flavor: string;
    isolated: boolean;
    single: { cost: number; grad: number };
    threads: { cost: number; grad: number; batch: { cost: number; grad: number }; threads: number; repeatIdentical: boolean; error?: string };
    error?: string;
  }>(dir, 'nnlearn backend', { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' });
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
});
