/**
 * Hostile and corrupt MAT-files: headers that claim huge matrices, compressed data that expands past what it
 * declares. Each is refused at once with a FormatError, without allocating what it claims.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { zlibSync } from 'fflate';
import { MatFile, MAX_ELEMENT_BYTES } from '../../src/data/mat.js';
import { nativeInflate } from '../../src/data/files.js';
import { boundedInflate } from '../../src/data/inflate.js';
import { FormatError } from '../../src/errors.js';
import { buildMat, matrixElement, mi, mx } from './mat-builder.js';

const header = () => buildMat([]);

function withElements(...elements: Uint8Array[]): Uint8Array {
  const h = header();
  const out = new Uint8Array(h.length + elements.reduce((n, e) => n + e.length, 0));
  out.set(h, 0);
  let o = h.length;
  for (const e of elements) {
    out.set(e, o);
    o += e.length;
  }
  return out;
}

function compressedElement(inner: Uint8Array): Uint8Array {
  const z = zlibSync(inner);
  const tag = new DataView(new ArrayBuffer(8));
  tag.setUint32(0, mi.COMPRESSED, true);
  tag.setUint32(4, z.length, true);
  return Uint8Array.from([...new Uint8Array(tag.buffer), ...z]);
}

/**
 * An inflater that counts what it is asked for: the work a hostile file can cause is bounded by the largest
 * output the parser allows it (a count, not a time: see DEVELOPERS' rules on tests).
 */
function countingInflate(inner: (z: Uint8Array, max: number) => Uint8Array) {
  const asked: number[] = [];
  return {
    asked,
    inflate: (z: Uint8Array, max: number) => {
      asked.push(max);
      return inner(z, max);
    },
  };
}

test('a MAT-file whose header claims a 100000×100000 matrix is refused using little memory', () => {
  const claim = matrixElement({ name: 'X', cls: mx.DOUBLE, dims: [100000, 100000], type: mi.DOUBLE, values: [1, 2, 3] }, true);
  for (const [what, bytes] of [
    ['plain', withElements(claim)],
    ['compressed', withElements(compressedElement(claim))],
  ] as const) {
    const before = process.memoryUsage();
    assert.throws(
      () => new MatFile(bytes, `${what}.mat`).matrix('X'),
      (e: unknown) => e instanceof FormatError && /100000×100000/.test(e.message) && e.message.startsWith(`${what}.mat:`),
    );
    const after = process.memoryUsage();
    // the claim is 80 GB; refusing it may cost a few megabytes at most (nothing of the claimed size is allocated)
    const grew = Math.max(after.arrayBuffers - before.arrayBuffers, after.rss - before.rss);
    assert.ok(grew < 32 * 2 ** 20, `${what}: memory grew by ${(grew / 2 ** 20).toFixed(1)} MB`);
  }
});

test('a compressed element that declares more than nnlearn reads is refused before inflating it', () => {
  const inner = new Uint8Array(16);
  const v = new DataView(inner.buffer);
  v.setUint32(0, mi.MATRIX, true);
  v.setUint32(4, 0xfffffff0, true); // claims ~4 GB
  const counted = countingInflate(nativeInflate);
  assert.throws(
    () => new MatFile(withElements(compressedElement(inner)), 'big.mat', { inflate: counted.inflate }),
    new RegExp(`declares ${0xfffffff0} bytes, more than nnlearn reads \\(${MAX_ELEMENT_BYTES}\\)`),
  );
  assert.deepEqual(counted.asked, [], 'refused from its 8-byte head, before inflating the element');
});

test('compressed data that inflates past the size it declares (a zip bomb) is stopped at that size', () => {
  // a matrix element that declares 64 bytes, followed by 8 MB more of zeros in the same zlib stream
  const inner = new Uint8Array(8 + 64 + 8_000_000);
  const v = new DataView(inner.buffer);
  v.setUint32(0, mi.MATRIX, true);
  v.setUint32(4, 64, true);
  const bytes = withElements(compressedElement(inner));
  for (const inner of [boundedInflate, nativeInflate]) {
    const counted = countingInflate(inner);
    assert.throws(
      () => new MatFile(bytes, 'bomb.mat', { inflate: counted.inflate }),
      /bomb\.mat: data element 1 at byte 128: the compressed data is corrupt or longer than it declares/,
    );
    // asked for the 8-byte tag and the 64 bytes the element declares, never the 8 MB that follow
    assert.deepEqual(counted.asked, [8 + 64]);
  }
  // and the inflater itself stops at the bound: it produces at most what it was asked for
  assert.throws(() => boundedInflate(zlibSync(new Uint8Array(8_000_000)), 72), /longer than|more than|exceed/i);
});
