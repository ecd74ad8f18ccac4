/**
 * Printed commands paste as they read (src/cli/io.ts: shellWord): every path in "Check it:", "go on with:" and
 * "rerun it:" is one word for a POSIX shell, whatever it holds.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { shellWord } from '../../src/cli/io.js';
import { runCli } from '../helpers.js';

const sh = existsSync('/bin/sh') ? false : 'needs /bin/sh';

test('a POSIX shell reads each word back as it was, one argument, nothing run', { skip: sh }, () => {
  const words = ['my runs/m 1.json', "it's.json", 'a b;$(touch x)/model.json', '`x`', 'a\\b', '*', '~/m.json', '', '-', 'ok/m-1.json', 'é ü'];
  // with any characters but NUL (which no argument can hold)
  const more = fc.sample(fc.string({ unit: 'binary', maxLength: 12 }).map((s) => s.replace(/\0/g, '')), { numRuns: 200, seed: 7 });
  const all = [...words, ...more];
  const r = spawnSync('/bin/sh', ['-c', `for a in ${all.map(shellWord).join(' ')}; do printf '%s\\0' "$a"; done`], { encoding: 'utf8', cwd: mkdtempSync(join(tmpdir(), 'nnlearn-sh-')) });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.stdout.split('\0').slice(0, -1), all);
  assert.equal(shellWord('ok/m-1.json'), 'ok/m-1.json', 'plain paths stay as they are');
});

test('train’s "Check it:" line quotes a model path with a space', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nnlearn io '));
  const model = join(dir, "it's 1.json");
  const r = await runCli(['train', '--max-iter', '1', '--hidden', '2', '--quiet', '--out', model]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`Check it: nnlearn predict --model ${shellWord(model).replace(/[\\\\^$.*+?()[\]{}|]/g, '\\$&')} --data`));
  assert.ok(r.stdout.includes(`--model '`));
});
