/**
 * Vega and Vega-Lite (half a second of imports, most of a browser bundle) load with the first chart, not with the
 * library: `import { Network } from 'nnlearn'` once loaded them. A child process imports the main entry with a
 * module hook that refuses to resolve either package; the import must succeed, and the first chart must fail on it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../helpers.js';

const hook = `data:text/javascript,${encodeURIComponent(
  `import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent('export async function resolve(s, c, next) { if (s === "vega" || s === "vega-lite") throw new Error("vega was imported: " + s); return next(s, c); }'));`,
)}`;

test('the main entry imports without Vega; the first chart imports it', () => {
  const entry = pathToFileURL(join(repoRoot, 'src', 'index.ts')).href;
  const script = `const m = await import(${JSON.stringify(entry)});
console.log('imported', typeof m.Network);
try { await m.chartToSvg({ data: { values: [{ a: 1 }] }, mark: 'point' }); console.log('rendered'); } catch (e) { console.log('chart:', e.message); }`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--import', hook, '--input-type=module', '-e', script], { cwd: repoRoot, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'imported function\nchart: vega was imported: vega-lite\n');
});
