/**
 * The page probe (a measurement, not a test): serves the built page with a plain static server, opens it in
 * Debian's Chromium and reports
 *   - the bytes fetched before the first prediction (Resource Timing: every response that started before the page's
 *     "nnlearn:first-prediction" mark, headers included), and which files they were;
 *   - the time to the first prediction on a 1.6 Mbit/s link (Chromium's network emulation), and unthrottled;
 *   - the main thread's longest task during a default training run (784-25-10, fmincg, 50 iterations), from
 *     Chromium's trace (every RunTask of the page's main thread), with the number of tasks over 50 ms;
 *   - how long the run took, its accuracies, and how many iterations it had reached when a Stop was pressed and
 *     when it stopped, in a second run.
 *
 *   npm run bench:page                 # builds the page into a temporary folder first
 *   npm run bench:page -- web/dist     # or probes a built page (npm run build:web)
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { buildPage, CHROMIUM } from '../test/web/harness.js';
import { serveStatic } from '../web/serve.js';
import { load, machine } from './machine.js';

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  /** the thread's CPU time in the event (µs): what the task cost, however busy the machine was */
  tdur?: number;
  args?: { name?: string };
}

async function firstPrediction(page: Page, url: string): Promise<{ ms: number; bytes: number; files: string[] }> {
  const start = Date.now();
  await page.goto(url);
  await page.waitForFunction(() => performance.getEntriesByName('nnlearn:first-prediction').length > 0, undefined, { timeout: 300_000 });
  const ms = Date.now() - start;
  const { bytes, files } = await page.evaluate(() => {
    const mark = performance.getEntriesByName('nnlearn:first-prediction')[0].startTime;
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
    const res = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).filter((e) => e.startTime < mark);
    return {
      bytes: nav.transferSize + res.reduce((s, e) => s + e.transferSize, 0),
      files: [`${new URL(nav.name).pathname} ${nav.transferSize}`, ...res.map((e) => `${new URL(e.name).pathname} ${e.transferSize}`)],
    };
  });
  return { ms, bytes, files };
}

const given = process.argv[2];
const dist = given ?? mkdtempSync(join(tmpdir(), 'nnlearn-probe-'));
if (given === undefined) await buildPage(dist);
if (!existsSync(join(dist, 'model.json.gz'))) throw new Error(`${dist} has no model.json.gz: build the page first (npm run build:web)`);
const server = await serveStatic(dist);
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
try {
  // 1. the first view: bytes, and time on a slow link
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const first = await firstPrediction(page, server.url);
  const slowPage = await browser.newPage({ viewport: { width: 390, height: 844 } });
  const cdp = await slowPage.context().newCDPSession(slowPage);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 100, downloadThroughput: 1.6e6 / 8, uploadThroughput: 0.75e6 / 8 });
  const slow = await firstPrediction(slowPage, server.url);
  await slowPage.close();

  // 2. a default training run, traced
  await page.reload();
  await page.waitForFunction(() => performance.getEntriesByName('nnlearn:first-prediction').length > 0, undefined, { timeout: 300_000 });
  await page.locator('#train-panel').scrollIntoViewIfNeeded();
  const traceFile = join(tmpdir(), `nnlearn-trace-${process.pid}.json`);
  await browser.startTracing(page, { path: traceFile, categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline'] });
  const started = Date.now();
  await page.getByTestId('train').click();
  await page.waitForFunction(() => /^(done|stopped) after|^error/.test(document.querySelector('[data-testid="train-status"]')?.textContent ?? ''), undefined, { timeout: 600_000 });
  const trainMs = Date.now() - started;
  await page.waitForTimeout(500); // the last redraw
  await browser.stopTracing();
  const status = await page.getByTestId('train-status').textContent();
  const threads = await page.getByTestId('train-status').getAttribute('data-threads');
  const accuracies = [await page.getByTestId('train-accuracy').textContent(), await page.getByTestId('test-accuracy').textContent()];
  const trace = JSON.parse(readFileSync(traceFile, 'utf8')) as { traceEvents: TraceEvent[] };
  rmSync(traceFile, { force: true });
  const mains = new Set(trace.traceEvents.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  const onMain = trace.traceEvents.filter((e) => e.ph === 'X' && mains.has(`${e.pid}:${e.tid}`));
  const runTasks = onMain.filter((e) => e.name === 'RunTask').sort((a, b) => (b.dur ?? 0) - (a.dur ?? 0));
  const tasks = runTasks.map((e) => (e.dur ?? 0) / 1000);
  const cpuTasks = runTasks.map((e) => (e.tdur ?? NaN) / 1000).sort((a, b) => b - a);
  // what the longest tasks spent their time on: their largest inner events
  const longest = runTasks.slice(0, 5).map((t) => {
    const inner = onMain
      .filter((e) => e !== t && e.ts >= t.ts && e.ts + (e.dur ?? 0) <= t.ts + (t.dur ?? 0) && (e.dur ?? 0) > 2000)
      .sort((a, b) => (b.dur ?? 0) - (a.dur ?? 0))
      .slice(0, 4)
      .map((e) => `${e.name} ${((e.dur ?? 0) / 1000).toFixed(1)} ms${(e.args as { data?: { functionName?: string; url?: string } } | undefined)?.data?.functionName ? ` (${(e.args as { data: { functionName: string } }).data.functionName})` : ''}`);
    return `${((t.dur ?? 0) / 1000).toFixed(1)} ms at +${((t.ts - runTasks.reduce((m, e) => Math.min(m, e.ts), Infinity)) / 1000).toFixed(0)} ms: ${inner.join(', ')}`;
  });

  // 3. Stop: how far the run goes after the button is pressed
  await page.fill('#iterations', '200');
  await page.getByTestId('train').click();
  await page.waitForFunction(
    () => / of 200:/.test(document.querySelector('[data-testid="train-status"]')?.textContent ?? '') && Number(document.querySelector('[data-testid="train-status"]')?.getAttribute('data-iteration')) >= 5,
    undefined,
    { timeout: 300_000 },
  );
  const pressed = await page.evaluate(() => {
    (document.querySelector('[data-testid="stop"]') as HTMLButtonElement).click();
    return { at: Number(document.querySelector('[data-testid="train-status"]')?.getAttribute('data-iteration')), t: performance.now() };
  });
  await page.waitForFunction(() => /^stopped after/.test(document.querySelector('[data-testid="train-status"]')?.textContent ?? ''), undefined, { timeout: 300_000 });
  const stoppedAt = Number(await page.getByTestId('train-status').getAttribute('data-iteration'));
  const stopMs = (await page.evaluate(() => performance.now())) - pressed.t;

  const host = machine();
  const report = {
    date: host.date,
    cpu: `${host.cpu} (${host.cores} logical cores)`,
    chromium: browser.version(),
    firstView: { bytes: first.bytes, ms: first.ms, files: first.files, at1_6Mbit: { ms: slow.ms, bytes: slow.bytes } },
    training: {
      settings: '784-25-10 sigmoid, fmincg, λ = 1, 50 iterations (the page’s defaults)',
      status,
      threads,
      accuracies,
      ms: trainMs,
      mainThread: {
        tasks: tasks.length,
        longestMs: tasks[0] ?? 0,
        over50ms: tasks.filter((d) => d > 50).length,
        longestCpuMs: cpuTasks[0],
        cpuOver50ms: cpuTasks.filter((d) => d > 50).length,
        longest,
      },
    },
    stop: { pressedAtIteration: pressed.at, stoppedAtIteration: stoppedAt, msUntilStopped: Math.round(stopMs) },
  };
  console.log(JSON.stringify(report, null, 2));
  console.log(
    `\nfirst view: ${(first.bytes / 1e6).toFixed(2)} MB before the first prediction (${first.files.length} files); ` +
      `first prediction after ${(slow.ms / 1000).toFixed(1)} s at 1.6 Mbit/s\n` +
      `training (${report.training.settings}): longest main-thread task ${report.training.mainThread.longestMs.toFixed(1)} ms, ` +
      `${report.training.mainThread.over50ms} over 50 ms, of ${tasks.length}; by the main thread's CPU time ${cpuTasks[0]?.toFixed(1)} ms, ` +
      `${report.training.mainThread.cpuOver50ms} over 50 ms; run ${(trainMs / 1000).toFixed(1)} s on ${threads} thread(s); load average ${load().toFixed(1)}\n` +
      `Stop pressed at iteration ${pressed.at}, stopped at ${stoppedAt}, ${Math.round(stopMs)} ms later\n` +
      `${report.cpu}, Chromium ${report.chromium}, ${report.date}`,
  );
} finally {
  await browser.close();
  await server.close();
  if (given === undefined) rmSync(dist, { recursive: true, force: true });
}
