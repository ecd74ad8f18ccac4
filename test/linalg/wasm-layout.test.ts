/**
 * The kernels that move data between the optimizer's layout and the fast kernels' (wasm/layout.ts), against their
 * plain twins: the transposition of Θ, the reduction of the threads' partial sums with the scaling and the
 * penalty (src/nn/regularization.ts), the penalty's sum, a chunk's compressed columns, and the exact division
 * they use.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Matrix } from '../../src/linalg/matrix.js';
import { Arena, compiledModule, createMemory, instantiate } from '../../src/linalg/wasm/instance.js';
import { exactDivision } from '../../src/nn/fast/plan.js';
import { scaleAndRegularize, squaresOffBias } from '../../src/nn/regularization.js';
import { Random } from '../../src/random.js';

function kernels() {
  const memory = createMemory(false);
  const k = instantiate(compiledModule(false), memory);
  return { k, a: new Arena(memory, k.heapBase(), false) };
}

function randomTheta(rng: Random, units: number, inputs: number): Matrix {
  const T = new Matrix(units, inputs + 1);
  for (let i = 0; i < T.data.length; i++) T.data[i] = rng.random() * 2 - 1;
  return T;
}

test('packWeights transposes Θ into Wt (f64 or f32) and copies Θ without its bias column into Wr; padding stays zero', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 21 }), fc.integer({ min: 0, max: 13 }), fc.nat(1000), fc.boolean(), (units, inputs, seed, f32) => {
      const rng = new Random(seed);
      const T = randomTheta(rng, units, inputs);
      const hp = Math.ceil(units / 4) * 4 + 4; // a padded width, wider than needed
      const hpPrev = inputs + 3;
      const { k, a } = kernels();
      const P = a.alloc(T.data.length * 8);
      const Wt = a.alloc((inputs + 1) * hp * 8);
      const Wt32 = a.alloc((inputs + 1) * hp * 4);
      const Wr = a.alloc(units * hpPrev * 8);
      a.f64(P, T.data.length).set(T.data);
      k.packWeights(P, inputs, units, hp, Wt, f32 ? Wt32 : 0, Wr, hpPrev);
      const wt = f32 ? a.f32(Wt32, (inputs + 1) * hp) : a.f64(Wt, (inputs + 1) * hp);
      for (let c = 0; c <= inputs; c++) {
        for (let u = 0; u < hp; u++) {
          const want = u < units ? (f32 ? Math.fround(T.get(u, c)) : T.get(u, c)) : 0;
          assert.equal(wt[c * hp + u], want, `Wt[${c}][${u}]`);
        }
      }
      const wr = a.f64(Wr, units * hpPrev);
      for (let u = 0; u < units; u++) for (let c = 0; c < hpPrev; c++) assert.equal(wr[u * hpPrev + c], c < inputs ? T.get(u, c + 1) : 0);
    }),
    { numRuns: 100 },
  );
});

test('finishLayer adds the threads’ partial sums in order, then scales and regularizes as scaleAndRegularize does', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 19 }), fc.integer({ min: 0, max: 9 }), fc.integer({ min: 1, max: 4 }), fc.nat(1000), (units, inputs, T, seed) => {
      const rng = new Random(seed);
      const Theta = randomTheta(rng, units, inputs);
      const hp = Math.ceil(units / 2) * 2;
      const m = 1 + rng.interval(50);
      const lambda = rng.random() * 3;
      const { k, a } = kernels();
      const P = a.alloc(Theta.data.length * 8);
      const grad = a.alloc(Theta.data.length * 8);
      const parts = a.alloc(T * 4);
      const Gts = Array.from({ length: T }, () => a.alloc((inputs + 1) * hp * 8));
      a.f64(P, Theta.data.length).set(Theta.data);
      a.i32(parts, T).set(Gts);
      // the reference: the partial sums added in thread order, in the optimizer's layout
      const G = new Matrix(units, inputs + 1);
      for (const Gt of Gts) {
        const g = a.f64(Gt, (inputs + 1) * hp);
        for (let i = 0; i < g.length; i++) g[i] = rng.random() * 10 - 5;
        for (let u = 0; u < units; u++) for (let c = 0; c <= inputs; c++) G.data[u * (inputs + 1) + c] += g[c * hp + u];
      }
      scaleAndRegularize(G, Theta, m, lambda);
      k.finishLayer(P, inputs, units, hp, parts, T, 1 / m, lambda / m, grad);
      assert.deepEqual(Array.from(a.f64(grad, G.data.length)), Array.from(G.data));
    }),
    { numRuns: 100 },
  );
});

test('unitSquaresOffBias is each unit’s share of the penalty’s sum (bias column excluded), to rounding (1e-12: the sums run in another order)', () => {
  const rng = new Random(4);
  for (const [units, inputs] of [[1, 0], [3, 1], [25, 400], [10, 25], [7, 9], [300, 784]]) {
    const T = randomTheta(rng, units, inputs);
    const { k, a } = kernels();
    const P = a.alloc(T.data.length * 8);
    a.f64(P, T.data.length).set(T.data);
    const out = a.alloc(units * 8);
    k.unitSquaresOffBias(P, inputs, units, out);
    const got = a.f64(out, units);
    for (let u = 0; u < units; u++) {
      const row = new Matrix(1, inputs + 1, T.data.slice(u * (inputs + 1), (u + 1) * (inputs + 1)));
      const want = squaresOffBias(row);
      assert.ok(Math.abs(got[u] - want) <= 1e-12 * Math.max(1, want), `${units}×${inputs + 1}, unit ${u}: ${got[u]} vs ${want}`);
    }
    // a later slice of the rows gives the same numbers (a thread's share)
    if (units > 1) {
      const out2 = a.alloc(units * 8);
      k.unitSquaresOffBias(P + (inputs + 1) * 8, inputs, units - 1, out2 + 8);
      assert.deepEqual(Array.from(a.f64(out2 + 8, units - 1)), Array.from(got.subarray(1)));
    }
  }
});

test('exactDivision divides every multiple of d exactly (shift, then the odd part’s inverse modulo 2³²)', () => {
  for (const d of [8, 16, 24, 104, 1200, 2400, 4 * 1023, 8 * 4097]) {
    const { shift, inverse } = exactDivision(d);
    for (const q of [0, 1, 2, 3, 785, 4096, 100000, Math.floor(2 ** 31 / d) - 1]) {
      assert.equal(Math.imul((q * d) >>> shift, inverse), q, `${q}·${d}`);
    }
  }
});

test('chunkColumns builds a chunk’s compressed columns from the compressed rows, rows in chunk order', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 10 }), fc.nat(1000), fc.boolean(), fc.boolean(), (m, n, hp, seed, f32, listed) => {
      const rng = new Random(seed);
      const X = new Matrix(m, n);
      for (let i = 0; i < X.data.length; i++) X.data[i] = rng.random() < 0.5 ? 0 : rng.random();
      const vbytes = f32 ? 4 : 8;
      const rowBytes = hp * vbytes;
      const { shift, inverse } = exactDivision(rowBytes);
      let nnz = 0;
      for (const v of X.data) if (v !== 0) nnz++;
      const { k, a } = kernels();
      const rs = a.alloc((m + 1) * 4);
      const ro = a.alloc(Math.max(1, nnz) * 4);
      const rv = a.alloc(Math.max(1, nnz) * vbytes);
      const count = 1 + rng.interval(m - 1);
      const base = rng.interval(m - count);
      const rows = Array.from({ length: count }, () => rng.interval(m - 1));
      const list = a.alloc(count * 4);
      const cs = a.alloc((n + 1) * 4);
      const co = a.alloc(Math.max(1, count * n) * 4);
      const cv = a.alloc(Math.max(1, count * n) * vbytes);
      const next = a.alloc(n * 4);
      const start = a.i32(rs, m + 1);
      const offs = a.i32(ro, Math.max(1, nnz));
      const vals = f32 ? a.f32(rv, Math.max(1, nnz)) : a.f64(rv, Math.max(1, nnz));
      let q = 0;
      for (let i = 0; i < m; i++) {
        start[i] = q;
        for (let j = 0; j < n; j++) {
          if (X.get(i, j) !== 0) {
            offs[q] = (j + 1) * rowBytes;
            vals[q++] = X.get(i, j);
          }
        }
      }
      start[m] = q;
      a.i32(list, count).set(rows);
      k.chunkColumns(rs, ro, rv, listed ? list : 0, base, count, n, shift, inverse, cs, co, cv, rowBytes, f32 ? 1 : 0, next);
      const chunkRow = (i: number) => (listed ? rows[i] : base + i);
      const colStart = a.i32(cs, n + 1);
      const colOffs = a.i32(co, Math.max(1, count * n));
      const colVals = f32 ? a.f32(cv, Math.max(1, count * n)) : a.f64(cv, Math.max(1, count * n));
      for (let j = 0; j < n; j++) {
        const want: [number, number][] = [];
        for (let i = 0; i < count; i++) {
          const v = X.get(chunkRow(i), j);
          if (v !== 0) want.push([i * rowBytes, f32 ? Math.fround(v) : v]);
        }
        const got: [number, number][] = [];
        for (let p = colStart[j]; p < colStart[j + 1]; p++) got.push([colOffs[p], colVals[p]]);
        assert.deepEqual(got, want, `column ${j}`);
      }
    }),
    { numRuns: 150 },
  );
});
