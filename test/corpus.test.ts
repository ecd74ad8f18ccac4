/**
 * The regression corpus (test/corpus/README.md): every input that once crashed, hung or was misread is refused
 * now, through the command line, with one line that names the problem and exit code 1 (a hang is caught by the
 * test runner's timeout).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from './helpers.js';

interface Case {
  file: string;
  found: string;
  args: string[];
  exit: number;
  message: string;
  /** for an input once misread and now read right (exit 0): what stdout must show */
  stdout?: string;
}

const dir = fileURLToPath(new URL('./corpus/', import.meta.url));
const cases = JSON.parse(readFileSync(join(dir, 'cases.json'), 'utf8')) as Case[];
const tmp = mkdtempSync(join(tmpdir(), 'nnlearn-corpus-'));

test('every file in the corpus has a case, and every case its file', () => {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) {
        if (name !== 'found') walk(p);
      } else files.push(relative(dir, p));
    }
  };
  walk(dir);
  const data = files.filter((f) => !['cases.json', 'README.md', 'make-corpus.ts'].includes(f));
  const named = new Set(cases.flatMap((c) => [c.file, ...c.args.filter((a) => a.startsWith('{dir}/')).map((a) => a.slice(6))]));
  assert.deepEqual(data.filter((f) => !named.has(f)), [], 'files without a case');
  for (const c of cases) assert.ok(existsSync(join(dir, c.file)), c.file);
});

for (const c of cases) {
  test(`${c.file} (${c.found}) ${c.exit === 0 ? 'now gives the right answer' : `is refused with one line, exit code ${c.exit}`}`, async () => {
    const path = join(dir, c.file);
    const args = c.args.map((a) =>
      a === '{text}' ? readFileSync(path, 'utf8').trim() : a.replace('{file}', path).replace('{dir}', dir.replace(/\/$/, '')).replace('{tmp}', tmp),
    );
    const r = await runCli(args);
    assert.equal(r.code, c.exit, r.stderr);
    assert.match(r.stderr, new RegExp(c.message));
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    if (c.stdout !== undefined) assert.match(r.stdout, new RegExp(c.stdout));
  });
}
