/**
 * One suite for the matrix kernels, run against every backend (today the plain TypeScript reference; the fast
 * backend joins this list). Expected values come from a naive triple loop written here, with explicit
 * tolerances, and from hand-computed small cases.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as reference from '../../src/linalg/kernels.js';
import { Matrix } from '../../src/linalg/matrix.js';
import { ShapeError } from '../../src/errors.js';
import { Random } from '../../src/random.js';
import { SparseRows, density, sparseAffineABt, sparseAffineAtB } from '../../src/linalg/sparse.js';

type Kernels = Pick<
  typeof reference,
  'matmul' | 'matmulABt' | 'matmulAtB' | 'affineABt' | 'affineAtB' | 'matmulSkipBias'
>;
const backends: [string, Kernels][] = [['reference', reference]];

function randomMatrix(rng: Random, rows: number, cols: number): Matrix {
  const m = rng.rand(rows, cols);
  for (let i = 0; i < m.data.length; i++) m.data[i] = m.data[i] * 2 - 1;
  return m;
}

/** C(i,j) = Σ_p get(A,i,p)·get(B,p,j), the textbook definition. */
function naive(rows: number, cols: number, inner: number, a: (i: number, p: number) => number, b: (p: number, j: number) => number): Matrix {
  const C = new Matrix(rows, cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      let s = 0;
      for (let p = 0; p < inner; p++) s += a(i, p) * b(p, j);
      C.set(i, j, s);
    }
  }
  return C;
}

function assertClose(actual: Matrix, expected: Matrix, tol = 1e-12): void {
  assert.equal(actual.shape, expected.shape);
  for (let i = 0; i < expected.data.length; i++) {
    const e = expected.data[i];
    assert.ok(Math.abs(actual.data[i] - e) <= tol * Math.max(1, Math.abs(e)), `element ${i}: ${actual.data[i]} vs ${e}`);
  }
}

const shapes = fc.tuple(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }), fc.nat(1000));

for (const [name, k] of backends) {
  describe(`${name} kernels`, () => {
    test('A·B, A·Bᵀ and Aᵀ·B equal the textbook products for random shapes', () => {
      fc.assert(
        fc.property(shapes, ([m, n, p, seed]) => {
          const rng = new Random(seed);
          const A = randomMatrix(rng, m, p);
          const B = randomMatrix(rng, p, n);
          const Bt = B.transpose();
          const At = A.transpose();
          assertClose(k.matmul(A, B), naive(m, n, p, (i, q) => A.get(i, q), (q, j) => B.get(q, j)));
          assertClose(k.matmulABt(A, Bt), naive(m, n, p, (i, q) => A.get(i, q), (q, j) => Bt.get(j, q)));
          assertClose(k.matmulAtB(At, B), naive(m, n, p, (i, q) => At.get(q, i), (q, j) => B.get(q, j)));
        }),
        { numRuns: 200 },
      );
    });

    test('the affine products fuse a bias column of ones without building it', () => {
      fc.assert(
        fc.property(shapes, ([m, n, units, seed]) => {
          const rng = new Random(seed);
          const A = randomMatrix(rng, m, n);
          const W = randomMatrix(rng, units, n + 1);
          const D = randomMatrix(rng, m, units);
          const A1 = (i: number, q: number): number => (q === 0 ? 1 : A.get(i, q - 1));
          assertClose(k.affineABt(A, W), naive(m, units, n + 1, A1, (q, j) => W.get(j, q)));
          assertClose(k.affineAtB(D, A), naive(units, n + 1, m, (i, q) => D.get(q, i), (q, j) => A1(q, j)));
          assertClose(k.matmulSkipBias(D, W), naive(m, n, units, (i, q) => D.get(i, q), (q, j) => W.get(q, j + 1)));
        }),
        { numRuns: 200 },
      );
    });

    test('a small product matches hand-computed values exactly', () => {
      const A = Matrix.fromRows([
        [1, 2],
        [3, 4],
      ]);
      const W = Matrix.fromRows([[0.5, 1, -1]]);
      assert.deepEqual(Array.from(k.affineABt(A, W).data), [0.5 + 1 - 2, 0.5 + 3 - 4]);
      assert.deepEqual(k.matmul(A, A).toRows(), [
        [7, 10],
        [15, 22],
      ]);
    });

    test('a shape mismatch throws a ShapeError that names both shapes', () => {
      const A = new Matrix(5000, 400);
      const B = new Matrix(25, 401);
      assert.throws(() => k.matmulABt(A, B), (e: unknown) => e instanceof ShapeError && /5000×400/.test(e.message) && /25×401/.test(e.message));
      assert.throws(() => k.affineABt(A, new Matrix(25, 400)), ShapeError);
      assert.throws(() => k.matmul(A, B), /5000×400.*25×401/);
      assert.throws(() => k.matmulAtB(A, new Matrix(3, 3)), ShapeError);
      assert.throws(() => k.affineABt(A, B, new Matrix(2, 2)), /output is 2×2/);
    });
  });
}

describe('sparse input-layer kernels', () => {
  /** A random m×n matrix with about `density` of its entries non-zero (and some exact -0s). */
  function sparseMatrix(rng: Random, m: number, n: number, density: number): Matrix {
    const A = randomMatrix(rng, m, n);
    for (let i = 0; i < A.data.length; i++) if (rng.random() >= density) A.data[i] = rng.random() < 0.1 ? -0 : 0;
    return A;
  }
  const cases = fc.tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 9 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.nat(1000));

  test('[1 S]·Wᵀ and Dᵀ·[1 S] equal the dense kernels bit for bit, at any density', () => {
    fc.assert(
      fc.property(cases, ([m, n, units, dens, seed]) => {
        const rng = new Random(seed);
        const A = sparseMatrix(rng, m, n, dens);
        const S = SparseRows.fromDense(A);
        const W = randomMatrix(rng, units, n + 1);
        const D = randomMatrix(rng, m, units);
        // equal as numbers: the sparse sums skip only exact-zero terms, in the same order
        assert.deepEqual(Array.from(sparseAffineABt(S, W).data, (v) => v + 0), Array.from(reference.affineABt(A, W).data, (v) => v + 0));
        assert.deepEqual(Array.from(sparseAffineAtB(D, S).data, (v) => v + 0), Array.from(reference.affineAtB(D, A).data, (v) => v + 0));
      }),
      { numRuns: 300 },
    );
  });

  test('compressed rows keep exactly the non-zeros, row by row', () => {
    const A = Matrix.fromRows([
      [0, 1.5, 0],
      [0, 0, 0],
      [2, 0, -3],
    ]);
    const S = SparseRows.fromDense(A);
    assert.deepEqual(Array.from(S.rowStart), [0, 1, 1, 3]);
    assert.deepEqual(Array.from(S.colIndex), [1, 0, 2]);
    assert.deepEqual(Array.from(S.values), [1.5, 2, -3]);
    assert.equal(S.nnz, 3);
    assert.equal(density(A), 3 / 9);
    assert.throws(() => sparseAffineABt(S, new Matrix(2, 3)), ShapeError);
    assert.throws(() => sparseAffineAtB(new Matrix(2, 2), S), ShapeError);
  });
});

describe('pairwiseSum', () => {
  test('sums short runs left to right, as NumPy does below 8 values', () => {
    assert.equal(reference.pairwiseSum([1e16, 1, 1, 1], 0, 4), ((1e16 + 1) + 1) + 1);
  });

  test('uses eight interleaved accumulators from 8 to 128 values (NumPy’s order)', () => {
    // 17 values: r_j = v_j + v_(j+8) for j < 8, then ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7)), then
    // the 17th value is added last.
    const v = [1e16, ...Array(16).fill(1)];
    const r0 = 1e16 + 1;
    const expected = (((r0 + 2) + (2 + 2)) + ((2 + 2) + (2 + 2))) + 1;
    assert.equal(reference.pairwiseSum(v, 0, 17), expected);
    let running = 0;
    for (const x of v) running += x;
    assert.notEqual(expected, running); // a running sum loses the ones to rounding
  });

  test('is within a few ulps of the exact sum for long random vectors', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 1, maxLength: 3000 }), (xs) => {
        // exact sum with BigInt fixed point (doubles in [-1, 1] are multiples of 2^-1074)
        let exact = 0n;
        for (const x of xs) exact += BigInt(Math.round(x * 2 ** 60));
        const exactNum = Number(exact) / 2 ** 60;
        let abs = 0;
        for (const x of xs) abs += Math.abs(x);
        assert.ok(Math.abs(reference.pairwiseSum(xs, 0, xs.length) - exactNum) <= abs * 1e-14 + xs.length * 2 ** -60);
      }),
      { numRuns: 200 },
    );
  });
});

describe('Matrix', () => {
  test('converts between row-major and column-major (MATLAB A(:)) order', () => {
    const M = Matrix.fromColumnMajor(2, 3, [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(M.toRows(), [
      [1, 3, 5],
      [2, 4, 6],
    ]);
    assert.deepEqual(Array.from(M.toColumnMajor()), [1, 2, 3, 4, 5, 6]);
  });

  test('refuses data of the wrong length and ragged rows', () => {
    assert.throws(() => new Matrix(2, 2, new Float64Array(3)), ShapeError);
    assert.throws(() => Matrix.fromRows([[1, 2], [3]]), /row 1 has 1 values/);
  });

  test('colSums and rowSums sum along the right axis', () => {
    const M = Matrix.fromRows([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    assert.deepEqual(Array.from(reference.colSums(M).data), [5, 7, 9]);
    assert.deepEqual(Array.from(reference.rowSums(M).data), [6, 15]);
    assert.equal(reference.sumSquares(M, 1), 4 + 9 + 25 + 36);
  });
});
