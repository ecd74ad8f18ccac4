/**
 * Bad input never crashes or hangs: thousands of mutations of valid files and texts (bit flips, truncations,
 * insertions, header fields set to extremes) give either a correct result or a typed nnlearn error, each within a
 * time bound. Regression cases found while building are kept in the suites of each format.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MatFile, writeMat } from '../src/data/mat.js';
import { parseIdx } from '../src/data/idx.js';
import { parseCsv } from '../src/data/csv.js';
import { modelFromJson, modelToJson } from '../src/nn/model.js';
import { parseAssignments, parseGraph } from '../src/graph/parse.js';
import { Network } from '../src/nn/network.js';
import { Matrix } from '../src/linalg/matrix.js';
import { NnlearnError } from '../src/errors.js';
import { Random } from '../src/random.js';

/** Runs `fn` and accepts a result or an NnlearnError; anything else (a TypeError, a RangeError, a hang) fails. */
function tolerant(what: string, fn: () => unknown, boundMs = 200): void {
  const t = performance.now();
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof NnlearnError, `${what}: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
  }
  const ms = performance.now() - t;
  assert.ok(ms < boundMs, `${what}: ${ms} ms`);
}

const rng = new Random(7);
const X = rng.rand(6, 5);
const valid = {
  mat: writeMat({ X, y: new Matrix(6, 1, Float64Array.from([1, 2, 3, 1, 2, 3])) }),
  matRaw: writeMat({ X }, { compress: false }),
  idx: Uint8Array.from([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2, 1, 2, 3, 4, 5, 6, 7, 8]),
  csv: 'label,a,b\n1,0.5,0.25\n0,1,0\n2,0.75,0.5\n',
  model: JSON.stringify(modelToJson(Network.random([4, 3, 2], { seed: 1 }))),
  expr: 'sigy = sigmoid(y); num = x + sigy; num / (sigmoid(x) + (x + y)^2)',
};

const mutation = (length: number) =>
  fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), at: fc.nat(length - 1), bit: fc.nat(7) }),
    fc.record({ kind: fc.constant('cut' as const), at: fc.nat(length) }),
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(length), byte: fc.nat(255) }),
    fc.record({ kind: fc.constant('set' as const), at: fc.nat(length - 1), byte: fc.constantFrom(0, 0xff, 0x7f, 0x80) }),
    fc.record({ kind: fc.constant('u32' as const), at: fc.nat(Math.max(0, length - 4)), value: fc.constantFrom(0, 1, 0x7fffffff, 0xffffffff, 0x80000000, 100000) }),
  );

function mutate(bytes: Uint8Array, m: { kind: string; at: number; bit?: number; byte?: number; value?: number }): Uint8Array {
  switch (m.kind) {
    case 'flip': {
      const b = Uint8Array.from(bytes);
      b[m.at] ^= 1 << (m.bit ?? 0);
      return b;
    }
    case 'cut':
      return bytes.subarray(0, m.at);
    case 'insert':
      return Uint8Array.from([...bytes.subarray(0, m.at), m.byte ?? 0, ...bytes.subarray(m.at)]);
    case 'set': {
      const b = Uint8Array.from(bytes);
      b[m.at] = m.byte ?? 0;
      return b;
    }
    default: {
      const b = Uint8Array.from(bytes);
      new DataView(b.buffer).setUint32(m.at, m.value ?? 0, true);
      return b;
    }
  }
}

test('thousands of mutated MAT-files (compressed and not) read correctly or fail with a FormatError, fast', () => {
  for (const base of [valid.mat, valid.matRaw]) {
    fc.assert(
      fc.property(mutation(base.length), (m) => {
        const bytes = mutate(base, m);
        tolerant(`MAT ${JSON.stringify(m)}`, () => {
          const f = new MatFile(bytes, 'fuzz.mat');
          for (const name of f.names()) f.matrix(name);
        });
      }),
      { numRuns: 1500 },
    );
  }
});

test('mutated IDX, CSV, model JSON and expressions give a result or a typed error, fast', () => {
  fc.assert(
    fc.property(mutation(valid.idx.length), (m) => tolerant('IDX', () => parseIdx(mutate(valid.idx, m), 'fuzz.idx'))),
    { numRuns: 1000 },
  );
  const text = (s: string) => new TextEncoder().encode(s);
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  fc.assert(
    fc.property(mutation(valid.csv.length), (m) => tolerant('CSV', () => parseCsv(decode(mutate(text(valid.csv), m)), 'fuzz.csv'))),
    { numRuns: 1000 },
  );
  fc.assert(
    fc.property(mutation(valid.model.length), (m) => tolerant('model', () => modelFromJson(decode(mutate(text(valid.model), m)), 'fuzz.json'))),
    { numRuns: 1000 },
  );
  const values = parseAssignments('x=3,y=-4');
  fc.assert(
    fc.property(mutation(valid.expr.length), (m) => tolerant('expression', () => parseGraph(decode(mutate(text(valid.expr), m)), values).root.backward())),
    { numRuns: 1000 },
  );
  // and arbitrary strings
  fc.assert(fc.property(fc.string({ maxLength: 60 }), (s) => tolerant('expression', () => parseGraph(s, values))), { numRuns: 1000 });
});

test('valid random matrices round-trip through the MAT writer and reader bit-identically', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 6 }),
      fc.integer({ min: 0, max: 6 }),
      fc.array(fc.double(), { minLength: 36, maxLength: 36 }),
      fc.boolean(),
      (r, c, vals, compress) => {
        const M = new Matrix(r, c, Float64Array.from(vals.slice(0, r * c)));
        const back = new MatFile(writeMat({ M }, { compress }), 'rt.mat').matrix('M');
        assert.equal(back.shape, M.shape);
        const a = new Uint8Array(M.data.buffer, M.data.byteOffset, M.data.byteLength);
        const b = new Uint8Array(back.data.buffer, back.data.byteOffset, back.data.byteLength);
        assert.deepEqual(b, a);
      },
    ),
    { numRuns: 500 },
  );
});
