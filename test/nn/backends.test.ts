/**
 * One suite for the cost backends: the fast backend (WebAssembly SIMD, each kernel, one or several threads, f64
 * or f32) against the plain TypeScript reference, which stays the ground truth. Tolerances: 1e-10 relative (in
 * norm) for float64, 1e-4 for f32 products.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Matrix } from '../../src/linalg/matrix.js';
import { affineABt, affineAtB, matmulSkipBias } from '../../src/linalg/kernels.js';
import { Arena, compiledModule, createMemory, instantiate, useWasmFlavor, wasmFlavor, type WasmFlavor } from '../../src/linalg/wasm/instance.js';
import { sigmoidScalar } from '../../src/nn/sigmoid.js';
import { crossEntropyTerm } from '../../src/nn/cross-entropy.js';
import { costFunction } from '../../src/nn/cost.js';
import { paramCount, rollParams, unrollParams } from '../../src/nn/params.js';
import { predictTargets } from '../../src/nn/predict.js';
import type { Architecture } from '../../src/nn/activations.js';
import { createEvaluator } from '../../src/nn/fast/evaluator.js';
import { createThreadedEvaluator, startNodeWorkers } from '../../src/nn/fast/threads-node.js';
import { FastEvaluator } from '../../src/nn/fast/threaded.js';
import { blockCount, blockRows, PANEL_ROW_BYTES, PANEL_UNITS } from '../../src/nn/fast/plan.js';
import type { BatchEvaluator } from '../../src/nn/fast/evaluator.js';
import { Network } from '../../src/nn/network.js';
import { readMatFile } from '../../src/data/files.js';
import { labelsToTargets } from '../../src/data/labels.js';
import { Random } from '../../src/random.js';
import { relNormDiff, shared } from '../helpers.js';

function randomMatrix(rng: Random, rows: number, cols: number, zeros = 0): Matrix {
  const M = new Matrix(rows, cols);
  for (let i = 0; i < M.data.length; i++) M.data[i] = rng.random() < zeros ? 0 : rng.random() * 2 - 1;
  return M;
}

function relDiff(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
}

/** An instance of the kernels on a private memory, and an allocator over it (every buffer past `pad` bytes). */
function kernels(pad = 0) {
  const memory = createMemory(false);
  const k = instantiate(compiledModule(false), memory);
  const a = new Arena(memory, k.heapBase(), false);
  if (pad > 0) a.alloc(pad);
  return { k, a };
}

/** Θ (units × (n+1)) transposed into the kernels' Wt layout ((n+1) × hp). */
function toWt(T: Matrix, hp: number): Float64Array {
  const Wt = new Float64Array((T.cols) * hp);
  for (let r = 0; r < T.rows; r++) for (let c = 0; c < T.cols; c++) Wt[c * hp + r] = T.get(r, c);
  return Wt;
}

// Both builds where the engine has relaxed SIMD; the plain SIMD build everywhere.
const flavors: WasmFlavor[] = wasmFlavor() === 'relaxed' ? ['relaxed', 'simd'] : ['simd'];

for (const flavor of flavors) {
  describe(`wasm kernels (${flavor} build) against the reference kernels`, () => {
    /** The input layer's products on m×n data with `units` outputs agree with the reference's; the buffers lie past `pad` bytes. */
    const productsAgree = (m: number, n: number, units: number, seed: number, precision: 'f64' | 'f32', pad = 0) => {
      const rng = new Random(seed);
      const X = randomMatrix(rng, m, n, 0.5);
      const T = randomMatrix(rng, units, n + 1);
      const f32 = precision === 'f32';
      const hp = Math.ceil(units / (f32 ? 4 : 2)) * (f32 ? 4 : 2);
      const esz = f32 ? 4 : 8;
      const { k, a } = kernels(pad);
      // CSR with byte offsets of the rows of a panel of Wp, CSC with byte offsets of D rows
      let nnz = 0;
      for (const v of X.data) if (v !== 0) nnz++;
      const rs = a.alloc((m + 1) * 4), ro = a.alloc(nnz * 4), rv = a.alloc(nnz * esz);
      const cs = a.alloc((n + 1) * 4), co = a.alloc(nnz * 4), cv = a.alloc(nnz * esz);
      // Wp: Θᵀ in panels of U units, each (n+1) rows PANEL_ROW_BYTES apart (laid out here from Θ, not by packWeights)
      const U = PANEL_UNITS[precision];
      const panelBytes = (n + 1) * PANEL_ROW_BYTES;
      const Wp = a.alloc(Math.ceil(hp / U) * panelBytes), Z = a.alloc(m * hp * esz), D = a.alloc(m * hp * esz), Gt = a.alloc((n + 1) * hp * esz);
      const Aact = a.alloc(m * hp * 8), Aact2 = a.alloc(m * hp * 8);
      const Xd = a.alloc(m * n * 8), W64 = a.alloc((n + 1) * hp * 8), Z64 = a.alloc(m * hp * 8), D64 = a.alloc(m * hp * 8), G64 = a.alloc((n + 1) * hp * 8);
      const vals = (at: number, c: number) => (f32 ? a.f32(at, c) : a.f64(at, c));
      const rowStart = a.i32(rs, m + 1), rowOff = a.i32(ro, nnz), rowVal = vals(rv, nnz);
      const colStart = a.i32(cs, n + 1), colOff = a.i32(co, nnz), colVal = vals(cv, nnz);
      let q = 0;
      for (let i = 0; i < m; i++) {
        rowStart[i] = q;
        for (let j = 0; j < n; j++) if (X.get(i, j) !== 0) { rowOff[q] = (j + 1) * PANEL_ROW_BYTES; rowVal[q++] = X.get(i, j); }
      }
      rowStart[m] = q;
      q = 0;
      for (let j = 0; j < n; j++) {
        colStart[j] = q;
        for (let i = 0; i < m; i++) if (X.get(i, j) !== 0) { colOff[q] = i * hp * esz; colVal[q++] = X.get(i, j); }
      }
      colStart[n] = q;
      const Dm = randomMatrix(rng, m, units);
      const Dpad = new Float64Array(m * hp);
      for (let i = 0; i < m; i++) for (let u = 0; u < units; u++) Dpad[i * hp + u] = Dm.get(i, u);
      const wp = vals(Wp, (Math.ceil(hp / U) * panelBytes) / esz);
      for (let u = 0; u < units; u++) {
        for (let c = 0; c <= n; c++) wp[(Math.floor(u / U) * panelBytes + c * PANEL_ROW_BYTES) / esz + (u % U)] = T.get(u, c);
      }
      vals(D, m * hp).set(Dpad);
      a.f64(W64, (n + 1) * hp).set(toWt(T, hp));
      a.f64(D64, m * hp).set(Dpad);
      a.f64(Xd, m * n).set(X.data);
      const tol = f32 ? 1e-5 : 1e-13;
      const Zref = affineABt(X, T);
      const Gref = affineAtB(Dm, X);
      const check = (got: ArrayLike<number>, ref: Matrix, transposed: boolean, what: string) => {
        const g = new Float64Array(ref.data.length);
        for (let r = 0; r < ref.rows; r++) for (let c = 0; c < ref.cols; c++) g[r * ref.cols + c] = transposed ? got[c * hp + r] : got[r * hp + c];
        assert.ok(relNormDiff(g, ref.data) <= tol, `${what}: ${relNormDiff(g, ref.data)}`);
      };
      if (f32) {
        k.fwdSparse32(rs, ro, rv, m, Wp, panelBytes, hp, Z, Aact, 0);
        k.bwdSparse32(cs, co, cv, n, D, hp, Gt, 0);
      } else {
        k.fwdSparse64(rs, ro, rv, m, Wp, panelBytes, hp, Z, Aact, 0);
        k.bwdSparse64(cs, co, cv, n, D, hp, Gt, 0);
      }
      check(vals(Z, m * hp), Zref, false, 'fwdSparse');
      const G = Float64Array.from(vals(Gt, (n + 1) * hp));
      for (let u = 0; u < hp; u++) G[u] = Array.from({ length: m }, (_, i) => Dpad[i * hp + u]).reduce((s, v) => s + v, 0);
      check(G, Gref, true, 'bwdSparse');
      // accumulate: a second pass adds the same product again
      if (f32) k.bwdSparse32(cs, co, cv, n, D, hp, Gt, 1);
      else k.bwdSparse64(cs, co, cv, n, D, hp, Gt, 1);
      const G2 = Float64Array.from(vals(Gt, (n + 1) * hp), (v) => v / 2);
      G2.set(G.subarray(0, hp), 0);
      check(G2, Gref, true, 'bwdSparse accumulated');
      k.fwdDense64(Xd, m, n, n, W64, hp, Z64, Aact2);
      check(a.f64(Z64, m * hp), Zref, false, 'fwdDense64');
      // the fused sigmoid: A = σ(Z) for the hidden layers
      const Aref = new Matrix(m, units);
      for (let i = 0; i < Aref.data.length; i++) Aref.data[i] = sigmoidScalar(Zref.data[i]);
      check(a.f64(Aact, m * hp), Aref, false, 'fwdSparse, fused sigmoid');
      check(a.f64(Aact2, m * hp), Aref, false, 'fwdDense64, fused sigmoid');
      k.bwdDense64(Xd, m, n, n, D64, hp, G64, 0);
      check(a.f64(G64, (n + 1) * hp), Gref, true, 'bwdDense64');
    };

    test('the sparse and dense input products equal [1 X]·Θᵀ and Dᵀ·[1 X]', () => {
      useWasmFlavor(flavor);
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 17 }), fc.integer({ min: 1, max: 40 }), fc.nat(1000), fc.constantFrom<'f64' | 'f32'>('f64', 'f32'), (m, n, units, seed, precision) =>
          productsAgree(m, n, units, seed, precision),
        ),
        { numRuns: 150 },
      );
    });

    test('… with every buffer past 2 GiB, where 32-bit signed offsets once turned negative ("Start offset -2089362016")', () => {
      useWasmFlavor(flavor);
      // the memory below is reserved, never touched: its pages cost address space, not memory
      for (const [m, n, units, seed] of [[7, 13, 25, 1], [3, 5, 40, 2]]) for (const precision of ['f64', 'f32'] as const) productsAgree(m, n, units, seed, precision, 2 ** 31 + 64);
    });

    test('deltaBack64 (and its f32 variant) equals (D·Θ(:, 2:end)) ∘ a(1 - a), with zero padding; row sums add up', () => {
      useWasmFlavor(flavor);
      const rng = new Random(11);
      for (const [m, K, n] of [[7, 3, 5], [4, 10, 25], [1, 1, 1], [6, 5, 9]]) {
        const kp = K + (K % 2), hp = n + (n % 2);
        const T = randomMatrix(rng, K, n + 1);
        const Dn = randomMatrix(rng, m, K);
        const A = new Matrix(m, n);
        for (let i = 0; i < A.data.length; i++) A.data[i] = rng.random();
        const ref = matmulSkipBias(Dn, T);
        for (let i = 0; i < ref.data.length; i++) ref.data[i] *= A.data[i] * (1 - A.data[i]);
        const { k, a } = kernels();
        const pDn = a.alloc(m * kp * 8), pWr = a.alloc(K * hp * 8), pA = a.alloc(m * hp * 8), pD = a.alloc(m * hp * 8);
        const dn = a.f64(pDn, m * kp), wr = a.f64(pWr, K * hp), av = a.f64(pA, m * hp);
        for (let i = 0; i < m; i++) for (let c = 0; c < K; c++) dn[i * kp + c] = Dn.get(i, c);
        for (let r = 0; r < K; r++) for (let c = 0; c < n; c++) wr[r * hp + c] = T.get(r, c + 1);
        for (let i = 0; i < m; i++) for (let c = 0; c < n; c++) av[i * hp + c] = A.get(i, c);
        k.deltaBack64(pDn, m, K, kp, pWr, hp, pA, pD);
        const out = a.f64(pD, m * hp);
        const got = new Float64Array(m * n);
        for (let i = 0; i < m; i++) {
          for (let c = 0; c < n; c++) got[i * n + c] = out[i * hp + c];
          for (let c = n; c < hp; c++) assert.equal(out[i * hp + c], 0, 'padding stays zero');
        }
        assert.ok(relNormDiff(got, ref.data) <= 1e-13);

        // the f32 variant (rows padded to a multiple of 4) and the row sums of f64 and f32 deltas
        const hp4 = Math.ceil(n / 4) * 4;
        const pWr4 = a.alloc(K * hp4 * 8), pA4 = a.alloc(m * hp4 * 8), pD32 = a.alloc(m * hp4 * 4), pS = a.alloc(hp4 * 8), pS64 = a.alloc(hp * 8);
        const wr4 = a.f64(pWr4, K * hp4), av4 = a.f64(pA4, m * hp4);
        for (let r = 0; r < K; r++) for (let c = 0; c < n; c++) wr4[r * hp4 + c] = T.get(r, c + 1);
        for (let i = 0; i < m; i++) for (let c = 0; c < n; c++) av4[i * hp4 + c] = A.get(i, c);
        k.deltaBack64to32(pDn, m, K, kp, pWr4, hp4, pA4, pD32);
        const d32 = a.f32(pD32, m * hp4);
        const got32 = new Float64Array(m * n);
        for (let i = 0; i < m; i++) for (let c = 0; c < n; c++) got32[i * n + c] = d32[i * hp4 + c];
        assert.ok(relNormDiff(got32, ref.data) <= 1e-7, 'deltaBack64to32');
        k.sumRows32to64(pD32, m, hp4, pS, 0);
        k.sumRows64(pD, m, hp, pS64, 0);
        const dOut = a.f64(pD, m * hp); // views taken after the last allocation (growing memory detaches them)
        for (let c = 0; c < n; c++) {
          let s32 = 0;
          let s64 = 0;
          for (let i = 0; i < m; i++) {
            s32 += d32[i * hp4 + c];
            s64 += dOut[i * hp + c];
          }
          assert.ok(Math.abs(a.f64(pS, hp4)[c] - s32) <= 1e-12 * Math.max(1, Math.abs(s32)), 'sumRows32to64');
          assert.ok(Math.abs(a.f64(pS64, hp)[c] - s64) <= 1e-12 * Math.max(1, Math.abs(s64)), 'sumRows64');
        }
      }
    });

    test('sigmoid64 and the output layer match the reference sigmoid and cross-entropy, saturated outputs included', () => {
      useWasmFlavor(flavor);
      const zs = [-800, -710, -40, -20, -3, -1e-9, 0, 1e-12, 0.5, 2, 5, 36, 40, 709, 800, -0.7, 1.3, 3.7];
      const m = 3, K = 6, kp = 6;
      const { k, a } = kernels();
      const pZ = a.alloc(zs.length * 8), pA = a.alloc(zs.length * 8), pD = a.alloc(zs.length * 8), pT = a.alloc(m * 4);
      a.f64(pZ, zs.length).set(zs);
      k.sigmoid64(pZ, pA, zs.length);
      a.f64(pA, zs.length).forEach((v, i) => assert.ok(relDiff(v, sigmoidScalar(zs[i])) <= 1e-15 || Math.abs(v - sigmoidScalar(zs[i])) < 1e-300, `σ(${zs[i]}) = ${v}`));
      const targets = [0, 3, 5];
      a.i32(pT, m).set(targets);
      const sum = k.outputLayer64(pZ, pA, m, K, kp, pT, pD);
      let ref = 0;
      for (let i = 0; i < m; i++) for (let c = 0; c < K; c++) ref += crossEntropyTerm(zs[i * K + c], sigmoidScalar(zs[i * K + c]), c === targets[i] ? 1 : 0);
      assert.ok(Number.isFinite(sum));
      assert.ok(relDiff(sum, ref) <= 1e-14, `${sum} vs ${ref}`);
      const d = a.f64(pD, zs.length);
      for (let i = 0; i < m; i++) for (let c = 0; c < K; c++) assert.ok(Math.abs(d[i * K + c] - (sigmoidScalar(zs[i * K + c]) - (c === targets[i] ? 1 : 0))) <= 1e-15);

      // the f32 variants (--precision f32), on rows of 6 units padded to 6 (a last group of 2 lanes); a few f32 ulps (2⁻²³ ≈ 1.2e-7)
      const kp4 = 6;
      const pZ4 = a.alloc(m * kp4 * 8), pA4 = a.alloc(m * kp4 * 8), pD4 = a.alloc(m * kp4 * 8), pZ32 = a.alloc(zs.length * 4), pA32 = a.alloc(zs.length * 8);
      const z4 = a.f64(pZ4, m * kp4);
      for (let i = 0; i < m; i++) for (let c = 0; c < K; c++) z4[i * kp4 + c] = zs[i * K + c];
      const sum32 = k.outputLayer32(pZ4, pA4, m, K, kp4, pT, pD4);
      assert.ok(relDiff(sum32, ref) <= 1e-6, `f32 cost terms ${sum32} vs ${ref}`);
      const d4 = a.f64(pD4, m * kp4);
      for (let i = 0; i < m; i++) {
        for (let c = 0; c < K; c++) assert.ok(Math.abs(d4[i * kp4 + c] - (sigmoidScalar(zs[i * K + c]) - (c === targets[i] ? 1 : 0))) <= 1e-7);
        for (let c = K; c < kp4; c++) assert.equal(d4[i * kp4 + c], 0, 'padding stays zero');
      }
      a.f32(pZ32, zs.length).set(zs);
      k.sigmoid32to64(pZ32, pA32, zs.length);
      a.f64(pA32, zs.length).forEach((v, i) => assert.ok(Math.abs(v - sigmoidScalar(Math.fround(zs[i]))) <= 4e-7 * Math.max(1e-30, sigmoidScalar(zs[i])) || Math.abs(v - sigmoidScalar(zs[i])) < 1e-37, `σ32(${zs[i]}) = ${v}`));
    });
  });
}

describe('cost evaluators', () => {
  before(() => useWasmFlavor(undefined)); // the build the engine supports best, as in use
  // worker threads lent to one evaluator after another (starting a thread takes a while)
  const pool = startNodeWorkers(2, { reuse: true });
  after(() => pool.close());
  const configs: { name: string; threads: number; precision: 'f64' | 'f32' }[] = [
    { name: 'wasm, 1 thread', threads: 1, precision: 'f64' },
    { name: 'wasm, 2 threads', threads: 2, precision: 'f64' },
    { name: 'wasm, 3 threads', threads: 3, precision: 'f64' },
    { name: 'wasm f32, 2 threads', threads: 2, precision: 'f32' },
  ];

  async function evaluator(sizes: number[], X: Matrix, t: Int32Array, c: (typeof configs)[number], sparse?: boolean, architecture?: Architecture) {
    return c.threads === 1
      ? createEvaluator(sizes, X, t, { precision: c.precision, sparse, architecture })
      : createThreadedEvaluator(sizes, X, t, c.threads, { precision: c.precision, sparse, architecture }, pool);
  }
  // every architecture the kernels run, cycled over the cases
  const ARCHS: Architecture[] = [
    { activation: 'sigmoid', output: 'sigmoid' },
    { activation: 'relu', output: 'softmax' },
    { activation: 'tanh', output: 'sigmoid' },
    { activation: 'sigmoid', output: 'softmax' },
    { activation: 'relu', output: 'sigmoid' },
    { activation: 'tanh', output: 'softmax' },
  ];

  test('every backend and thread count agrees with the reference on random networks of depth 1 to 3, dense and sparse', async () => {
    const rng = new Random(5);
    const shapes = [[4, 3], [7, 5, 3], [9, 4, 6, 2], [16, 25, 10], [3, 1, 2]];
    for (const sizes of shapes) {
      for (const zeros of [0, 0.7]) {
        for (const m of [1, 5, 23]) {
          const X = randomMatrix(rng, m, sizes[0], zeros);
          const K = sizes[sizes.length - 1];
          const t = Int32Array.from({ length: m }, () => rng.interval(K - 1));
          const params = new Float64Array(paramCount(sizes)).map(() => rng.random() * 2 - 1);
          const architecture = ARCHS[(sizes.length + m + (zeros > 0 ? 1 : 0)) % ARCHS.length];
          const ref = costFunction(sizes, params, X, t, 0.7, { architecture });
          for (const c of configs) {
            if (c.threads > 1 && m !== 23) continue; // enough to cover threads on one size
            for (const sparse of c.precision === 'f64' ? [true, false] : [true]) {
              const ev = await evaluator(sizes, X, t, c, sparse, architecture);
              const grad = new Float64Array(params.length);
              const J = ev.evaluate(params, 0.7, grad);
              const tol = c.precision === 'f64' ? 1e-10 : 1e-4;
              const where = `${c.name}, sizes ${sizes}, ${architecture.activation}/${architecture.output}, m ${m}, zeros ${zeros}, sparse ${sparse}`;
              assert.ok(relDiff(J, ref.cost) <= tol, `${where}: cost ${J} vs ${ref.cost}`);
              assert.ok(relNormDiff(grad, ref.grad) <= tol, `${where}: gradient ${relNormDiff(grad, ref.grad)}`);
              assert.ok(relDiff(ev.evaluate(params, 0.7, null), ref.cost) <= tol, `${where}: cost only`);
              if (c.precision === 'f64') assert.deepEqual(ev.predictTargets(params), predictTargets(rollParams(params, sizes), X, architecture), `${where}: predictions`);
              ev.close();
            }
          }
        }
      }
    }
  });

  test('whole-set evaluations in blocks: every block count agrees with the reference, and each is bit-identical on 1, 2 and 3 threads', async () => {
    // the threads take the blocks as they come (a slower core takes fewer): the sums must not depend on who took which
    const rng = new Random(11);
    for (const [sizes, zeros, precision] of [[[20, 7, 4], 0.6, 'f64'], [[12, 9, 5, 3], 0, 'f64'], [[30, 25, 10], 0.5, 'f32']] as const) {
      const m = 301;
      const X = randomMatrix(rng, m, sizes[0], zeros);
      const K = sizes[sizes.length - 1];
      const t = Int32Array.from({ length: m }, () => rng.interval(K - 1));
      const params = new Float64Array(paramCount([...sizes])).map(() => rng.random() * 2 - 1);
      const architecture = ARCHS[sizes.length % ARCHS.length];
      const ref = costFunction([...sizes], params, X, t, 0.3, { architecture });
      const tol = precision === 'f64' ? 1e-10 : 1e-4;
      for (const blocks of [undefined, 1, 3, 7, 19]) {
        let first: { J: number; grad: Float64Array; Jc: number; p: Int32Array } | undefined;
        for (const threads of [1, 2, 3]) {
          const options = { precision, architecture, blocks, chunk: 16 };
          const ev = threads === 1 ? new FastEvaluator(sizes, X, t, 1, options) : await createThreadedEvaluator(sizes, X, t, threads, options, pool);
          const where = `sizes ${sizes}, ${precision}, blocks ${blocks ?? `default (${ev.plan.blocks.length})`}, ${threads} threads`;
          const grad = new Float64Array(params.length);
          // twice: the blocks' compressed columns are built by whichever thread takes a block first
          ev.evaluate(params, 0.3, grad);
          const got = { J: ev.evaluate(params, 0.3, grad), grad, Jc: ev.evaluate(params, 0.3, null), p: ev.predictTargets(params) };
          ev.close();
          assert.ok(relDiff(got.J, ref.cost) <= tol, `${where}: cost ${got.J} vs ${ref.cost}`);
          assert.ok(relNormDiff(got.grad, ref.grad) <= tol, `${where}: gradient ${relNormDiff(got.grad, ref.grad)}`);
          assert.equal(got.Jc, got.J, `${where}: cost only`);
          if (first === undefined) first = got;
          else {
            assert.equal(got.J, first.J, `${where}: the cost differs from 1 thread's`);
            assert.deepEqual(got.grad, first.grad, `${where}: the gradient differs from 1 thread's`);
            assert.deepEqual(got.p, first.p, `${where}: the predictions differ from 1 thread's`);
          }
        }
      }
    }
  });

  test('with a penalty too, a whole-set cost is bit-identical on 1, 2, 3 and 4 threads', async () => {
    // the penalty's Σ Θ² is added unit by unit in order, not slice by slice (a slice depends on the thread count)
    for (let seed = 1; seed <= 20; seed++) {
      const rng = new Random(seed);
      const sizes = seed % 2 === 0 ? [20, 13, 5] : [30, 29, 17, 4];
      const m = 100;
      const X = randomMatrix(rng, m, sizes[0], seed % 3 === 0 ? 0.6 : 0);
      const K = sizes[sizes.length - 1];
      const t = Int32Array.from({ length: m }, (_, i) => i % K);
      const p = new Float64Array(paramCount(sizes)).map(() => rng.random() - 0.5);
      const costs: number[] = [];
      for (const threads of [1, 2, 3, 4]) {
        const ev = threads === 1 ? new FastEvaluator(sizes, X, t, 1, {}) : await createThreadedEvaluator(sizes, X, t, threads, {}, pool);
        costs.push(ev.evaluate(p, 1, new Float64Array(p.length)), ev.evaluate(p, 1, null));
        ev.close();
      }
      assert.deepEqual(costs, costs.map(() => costs[0]), `seed ${seed}, sizes ${sizes}: costs ${costs}`);
    }
  });

  test('a NaN weight gives a NaN cost on every backend, whatever its payload (R\'s NA, a signalling NaN)', async () => {
    // the kernels' exp builds 2^k from a float's bits: a NaN's payload must not turn it into a number
    const rng = new Random(3);
    const sizes = [20, 13, 5];
    const m = 70;
    const X = randomMatrix(rng, m, sizes[0], 0.5);
    const t = Int32Array.from({ length: m }, (_, i) => i % 5);
    const base = new Float64Array(paramCount(sizes)).map(() => rng.random() - 0.5);
    const fromBits = (b: bigint) => new Float64Array(new BigUint64Array([b]).buffer)[0];
    const hidden = 13 * 21;
    for (const bits of [0x7ff00000000007a2n, 0x7ff8000020000000n, 0xfff0000000000001n, 0x7ff8000000000000n]) {
      for (const at of [0, 5, hidden, hidden + 3]) {
        for (const output of ['sigmoid', 'softmax'] as const) {
          const p = base.slice();
          p[at] = fromBits(bits);
          for (const c of configs) {
            const ev = await evaluator(sizes, X, t, c, true, { activation: 'sigmoid', output });
            const J = ev.evaluate(p, 0, new Float64Array(p.length));
            ev.close();
            assert.ok(Number.isNaN(J), `${c.name}, NaN 0x${bits.toString(16)} at parameter ${at}, ${output} output: cost ${J}`);
          }
        }
      }
    }
  });

  test('the block count depends on the rows and the network only: at most 8, 64 rows or more on average, partial sums within 64 MiB', () => {
    const layers = (sizes: number[]) => sizes.slice(1).map((s, l) => ({ nIn: sizes[l], hp: s + (s % 2) }));
    assert.equal(blockCount(1, layers([400, 25, 10])), 1);
    assert.equal(blockCount(63, layers([400, 25, 10])), 1);
    assert.equal(blockCount(300, layers([400, 25, 10])), 4);
    assert.equal(blockCount(5000, layers([400, 25, 10])), 8);
    // 784-4000-10: 25 MB of partial sums per block, two blocks fit the budget
    assert.equal(blockCount(60000, layers([784, 4000, 10])), 2);
    assert.equal(blockCount(60000, layers([784, 20000, 10])), 1);
    // the blocks cover the rows once, in order, and get smaller
    for (const [B, m] of [[1, 7], [3, 301], [8, 5000], [8, 512], [16, 60000]]) {
      let end = 0;
      let last = Infinity;
      for (let b = 0; b < B; b++) {
        const [r0, r1] = blockRows(b, B, m);
        assert.equal(r0, end, `B ${B}, m ${m}: block ${b} starts where the last ended`);
        assert.ok(r1 > r0 && r1 - r0 <= last + 1, `B ${B}, m ${m}: block ${b} has ${r1 - r0} rows`);
        last = r1 - r0;
        end = r1;
      }
      assert.equal(end, m);
    }
  });

  test('mini-batches on the wasm backend equal the reference on the gathered rows, for every architecture', () => {
    const rng = new Random(21);
    const sizes = [40, 9, 6, 4];
    const m = 50;
    const X = randomMatrix(rng, m, 40, 0.8);
    const t = Int32Array.from({ length: m }, () => rng.interval(3));
    const params = new Float64Array(paramCount(sizes)).map(() => rng.random() - 0.5);
    for (const architecture of ARCHS) {
      for (const precision of ['f64', 'f32'] as const) {
        const ev = createEvaluator(sizes, X, t, { architecture, precision });
        assert.ok(ev.evaluateBatch !== undefined, 'sparse data: batches on the wasm backend');
        for (const rows of [Int32Array.from([3, 17, 4, 49, 0]), Int32Array.from({ length: 20 }, (_, i) => (i * 7) % m), Int32Array.from([12])]) {
          const Xb = new Matrix(rows.length, 40);
          rows.forEach((r, i) => Xb.data.set(X.data.subarray(r * 40, (r + 1) * 40), i * 40));
          const ref = costFunction(sizes, params, Xb, Array.from(rows, (r) => t[r]), 0.3, { architecture });
          const grad = new Float64Array(params.length);
          const J = ev.evaluateBatch(params, 0.3, grad, rows);
          const tol = precision === 'f64' ? 1e-10 : 1e-4;
          const where = `${architecture.activation}/${architecture.output} ${precision}, batch of ${rows.length}`;
          assert.ok(relDiff(J, ref.cost) <= tol, `${where}: cost ${J} vs ${ref.cost}`);
          assert.ok(relNormDiff(grad, ref.grad) <= tol, `${where}: gradient ${relNormDiff(grad, ref.grad)}`);
        }
        // and the whole set still evaluates whole after batches
        const full = costFunction(sizes, params, X, t, 0.3, { architecture });
        assert.ok(relDiff(ev.evaluate(params, 0.3, null), full.cost) <= (precision === 'f64' ? 1e-10 : 1e-4));
      }
    }
  });

  test('mini-batches on every thread count, precision and chunk size equal the reference on the gathered rows; bit-identical on repeat', async () => {
    const rng = new Random(31);
    for (const [sizes, zeros] of [[[30, 7, 4], 0.8], [[12, 5, 6, 3], 0], [[9, 3], 0.5]] as const) {
      const m = 41;
      const X = randomMatrix(rng, m, sizes[0], zeros);
      const K = sizes[sizes.length - 1];
      const t = Int32Array.from({ length: m }, () => rng.interval(K - 1));
      const params = new Float64Array(paramCount(sizes)).map(() => rng.random() - 0.5);
      const batches = [Int32Array.from({ length: 17 }, (_, i) => (i * 5 + 3) % m), Int32Array.from([40]), Int32Array.from([2, 2, 9]), Int32Array.from({ length: m }, (_, i) => m - 1 - i)];
      for (const threads of [1, 2, 3]) {
        for (const precision of ['f64', 'f32'] as const) {
          for (const chunk of [undefined, 4]) {
            const architecture = ARCHS[(threads + sizes.length + (chunk ?? 0)) % ARCHS.length];
            const options = { precision, architecture, chunk, minBatchWork: 0 };
            const make = (): Promise<BatchEvaluator> | BatchEvaluator => (threads === 1 ? createEvaluator(sizes, X, t, options) : createThreadedEvaluator(sizes, X, t, threads, options, pool));
            const ev = await make();
            const where = `${threads} threads, ${precision}, chunk ${chunk}, sizes ${sizes}, ${architecture.activation}/${architecture.output}`;
            const results: number[][] = [];
            for (const rows of batches) {
              const Xb = new Matrix(rows.length, sizes[0]);
              rows.forEach((r, i) => Xb.data.set(X.data.subarray(r * sizes[0], (r + 1) * sizes[0]), i * sizes[0]));
              const ref = costFunction(sizes, params, Xb, Array.from(rows, (r) => t[r]), 0.4, { architecture });
              const grad = new Float64Array(params.length);
              const J = ev.evaluateBatch(params, 0.4, grad, rows);
              const tol = precision === 'f64' ? 1e-10 : 1e-4;
              assert.ok(relDiff(J, ref.cost) <= tol, `${where}, batch of ${rows.length}: cost ${J} vs ${ref.cost}`);
              assert.ok(relNormDiff(grad, ref.grad) <= tol, `${where}, batch of ${rows.length}: gradient ${relNormDiff(grad, ref.grad)}`);
              results.push([J, ...grad]);
            }
            // interleaved with whole-set evaluations, then again, and on a second evaluator: the same bits
            ev.evaluate(params, 0.4, new Float64Array(params.length));
            for (let b = 0; b < batches.length; b++) {
              const grad = new Float64Array(params.length);
              assert.deepEqual([ev.evaluateBatch(params, 0.4, grad, batches[b]), ...grad], results[b], `${where}: repeat`);
            }
            ev.close();
            const again = await make();
            const grad = new Float64Array(params.length);
            assert.deepEqual([again.evaluateBatch(params, 0.4, grad, batches[0]), ...grad], results[0], `${where}: second evaluator`);
            again.close();
          }
        }
      }
    }
  });

  test('one thread needs no shared memory (a page that is not cross-origin isolated has no SharedArrayBuffer)', () => {
    const rng = new Random(6);
    const X = randomMatrix(rng, 30, 8, 0.5);
    const t = Int32Array.from({ length: 30 }, (_, i) => i % 3);
    const params = new Float64Array(paramCount([8, 4, 3])).map(() => rng.random() - 0.5);
    const ref = costFunction([8, 4, 3], params, X, t, 0.2);
    const g = globalThis as { SharedArrayBuffer?: SharedArrayBufferConstructor };
    const saved = g.SharedArrayBuffer;
    delete g.SharedArrayBuffer;
    try {
      const ev = createEvaluator([8, 4, 3], X, t);
      const grad = new Float64Array(params.length);
      assert.ok(relDiff(ev.evaluate(params, 0.2, grad), ref.cost) <= 1e-10);
      assert.ok(relNormDiff(grad, ref.grad) <= 1e-10);
      ev.evaluateBatch(params, 0.2, grad, Int32Array.from([1, 5, 7]));
      ev.close();
    } finally {
      g.SharedArrayBuffer = saved;
    }
  });

  test('a batch with rows outside the set, or no rows, is refused', () => {
    const rng = new Random(2);
    const X = randomMatrix(rng, 10, 6, 0.5);
    const ev = createEvaluator([6, 3, 2], X, new Int32Array(10));
    const params = new Float64Array(paramCount([6, 3, 2]));
    const grad = new Float64Array(params.length);
    assert.throws(() => ev.evaluateBatch(params, 0, grad, Int32Array.from([3, 10])), /batch row 10 is outside 0\.\.9/);
    assert.throws(() => ev.evaluateBatch(params, 0, grad, Int32Array.from([-1])), /batch row -1 is outside/);
    assert.throws(() => ev.evaluateBatch(params, 0, grad, new Int32Array(0)), /a batch of 0 rows/);
  });

  test('Adam on mini-batches with 2 threads: reruns are bit-identical, and a run stopped at any pause resumes to the same end', async () => {
    const rng = new Random(12);
    const X = randomMatrix(rng, 90, 20, 0.6);
    const y = Int32Array.from({ length: 90 }, (_, i) => 1 + (i % 4));
    const t = labelsToTargets(y, 4, 'course');
    const arch = { activation: 'relu', output: 'softmax' } as const;
    const options = { optimizer: 'adam' as const, maxIter: 4, batchSize: 16, learningRate: 0.01, batchSeed: 3, lambda: 0.5 };
    const run = async (more: object) => {
      const net = Network.random([20, 8, 4], { seed: 5, ...arch });
      const ev = await createThreadedEvaluator(net.sizes, X, t, 2, { architecture: arch, minBatchWork: 0 }, pool);
      try {
        return { net, result: net.train(X, y, { ...options, backend: ev, ...more }) };
      } finally {
        ev.close();
      }
    };
    const whole = await run({});
    const again = await run({});
    assert.deepEqual(Array.from(again.net.params), Array.from(whole.net.params), 'rerun');
    assert.deepEqual(again.result.costHistory, whole.result.costHistory);
    // the reference's path is another order of sums: close, not equal
    const ref = Network.random([20, 8, 4], { seed: 5, ...arch });
    const refResult = ref.train(X, y, { ...options, backend: 'reference' });
    refResult.costHistory.forEach((c, i) => assert.ok(relDiff(whole.result.costHistory[i], c) <= 1e-9, `epoch ${i + 1}`));
    for (const stopAt of [1, 3, 7, 12, 20]) {
      let polls = 0;
      const first = await run({ stopRequested: () => ++polls === stopAt });
      assert.ok(first.result.state !== undefined, `stopped at pause ${stopAt}`);
      const resumed = await run({ resume: first.result.state });
      assert.deepEqual(Array.from(resumed.net.params), Array.from(whole.net.params), `stopped at pause ${stopAt}`);
      assert.deepEqual(resumed.result.costHistory, whole.result.costHistory);
    }
  });

  test('a repeated evaluation, and a second evaluator with the same thread count, give bit-identical results', async () => {
    const rng = new Random(8);
    const sizes = [30, 12, 5];
    const X = randomMatrix(rng, 101, 30, 0.6);
    const t = Int32Array.from({ length: 101 }, () => rng.interval(4));
    const params = new Float64Array(paramCount(sizes)).map(() => rng.random() - 0.5);
    const runs: Float64Array[] = [];
    for (let r = 0; r < 2; r++) {
      const ev = await createThreadedEvaluator(sizes, X, t, 2, {}, pool);
      const g1 = new Float64Array(params.length);
      const g2 = new Float64Array(params.length);
      const J1 = ev.evaluate(params, 1, g1);
      const J2 = ev.evaluate(params, 1, g2);
      assert.equal(J1, J2);
      assert.deepEqual(g1, g2);
      runs.push(Float64Array.from([J1, ...g1]));
      ev.close();
    }
    assert.deepEqual(runs[0], runs[1]);
  });

  const data = shared('ex4data1_reconstructed.mat');
  const weights = shared('ex4weights.mat');
  test('on ex4 with the course’s weights every backend agrees with the reference to 1e-10 (f32: 1e-6)', { skip: data.skip || weights.skip }, async () => {
    const d = readMatFile(data.path);
    const w = readMatFile(weights.path);
    const X = d.matrix('X');
    const t = labelsToTargets(d.matrix('y').data, 10, 'course');
    const params = unrollParams([w.matrix('Theta1'), w.matrix('Theta2')]);
    const ref = costFunction([400, 25, 10], params, X, t, 1);
    for (const c of configs) {
      const ev = await evaluator([400, 25, 10], X, t, c);
      const grad = new Float64Array(params.length);
      const J = ev.evaluate(params, 1, grad);
      const tol = c.precision === 'f64' ? 1e-10 : 1e-6;
      assert.ok(relDiff(J, ref.cost) <= (c.precision === 'f64' ? 1e-10 : 1e-7), `${c.name}: ${J}`);
      assert.ok(relNormDiff(grad, ref.grad) <= (c.precision === 'f64' ? tol : 1e-4), `${c.name}: ${relNormDiff(grad, ref.grad)}`);
      ev.close();
    }
  });

  test('training on the fast backend follows the reference’s cost history', () => {
    const rng = new Random(3);
    const X = randomMatrix(rng, 60, 12, 0.5);
    const y = Int32Array.from({ length: 60 }, (_, i) => 1 + (i % 3));
    const a = Network.random([12, 6, 3], { seed: 2 });
    const b = Network.random([12, 6, 3], { seed: 2 });
    const ra = a.train(X, y, { lambda: 0.5, maxIter: 15, backend: 'reference' });
    const rb = b.train(X, y, { lambda: 0.5, maxIter: 15, backend: 'wasm' });
    assert.equal(ra.costHistory.length, rb.costHistory.length);
    ra.costHistory.forEach((c, i) => assert.ok(relDiff(rb.costHistory[i], c) <= 1e-9, `iteration ${i + 1}`));
  });
});
