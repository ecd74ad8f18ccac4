/**
 * Progress on stderr (src/cli/progress.ts): a bar drawn in place on a terminal, the course's lines elsewhere,
 * nothing with --quiet; and cli-progress loaded only where a bar is drawn.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { PassThrough } from 'node:stream';
import { startProgress } from '../../src/cli/progress.js';
import type { Io } from '../../src/cli/io.js';

const loaded = () => Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes('cli-progress'));

test('lines in a pipe, nothing with --quiet, and cli-progress not loaded for either', () => {
  const lines: string[] = [];
  const io: Io = { out: () => undefined, err: (s) => lines.push(s), errIsTTY: false };
  const p = startProgress(io, 10, { label: 'train' });
  p.update(1, 0.5);
  p.stop();
  assert.deepEqual(lines, ['train: Iteration    1 | Cost: 5.000000e-01\n']);
  const q = startProgress({ ...io, errIsTTY: true, errStream: new PassThrough() as unknown as NodeJS.WriteStream }, 10, { label: 'train', quiet: true });
  q.update(1, 0.5);
  q.stop();
  assert.equal(lines.length, 1);
  assert.equal(loaded(), false);
});

test('a bar on a terminal, with the iteration and the cost', () => {
  const stream = new PassThrough();
  let drawn = '';
  stream.on('data', (d: Buffer) => (drawn += d.toString()));
  const tty = Object.assign(stream, { isTTY: true, columns: 120, cursorTo: () => true, clearLine: () => true, moveCursor: () => true });
  const io: Io = { out: () => undefined, err: () => undefined, errIsTTY: true, errStream: tty as unknown as NodeJS.WriteStream };
  const p = startProgress(io, 10, { label: 'train' });
  p.update(3, 0.25);
  p.stop();
  assert.equal(loaded(), true);
  assert.match(drawn, /train .* 3\/10 \| cost 2\.5000e-1/);
});
