import { madd32, madd64 } from './ops';

// The fast backend's kernels, in AssemblyScript (compiled to WebAssembly with SIMD by `npm run build:wasm`):
// everything but the input layer's sparse products, which are generated (products.ts). Multiply-adds go through
// ops.ts (fused in the relaxed-SIMD build).
//
// Every kernel has a plain TypeScript twin in src/linalg (kernels.ts, sparse.ts) or src/nn (cost.ts) and one
// shared test suite checks them against it (test/linalg/backends.test.ts).
//
// Layouts (all pointers are byte offsets into this module's memory; the JS side owns the layout):
//   Wt: a layer's weights transposed and padded, (n+1) rows × hp columns, row 0 the biases: Wt[j][k] = Θ[k][j].
//       hp (the padded unit count) is a multiple of the vector width; padding columns are zero.
//   Z, A, D: m rows × hp columns (the pre-activations, activations and deltas of a layer's units).
//   CSR (forward) and CSC (backward) hold the input X once each, i32 indices and f64 or f32 values.
//
// Sums run in a fixed order, so a result depends only on the inputs (not on timing or threads).
// WebAssembly SIMD has no fused multiply-add (relaxed SIMD is not enabled by default in Node 20), so the
// products are a multiply and an add per lane: two operations per multiply-accumulate.

// ---------------------------------------------------------------------------------------------------------------
// Dense layer products, f64 (f64x2: 2 lanes), for the hidden layers and dense inputs. The forward loop keeps
// 8 output units in 4 registers.

/**
 * Z[i] = Wt[0] + Σ_j A[i][j]·Wt[1 + j], A: m × n with row stride `sa` (in elements); with Aout (not 0), also
 * Aout[i] = σ(Z[i]) row by row, while the row is in cache.
 */
export function fwdDense64(A: usize, m: i32, n: i32, sa: i32, Wt: usize, hp: i32, Z: usize, Aout: usize): void {
  const rowBytes = <usize>hp << 3;
  const aStride = <usize>sa << 3;
  let i = 0;
  // two rows at a time: each load of Wt serves both, and the two rows' sums are independent chains
  for (; i + 2 <= m; i += 2) {
    const ai = A + <usize>i * aStride;
    const aj = ai + aStride;
    const zi = Z + <usize>i * rowBytes;
    const zj = zi + rowBytes;
    let b = 0;
    for (; b + 8 <= hp; b += 8) {
      const off = <usize>b << 3;
      let a0 = v128.load(Wt + off);
      let a1 = v128.load(Wt + off, 16);
      let a2 = v128.load(Wt + off, 32);
      let a3 = v128.load(Wt + off, 48);
      let c0 = a0;
      let c1 = a1;
      let c2 = a2;
      let c3 = a3;
      for (let j = 0; j < n; j++) {
        const x = f64x2.splat(load<f64>(ai + (<usize>j << 3)));
        const y = f64x2.splat(load<f64>(aj + (<usize>j << 3)));
        const w = Wt + <usize>(j + 1) * rowBytes + off;
        const w0 = v128.load(w);
        const w1 = v128.load(w, 16);
        const w2 = v128.load(w, 32);
        const w3 = v128.load(w, 48);
        a0 = madd64(x, w0, a0);
        a1 = madd64(x, w1, a1);
        a2 = madd64(x, w2, a2);
        a3 = madd64(x, w3, a3);
        c0 = madd64(y, w0, c0);
        c1 = madd64(y, w1, c1);
        c2 = madd64(y, w2, c2);
        c3 = madd64(y, w3, c3);
      }
      v128.store(zi + off, a0);
      v128.store(zi + off, a1, 16);
      v128.store(zi + off, a2, 32);
      v128.store(zi + off, a3, 48);
      v128.store(zj + off, c0);
      v128.store(zj + off, c1, 16);
      v128.store(zj + off, c2, 32);
      v128.store(zj + off, c3, 48);
    }
    for (; b < hp; b += 2) {
      const off = <usize>b << 3;
      let a0 = v128.load(Wt + off);
      let c0 = a0;
      for (let j = 0; j < n; j++) {
        const w = v128.load(Wt + <usize>(j + 1) * rowBytes + off);
        a0 = madd64(f64x2.splat(load<f64>(ai + (<usize>j << 3))), w, a0);
        c0 = madd64(f64x2.splat(load<f64>(aj + (<usize>j << 3))), w, c0);
      }
      v128.store(zi + off, a0);
      v128.store(zj + off, c0);
    }
    if (Aout != 0) activate64(zi, Aout + <usize>i * rowBytes, 2 * hp);
  }
  for (; i < m; i++) {
    const ai = A + <usize>i * aStride;
    const zi = Z + <usize>i * rowBytes;
    let b = 0;
    for (; b + 8 <= hp; b += 8) {
      const off = <usize>b << 3;
      let a0 = v128.load(Wt + off);
      let a1 = v128.load(Wt + off, 16);
      let a2 = v128.load(Wt + off, 32);
      let a3 = v128.load(Wt + off, 48);
      for (let j = 0; j < n; j++) {
        const x = f64x2.splat(load<f64>(ai + (<usize>j << 3)));
        const w = Wt + <usize>(j + 1) * rowBytes + off;
        a0 = madd64(x, v128.load(w), a0);
        a1 = madd64(x, v128.load(w, 16), a1);
        a2 = madd64(x, v128.load(w, 32), a2);
        a3 = madd64(x, v128.load(w, 48), a3);
      }
      v128.store(zi + off, a0);
      v128.store(zi + off, a1, 16);
      v128.store(zi + off, a2, 32);
      v128.store(zi + off, a3, 48);
    }
    for (; b < hp; b += 2) {
      const off = <usize>b << 3;
      let a0 = v128.load(Wt + off);
      for (let j = 0; j < n; j++) {
        const x = f64x2.splat(load<f64>(ai + (<usize>j << 3)));
        a0 = madd64(x, v128.load(Wt + <usize>(j + 1) * rowBytes + off), a0);
      }
      v128.store(zi + off, a0);
    }
    if (Aout != 0) activate64(zi, Aout + <usize>i * rowBytes, hp);
  }
}

/**
 * Gt[0] = Σ_i D[i]; Gt[1 + j] = Σ_i A[i][j]·D[i] (A: m × n, row stride `sa`); with `accumulate` (not 0), these
 * sums are added to Gt (a chunk of rows after another). Two columns j, j+1 at a time, with 8 units of each sum in
 * registers: a load of D serves both columns, the loads stream and nothing is stored inside the loop. Pointers step
 * by a row instead of multiplying (the engine does not reduce the products), and no more sums are kept than there
 * are registers for (the engine loads a whole iteration's operands first; spilled sums chained their multiply-adds
 * through memory: on ex4's 26 → 10 layer this ran 2× slower). Each sum runs over the rows in order.
 */
export function bwdDense64(A: usize, m: i32, n: i32, sa: i32, D: usize, hp: i32, Gt: usize, accumulate: i32): void {
  const rowBytes = <usize>hp << 3;
  const aStride = <usize>sa << 3;
  sumRows64(D, m, hp, Gt, accumulate);
  let j = 0;
  for (; j + 2 <= n; j += 2) bwdDenseColumns(A + (<usize>j << 3), aStride, m, D, rowBytes, Gt + <usize>(j + 1) * rowBytes, 2, accumulate);
  if (j < n) bwdDenseColumns(A + (<usize>j << 3), aStride, m, D, rowBytes, Gt + <usize>(j + 1) * rowBytes, 1, accumulate);
}

/** Rows g and g + rowBytes of Gt (+)= Σ_i A[i][c]·D[i] for the `cols` (1 or 2) columns c of A at a. */
// @ts-ignore: decorator
@inline
function bwdDenseColumns(a: usize, aStride: usize, m: i32, D: usize, rowBytes: usize, g: usize, cols: i32, accumulate: i32): void {
  const hp = <i32>(rowBytes >> 3);
  const h = g + rowBytes;
  let b = 0;
  for (; b + 8 <= hp; b += 8) {
    const off = <usize>b << 3;
    let a0 = f64x2.splat(0);
    let a1 = a0;
    let a2 = a0;
    let a3 = a0;
    let c0 = a0;
    let c1 = a0;
    let c2 = a0;
    let c3 = a0;
    let ap = a;
    let dp = D + off;
    for (let i = 0; i < m; i++) {
      const x = v128.load64_splat(ap);
      const y = cols == 2 ? v128.load64_splat(ap, 8) : f64x2.splat(0);
      const d0 = v128.load(dp);
      const d1 = v128.load(dp, 16);
      const d2 = v128.load(dp, 32);
      const d3 = v128.load(dp, 48);
      a0 = madd64(x, d0, a0);
      a1 = madd64(x, d1, a1);
      a2 = madd64(x, d2, a2);
      a3 = madd64(x, d3, a3);
      c0 = madd64(y, d0, c0);
      c1 = madd64(y, d1, c1);
      c2 = madd64(y, d2, c2);
      c3 = madd64(y, d3, c3);
      ap += aStride;
      dp += rowBytes;
    }
    storeSums(g + off, a0, a1, a2, a3, accumulate);
    if (cols == 2) storeSums(h + off, c0, c1, c2, c3, accumulate);
  }
  for (; b < hp; b += 2) {
    const off = <usize>b << 3;
    let a0 = f64x2.splat(0);
    let c0 = a0;
    let ap = a;
    let dp = D + off;
    for (let i = 0; i < m; i++) {
      const d = v128.load(dp);
      a0 = madd64(v128.load64_splat(ap), d, a0);
      if (cols == 2) c0 = madd64(v128.load64_splat(ap, 8), d, c0);
      ap += aStride;
      dp += rowBytes;
    }
    v128.store(g + off, accumulate != 0 ? f64x2.add(v128.load(g + off), a0) : a0);
    if (cols == 2) v128.store(h + off, accumulate != 0 ? f64x2.add(v128.load(h + off), c0) : c0);
  }
}

/** Four vectors of sums at p, or added to what is there (`accumulate` not 0). */
// @ts-ignore: decorator
@inline
function storeSums(p: usize, s0: v128, s1: v128, s2: v128, s3: v128, accumulate: i32): void {
  if (accumulate != 0) {
    s0 = f64x2.add(v128.load(p), s0);
    s1 = f64x2.add(v128.load(p, 16), s1);
    s2 = f64x2.add(v128.load(p, 32), s2);
    s3 = f64x2.add(v128.load(p, 48), s3);
  }
  v128.store(p, s0);
  v128.store(p, s1, 16);
  v128.store(p, s2, 32);
  v128.store(p, s3, 48);
}

/** out = Σ_i D[i] (a row of hp), in order of i; with `accumulate` (not 0), out += Σ_i D[i]. */
export function sumRows64(D: usize, m: i32, hp: i32, out: usize, accumulate: i32): void {
  const rowBytes = <usize>hp << 3;
  if (accumulate == 0) memory.fill(out, 0, rowBytes);
  for (let i = 0; i < m; i++) {
    const di = D + <usize>i * rowBytes;
    for (let b = 0; b < hp; b += 2) {
      const off = <usize>b << 3;
      v128.store(out + off, f64x2.add(v128.load(out + off), v128.load(di + off)));
    }
  }
}

/**
 * Back-propagates deltas through a layer: Dout[i] = (Σ_k Dn[i][k]·Wr[k]) ∘ A[i] ∘ (1 - A[i]), where Wr (K × hp)
 * holds the rows of Θ without the bias column, padded with zeros to hp (so the padding of Dout comes out 0).
 * Dn: m × kp, A and Dout: m × hp.
 */
export function deltaBack64(Dn: usize, m: i32, K: i32, kp: i32, Wr: usize, hp: i32, A: usize, Dout: usize): void {
  deltaBack(Dn, m, K, kp, Wr, hp, A, Dout, false);
}

/**
 * deltaBack64 and deltaBack64to32: two rows at a time, 8 units (4 vectors) of each in registers, so that a load of
 * Wr serves both rows and the two rows' sums are independent chains (one row's four chains waited on the
 * multiply-add's latency: on ex4 this ran 1.7× slower). Each sum runs over k in order. `out32`: Dout in f32.
 */
// @ts-ignore: decorator
@inline
function deltaBack(Dn: usize, m: i32, K: i32, kp: i32, Wr: usize, hp: i32, A: usize, Dout: usize, out32: bool): void {
  const kBytes = <usize>kp << 3;
  const rowBytes = <usize>hp << 3;
  const outBytes = out32 ? <usize>hp << 2 : rowBytes;
  let i = 0;
  for (; i + 2 <= m; i += 2) deltaRows(Dn + <usize>i * kBytes, kBytes, K, Wr, hp, A + <usize>i * rowBytes, Dout + <usize>i * outBytes, outBytes, 2, out32);
  if (i < m) deltaRows(Dn + <usize>i * kBytes, kBytes, K, Wr, hp, A + <usize>i * rowBytes, Dout + <usize>i * outBytes, outBytes, 1, out32);
}

/** `rows` (1 or 2) rows of deltaBack: their deltas at dn (kBytes apart), activations at ai, outputs at di. */
// @ts-ignore: decorator
@inline
function deltaRows(dn: usize, kBytes: usize, K: i32, Wr: usize, hp: i32, ai: usize, di: usize, outBytes: usize, rows: i32, out32: bool): void {
  const rowBytes = <usize>hp << 3;
  let b = 0;
  for (; b + 8 <= hp; b += 8) {
    const off = <usize>b << 3;
    let a0 = f64x2.splat(0);
    let a1 = a0;
    let a2 = a0;
    let a3 = a0;
    let c0 = a0;
    let c1 = a0;
    let c2 = a0;
    let c3 = a0;
    let dp = dn;
    let w = Wr + off;
    for (let k = 0; k < K; k++) {
      const x = v128.load64_splat(dp);
      const y = rows == 2 ? v128.load64_splat(dp + kBytes) : f64x2.splat(0);
      const w0 = v128.load(w);
      const w1 = v128.load(w, 16);
      const w2 = v128.load(w, 32);
      const w3 = v128.load(w, 48);
      a0 = madd64(x, w0, a0);
      a1 = madd64(x, w1, a1);
      a2 = madd64(x, w2, a2);
      a3 = madd64(x, w3, a3);
      c0 = madd64(y, w0, c0);
      c1 = madd64(y, w1, c1);
      c2 = madd64(y, w2, c2);
      c3 = madd64(y, w3, c3);
      dp += 8;
      w += rowBytes;
    }
    storeDeltas(ai + off, di, b, a0, a1, out32);
    storeDeltas(ai + off + 32, di, b + 4, a2, a3, out32);
    if (rows == 2) {
      storeDeltas(ai + rowBytes + off, di + outBytes, b, c0, c1, out32);
      storeDeltas(ai + rowBytes + off + 32, di + outBytes, b + 4, c2, c3, out32);
    }
  }
  // the rest, 4 units (f32 output: hp is a multiple of 4) or 2 at a time
  const step = out32 ? 4 : 2;
  for (; b < hp; b += step) {
    const off = <usize>b << 3;
    let a0 = f64x2.splat(0);
    let a1 = a0;
    let c0 = a0;
    let c1 = a0;
    let dp = dn;
    let w = Wr + off;
    for (let k = 0; k < K; k++) {
      const x = v128.load64_splat(dp);
      const y = rows == 2 ? v128.load64_splat(dp + kBytes) : f64x2.splat(0);
      const w0 = v128.load(w);
      a0 = madd64(x, w0, a0);
      if (rows == 2) c0 = madd64(y, w0, c0);
      if (out32) {
        const w1 = v128.load(w, 16);
        a1 = madd64(x, w1, a1);
        if (rows == 2) c1 = madd64(y, w1, c1);
      }
      dp += 8;
      w += rowBytes;
    }
    if (out32) {
      storeDeltas(ai + off, di, b, a0, a1, true);
      if (rows == 2) storeDeltas(ai + rowBytes + off, di + outBytes, b, c0, c1, true);
    } else {
      v128.store(di + off, f64x2.mul(a0, derivFromA(v128.load(ai + off))));
      if (rows == 2) v128.store(di + outBytes + off, f64x2.mul(c0, derivFromA(v128.load(ai + rowBytes + off))));
    }
  }
}

/**
 * Units b … b+3 of a row of deltas from their sums s0 (units b, b+1) and s1: times g'(a) (a at ap), stored at unit
 * b of the output row at di, in f64 or (out32) in f32.
 */
// @ts-ignore: decorator
@inline
function storeDeltas(ap: usize, di: usize, b: i32, s0: v128, s1: v128, out32: bool): void {
  const d0 = f64x2.mul(s0, derivFromA(v128.load(ap)));
  const d1 = f64x2.mul(s1, derivFromA(v128.load(ap, 16)));
  if (out32) {
    v128.store(di + (<usize>b << 2), v128.shuffle<f32>(f32x4.demote_f64x2_zero(d0), f32x4.demote_f64x2_zero(d1), 0, 1, 4, 5));
  } else {
    v128.store(di + (<usize>b << 3), d0);
    v128.store(di + (<usize>b << 3), d1, 16);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Elementary functions on f64x2.
//
// exp on [-700, 0] (the only arguments the sigmoid and the cost need: exp(-|z|)): x = k·ln2 + r, |r| <= ln2/2,
// exp(r) by its Taylor polynomial to degree 13 (remainder < 2e-17), then 2^k put into the exponent bits. Below
// -700 the argument is clamped (exp(-700) ≈ 1e-304, where the sigmoid is 0 or 1 to double precision anyway).

// @ts-ignore: decorator
@inline
function expNeg(x: v128): v128 {
  // pmax is one instruction (max, with its rules for NaN and ±0, is eight); a NaN x fails the comparison and stays NaN
  const xc = f64x2.pmax(x, f64x2.splat(-700.0));
  // k = round(x/ln2) by the shifter 1.5·2^52: the sum's low bits hold k, rounded to nearest even as f64x2.nearest
  // would, and k comes back as an integer by subtracting the shifter's bits (cheaper than nearest and trunc_sat)
  const t = f64x2.add(f64x2.mul(xc, f64x2.splat(1.4426950408889634)), f64x2.splat(6755399441055744.0));
  const k = f64x2.sub(t, f64x2.splat(6755399441055744.0));
  // Cody–Waite: ln2 split so that k·LN2_HI is exact
  let r = f64x2.sub(xc, f64x2.mul(k, f64x2.splat(6.93147180369123816490e-01)));
  r = f64x2.sub(r, f64x2.mul(k, f64x2.splat(1.90821492927058770002e-10)));
  // exp(r) = Σ_{k<=13} r^k/k!, by Estrin's scheme: pairs, then powers r², r⁴, r⁸, so that the chain of dependent
  // operations is 5 long instead of Horner's 13 (the loop is bound by latency, not by throughput).
  const r2 = f64x2.mul(r, r);
  const r4 = f64x2.mul(r2, r2);
  const r8 = f64x2.mul(r4, r4);
  const p01 = madd64(r, f64x2.splat(1.0), f64x2.splat(1.0));
  const p23 = madd64(r, f64x2.splat(1.0 / 6.0), f64x2.splat(0.5));
  const p45 = madd64(r, f64x2.splat(1.0 / 120.0), f64x2.splat(1.0 / 24.0));
  const p67 = madd64(r, f64x2.splat(1.0 / 5040.0), f64x2.splat(1.0 / 720.0));
  const p89 = madd64(r, f64x2.splat(1.0 / 362880.0), f64x2.splat(1.0 / 40320.0));
  const pab = madd64(r, f64x2.splat(1.0 / 39916800.0), f64x2.splat(1.0 / 3628800.0));
  const pcd = madd64(r, f64x2.splat(1.0 / 6227020800.0), f64x2.splat(1.0 / 479001600.0));
  const q0 = madd64(p23, r2, p01);
  const q1 = madd64(p67, r2, p45);
  const q2 = madd64(pab, r2, p89);
  const s0 = madd64(q1, r4, q0);
  const s1 = madd64(pcd, r4, q2);
  const p = madd64(s1, r8, s0);
  // p·2^k: add k to the exponent field (k >= -1010, p in [0.7, 1.42]: no underflow)
  const ki = i64x2.sub(t, i64x2.splat(0x4338000000000000));
  // + xc·0 (±0, or NaN where x is NaN): adding to the bits of a NaN whose payload is not zero (R's NA) could
  // make a finite number of it, and a NaN weight must give a NaN cost
  return madd64(xc, f64x2.splat(0), i64x2.add(p, i64x2.shl(ki, 52)));
}

// log(1 + u) for u in [0, 1]. With f = 1 + u, halved when above √2 (adding ln 2 back), f lies in
// [0.707, 1.415] and s = (f - 1)/(f + 1) in [-0.172, 0.172]; log f = 2·atanh(s) = 2(s + s³/3 + s⁵/5 + …), whose
// 11 terms leave a remainder below 1e-17 relative.
// @ts-ignore: decorator
@inline
function log1pUnit(u: v128): v128 {
  const one = f64x2.splat(1.0);
  const f = f64x2.add(one, u);
  const big = f64x2.gt(f, f64x2.splat(1.4142135623730951));
  const g = v128.bitselect(f64x2.mul(f, f64x2.splat(0.5)), f, big);
  // s = (g - 1)/(g + 1); below √2 written with u itself, u/(2 + u), so that a tiny u keeps all its digits
  const num = v128.bitselect(f64x2.sub(g, one), u, big);
  const den = v128.bitselect(f64x2.add(g, one), f64x2.add(f64x2.splat(2.0), u), big);
  const s = f64x2.div(num, den);
  const s2 = f64x2.mul(s, s);
  // Σ_{k<=10} s2^k/(2k+1), by Estrin's scheme in t = s²
  const t2 = f64x2.mul(s2, s2);
  const t4 = f64x2.mul(t2, t2);
  const e01 = madd64(s2, f64x2.splat(1.0 / 3.0), one);
  const e23 = madd64(s2, f64x2.splat(1.0 / 7.0), f64x2.splat(1.0 / 5.0));
  const e45 = madd64(s2, f64x2.splat(1.0 / 11.0), f64x2.splat(1.0 / 9.0));
  const e67 = madd64(s2, f64x2.splat(1.0 / 15.0), f64x2.splat(1.0 / 13.0));
  const e89 = madd64(s2, f64x2.splat(1.0 / 19.0), f64x2.splat(1.0 / 17.0));
  const e0 = madd64(e23, t2, e01);
  const e1 = madd64(e67, t2, e45);
  const e2 = madd64(f64x2.splat(1.0 / 21.0), t2, e89);
  const p = madd64(madd64(e2, t4, e1), t4, e0);
  const lg = f64x2.mul(f64x2.mul(p, s), f64x2.splat(2.0));
  return f64x2.add(lg, v128.and(f64x2.splat(0.6931471805599453), big));
}

// The hidden layers' activation, set once per instance by the JS side: 1 sigmoid, 2 tanh, 3 relu.
let ACT: i32 = 1;

export function setActivation(code: i32): void {
  ACT = code;
}

/** A = g(Z) for `count` values (a multiple of 2), g the activation set by setActivation. */
export function activate64(Z: usize, A: usize, count: i32): void {
  if (ACT == 1) {
    sigmoid64(Z, A, count);
    return;
  }
  const one = f64x2.splat(1.0);
  const zero = f64x2.splat(0);
  for (let i = 0; i < count; i += 2) {
    const off = <usize>i << 3;
    const z = v128.load(Z + off);
    if (ACT == 3) {
      v128.store(A + off, f64x2.max(z, zero));
    } else {
      // tanh z = sign(z)·(1 - e)/(1 + e), e = exp(-2|z|)
      const e = expNeg(f64x2.mul(f64x2.abs(z), f64x2.splat(-2.0)));
      const t = f64x2.div(f64x2.sub(one, e), f64x2.add(one, e));
      v128.store(A + off, v128.bitselect(t, f64x2.neg(t), f64x2.ge(z, zero)));
    }
  }
}

/** g'(z) from a = g(z), for the activation set: a(1 - a), 1 - a², or 1 where a > 0. */
// @ts-ignore: decorator
@inline
function derivFromA(a: v128): v128 {
  if (ACT == 3) return v128.and(f64x2.splat(1.0), f64x2.gt(a, f64x2.splat(0)));
  if (ACT == 2) return f64x2.sub(f64x2.splat(1.0), f64x2.mul(a, a));
  return f64x2.mul(a, f64x2.sub(f64x2.splat(1.0), a));
}

/** A[i] = σ(Z[i]) for `count` values (a multiple of 2): 1/(1 + e) for z >= 0, e/(1 + e) below, e = exp(-|z|). */
export function sigmoid64(Z: usize, A: usize, count: i32): void {
  let i = 0;
  for (; i + 4 <= count; i += 4) {
    const off = <usize>i << 3;
    v128.store(A + off, sigmoidVec(v128.load(Z + off)));
    v128.store(A + off, sigmoidVec(v128.load(Z + off, 16)), 16);
  }
  for (; i < count; i += 2) {
    const off = <usize>i << 3;
    v128.store(A + off, sigmoidVec(v128.load(Z + off)));
  }
}

// @ts-ignore: decorator
@inline
function sigmoidVec(z: v128): v128 {
  return sigmoidOfExp(z, expNeg(f64x2.neg(f64x2.abs(z))));
}

/** σ(z) from e = exp(-|z|): 1/(1 + e) for z >= 0, e/(1 + e) below (the output layer also needs e, for log1p). */
// @ts-ignore: decorator
@inline
function sigmoidOfExp(z: v128, e: v128): v128 {
  const one = f64x2.splat(1.0);
  const inv = f64x2.div(one, f64x2.add(one, e));
  return v128.bitselect(inv, f64x2.mul(e, inv), f64x2.ge(z, f64x2.splat(0)));
}

/**
 * The output layer: A = σ(Z), D = A - Y (Y one-hot from `targets`, i32) and the sum of the cross-entropy terms
 * y·log(h) + (1-y)·log(1-h), computed from z as -softplus(∓z) so that saturated outputs stay finite. Returns the
 * sum (over rows in order, the K units of a row pairwise in lanes). Padding columns of A and D are set to 0.
 */
export function outputLayer64(Z: usize, A: usize, m: i32, K: i32, kp: i32, targets: usize, D: usize): f64 {
  const rowBytes = <usize>kp << 3;
  let total: f64 = 0;
  for (let i = 0; i < m; i++) {
    const t = <i64>load<i32>(targets + (<usize>i << 2));
    const row = <usize>i * rowBytes;
    let acc = f64x2.splat(0);
    let b = 0;
    // two vectors at a time, so that their chains of dependent operations overlap; their terms are added in order
    for (; b + 4 <= kp; b += 4) {
      const t0 = outputVector(Z + row, A + row, D + row, b, K, t);
      const t1 = outputVector(Z + row, A + row, D + row, b + 2, K, t);
      acc = f64x2.add(acc, t0);
      acc = f64x2.add(acc, t1);
    }
    if (b < kp) acc = f64x2.add(acc, outputVector(Z + row, A + row, D + row, b, K, t));
    total += f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  }
  return total;
}

/**
 * Units b, b+1 of a row of the output layer (Z, A, D at the row): A = σ(z), D = A - y (y one-hot from the target
 * t), both 0 past K; returns the cost terms (0 past K).
 */
// @ts-ignore: decorator
@inline
function outputVector(Z: usize, A: usize, D: usize, b: i32, K: i32, t: i64): v128 {
  const one = f64x2.splat(1.0);
  const zero = f64x2.splat(0);
  const off = <usize>b << 3;
  const z = v128.load(Z + off);
  const idx = i64x2.add(i64x2.replace_lane(i64x2.splat(0), 1, 1), i64x2.splat(<i64>b));
  const y = v128.and(i64x2.eq(idx, i64x2.splat(t)), one); // 1.0 where k == t
  const valid = i64x2.lt_s(idx, i64x2.splat(<i64>K));
  const e = expNeg(f64x2.neg(f64x2.abs(z)));
  const h = sigmoidOfExp(z, e);
  // log σ(z) = min(z, 0) - log1p(e); log(1 - σ(z)) = log σ(-z) = min(-z, 0) - log1p(e). pmin, one instruction, is
  // min here: a NaN zs fails the comparison and stays NaN, and -0 stays -0.
  const l1p = log1pUnit(e);
  const zs = v128.bitselect(z, f64x2.neg(z), f64x2.eq(y, one));
  const term = f64x2.sub(f64x2.pmin(zs, zero), l1p);
  v128.store(A + off, v128.and(h, valid));
  v128.store(D + off, v128.and(f64x2.sub(h, y), valid));
  return v128.and(term, valid);
}

// ---------------------------------------------------------------------------------------------------------------
// Conversions for --precision f32 (the input layer's products run in f32, everything else in f64).

/** dst (f64) = src (f32), count values. */
export function widen(src: usize, dst: usize, count: i32): void {
  let i = 0;
  for (; i + 4 <= count; i += 4) {
    const v = v128.load(src + (<usize>i << 2));
    const d = dst + (<usize>i << 3);
    v128.store(d, f64x2.promote_low_f32x4(v));
    v128.store(d, f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 2, 3)), 16);
  }
  for (; i < count; i++) store<f64>(dst + (<usize>i << 3), <f64>load<f32>(src + (<usize>i << 2)));
}

/** dst (f32) = src (f64) rounded, count values. */
export function narrow(src: usize, dst: usize, count: i32): void {
  for (let i = 0; i < count; i++) store<f32>(dst + (<usize>i << 2), <f32>load<f64>(src + (<usize>i << 3)));
}

/** Where the JS side may start laying out its buffers. */
export function heapBase(): usize {
  return __heap_base;
}

// ---------------------------------------------------------------------------------------------------------------
// f32 activations for --precision f32: the hidden layer after the f32 input products.

// exp on [-87, 0] in f32x4: x = k·ln2 + r, |r| <= ln2/2, degree-7 Taylor polynomial (remainder below f32's
// rounding), 2^k into the exponent bits (k >= -126: no subnormals).
// @ts-ignore: decorator
@inline
function expNeg32(x: v128): v128 {
  // as expNeg: pmax, and k by the shifter 1.5·2^23
  const xc = f32x4.pmax(x, f32x4.splat(-87.0));
  const t = f32x4.add(f32x4.mul(xc, f32x4.splat(1.442695041)), f32x4.splat(12582912.0));
  const k = f32x4.sub(t, f32x4.splat(12582912.0));
  let r = madd32(k, f32x4.splat(-0.693145752), xc);
  r = madd32(k, f32x4.splat(-1.428606765e-6), r);
  const r2 = f32x4.mul(r, r);
  const p01 = madd32(r, f32x4.splat(1.0), f32x4.splat(1.0));
  const p23 = madd32(r, f32x4.splat(1.0 / 6.0), f32x4.splat(0.5));
  const p45 = madd32(r, f32x4.splat(1.0 / 120.0), f32x4.splat(1.0 / 24.0));
  const p67 = madd32(r, f32x4.splat(1.0 / 5040.0), f32x4.splat(1.0 / 720.0));
  const p = madd32(madd32(p67, r2, p45), f32x4.mul(r2, r2), madd32(p23, r2, p01));
  // + xc·0, as expNeg: a NaN stays NaN whatever its payload
  return madd32(xc, f32x4.splat(0), i32x4.add(p, i32x4.shl(i32x4.sub(t, i32x4.splat(0x4b400000)), 23)));
}

/** A (f64) = g(Z) for Z in f32, `count` values (a multiple of 4), computed in f32x4 and widened. */
export function sigmoid32to64(Z: usize, A: usize, count: i32): void {
  let i = 0;
  // two vectors at a time: their chains of dependent operations overlap (as sigmoid64)
  for (; i + 8 <= count; i += 8) {
    activate32to64(v128.load(Z + (<usize>i << 2)), A + (<usize>i << 3));
    activate32to64(v128.load(Z + (<usize>i << 2), 16), A + (<usize>i << 3) + 32);
  }
  for (; i < count; i += 4) activate32to64(v128.load(Z + (<usize>i << 2)), A + (<usize>i << 3));
}

/** g of four f32 values, stored widened at a (four f64). */
// @ts-ignore: decorator
@inline
function activate32to64(z: v128, a: usize): void {
  const one = f32x4.splat(1.0);
  const zero = f32x4.splat(0);
  let h: v128;
  if (ACT == 3) {
    h = f32x4.max(z, zero);
  } else if (ACT == 2) {
    const e = expNeg32(f32x4.mul(f32x4.abs(z), f32x4.splat(-2.0)));
    const t = f32x4.div(f32x4.sub(one, e), f32x4.add(one, e));
    h = v128.bitselect(t, f32x4.neg(t), f32x4.ge(z, zero));
  } else {
    const e = expNeg32(f32x4.neg(f32x4.abs(z)));
    const inv = f32x4.div(one, f32x4.add(one, e));
    h = v128.bitselect(inv, f32x4.mul(e, inv), f32x4.ge(z, zero));
  }
  v128.store(a, f64x2.promote_low_f32x4(h));
  v128.store(a, f64x2.promote_low_f32x4(v128.shuffle<f32>(h, h, 2, 3, 2, 3)), 16);
}

// log(1 + u) for u in [0, 1] in f32x4, as log1pUnit: halved above √2, then 2·atanh(s) to s⁹.
// @ts-ignore: decorator
@inline
function log1pUnit32(u: v128): v128 {
  const one = f32x4.splat(1.0);
  const f = f32x4.add(one, u);
  const big = f32x4.gt(f, f32x4.splat(1.41421356));
  const g = v128.bitselect(f32x4.mul(f, f32x4.splat(0.5)), f, big);
  const num = v128.bitselect(f32x4.sub(g, one), u, big);
  const den = v128.bitselect(f32x4.add(g, one), f32x4.add(f32x4.splat(2.0), u), big);
  const s = f32x4.div(num, den);
  const t = f32x4.mul(s, s);
  const p = madd32(madd32(madd32(madd32(f32x4.splat(1.0 / 9.0), t, f32x4.splat(1.0 / 7.0)), t, f32x4.splat(1.0 / 5.0)), t, f32x4.splat(1.0 / 3.0)), t, one);
  return madd32(f32x4.mul(p, s), f32x4.splat(2.0), v128.and(f32x4.splat(0.693147181), big));
}

/**
 * outputLayer64 for --precision f32: the same outputs, deltas and cost terms, with the sigmoid and the logarithms
 * in f32x4 (4 lanes) and the sum of the terms accumulated in float64. Z, A and D are f64; kp is even.
 */
export function outputLayer32(Z: usize, A: usize, m: i32, K: i32, kp: i32, targets: usize, D: usize): f64 {
  const one = f32x4.splat(1.0);
  const zero = f32x4.splat(0);
  const lane = i32x4(0, 1, 2, 3);
  const rowBytes = <usize>kp << 3;
  let total: f64 = 0;
  for (let i = 0; i < m; i++) {
    const t = load<i32>(targets + (<usize>i << 2));
    const zi = Z + <usize>i * rowBytes;
    let acc = f64x2.splat(0);
    for (let b = 0; b < kp; b += 4) {
      const off = <usize>b << 3;
      // kp is even: the last group may hold only 2 units (lanes 2 and 3 then count as padding)
      const half = b + 4 > kp;
      const zlo = v128.load(zi + off);
      const zhi = half ? f64x2.splat(0) : v128.load(zi + off, 16);
      const z = v128.shuffle<f32>(f32x4.demote_f64x2_zero(zlo), f32x4.demote_f64x2_zero(zhi), 0, 1, 4, 5);
      const idx = i32x4.add(lane, i32x4.splat(b));
      const y = v128.and(i32x4.eq(idx, i32x4.splat(t)), one);
      const valid = i32x4.lt_s(idx, i32x4.splat(K));
      const e = expNeg32(f32x4.neg(f32x4.abs(z)));
      const inv = f32x4.div(one, f32x4.add(one, e));
      const h = v128.and(v128.bitselect(inv, f32x4.mul(e, inv), f32x4.ge(z, zero)), valid);
      const zs = v128.bitselect(z, f32x4.neg(z), f32x4.eq(y, one));
      const term = v128.and(f32x4.sub(f32x4.min(zs, zero), log1pUnit32(e)), valid);
      acc = f64x2.add(acc, f64x2.add(f64x2.promote_low_f32x4(term), f64x2.promote_low_f32x4(v128.shuffle<f32>(term, term, 2, 3, 2, 3))));
      const d = f32x4.sub(h, y);
      const ai = A + <usize>i * rowBytes + off;
      const di = D + <usize>i * rowBytes + off;
      // padding lanes: h is 0 there and y too (t < K), so d is 0
      v128.store(ai, f64x2.promote_low_f32x4(h));
      v128.store(di, f64x2.promote_low_f32x4(d));
      if (!half) {
        v128.store(ai, f64x2.promote_low_f32x4(v128.shuffle<f32>(h, h, 2, 3, 2, 3)), 16);
        v128.store(di, f64x2.promote_low_f32x4(v128.shuffle<f32>(d, d, 2, 3, 2, 3)), 16);
      }
    }
    total += f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  }
  return total;
}

/**
 * deltaBack64 for the input layer under --precision f32: the same deltas, stored as f32 for the f32 backward
 * product (hp a multiple of 4).
 */
export function deltaBack64to32(Dn: usize, m: i32, K: i32, kp: i32, Wr: usize, hp: i32, A: usize, Dout: usize): void {
  deltaBack(Dn, m, K, kp, Wr, hp, A, Dout, true);
}

/** out (f64) = Σ_i D[i] for D in f32 (m × hp, hp a multiple of 4), summed in f64 in order of i; with `accumulate`, added to out. */
export function sumRows32to64(D: usize, m: i32, hp: i32, out: usize, accumulate: i32): void {
  const rowBytes = <usize>hp << 2;
  if (accumulate == 0) memory.fill(out, 0, <usize>hp << 3);
  for (let i = 0; i < m; i++) {
    const di = D + <usize>i * rowBytes;
    for (let b = 0; b < hp; b += 4) {
      const v = v128.load(di + (<usize>b << 2));
      const o = out + (<usize>b << 3);
      v128.store(o, f64x2.add(v128.load(o), f64x2.promote_low_f32x4(v)));
      v128.store(o, f64x2.add(v128.load(o, 16), f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 2, 3))), 16);
    }
  }
}

/**
 * The softmax output layer: A = softmax(Z) row by row (from z - max z, so nothing overflows), D = A - Y, and the
 * sum over rows of log h_t = z_t - max - log Σ_k e^{z_k - max}, which it returns. Padding columns of A and D are 0.
 */
export function outputSoftmax64(Z: usize, A: usize, m: i32, K: i32, kp: i32, targets: usize, D: usize): f64 {
  const rowBytes = <usize>kp << 3;
  const lane = i64x2.replace_lane(i64x2.splat(0), 1, 1);
  const one = f64x2.splat(1.0);
  let total: f64 = 0;
  for (let i = 0; i < m; i++) {
    const zi = Z + <usize>i * rowBytes;
    const ai = A + <usize>i * rowBytes;
    const di = D + <usize>i * rowBytes;
    const t = load<i32>(targets + (<usize>i << 2));
    let max = -Infinity;
    for (let k = 0; k < K; k++) max = Math.max(max, load<f64>(zi + (<usize>k << 3)));
    const mx = f64x2.splat(max);
    let acc = f64x2.splat(0);
    for (let b = 0; b < kp; b += 2) {
      const off = <usize>b << 3;
      const valid = i64x2.lt_s(i64x2.add(lane, i64x2.splat(<i64>b)), i64x2.splat(<i64>K));
      const e = v128.and(expNeg(f64x2.sub(v128.load(zi + off), mx)), valid);
      v128.store(ai + off, e);
      acc = f64x2.add(acc, e);
    }
    const sum = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
    const inv = f64x2.splat(1.0 / sum);
    for (let b = 0; b < kp; b += 2) {
      const off = <usize>b << 3;
      const idx = i64x2.add(lane, i64x2.splat(<i64>b));
      const y = v128.and(i64x2.eq(idx, i64x2.splat(<i64>t)), one);
      const h = f64x2.mul(v128.load(ai + off), inv);
      v128.store(ai + off, h);
      v128.store(di + off, f64x2.sub(h, y));
    }
    total += load<f64>(zi + (<usize>t << 3)) - max - Math.log(sum);
  }
  return total;
}
