/**
 * Running a bundled test page in Debian's Chromium (driven by playwright-core): a local server for the page's
 * folder, and the result the page leaves in `globalThis.__result`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join } from 'node:path';
import { chromium } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
/** The skip reason of a browser test where Chromium is absent, or false. */
export const skipWithoutChromium = existsSync(CHROMIUM) ? false : `needs ${CHROMIUM} (Debian's chromium; .ci/run installs it)`;

const CONTENT_TYPES: Readonly<Record<string, string>> = { '.js': 'text/javascript', '.html': 'text/html', '.json': 'application/json' };

/**
 * Serves `dir` (page.js and any file it fetches, by plain names) with an index.html that loads page.js, opens it in
 * Chromium and returns what the page set as `globalThis.__result`. `headers` go with every response (the
 * cross-origin isolation that shared memory needs, say).
 */
export async function pageResult<T>(dir: string, title: string, headers: Readonly<Record<string, string>> = {}): Promise<T> {
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body><script type="module" src="page.js"></script></body></html>`;
  const server = createServer((req, res) => {
    const name = (req.url ?? '/').split('?')[0].replace(/^\/+/, '') || 'index.html';
    const type = { 'Content-Type': CONTENT_TYPES[extname(name)] ?? 'application/octet-stream' };
    if (name === 'index.html') res.writeHead(200, { ...headers, ...type }).end(html);
    else if (/^[\w.-]+$/.test(name) && existsSync(join(dir, name))) res.writeHead(200, { ...headers, ...type }).end(readFileSync(join(dir, name)));
    else res.writeHead(404).end();
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as { port: number }).port;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForFunction(() => (globalThis as { __result?: unknown }).__result !== undefined, undefined, { timeout: 60_000 });
    return (await page.evaluate(() => (globalThis as { __result?: unknown }).__result)) as T;
  } finally {
    await browser.close();
    server.close();
  }
}
