/**
 * The web page end to end, in Debian's Chromium driven by playwright-core, served by a plain static server (no
 * cross-origin isolation headers, as GitHub Pages or `python3 -m http.server` serve it):
 *   - it opens with a prediction, having fetched neither the training digits nor the charts;
 *   - drawn digits are read, small ones as large ones; the live region speaks once per drawing; a keyboard picks a
 *     test digit and hears it read;
 *   - a link with settings opens the playground with them;
 *   - training: the cost falls, the accuracies appear, Stop stops within an iteration or two, Resume goes on with
 *     the count, the downloaded model holds the whole history and its settings, and loading it shows its curve
 *     and its accuracies; a course model (400-25-10, 20×20 by columns) reads the drawing too;
 *   - stepping through backpropagation shows every matrix with its shape, and its D equals nnCostFunction's
 *     gradient on that one example to 1e-12 (computed here, in Node, from what the page shows);
 *   - with cross-origin isolation, training runs on threads;
 *   - screenshots of every panel at 1280×800 and 390×844 (NNLEARN_SCREENSHOTS names the folder).
 * Timeouts are hang guards only; no test bounds a time.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildPage, CHROMIUM, chromiumSkip } from './harness.js';
import { serveStatic } from '../../web/serve.js';
import { nnCostFunction } from '../../src/nn/cost.js';
import { Matrix } from '../../src/linalg/matrix.js';
import { modelToJson, networkFromMat } from '../../src/nn/model.js';
import { readMatFile } from '../../src/data/files.js';
import { shared } from '../helpers.js';

export const SCREENSHOTS = process.env.NNLEARN_SCREENSHOTS ?? mkdtempSync(join(tmpdir(), 'nnlearn-shots-'));
mkdirSync(SCREENSHOTS, { recursive: true });

const PANELS = ['read', 'think-panel', 'train-panel', 'backprop-panel', 'inside-panel'];
const prediction = (page: Page) => page.getByTestId('prediction').textContent();

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

/** A ring centred at (cx, cy) with radii rx, ry: a 0. */
const ring = (cx: number, cy: number, rx: number, ry: number): [number, number][] =>
  Array.from({ length: 41 }, (_, i) => {
    const a = (i / 40) * 2 * Math.PI;
    return [cx + rx * Math.sin(a), cy - ry * Math.cos(a)];
  });

async function waitStatus(page: Page, re: RegExp, timeout = 240_000): Promise<string> {
  await page.waitForFunction((src) => new RegExp(src).test(document.querySelector('[data-testid="train-status"]')?.textContent ?? ''), re.source, { timeout });
  return (await page.getByTestId('train-status').textContent()) ?? '';
}

const iterationOf = async (page: Page) => Number(await page.getByTestId('train-status').getAttribute('data-iteration'));

async function shootPanels(page: Page, prefix: string): Promise<void> {
  for (const id of PANELS) await page.locator(`#${id}`).screenshot({ path: join(SCREENSHOTS, `${prefix}-${id}.png`) });
}

let out: string;
let browser: Browser;

test('the page, served without special headers', { skip: chromiumSkip, timeout: 900_000 }, async (t) => {
  out = await buildPage();
  const server = await serveStatic(out);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  t.after(async () => {
    await browser.close();
    await server.close();
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));

  await t.test('opens with a prediction, before the digits or the charts are fetched', async () => {
    await page.goto(server.url);
    await page.waitForFunction(() => /^\d$/.test(document.querySelector('[data-testid="prediction"]')?.textContent ?? ''), undefined, { timeout: 60_000 });
    // what was fetched before the page marked its first prediction (the Resource Timing entries that started before)
    const before = await page.evaluate(() => {
      const mark = performance.getEntriesByName('nnlearn:first-prediction')[0].startTime;
      return performance.getEntriesByType('resource').filter((e) => e.startTime < mark).map((e) => new URL(e.name).pathname);
    });
    assert.ok(before.some((p) => p.endsWith('model.json.gz')), before.join(', '));
    assert.ok(!before.some((p) => p.endsWith('digits.bin.gz')), `fetched before the first prediction: ${before.join(', ')}`);
    assert.ok(!before.some((p) => /charts-.*\.js$/.test(p)), 'the chart library is not part of the first view');
    assert.equal(await page.evaluate(() => crossOriginIsolated), false, 'served without isolation headers');
    assert.ok(await page.locator('link[rel="icon"]').count(), 'a favicon');
    await page.screenshot({ path: join(SCREENSHOTS, 'desktop-open.png') });
  });

  await t.test('drawn digits are read, small ones as large ones; the live region speaks once per drawing', async () => {
    await page.getByTestId('clear').click();
    assert.equal(await prediction(page), '–');
    await page.evaluate(() => {
      const w = window as unknown as { spokenChanges: number };
      w.spokenChanges = 0;
      new MutationObserver(() => w.spokenChanges++).observe(document.querySelector('#spoken')!, { childList: true, characterData: true, subtree: true });
    });
    await drawPath(page, [[140, 40], [140, 90], [140, 140], [140, 190], [140, 240]]);
    assert.equal(await prediction(page), '1');
    await page.getByTestId('clear').click();
    await drawPath(page, ring(140, 140, 60, 85));
    assert.equal(await prediction(page), '0');
    await page.screenshot({ path: join(SCREENSHOTS, 'desktop-zero.png') });
    // the same shapes at a fifth of the size, in a corner
    await page.getByTestId('clear').click();
    await drawPath(page, [[230, 20], [230, 40], [230, 60]]);
    assert.equal(await prediction(page), '1', 'a small 1');
    await page.getByTestId('clear').click();
    await drawPath(page, ring(60, 220, 12, 17));
    assert.equal(await prediction(page), '0', 'a small 0');
    await page.waitForFunction(() => /read as 0/.test(document.querySelector('#spoken')?.textContent ?? ''));
    const changes = await page.evaluate(() => (window as unknown as { spokenChanges: number }).spokenChanges);
    // four drawings and three clears: one announcement each, not one per point (41 points in a ring)
    assert.ok(changes <= 8, `${changes} live-region changes`);
  });

  await t.test('a keyboard user picks a test digit and hears it read', async () => {
    await page.getByTestId('pick').focus();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('5');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => /Test digit 5, a \d, is read as \d/.test(document.querySelector('#spoken')?.textContent ?? ''), undefined, { timeout: 60_000 });
    assert.match((await prediction(page)) ?? '', /^\d$/);
    // see the network think: every layer of the 784-64-10 model
    assert.equal(await page.locator('[data-testid="activations"] figure').count(), 3);
    assert.equal(await page.locator('[data-testid="activations"] canvas[aria-label]').count(), 3, 'figures have names');
  });

  await t.test('training on one thread: the cost falls, accuracies appear; Stop; Resume goes on with the count', async () => {
    await page.fill('#iterations', '200');
    await page.getByTestId('train').click();
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="train-status"]')?.getAttribute('data-iteration')) >= 4, undefined, { timeout: 240_000 });
    assert.match((await page.getByTestId('train-status').textContent()) ?? '', /1 thread \(the page is not cross-origin isolated/);
    const seen = await page.evaluate(() => {
      (document.querySelector('[data-testid="stop"]') as HTMLButtonElement).click();
      return Number(document.querySelector('[data-testid="train-status"]')?.getAttribute('data-iteration'));
    });
    await waitStatus(page, /^stopped after iteration \d+/);
    const stoppedAt = await iterationOf(page);
    // the worker reads Stop at its next pause: at most the iteration in flight and one already posted
    assert.ok(stoppedAt >= seen && stoppedAt <= seen + 2, `stopped at ${stoppedAt}, Stop pressed at ${seen}`);
    assert.match((await page.getByTestId('test-accuracy').textContent()) ?? '', /^\d+\.\d\d%$/);
    assert.match((await page.getByTestId('train-accuracy').textContent()) ?? '', /^\d+\.\d\d%$/);
    await page.waitForFunction((n) => Number((document.querySelector('[data-testid="cost-chart"]') as HTMLElement).dataset.points) === n, stoppedAt, { timeout: 30_000 });
    const chart = page.getByTestId('cost-chart');
    const first = Number(await chart.getAttribute('data-first'));
    const last = Number(await chart.getAttribute('data-last'));
    assert.ok(last < first, `the cost fell from ${first} to ${last}`);

    await page.getByTestId('resume').click();
    await page.waitForFunction((n) => Number(document.querySelector('[data-testid="train-status"]')?.getAttribute('data-iteration')) >= n + 3, stoppedAt, { timeout: 240_000 });
    await page.getByTestId('stop').click();
    await waitStatus(page, /^stopped after iteration \d+/);
    const total = await iterationOf(page);
    assert.ok(total > stoppedAt + 2, `resumed from ${stoppedAt} to ${total}`);
    await page.waitForFunction((n) => Number((document.querySelector('[data-testid="cost-chart"]') as HTMLElement).dataset.points) === n, total, { timeout: 30_000 });
    await page.screenshot({ path: join(SCREENSHOTS, 'desktop-trained.png'), fullPage: true });
  });

  let saved = '';
  await t.test('download holds the whole history and the settings; loading it shows its curve and its accuracies', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download').click()]);
    saved = join(SCREENSHOTS, 'downloaded-model.json');
    await download.saveAs(saved);
    const json = JSON.parse(readFileSync(saved, 'utf8')) as {
      layers: number[];
      meta: { costHistory: number[]; page: { history: { iteration: number[]; testAccuracy: number[] }; runs: { settings: { iterations: number; optimizer: string }; first: number; last: number; stopped: boolean }[] } };
    };
    const total = await iterationOf(page);
    assert.deepEqual(json.layers, [784, 25, 10]);
    assert.deepEqual(json.meta.page.history.iteration, Array.from({ length: total }, (_, i) => i + 1), 'one count across stop and resume');
    assert.equal(json.meta.costHistory.length, total);
    assert.equal(json.meta.page.runs.length, 2);
    assert.equal(json.meta.page.runs[1].first, json.meta.page.runs[0].last + 1);
    assert.ok(json.meta.page.runs.every((r) => r.settings.optimizer === 'fmincg' && r.settings.iterations === 200 && r.stopped));

    // a fresh page loads it: its curve, its accuracies measured there, where it came from
    const fresh = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await fresh.goto(server.url);
    await fresh.waitForFunction(() => /^\d$/.test(document.querySelector('[data-testid="prediction"]')?.textContent ?? ''), undefined, { timeout: 60_000 });
    await fresh.getByTestId('load').setInputFiles(saved);
    await fresh.waitForFunction(() => /%$/.test(document.querySelector('[data-testid="test-accuracy"]')?.textContent ?? ''), undefined, { timeout: 120_000 });
    assert.match((await fresh.getByTestId('model-origin').textContent()) ?? '', /downloaded-model\.json: trained on this page: 784-25-10 sigmoid\/sigmoid, fmincg/);
    await fresh.waitForFunction((n) => Number((document.querySelector('[data-testid="cost-chart"]') as HTMLElement).dataset.points) === n, total, { timeout: 30_000 });
    const measured = Number((await fresh.getByTestId('test-accuracy').textContent())?.replace('%', ''));
    const shown = Number((await page.getByTestId('test-accuracy').textContent())?.replace('%', ''));
    assert.equal(measured, shown, 'the held-out accuracy measured on loading equals the one at the end of training');
    // Resume a loaded model: the count goes on from its history
    await fresh.fill('#iterations', '2');
    await fresh.getByTestId('resume').click();
    await fresh.waitForFunction((n) => /^done after iteration/.test(document.querySelector('[data-testid="train-status"]')?.textContent ?? '') && Number(document.querySelector('[data-testid="train-status"]')?.getAttribute('data-iteration')) === n + 2, total, { timeout: 240_000 });
    await fresh.close();
  });

  await t.test('stepping through backpropagation: every matrix with its shape; D = nnCostFunction’s gradient to 1e-12', async () => {
    await page.selectOption('[data-testid="bp-source"]', 'data');
    await page.fill('[data-testid="bp-index"]', '7');
    await page.getByTestId('bp-trace').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="backprop-step"]')?.getAttribute('data-count') !== null, undefined, { timeout: 60_000 });
    const steps: string[] = [];
    const count = Number(await page.getByTestId('backprop-step').getAttribute('data-count'));
    for (let i = 0; i < count; i++) {
      const el = page.getByTestId('backprop-step');
      assert.equal(await el.getAttribute('data-index'), String(i));
      steps.push(`${await el.getAttribute('data-step')} ${await el.getAttribute('data-name')} ${await el.getAttribute('data-shape')}`);
      assert.match((await page.getByTestId('bp-shape').textContent()) ?? '', /^shape \d+×\d+/);
      assert.notEqual(await page.locator('#bp-formula').textContent(), '');
      if (i === 0) await page.locator('#backprop-panel').screenshot({ path: join(SCREENSHOTS, 'desktop-backprop-a1.png') });
      if (i + 1 < count) await page.getByTestId('bp-next').click();
    }
    assert.deepEqual(steps, [
      '1 a(1) 785×1', '1 z(2) 25×1', '1 a(2) 26×1', '1 z(3) 10×1', '1 h 10×1', '2 y 10×1', '2 δ(3) 10×1', '3 δ(2) 25×1',
      '4 Δ(1) 25×785', '4 Δ(2) 10×26', '5 D(1) 25×785', '5 D(2) 10×26',
    ]);
    const shownDiff = Number(await page.getByTestId('backprop-check').getAttribute('data-max-difference'));
    assert.ok(shownDiff <= 1e-12, `the page's own check: ${shownDiff}`);
    // and independently, here: nnCostFunction on the example and weights the page used
    const probe = await page.evaluate(() => (window as unknown as { nnlearnBackprop: () => unknown }).nnlearnBackprop()) as {
      sizes: number[]; params: number[]; input: number[]; label: number; labels: 'course' | 'zero-based'; lambda: number; grad: number[];
    };
    assert.deepEqual(probe.sizes, [784, 25, 10]);
    const [, grad] = nnCostFunction(Float64Array.from(probe.params), 784, 25, 10, new Matrix(1, 784, Float64Array.from(probe.input)), [probe.label], probe.lambda, { labels: probe.labels });
    let worst = 0;
    for (let i = 0; i < grad.length; i++) worst = Math.max(worst, Math.abs(grad[i] - probe.grad[i]));
    assert.equal(probe.grad.length, 19885);
    assert.ok(worst <= 1e-12, `largest difference ${worst}`);
    await page.locator('#backprop-panel').screenshot({ path: join(SCREENSHOTS, 'desktop-backprop-D.png') });
  });

  await t.test('see inside: data grid, confusion matrix, gradient check, graphs', async () => {
    await page.locator('#inside-panel').scrollIntoViewIfNeeded();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="confusion"] tr').length === 11, undefined, { timeout: 60_000 });
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
    await shootPanels(page, 'desktop');
  });

  const course = shared('ex4weights.mat');
  await t.test('a course model (400-25-10, 20×20 pictures by columns) reads the drawing and gets its accuracies', { skip: course.skip }, async () => {
    const file = join(out, 'course-model.json');
    writeFileSync(file, JSON.stringify(modelToJson(networkFromMat(readMatFile(course.path)))));
    await page.getByTestId('load').setInputFiles(file);
    await page.waitForFunction(
      () => /course-model\.json/.test(document.querySelector('[data-testid="model-origin"]')?.textContent ?? '') && /%$/.test(document.querySelector('[data-testid="test-accuracy"]')?.textContent ?? ''),
      undefined,
      { timeout: 120_000 },
    );
    await page.getByTestId('clear').click();
    await drawPath(page, [[140, 40], [140, 90], [140, 140], [140, 190], [140, 240]]);
    assert.equal(await prediction(page), '1');
    assert.equal(await page.locator('#view').evaluate((c) => (c as HTMLCanvasElement).width), 20, 'the network gets 20×20');
    assert.equal(await page.locator('#draw-refusal').textContent(), '');
    const acc = Number((await page.getByTestId('test-accuracy').textContent())?.replace('%', ''));
    assert.ok(acc > 80, `the course's weights on the page's held-out digits: ${acc}%`);
  });

  assert.deepEqual(errors, [], 'no uncaught errors');
});

test('a link with settings opens the playground with them; bad values are named', { skip: chromiumSkip, timeout: 120_000 }, async () => {
  assert.ok(out, 'the page was built');
  const server = await serveStatic(out);
  const b = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  try {
    const page = await b.newPage();
    await page.goto(`${server.url}?hidden=30,20&activation=tanh&output=softmax&optimizer=adam&rate=0.01&batch=100&lambda=0.5&iterations=3&bogus=1`);
    const values = await page.evaluate(() =>
      ['depth', 'hidden1', 'hidden2', 'activation', 'output', 'optimizer', 'rate', 'batch', 'lambda', 'iterations'].map((id) => (document.getElementById(id) as HTMLInputElement).value),
    );
    assert.deepEqual(values, ['2', '30', '20', 'tanh', 'softmax', 'adam', '0.01', '100', '0.5', '3']);
    await page.goto(`${server.url}?hidden=0&lambda=-1`);
    assert.match((await page.locator('#settings-note').textContent()) ?? '', /hidden=0: .*lambda=-1/);
    assert.equal(await page.locator('#hidden1').inputValue(), '25', 'the default stays');
    // changing the form writes the link
    await page.fill('#lambda', '3');
    await page.locator('#lambda').dispatchEvent('input');
    assert.match(page.url(), /lambda=3/);
  } finally {
    await b.close();
    await server.close();
  }
});

test('cross-origin isolated, training runs on threads', { skip: chromiumSkip, timeout: 300_000 }, async () => {
  assert.ok(out, 'the page was built');
  const server = await serveStatic(out, { isolated: true });
  const b = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  try {
    const page = await b.newPage();
    await page.goto(`${server.url}?iterations=3`);
    assert.equal(await page.evaluate(() => crossOriginIsolated), true);
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    await page.getByTestId('train').click();
    const status = await waitStatus(page, /^(done|stopped) after iteration 3|^error/);
    assert.match(status, /^done after iteration 3/);
    const during = Number(await page.getByTestId('train-status').getAttribute('data-threads'));
    if (cores > 1) assert.ok(during > 1, `trained on ${during} threads with ${cores} cores`);
    assert.match((await page.getByTestId('test-accuracy').textContent()) ?? '', /%$/);
    // Adam on mini-batches: threads where the threaded evaluator takes batches, else one thread; it trains either way
    await page.goto(`${server.url}?optimizer=adam&batch=64&rate=0.002&hidden=32&activation=relu&output=softmax&iterations=2`);
    await page.getByTestId('train').click();
    assert.match(await waitStatus(page, /^(done|stopped) after iteration 2|^error/), /^done after iteration 2/);
    const acc = Number((await page.getByTestId('test-accuracy').textContent())?.replace('%', ''));
    assert.ok(acc > 70, `two epochs of Adam: ${acc}% held out`);
  } finally {
    await b.close();
    await server.close();
  }
});

test('a phone (390×844): the canvas and the prediction on the first screen, nothing wider than the screen, text ≥ 10 px', { skip: chromiumSkip, timeout: 300_000 }, async () => {
  assert.ok(out, 'the page was built');
  const server = await serveStatic(out);
  const b = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  try {
    const page = await b.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, hasTouch: true, isMobile: true });
    await page.goto(`${server.url}?iterations=3`);
    await page.waitForFunction(() => /^\d$/.test(document.querySelector('[data-testid="prediction"]')?.textContent ?? ''), undefined, { timeout: 60_000 });
    for (const id of ['draw-canvas', 'prediction', 'probabilities']) {
      const box = await page.getByTestId(id).boundingBox();
      assert.ok(box && box.y >= 0 && box.y + box.height <= 844 && box.x + box.width <= 390, `${id} on the first screen: ${JSON.stringify(box)}`);
    }
    await page.screenshot({ path: join(SCREENSHOTS, 'phone-open.png') });
    await page.getByTestId('train').click();
    await waitStatus(page, /^done after iteration 3/);
    await page.getByTestId('bp-trace').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="backprop-step"]')?.getAttribute('data-count') !== null, undefined, { timeout: 60_000 });
    await page.locator('#inside-panel').scrollIntoViewIfNeeded();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="confusion"] tr').length === 11, undefined, { timeout: 60_000 });
    await page.waitForFunction(() => document.querySelectorAll('.uplot').length === 3, undefined, { timeout: 60_000 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page is ${overflow} px wider than the screen`);
    const small = await page.evaluate(() => {
      const tiny: string[] = [];
      for (const el of Array.from(document.querySelectorAll<HTMLElement>('body *'))) {
        if (el.closest('#graph') !== null || el.children.length > 0 || (el.textContent ?? '').trim() === '' || el.offsetParent === null) continue;
        const px = parseFloat(getComputedStyle(el).fontSize);
        if (px < 10) tiny.push(`${el.tagName}.${el.className} ${px}px "${(el.textContent ?? '').slice(0, 20)}"`);
      }
      return tiny;
    });
    assert.deepEqual(small, [], 'text of at least 10 px');
    await shootPanels(page, 'phone');
  } finally {
    await b.close();
    await server.close();
  }
});
