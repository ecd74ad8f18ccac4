/**
 * A plain static file server for the built page, as `python3 -m http.server` or GitHub Pages would serve it: no
 * special headers (the page must work without them), files sent as they are (.gz as application/gzip, not as a
 * Content-Encoding). With `isolated`, the two headers that make the page cross-origin isolated, so that its
 * training worker can use threads.
 *
 *   node --import tsx web/serve.ts [folder, default web/dist] [--isolated] [--port N]
 *
 * The end-to-end test and the page probe (bench/page-probe.ts) serve the page with it.
 */
import { createServer, type Server } from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.gz': 'application/gzip',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wasm': 'application/wasm',
};

export interface StaticServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

export async function serveStatic(folder: string, options: { isolated?: boolean; port?: number } = {}): Promise<StaticServer> {
  const root = resolve(folder);
  const server = createServer((req, res) => {
    let name: string;
    try {
      name = decodeURIComponent((req.url ?? '/').split('?')[0]);
    } catch {
      res.writeHead(400).end();
      return;
    }
    let file = resolve(root, `.${name}`);
    if (file !== root && !file.startsWith(root + sep)) return void res.writeHead(403).end();
    if (existsSync(file) && statSync(file).isDirectory()) file = resolve(file, 'index.html');
    if (!existsSync(file)) return void res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
    res.writeHead(200, {
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      ...(options.isolated ? { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } : {}),
    });
    res.end(readFileSync(file));
  });
  await new Promise<void>((ok) => server.listen(options.port ?? 0, '127.0.0.1', ok));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    server,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const portAt = args.indexOf('--port');
  const folder = args.find((a, i) => !a.startsWith('--') && i !== portAt + 1) ?? resolve(fileURLToPath(import.meta.url), '..', 'dist');
  const s = await serveStatic(folder, { isolated: args.includes('--isolated'), port: portAt >= 0 ? Number(args[portAt + 1]) : 8080 });
  console.log(`serving ${resolve(folder)} at ${s.url}${args.includes('--isolated') ? ' (cross-origin isolated)' : ''}`);
}
