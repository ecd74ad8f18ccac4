/**
 * Sparse rows (CSR) for the input layer. Digit images are mostly exact zeros (ex4data1: 52%, MNIST: 81%), and
 * the two big products of training, Z2 = [1 X]·Θ1ᵀ forward and Δ1 = δ2ᵀ·[1 X] backward, only need X's
 * non-zeros.
 *
 * These kernels add the same products in the same order as their dense twins in ./kernels.ts (affineABt and
 * affineAtB), only skipping the terms that are x·w with x = 0, which add an exact zero. So they give the dense
 * kernels' results bit for bit (up to the sign of an exact zero), and the reference results stay the reference.
 */
import { Matrix, assertShapes, outMatrix } from './matrix.js';

/** A matrix stored by rows, keeping only the non-zeros (compressed sparse row). */
export class SparseRows {
  readonly rows: number;
  readonly cols: number;
  /** row i's non-zeros are at indices rowStart[i] .. rowStart[i+1]-1 of `colIndex` and `values` */
  readonly rowStart: Int32Array;
  readonly colIndex: Int32Array;
  readonly values: Float64Array;

  private constructor(rows: number, cols: number, rowStart: Int32Array, colIndex: Int32Array, values: Float64Array) {
    this.rows = rows;
    this.cols = cols;
    this.rowStart = rowStart;
    this.colIndex = colIndex;
    this.values = values;
  }

  /** The non-zeros of a dense matrix. */
  static fromDense(A: Matrix): SparseRows {
    const a = A.data;
    let nnz = 0;
    for (let i = 0; i < a.length; i++) if (a[i] !== 0) nnz++;
    const rowStart = new Int32Array(A.rows + 1);
    const colIndex = new Int32Array(nnz);
    const values = new Float64Array(nnz);
    let q = 0;
    for (let i = 0; i < A.rows; i++) {
      rowStart[i] = q;
      const ai = i * A.cols;
      for (let j = 0; j < A.cols; j++) {
        const v = a[ai + j];
        if (v !== 0) {
          colIndex[q] = j;
          values[q++] = v;
        }
      }
    }
    rowStart[A.rows] = q;
    return new SparseRows(A.rows, A.cols, rowStart, colIndex, values);
  }

  /** The number of non-zeros. */
  get nnz(): number {
    return this.values.length;
  }

  /** The shape as "rows×cols". */
  get shape(): string {
    return `${this.rows}×${this.cols}`;
  }
}

/** The fraction of entries of A that are not zero. */
export function density(A: Matrix): number {
  const a = A.data;
  let nnz = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== 0) nnz++;
  return a.length === 0 ? 1 : nnz / a.length;
}

/**
 * Below this density the sparse kernels are faster than the dense ones in plain TypeScript (measured on
 * 8000×784 MNIST digits and 5000×400 ex4 digits with 25 hidden units: the sparse loop costs about twice as much
 * per term, for its index loads).
 */
export const SPARSE_DENSITY_THRESHOLD = 0.4;

/** out = [1 S]·Wᵀ, S: m×n sparse, W: k×(n+1) with the bias in column 0, out: m×k (dense affineABt's twin). */
export function sparseAffineABt(S: SparseRows, W: Matrix, out?: Matrix): Matrix {
  assertShapes(W.cols === S.cols + 1, '[1 S]·Wᵀ', S, W, 'W needs one column more than S (the bias)');
  const m = S.rows;
  const k = W.rows;
  const w1 = S.cols + 1;
  const C = outMatrix(out, m, k, '[1 S]·Wᵀ');
  const { rowStart, colIndex, values } = S;
  const w = W.data;
  const c = C.data;
  const k4 = k - (k % 4);
  for (let i = 0; i < m; i++) {
    const ci = i * k;
    const start = rowStart[i];
    const end = rowStart[i + 1];
    let j = 0;
    for (; j < k4; j += 4) {
      const w0 = j * w1 + 1;
      const wa = w0 + w1;
      const wb = wa + w1;
      const wc = wb + w1;
      let s0 = w[w0 - 1];
      let s1 = w[wa - 1];
      let s2 = w[wb - 1];
      let s3 = w[wc - 1];
      for (let q = start; q < end; q++) {
        const p = colIndex[q];
        const x = values[q];
        s0 += x * w[w0 + p];
        s1 += x * w[wa + p];
        s2 += x * w[wb + p];
        s3 += x * w[wc + p];
      }
      c[ci + j] = s0;
      c[ci + j + 1] = s1;
      c[ci + j + 2] = s2;
      c[ci + j + 3] = s3;
    }
    for (; j < k; j++) {
      const wj = j * w1;
      let s = w[wj];
      for (let q = start; q < end; q++) s += values[q] * w[wj + 1 + colIndex[q]];
      c[ci + j] = s;
    }
  }
  return C;
}

/** out = Dᵀ·[1 S], D: m×k, S: m×n sparse, out: k×(n+1) (dense affineAtB's twin). */
export function sparseAffineAtB(D: Matrix, S: SparseRows, out?: Matrix): Matrix {
  assertShapes(D.rows === S.rows, 'Dᵀ·[1 S]', D, S, 'D and S must have the same number of rows');
  const m = D.rows;
  const k = D.cols;
  const w1 = S.cols + 1;
  const C = outMatrix(out, k, w1, 'Dᵀ·[1 S]');
  const { rowStart, colIndex, values } = S;
  const d = D.data;
  const c = C.data;
  c.fill(0, 0, k * w1);
  const k4 = k - (k % 4);
  for (let i = 0; i < m; i++) {
    const di = i * k;
    const start = rowStart[i];
    const end = rowStart[i + 1];
    let j = 0;
    for (; j < k4; j += 4) {
      const d0 = d[di + j];
      const d1 = d[di + j + 1];
      const d2 = d[di + j + 2];
      const d3 = d[di + j + 3];
      const c0 = j * w1;
      const c1 = c0 + w1;
      const c2 = c1 + w1;
      const c3 = c2 + w1;
      c[c0] += d0;
      c[c1] += d1;
      c[c2] += d2;
      c[c3] += d3;
      for (let q = start; q < end; q++) {
        const p = 1 + colIndex[q];
        const x = values[q];
        c[c0 + p] += d0 * x;
        c[c1 + p] += d1 * x;
        c[c2 + p] += d2 * x;
        c[c3 + p] += d3 * x;
      }
    }
    for (; j < k; j++) {
      const dij = d[di + j];
      const cj = j * w1;
      c[cj] += dij;
      for (let q = start; q < end; q++) c[cj + 1 + colIndex[q]] += dij * values[q];
    }
  }
  return C;
}
