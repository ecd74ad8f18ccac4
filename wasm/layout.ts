// Moving data between the optimizer's layout and the kernels': the weights in (transposed and padded), the
// gradient out (the threads' partial sums added in a fixed order, transposed back, scaled and regularized), a
// chunk of rows' compressed columns, and small helpers. One pass each over the parameters, in WebAssembly: in
// JavaScript these passes took as long as a mini-batch's products.
//
// Layouts are those of common.ts: Θ(l) row-major in the parameters (nOut × (nIn+1), bias column first),
// Wt(l) = Θ(l)ᵀ padded to hp columns ((nIn+1) × hp), Wr(l) = Θ(l) without its bias column (nOut × hpPrev).

/**
 * Θ (nOut × (nIn+1), f64, row-major at P) into Wt ((nIn+1) × hp, f64), or, when Wt32 is not 0, into Wt32 (the
 * same in f32) instead; when Wr is not 0, also into Wr (nOut × hpPrev, f64: Θ without its bias column). Padding
 * is left as it is (zero).
 */
export function packWeights(P: usize, nIn: i32, nOut: i32, hp: i32, Wt: usize, Wt32: usize, Wr: usize, hpPrev: i32): void {
  const w1 = nIn + 1;
  const inRow = <usize>w1 << 3;
  const wtRow = <usize>hp << 3;
  const wt32Row = <usize>hp << 2;
  let r = 0;
  // Eight units by two columns at a time: units (u, u+1) of columns (c, c+1) read as two vectors along the
  // columns, shuffled into two along the units (a 2×2 transposition), so that a cache line of each Wt row is
  // written whole.
  for (; r + 8 <= nOut; r += 8) {
    const p0 = P + <usize>r * inRow;
    let c = 0;
    for (; c + 2 <= w1; c += 2) {
      const o = p0 + (<usize>c << 3);
      const x0 = v128.load(o);
      const x1 = v128.load(o + inRow);
      const x2 = v128.load(o + 2 * inRow);
      const x3 = v128.load(o + 3 * inRow);
      const x4 = v128.load(o + 4 * inRow);
      const x5 = v128.load(o + 5 * inRow);
      const x6 = v128.load(o + 6 * inRow);
      const x7 = v128.load(o + 7 * inRow);
      // column c: units r … r+7, then column c + 1
      const c0 = v128.shuffle<f64>(x0, x1, 0, 2);
      const c1 = v128.shuffle<f64>(x2, x3, 0, 2);
      const c2 = v128.shuffle<f64>(x4, x5, 0, 2);
      const c3 = v128.shuffle<f64>(x6, x7, 0, 2);
      const d0 = v128.shuffle<f64>(x0, x1, 1, 3);
      const d1 = v128.shuffle<f64>(x2, x3, 1, 3);
      const d2 = v128.shuffle<f64>(x4, x5, 1, 3);
      const d3 = v128.shuffle<f64>(x6, x7, 1, 3);
      if (Wt32 != 0) {
        const w = Wt32 + <usize>c * wt32Row + (<usize>r << 2);
        v128.store(w, v128.shuffle<f32>(f32x4.demote_f64x2_zero(c0), f32x4.demote_f64x2_zero(c1), 0, 1, 4, 5));
        v128.store(w, v128.shuffle<f32>(f32x4.demote_f64x2_zero(c2), f32x4.demote_f64x2_zero(c3), 0, 1, 4, 5), 16);
        v128.store(w + wt32Row, v128.shuffle<f32>(f32x4.demote_f64x2_zero(d0), f32x4.demote_f64x2_zero(d1), 0, 1, 4, 5));
        v128.store(w + wt32Row, v128.shuffle<f32>(f32x4.demote_f64x2_zero(d2), f32x4.demote_f64x2_zero(d3), 0, 1, 4, 5), 16);
      } else {
        const w = Wt + <usize>c * wtRow + (<usize>r << 3);
        v128.store(w, c0);
        v128.store(w, c1, 16);
        v128.store(w, c2, 32);
        v128.store(w, c3, 48);
        v128.store(w + wtRow, d0);
        v128.store(w + wtRow, d1, 16);
        v128.store(w + wtRow, d2, 32);
        v128.store(w + wtRow, d3, 48);
      }
    }
    for (; c < w1; c++) {
      for (let k = 0; k < 8; k++) {
        const v = load<f64>(p0 + <usize>k * inRow + (<usize>c << 3));
        if (Wt32 != 0) store<f32>(Wt32 + <usize>c * wt32Row + (<usize>(r + k) << 2), <f32>v);
        else store<f64>(Wt + <usize>c * wtRow + (<usize>(r + k) << 3), v);
      }
    }
  }
  for (; r < nOut; r++) {
    const p = P + <usize>r * inRow;
    for (let c = 0; c < w1; c++) {
      const v = load<f64>(p + (<usize>c << 3));
      if (Wt32 != 0) store<f32>(Wt32 + <usize>c * wt32Row + (<usize>r << 2), <f32>v);
      else store<f64>(Wt + <usize>c * wtRow + (<usize>r << 3), v);
    }
  }
  if (Wr != 0) {
    const wrRow = <usize>hpPrev << 3;
    for (let u = 0; u < nOut; u++) memory.copy(Wr + <usize>u * wrRow, P + <usize>u * inRow + 8, <usize>nIn << 3);
  }
}

/**
 * One layer's gradient: grad[u][c] = s·Σ_t Gt_t[c][u] + r·Θ[u][c] for c >= 1 (s·Σ_t Gt_t[c][u] for the bias
 * column c = 0), the notebook's order of operations (scale, then add the penalty's gradient). The T partial sums
 * Gt_t ((nIn+1) × hp, f64) are at the pointers in the i32 array `parts`, added in order t = 0, 1, …; Θ and grad
 * are row-major (nOut × (nIn+1)).
 */
export function finishLayer(P: usize, nIn: i32, nOut: i32, hp: i32, parts: usize, T: i32, s: f64, r: f64, grad: usize): void {
  const w1 = nIn + 1;
  const rowBytes = <usize>w1 << 3;
  const gtRow = <usize>hp << 3;
  let u = 0;
  // Eight units (a cache line of a Gt row) by two columns at a time: the sums of units (u, u+1) in columns
  // (c, c+1) come as two vectors along the units, shuffled into two vectors along the columns, one per unit, so
  // that the gradient's rows are written two values at a time.
  for (; u + 8 <= nOut; u += 8) {
    const uo = <usize>u << 3;
    const g0 = grad + <usize>u * rowBytes;
    const p0 = P + <usize>u * rowBytes;
    // the bias column (c = 0): scaled only
    finishColumn(g0, p0, rowBytes, parts, T, uo, s, 0.0);
    let c = 1;
    for (; c + 2 <= w1; c += 2) {
      const at = <usize>c * gtRow + uo;
      let a0 = sumParts(parts, T, at);
      let a1 = sumParts(parts, T, at + 16);
      let a2 = sumParts(parts, T, at + 32);
      let a3 = sumParts(parts, T, at + 48);
      let b0 = sumParts(parts, T, at + gtRow);
      let b1 = sumParts(parts, T, at + gtRow + 16);
      let b2 = sumParts(parts, T, at + gtRow + 32);
      let b3 = sumParts(parts, T, at + gtRow + 48);
      const o = <usize>c << 3;
      pairOut(g0 + o, p0 + o, rowBytes, a0, b0, s, r);
      pairOut(g0 + o + 2 * rowBytes, p0 + o + 2 * rowBytes, rowBytes, a1, b1, s, r);
      pairOut(g0 + o + 4 * rowBytes, p0 + o + 4 * rowBytes, rowBytes, a2, b2, s, r);
      pairOut(g0 + o + 6 * rowBytes, p0 + o + 6 * rowBytes, rowBytes, a3, b3, s, r);
    }
    if (c < w1) finishColumn(g0 + (<usize>c << 3), p0 + (<usize>c << 3), rowBytes, parts, T, <usize>c * gtRow + uo, s, r);
  }
  for (; u < nOut; u++) {
    const g0 = grad + <usize>u * rowBytes;
    const p0 = P + <usize>u * rowBytes;
    for (let c = 0; c < w1; c++) {
      const at = <usize>c * gtRow + (<usize>u << 3);
      let sum = load<f64>(<usize>load<i32>(parts) + at);
      for (let t = 1; t < T; t++) sum += load<f64>(<usize>load<i32>(parts + (<usize>t << 2)) + at);
      const o = <usize>c << 3;
      store<f64>(g0 + o, c > 0 ? s * sum + r * load<f64>(p0 + o) : s * sum);
    }
  }
}

/** Σ_t of the v128 at byte `at` of each thread's partial sums, in thread order. */
// @ts-ignore: decorator
@inline
function sumParts(parts: usize, T: i32, at: usize): v128 {
  let sum = v128.load(<usize>load<i32>(parts) + at);
  for (let t = 1; t < T; t++) sum = f64x2.add(sum, v128.load(<usize>load<i32>(parts + (<usize>t << 2)) + at));
  return sum;
}

/**
 * Units (u, u+1) of columns (c, c+1): `a` holds both units' sums in column c, `b` in column c+1. Writes
 * grad[u][c..c+1] = s·(a0, b0) + r·Θ[u][c..c+1] and grad[u+1][c..c+1] likewise (g and p point at [u][c]).
 */
// @ts-ignore: decorator
@inline
function pairOut(g: usize, p: usize, rowBytes: usize, a: v128, b: v128, s: f64, r: f64): void {
  const sv = f64x2.splat(s);
  const rv = f64x2.splat(r);
  const lo = v128.shuffle<f64>(a, b, 0, 2);
  const hi = v128.shuffle<f64>(a, b, 1, 3);
  v128.store(g, f64x2.add(f64x2.mul(sv, lo), f64x2.mul(rv, v128.load(p))));
  v128.store(g + rowBytes, f64x2.add(f64x2.mul(sv, hi), f64x2.mul(rv, v128.load(p + rowBytes))));
}

/** One column of eight units: grad[u+k][c] = s·Σ + r·Θ[u+k][c] (r = 0: the bias column, scaled only). */
// @ts-ignore: decorator
@inline
function finishColumn(g: usize, p: usize, rowBytes: usize, parts: usize, T: i32, at: usize, s: f64, r: f64): void {
  for (let k = 0; k < 8; k += 2) {
    const sum = f64x2.mul(sumParts(parts, T, at + (<usize>k << 3)), f64x2.splat(s));
    const q = <usize>k * rowBytes;
    if (r != 0) {
      store<f64>(g + q, f64x2.extract_lane(sum, 0) + r * load<f64>(p + q));
      store<f64>(g + q + rowBytes, f64x2.extract_lane(sum, 1) + r * load<f64>(p + q + rowBytes));
    } else {
      store<f64>(g + q, f64x2.extract_lane(sum, 0));
      store<f64>(g + q + rowBytes, f64x2.extract_lane(sum, 1));
    }
  }
}

/**
 * Σ_c Θ[u][c]² over c >= 1 (the penalty's sum: bias column excluded) for each of the nOut rows u at P, into
 * out[u] (f64): each row in eight interleaved partial sums (a fixed order; a single running sum would wait on each
 * add). Per row, so that the total, added over the rows in order by the caller, is the same however the rows are
 * shared among threads.
 */
export function unitSquaresOffBias(P: usize, nIn: i32, nOut: i32, out: usize): void {
  const rowBytes = <usize>(nIn + 1) << 3;
  for (let u = 0; u < nOut; u++) {
    const p = P + <usize>u * rowBytes + 8;
    let a0 = f64x2.splat(0);
    let a1 = a0;
    let a2 = a0;
    let a3 = a0;
    let tail: f64 = 0;
    let c = 0;
    for (; c + 8 <= nIn; c += 8) {
      const q = p + (<usize>c << 3);
      const v0 = v128.load(q);
      const v1 = v128.load(q, 16);
      const v2 = v128.load(q, 32);
      const v3 = v128.load(q, 48);
      a0 = f64x2.add(a0, f64x2.mul(v0, v0));
      a1 = f64x2.add(a1, f64x2.mul(v1, v1));
      a2 = f64x2.add(a2, f64x2.mul(v2, v2));
      a3 = f64x2.add(a3, f64x2.mul(v3, v3));
    }
    for (; c < nIn; c++) {
      const v = load<f64>(p + (<usize>c << 3));
      tail += v * v;
    }
    const s = f64x2.add(f64x2.add(a0, a1), f64x2.add(a2, a3));
    store<f64>(out + (<usize>u << 3), f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1) + tail);
  }
}

/**
 * The compressed columns of a chunk of `count` rows (rows[i], or base + i when rows is 0) of X in compressed rows
 * (rowStart, colOff: byte offsets (1 + j)·rowBytes, vals: f64, or f32 with f32 != 0): column j's entries at
 * outStart[j] .. outStart[j + 1] - 1 of outOffs and outVals, in increasing order of i, outOffs holding the byte
 * offset i·dRowBytes of the chunk's row of D. `next` is scratch for n i32. The column of an offset is
 * (offset >>> shift)·inverse (mod 2³²), rowBytes = 2^shift·odd and inverse·odd ≡ 1: an exact division by
 * multiplication (Granlund and Montgomery, "Division by invariant integers using multiplication", 1994, §9).
 */
export function chunkColumns(
  rowStart: usize,
  colOff: usize,
  vals: usize,
  rows: usize,
  base: i32,
  count: i32,
  n: i32,
  shift: i32,
  inverse: i32,
  outStart: usize,
  outOffs: usize,
  outVals: usize,
  dRowBytes: i32,
  f32: i32,
  next: usize,
): void {
  memory.fill(outStart, 0, <usize>(n + 1) << 2);
  for (let i = 0; i < count; i++) {
    const r = rows == 0 ? base + i : load<i32>(rows + (<usize>i << 2));
    const q1 = load<i32>(rowStart + (<usize>(r + 1) << 2));
    for (let q = load<i32>(rowStart + (<usize>r << 2)); q < q1; q++) {
      const j1 = (load<i32>(colOff + (<usize>q << 2)) >>> shift) * inverse; // 1 + j: counts land at j + 1
      const at = outStart + (<usize>j1 << 2);
      store<i32>(at, load<i32>(at) + 1);
    }
  }
  let total = 0;
  for (let j = 0; j < n; j++) {
    total += load<i32>(outStart + (<usize>(j + 1) << 2));
    store<i32>(outStart + (<usize>(j + 1) << 2), total);
  }
  for (let j = 0; j < n; j++) store<i32>(next + (<usize>j << 2), load<i32>(outStart + (<usize>j << 2)));
  for (let i = 0; i < count; i++) {
    const r = rows == 0 ? base + i : load<i32>(rows + (<usize>i << 2));
    const q1 = load<i32>(rowStart + (<usize>(r + 1) << 2));
    const dOff = i * dRowBytes;
    for (let q = load<i32>(rowStart + (<usize>r << 2)); q < q1; q++) {
      const j = (load<i32>(colOff + (<usize>q << 2)) >>> shift) * inverse - 1;
      const nx = next + (<usize>j << 2);
      const at = load<i32>(nx);
      store<i32>(nx, at + 1);
      store<i32>(outOffs + (<usize>at << 2), dOff);
      if (f32 != 0) store<f32>(outVals + (<usize>at << 2), load<f32>(vals + (<usize>q << 2)));
      else store<f64>(outVals + (<usize>at << 3), load<f64>(vals + (<usize>q << 3)));
    }
  }
}

/** out (count × n, f64) = rows rows[i] of X (m × n, f64): a chunk of a mini-batch on dense data. */
export function gatherRows64(X: usize, n: i32, rows: usize, count: i32, out: usize): void {
  const rowBytes = <usize>n << 3;
  for (let i = 0; i < count; i++) memory.copy(out + <usize>i * rowBytes, X + <usize>load<i32>(rows + (<usize>i << 2)) * rowBytes, rowBytes);
}

/** out[i] = the first k < K with the largest A[i][k] (A: count × kp, f64). */
export function argmaxRows(A: usize, count: i32, K: i32, kp: i32, out: usize): void {
  const rowBytes = <usize>kp << 3;
  for (let i = 0; i < count; i++) {
    const a = A + <usize>i * rowBytes;
    let best = 0;
    let bestValue = load<f64>(a);
    for (let k = 1; k < K; k++) {
      const v = load<f64>(a + (<usize>k << 3));
      if (v > bestValue) {
        best = k;
        bestValue = v;
      }
    }
    store<i32>(out + (<usize>i << 2), best);
  }
}

/** dst (f64) += src (f32), `count` values (a multiple of 4). */
export function addWiden(src: usize, dst: usize, count: i32): void {
  for (let i = 0; i < count; i += 4) {
    const v = v128.load(src + (<usize>i << 2));
    const d = dst + (<usize>i << 3);
    v128.store(d, f64x2.add(v128.load(d), f64x2.promote_low_f32x4(v)));
    v128.store(d, f64x2.add(v128.load(d, 16), f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 2, 3))), 16);
  }
}
