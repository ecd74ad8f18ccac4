/**
 * The web page end to end, in Debian's Chromium driven by playwright-core: it builds the page with Vite, trains
 * the model it ships (as `npm run build:web` does), serves it, draws a "1" (a vertical stroke) and a "0" (a ring)
 * on the canvas and reads the predictions, and takes screenshots at desktop and phone sizes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { chromium, type Page } from 'playwright-core';
import { Network } from '../../src/nn/network.js';
import { modelToJson } from '../../src/nn/model.js';
import { shippedDigits } from '../../src/data/shipped-digits.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const CHROMIUM = '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? false : `needs ${CHROMIUM} (Debian's chromium; .ci/run installs it)`;
export const SCREENSHOTS = process.env.NNLEARN_SCREENSHOTS ?? mkdtempSync(join(tmpdir(), 'nnlearn-shots-'));

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.bin': 'application/octet-stream' };

async function drawPath(page: Page, points: [number, number][]): Promise<void> {
  const box = await page.getByTestId('draw-canvas').boundingBox();
  assert.ok(box);
  const sx = box.width / 280;
  const sy = box.height / 280;
  await page.mouse.move(box.x + points[0][0] * sx, box.y + points[0][1] * sy);
  await page.mouse.down();
  for (const [x, y] of points.slice(1)) await page.mouse.move(box.x + x * sx, box.y + y * sy, { steps: 2 });
  await page.mouse.up();
}

test('the page predicts a drawn 1 and a drawn 0, and looks right on a desktop and a phone', { skip, timeout: 180_000 }, async () => {
  const out = mkdtempSync(join(tmpdir(), 'nnlearn-web-'));
  // the model the page ships: the same settings as `npm run web:model`
  const train = shippedDigits('digits:train');
  assert.ok(train);
  const net = Network.random([784, 64, 10], { activation: 'relu', output: 'softmax', labels: 'zero-based', image: train.image, seed: 0 });
  net.train(train.X, train.y, { optimizer: 'adam', batchSize: 64, maxIter: 25, lambda: 1, learningRate: 0.002, batchSeed: 0 });
  await build({ configFile: join(root, 'web', 'vite.config.ts'), logLevel: 'error', build: { outDir: out, emptyOutDir: true } });
  writeFileSync(join(out, 'model.json'), JSON.stringify(modelToJson(net)));
  // the page's training digits, as `npm run web:model` writes them
  execFileSync('node', [join(root, 'scripts', 'web-data.mjs')], { env: { ...process.env, NNLEARN_WEB_OUT: out } });

  const server = createServer((req, res) => {
    const name = (req.url ?? '/').split('?')[0].replace(/^\/+/, '') || 'index.html';
    const file = resolve(out, name);
    if (!file.startsWith(out) || !existsSync(file)) return void res.writeHead(404).end();
    res.writeHead(200, {
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
    });
    res.end(readFileSync(file));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    const started = Date.now();
    await page.goto(url);
    // a shipped digit is drawn and read as soon as the page opens
    await page.waitForFunction(() => /^\d$/.test(document.querySelector('[data-testid="prediction"]')?.textContent ?? ''), undefined, { timeout: 10_000 });
    const loadMs = Date.now() - started;
    assert.ok(loadMs < 2000, `a prediction appeared ${loadMs} ms after opening the page`);
    await page.screenshot({ path: join(SCREENSHOTS, 'desktop-open.png') });
    await page.getByTestId('clear').click();

    // a "1": a vertical stroke
    await drawPath(page, [[140, 40], [140, 90], [140, 140], [140, 190], [140, 240]]);
    await page.waitForFunction(() => document.querySelector('[data-testid="prediction"]')?.textContent !== '–');
    assert.equal(await page.getByTestId('prediction').textContent(), '1');
    await page.screenshot({ path: join(SCREENSHOTS, 'desktop-one.png') });
    assert.equal(await page.locator('[data-testid="probabilities"] li').count(), 10);

    await page.getByTestId('clear').click();
    assert.equal(await page.getByTestId('prediction').textContent(), '–');

    // a "0": a ring
    const ring: [number, number][] = Array.from({ length: 41 }, (_, i) => {
      const a = (i / 40) * 2 * Math.PI;
      return [140 + 60 * Math.sin(a), 140 - 85 * Math.cos(a)];
    });
    await drawPath(page, ring);
    await page.waitForFunction(() => document.querySelector('[data-testid="prediction"]')?.textContent !== '–');
    assert.equal(await page.getByTestId('prediction').textContent(), '0');
    await page.screenshot({ path: join(SCREENSHOTS, 'desktop-zero.png') });

    // training in the page: a few iterations in the worker; the cost falls and the accuracies appear
    await page.fill('#iterations', '15');
    await page.getByTestId('train').click();
    await page.waitForFunction(() => /%$/.test(document.querySelector('[data-testid="test-accuracy"]')?.textContent ?? ''), undefined, { timeout: 60_000 });
    const acc = Number((await page.getByTestId('test-accuracy').textContent())?.replace('%', ''));
    assert.ok(acc > 70, `test accuracy ${acc}%`);
    await page.waitForFunction(() => Number((document.querySelector('[data-testid="cost-chart"]') as HTMLElement).dataset.points) >= 10, undefined, { timeout: 20_000 });
    const chart = page.getByTestId('cost-chart');
    const first = Number(await chart.getAttribute('data-first'));
    const last = Number(await chart.getAttribute('data-last'));
    assert.ok(last < first, `the cost fell from ${first} to ${last}`);
    assert.match((await chart.innerHTML()).slice(0, 200), /<svg/);
    await page.screenshot({ path: join(SCREENSHOTS, 'desktop-trained.png'), fullPage: true });

    // see inside: the data grid, the confusion matrix and misclassified digits, the gradient check, a graph
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="confusion"] tr').length === 11, undefined, { timeout: 20_000 });
    const lit = await page.evaluate(() => {
      const c = document.querySelector('[data-testid="data-grid"]') as HTMLCanvasElement;
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i] > 200) n++;
      return { n, w: c.width };
    });
    assert.equal(lit.w, 291, 'displayData of 100 28×28 digits is 291 wide');
    assert.ok(lit.n > 1000, `${lit.n} bright pixels in the data grid`);
    await page.getByTestId('gradcheck').click();
    assert.match((await page.getByTestId('gradcheck-out').textContent()) ?? '', /Relative Difference: 2\.40441e-11/);
    assert.match(await page.getByTestId('graph').innerHTML(), />1\.37</);
    await page.selectOption('[data-testid="graph-example"]', 'tricky');
    assert.match(await page.getByTestId('graph').innerHTML(), />1\.55</);
    await page.locator('.inside').screenshot({ path: join(SCREENSHOTS, 'desktop-inside.png') });

    // a phone-sized screen: nothing wider than the viewport
    await page.setViewportSize({ width: 390, height: 844 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    assert.equal(overflow, false, 'no horizontal overflow on a phone');
    await page.screenshot({ path: join(SCREENSHOTS, 'phone.png'), fullPage: true });
  } finally {
    await browser.close();
    server.close();
  }
});
