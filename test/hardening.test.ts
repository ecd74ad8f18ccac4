/**
 * Bad input never crashes or hangs: thousands of mutations of valid files and texts (bit flips, truncations,
 * insertions, header fields set to extremes) give either a correct result or a typed nnlearn error, each within a
 * time bound. Failures found while building are kept as files in test/corpus/ (see its README).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MatFile, writeMat } from '../src/data/mat.js';
import { parseIdx } from '../src/data/idx.js';
import { parseCsv } from '../src/data/csv.js';
import { modelFromJson, modelToJson } from '../src/nn/model.js';
import { networkToOnnx } from '../src/nn/formats/onnx-write.js';
import { networkToTfjs } from '../src/nn/formats/tfjs-write.js';
import { readModel } from '../src/nn/formats/registry.js';
import { parseAssignments, parseGraph } from '../src/graph/parse.js';
import { Network } from '../src/nn/network.js';
import { Matrix } from '../src/linalg/matrix.js';
import { NnlearnError } from '../src/errors.js';
import { checkpointToJson, parseCheckpoint } from '../src/cli/checkpoint.js';
import { Random } from '../src/random.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';

/** Keeps a failing input under test/corpus/found/ (git-ignored) for a look and, once fixed, the corpus. */
function saveCounterexample(kind: string, bytes: Uint8Array): void {
  const dir = new URL(`corpus/found/${kind}/`, import.meta.url);
  mkdirSync(dir, { recursive: true });
  const name = createHash('sha256').update(bytes).digest('hex').slice(0, 12);
  writeFileSync(new URL(name, dir), bytes);
}

/**
 * Runs `fn` and accepts a result or an NnlearnError; anything else (a TypeError, a RangeError) fails, and a hang
 * is caught by the test runner's timeout (no clock here: a loaded machine must not fail the suite).
 */
function tolerant(what: string, fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof NnlearnError, `${what}: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
  }
}

const rng = new Random(7);
const X = rng.rand(6, 5);
const valid = {
  mat: writeMat({ X, y: new Matrix(6, 1, Float64Array.from([1, 2, 3, 1, 2, 3])) }),
  matRaw: writeMat({ X }, { compress: false }),
  idx: Uint8Array.from([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2, 1, 2, 3, 4, 5, 6, 7, 8]),
  csv: 'label,a,b\n1,0.5,0.25\n0,1,0\n2,0.75,0.5\n',
  model: JSON.stringify(modelToJson(Network.random([4, 3, 2], { seed: 1 }))),
  onnx: networkToOnnx(Network.random([4, 3, 2], { seed: 1, inputScale: 255, output: 'softmax' }), { lambda: 1 }),
  tfjs: networkToTfjs(Network.random([4, 3, 2], { seed: 1, inputScale: 255, activation: 'relu' })),
  expr: 'sigy = sigmoid(y); num = x + sigy; num / (sigmoid(x) + (x + y)^2)',
  checkpoint: checkpointToJson(
    { hidden: '25', lambda: '1', quiet: true },
    {
      optimizer: 'adam',
      optimizerState: {
        x: Float64Array.from([0.1, -0.2]),
        vectors: { m: Float64Array.from([1, 2]), v: Float64Array.from([0.5, 0.25]) },
        numbers: { iter: 2, t: 20, batch: 64 },
        costHistory: [4, 3.5],
        evaluations: 22,
      },
      initialCost: 4,
      previousCost: 3.5,
      validation: { history: [3.9, 3.6], bestCost: 3.6, bestIteration: 2, bestParams: Float64Array.from([0.1, -0.2]) },
    },
  ),
};

const mutation = (length: number) =>
  fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), at: fc.nat(length - 1), bit: fc.nat(7) }),
    fc.record({ kind: fc.constant('cut' as const), at: fc.nat(length) }),
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(length), byte: fc.nat(255) }),
    fc.record({ kind: fc.constant('set' as const), at: fc.nat(length - 1), byte: fc.constantFrom(0, 0xff, 0x7f, 0x80) }),
    fc.record({ kind: fc.constant('u32' as const), at: fc.nat(Math.max(0, length - 4)), value: fc.constantFrom(0, 1, 0x7fffffff, 0xffffffff, 0x80000000, 100000) }),
  );

type Mutation = { kind: string; at: number; bit?: number; byte?: number; value?: number };

/** NNLEARN_FUZZ_SCALE=50 runs a long campaign (the counterexamples it finds go to test/corpus/). */
const SCALE = Number(process.env.NNLEARN_FUZZ_SCALE ?? 1);
const runs = (n: number) => ({ numRuns: Math.round(n * SCALE) });

/** One to three mutations applied in turn (positions wrap to the current length). */
const mutations = (length: number) => fc.array(mutation(length), { minLength: 1, maxLength: 3 });

function mutateAll(bytes: Uint8Array, ms: Mutation[]): Uint8Array {
  let b = bytes;
  for (const m of ms) {
    if (b.length < 5) break;
    b = mutate(b, { ...m, at: m.at % (m.kind === 'u32' ? b.length - 3 : m.kind === 'cut' || m.kind === 'insert' ? b.length + 1 : b.length) });
  }
  return b;
}

function mutate(bytes: Uint8Array, m: Mutation): Uint8Array {
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

/**
 * A property over mutated copies of `base`; a counterexample is also written to test/corpus/found/ so that it can
 * be kept as a regression case (see test/corpus/README.md).
 */
function fuzz(kind: string, base: Uint8Array, n: number, parse: (bytes: Uint8Array) => void): void {
  fc.assert(
    fc.property(mutations(base.length), (ms) => {
      const bytes = mutateAll(base, ms);
      try {
        tolerant(`${kind} ${JSON.stringify(ms)}`, () => parse(bytes));
      } catch (e) {
        saveCounterexample(kind, bytes);
        throw e;
      }
    }),
    runs(n),
  );
}

const text = (s: string) => new TextEncoder().encode(s);
const decode = (b: Uint8Array) => new TextDecoder().decode(b);
const values = parseAssignments('x=3,y=-4');

/** What each kind of input is parsed with, and what a correct result must satisfy. */
const PARSERS: Record<string, (bytes: Uint8Array, name: string) => void> = {
  mat: (bytes, name) => {
    const f = new MatFile(bytes, name);
    for (const v of f.names()) {
      const M = f.matrix(v);
      assert.equal(M.data.length, M.rows * M.cols);
    }
  },
  idx: (bytes, name) => {
    const r = parseIdx(bytes, name);
    assert.equal(r.values.length, r.dims.reduce((a, b) => a * b, 1));
  },
  csv: (bytes, name) => {
    const r = parseCsv(decode(bytes), name);
    assert.equal(r.X.data.length, r.X.rows * r.X.cols);
    assert.equal(r.y.length, r.X.rows);
  },
  model: (bytes, name) => {
    const net = modelFromJson(decode(bytes), name);
    assert.ok(net.params.every(Number.isFinite));
  },
  onnx: (bytes, name) => {
    assert.ok(readModel(bytes, { source: name }).network.params.every(Number.isFinite));
  },
  tfjs: (bytes, name) => {
    const weights = valid.tfjs[1].bytes;
    assert.ok(readModel(bytes, { source: name, sibling: (p) => (p === 'weights.bin' ? weights : undefined) }).network.params.every(Number.isFinite));
  },
  checkpoint: (bytes, name) => {
    const { optimizerState: o, validation } = parseCheckpoint(decode(bytes), name).state;
    for (const v of [...Object.values(o.vectors), ...(validation ? [validation.bestParams] : [])]) assert.equal(v.length, o.x.length);
    assert.ok(o.x.every(Number.isFinite) && Object.values(o.numbers).every(Number.isFinite));
  },
  expression: (bytes) => {
    // a result is finite, value and gradients: what is not is a NonFiniteError naming the node
    const g = parseGraph(decode(bytes), values);
    g.root.backward();
    assert.ok(Number.isFinite(g.root.data) && [...g.inputs.values()].every((v) => Number.isFinite(v.grad)));
  },
};

test('thousands of mutated MAT-files (compressed and not) read correctly or fail with a FormatError, fast', () => {
  fuzz('mat', valid.mat, 1500, (b) => PARSERS.mat(b, 'fuzz.mat'));
  fuzz('mat', valid.matRaw, 1500, (b) => PARSERS.mat(b, 'fuzz.mat'));
});

test('mutated IDX files read correctly or fail with a FormatError, fast', () => {
  fuzz('idx', valid.idx, 1000, (b) => PARSERS.idx(b, 'fuzz.idx'));
});

test('mutated CSV texts read correctly or fail with a typed error, fast', () => {
  fuzz('csv', text(valid.csv), 1000, (b) => PARSERS.csv(b, 'fuzz.csv'));
});

test('mutated model JSON loads a finite network or fails with a typed error, fast', () => {
  fuzz('model', text(valid.model), 1000, (b) => PARSERS.model(b, 'fuzz.json'));
});

test('mutated ONNX models and TF.js model.json files load a finite network or fail with a typed error, fast', () => {
  fuzz('onnx', valid.onnx, 800, (b) => PARSERS.onnx(b, 'fuzz.onnx'));
  fuzz('tfjs', valid.tfjs[0].bytes, 800, (b) => PARSERS.tfjs(b, 'model.json'));
});

test('mutated checkpoints resume from a consistent state or fail with a FormatError, fast', () => {
  fuzz('checkpoint', text(valid.checkpoint), 1000, (b) => PARSERS.checkpoint(b, 'fuzz-checkpoint.json'));
});

test('mutated and arbitrary expressions evaluate or fail with a typed error, fast', () => {
  fuzz('expression', text(valid.expr), 1000, (b) => PARSERS.expression(b, 'fuzz'));
  fc.assert(fc.property(fc.string({ maxLength: 60 }), (s) => tolerant('expression', () => parseGraph(s, values))), runs(1000));
});

test('every truncation of every kind of input, at every length, gives a result or a typed error, fast', () => {
  const bases: [string, Uint8Array][] = [
    ['mat', valid.mat],
    ['mat', valid.matRaw],
    ['idx', valid.idx],
    ['csv', text(valid.csv)],
    ['model', text(valid.model)],
    ['checkpoint', text(valid.checkpoint)],
    ['expression', text(valid.expr)],
  ];
  let cases = 0;
  for (const [kind, base] of bases) {
    for (let n = 0; n <= base.length; n++) {
      tolerant(`${kind} cut to ${n} bytes`, () => PARSERS[kind](base.subarray(0, n), `cut.${kind}`));
      cases++;
    }
  }
  assert.ok(cases > 1500, `${cases} truncations`);
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
    runs(500),
  );
});
