/**
 * Safe writes: a file is written to a temporary name beside it and renamed over it, so a reader (or a run after a
 * crash) sees the old file or the new one, never half of one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeFolders, readBytes, writeFileAtomic } from '../../src/data/files.js';
import { NnlearnError } from '../../src/errors.js';
import { repoRoot } from '../helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'nnlearn-files-'));

test('a write replaces the file whole and leaves no temporary file beside it', () => {
  const path = join(tmp, 'model.json');
  writeFileAtomic(path, 'old\n');
  writeFileAtomic(path, new TextEncoder().encode('new\n'));
  assert.equal(readFileSync(path, 'utf8'), 'new\n');
  assert.deepEqual(readdirSync(tmp), ['model.json']);
});

test('a write that fails leaves the old file as it was, no temporary file, and a one-line error naming the path', () => {
  const dir = join(tmp, 'fails');
  mkdirSync(join(dir, 'taken', 'inside'), { recursive: true });
  // renaming a file over a non-empty folder fails after the bytes are written
  assert.throws(
    () => writeFileAtomic(join(dir, 'taken'), 'x'),
    (e: unknown) => e instanceof NnlearnError && /taken: cannot be written \(E[A-Z]+\)$/.test(e.message),
  );
  assert.deepEqual(readdirSync(dir), ['taken']);
  // a folder that cannot be made (a file stands in its way)
  writeFileSync(join(dir, 'file'), 'keep');
  assert.throws(() => writeFileAtomic(join(dir, 'file', 'x.json'), 'x'), NnlearnError);
  assert.equal(readFileSync(join(dir, 'file'), 'utf8'), 'keep');
});

test('a process killed while writing leaves the old file or the new one whole, never part of one', { timeout: 60_000 }, async () => {
  const dir = join(tmp, 'killed');
  mkdirSync(dir);
  const target = join(dir, 'big.bin');
  const size = 8 << 20;
  // The child writes 8 MB of 'a', then of 'b', … over the same file until it is killed.
  const script = `
    import { writeFileAtomic } from ${JSON.stringify(join(repoRoot, 'src', 'data', 'files.ts'))};
    const contents = [Buffer.alloc(${size}, 97), Buffer.alloc(${size}, 98)];
    for (let k = 0; ; k++) {
      writeFileAtomic(${JSON.stringify(target)}, contents[k % 2]);
      if (k === 0) process.stdout.write('written\\n');
    }`;
  for (let trial = 0; trial < 5; trial++) {
    const child = spawn('node', ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    await new Promise((resolve) => setTimeout(resolve, 20 + trial * 37));
    child.kill('SIGKILL');
    await new Promise((resolve) => child.on('close', resolve));
    const bytes = readBytes(target);
    assert.equal(bytes.length, size, `trial ${trial}: the file is whole`);
    assert.ok(bytes.every((b) => b === bytes[0]) && (bytes[0] === 97 || bytes[0] === 98), `trial ${trial}: one write's bytes only`);
  }
});

test('makeFolders creates the missing levels, and stops at the first refusal (Node’s recursive mkdir loops for ever on /proc/x)', { skip: existsSync('/proc/self') ? false : 'no /proc' }, () => {
  const root = mkdtempSync(join(tmpdir(), 'nnlearn-folders-'));
  makeFolders(join(root, 'a', 'b', 'c'));
  assert.ok(statSync(join(root, 'a', 'b', 'c')).isDirectory());
  makeFolders(join(root, 'a', 'b', 'c')); // already there: nothing to do
  // ENOENT as root, EACCES otherwise: either way an error, at once
  assert.throws(() => makeFolders('/proc/nnlearn-test/x'), (e: NodeJS.ErrnoException) => e.code === 'ENOENT' || e.code === 'EACCES');
  assert.throws(() => writeFileAtomic('/proc/nnlearn-test/m.json', '{}'), /^NnlearnError: \/proc\/nnlearn-test\/m\.json: cannot be written \((ENOENT|EACCES)\)$/);
});
