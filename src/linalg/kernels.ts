/**
 * Plain TypeScript kernels: the reference backend. Every fast kernel (issue 4) is validated against these.
 *
 * Products come in the forms backpropagation needs, so no transpose is ever materialised:
 *   A·Bᵀ   (m×k)·(n×k)ᵀ: both operands walk along contiguous rows (forward pass, Z = A·Θᵀ)
 *   Aᵀ·B   (m×p)ᵀ·(m×q): a sum of outer products of rows (gradient, Δ = δᵀ·A)
 *   A·B    (m×k)·(k×n)
 * and the affine variants with the bias column of ones fused in (the course's `[ones(m,1) X]`), so that the
 * bias column is never built either.
 *
 * Summation order inside a dot product is plain left to right starting from the bias term, the order NumPy's
 * BLAS uses for the tiny matrices of the gradient check, so that those results agree bit for bit.
 */
import { Matrix, assertShapes, outMatrix } from './matrix.js';

/** out = A·B, A: m×k, B: k×n, out: m×n. */
export function matmul(A: Matrix, B: Matrix, out?: Matrix): Matrix {
  assertShapes(A.cols === B.rows, 'A·B', A, B, 'the columns of A must equal the rows of B');
  const m = A.rows;
  const k = A.cols;
  const n = B.cols;
  const C = outMatrix(out, m, n, 'A·B');
  const a = A.data;
  const b = B.data;
  const c = C.data;
  c.fill(0, 0, m * n);
  for (let i = 0; i < m; i++) {
    const ci = i * n;
    for (let p = 0; p < k; p++) {
      const aip = a[i * k + p];
      const bp = p * n;
      for (let j = 0; j < n; j++) c[ci + j] += aip * b[bp + j];
    }
  }
  return C;
}

/** out = A·Bᵀ, A: m×k, B: n×k, out: m×n. */
export function matmulABt(A: Matrix, B: Matrix, out?: Matrix): Matrix {
  assertShapes(A.cols === B.cols, 'A·Bᵀ', A, B, 'A and B must have the same number of columns');
  const m = A.rows;
  const k = A.cols;
  const n = B.rows;
  const C = outMatrix(out, m, n, 'A·Bᵀ');
  const a = A.data;
  const b = B.data;
  const c = C.data;
  for (let i = 0; i < m; i++) {
    const ai = i * k;
    for (let j = 0; j < n; j++) {
      const bj = j * k;
      let s = 0;
      for (let p = 0; p < k; p++) s += a[ai + p] * b[bj + p];
      c[i * n + j] = s;
    }
  }
  return C;
}

/** out = Aᵀ·B, A: m×p, B: m×q, out: p×q. */
export function matmulAtB(A: Matrix, B: Matrix, out?: Matrix): Matrix {
  assertShapes(A.rows === B.rows, 'Aᵀ·B', A, B, 'A and B must have the same number of rows');
  const m = A.rows;
  const p = A.cols;
  const q = B.cols;
  const C = outMatrix(out, p, q, 'Aᵀ·B');
  const a = A.data;
  const b = B.data;
  const c = C.data;
  c.fill(0, 0, p * q);
  for (let i = 0; i < m; i++) {
    const bi = i * q;
    for (let r = 0; r < p; r++) {
      const air = a[i * p + r];
      if (air === 0) continue;
      const cr = r * q;
      for (let s = 0; s < q; s++) c[cr + s] += air * b[bi + s];
    }
  }
  return C;
}

/**
 * out = [1 A]·Wᵀ, A: m×n, W: k×(n+1) with the bias in column 0, out: m×k.
 * The forward pass of one layer: z_ij = W_j0 + Σ_p A_ip·W_j(p+1).
 */
export function affineABt(A: Matrix, W: Matrix, out?: Matrix): Matrix {
  assertShapes(W.cols === A.cols + 1, '[1 A]·Wᵀ', A, W, 'W needs one column more than A (the bias)');
  const m = A.rows;
  const n = A.cols;
  const k = W.rows;
  const w1 = n + 1;
  const C = outMatrix(out, m, k, '[1 A]·Wᵀ');
  const a = A.data;
  const w = W.data;
  const c = C.data;
  // Four output units at a time share each load of a; every sum still runs left to right from the bias.
  const k4 = k - (k % 4);
  for (let i = 0; i < m; i++) {
    const ai = i * n;
    const ci = i * k;
    let j = 0;
    for (; j < k4; j += 4) {
      const w0 = j * w1;
      const wa = w0 + w1;
      const wb = wa + w1;
      const wc = wb + w1;
      let s0 = w[w0];
      let s1 = w[wa];
      let s2 = w[wb];
      let s3 = w[wc];
      for (let p = 0; p < n; p++) {
        const x = a[ai + p];
        s0 += x * w[w0 + 1 + p];
        s1 += x * w[wa + 1 + p];
        s2 += x * w[wb + 1 + p];
        s3 += x * w[wc + 1 + p];
      }
      c[ci + j] = s0;
      c[ci + j + 1] = s1;
      c[ci + j + 2] = s2;
      c[ci + j + 3] = s3;
    }
    for (; j < k; j++) {
      const wj = j * w1;
      let s = w[wj];
      for (let p = 0; p < n; p++) s += a[ai + p] * w[wj + 1 + p];
      c[ci + j] = s;
    }
  }
  return C;
}

/**
 * out = Dᵀ·[1 A], D: m×k, A: m×n, out: k×(n+1).
 * The gradient of one layer: column 0 sums the deltas (the bias), the rest is Dᵀ·A.
 */
export function affineAtB(D: Matrix, A: Matrix, out?: Matrix): Matrix {
  assertShapes(D.rows === A.rows, 'Dᵀ·[1 A]', D, A, 'D and A must have the same number of rows');
  const m = D.rows;
  const k = D.cols;
  const n = A.cols;
  const w1 = n + 1;
  const C = outMatrix(out, k, w1, 'Dᵀ·[1 A]');
  const d = D.data;
  const a = A.data;
  const c = C.data;
  c.fill(0, 0, k * w1);
  // Four rows of the result at a time share each load of a; every sum still runs over i in order.
  const k4 = k - (k % 4);
  for (let i = 0; i < m; i++) {
    const ai = i * n;
    const di = i * k;
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
      for (let p = 0; p < n; p++) {
        const x = a[ai + p];
        c[c0 + 1 + p] += d0 * x;
        c[c1 + 1 + p] += d1 * x;
        c[c2 + 1 + p] += d2 * x;
        c[c3 + 1 + p] += d3 * x;
      }
    }
    for (; j < k; j++) {
      const dij = d[di + j];
      const cj = j * w1;
      c[cj] += dij;
      for (let p = 0; p < n; p++) c[cj + 1 + p] += dij * a[ai + p];
    }
  }
  return C;
}

/**
 * out = D·W(:, 2:end), D: m×k, W: k×(n+1), out: m×n: back-propagates deltas through a layer, skipping the
 * bias column (the notebook's `delta_3.dot(Theta2)[:, 1:]`, without computing the column it drops).
 */
export function matmulSkipBias(D: Matrix, W: Matrix, out?: Matrix): Matrix {
  assertShapes(D.cols === W.rows, 'D·W(:,2:end)', D, W, 'the columns of D must equal the rows of W');
  const m = D.rows;
  const k = D.cols;
  const w1 = W.cols;
  const n = w1 - 1;
  const C = outMatrix(out, m, n, 'D·W(:,2:end)');
  const d = D.data;
  const w = W.data;
  const c = C.data;
  c.fill(0, 0, m * n);
  for (let i = 0; i < m; i++) {
    const ci = i * n;
    for (let j = 0; j < k; j++) {
      const dij = d[i * k + j];
      const wj = j * w1 + 1;
      for (let p = 0; p < n; p++) c[ci + p] += dij * w[wj + p];
    }
  }
  return C;
}

/** out = f(A) element by element (out may be A). */
export function map(A: Matrix, f: (x: number) => number, out?: Matrix): Matrix {
  const C = outMatrix(out, A.rows, A.cols, 'map');
  const a = A.data;
  const c = C.data;
  for (let i = 0; i < a.length; i++) c[i] = f(a[i]);
  return C;
}

/** Column sums: a 1×n row. */
export function colSums(A: Matrix): Matrix {
  const out = new Matrix(1, A.cols);
  const o = out.data;
  const a = A.data;
  for (let i = 0; i < A.rows; i++) {
    const ai = i * A.cols;
    for (let j = 0; j < A.cols; j++) o[j] += a[ai + j];
  }
  return out;
}

/** Row sums: an m×1 column, each row summed with `pairwiseSum`. */
export function rowSums(A: Matrix): Matrix {
  const out = new Matrix(A.rows, 1);
  for (let i = 0; i < A.rows; i++) out.data[i] = pairwiseSum(A.data, i * A.cols, A.cols);
  return out;
}

/** Sum of squares of the columns `fromCol..cols-1` (regularisation skips the bias column 0). */
export function sumSquares(A: Matrix, fromCol = 0): number {
  let s = 0;
  const a = A.data;
  for (let i = 0; i < A.rows; i++) {
    const ai = i * A.cols;
    for (let j = fromCol; j < A.cols; j++) s += a[ai + j] * a[ai + j];
  }
  return s;
}

/**
 * Sum of `n` values from `data[start]`, by NumPy's pairwise summation (`pairwise_sum` in
 * numpy/_core/src/umath/loops_utils.h.src): blocks of up to 128 values are summed with eight interleaved
 * accumulators, larger ranges are split in halves (rounded down to a multiple of 8). The rounding error grows
 * as O(log n) instead of O(n) for a running sum, and costs computed this way agree with the notebook's
 * `np.sum` to the last bit.
 */
export function pairwiseSum(data: ArrayLike<number>, start: number, n: number): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += data[start + i];
    return res;
  }
  if (n <= 128) {
    let r0 = data[start];
    let r1 = data[start + 1];
    let r2 = data[start + 2];
    let r3 = data[start + 3];
    let r4 = data[start + 4];
    let r5 = data[start + 5];
    let r6 = data[start + 6];
    let r7 = data[start + 7];
    let i = 8;
    const end = n - (n % 8);
    for (; i < end; i += 8) {
      const b = start + i;
      r0 += data[b];
      r1 += data[b + 1];
      r2 += data[b + 2];
      r3 += data[b + 3];
      r4 += data[b + 4];
      r5 += data[b + 5];
      r6 += data[b + 6];
      r7 += data[b + 7];
    }
    let res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
    for (; i < n; i++) res += data[start + i];
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(data, start, n2) + pairwiseSum(data, start + n2, n - n2);
}
