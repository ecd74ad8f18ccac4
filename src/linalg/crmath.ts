/**
 * Correctly rounded `exp`, `log`, `log1p` and `sin` for the reference backend.
 *
 * Why not `Math.exp`? ECMAScript leaves the accuracy of `Math.exp`, `Math.log` and `Math.sin` to the engine. V8
 * uses fdlibm ports with errors up to 1 ulp: on uniform arguments in [-3, 3] about 9% of its `exp` and `log`
 * results differ from the correctly rounded ones that glibc (and so NumPy, the course notebook's library)
 * returns, and `Math.sin(18)` differs too. That matters for gradient checking: the central difference
 * `(J(θ+ε) - J(θ-ε)) / 2ε` multiplies a 1-ulp difference of the cost (≈ 4e-16 for J ≈ 2.1) by 1/(2ε) = 5000,
 * which moves the 9th printed digit of the notebook's `checkNNGradients` table. With correctly rounded
 * elementary functions our reference reproduces that table digit for digit, and every JavaScript engine
 * (Node, Chrome, Firefox, Safari) computes the same bits.
 *
 * Method: double-double arithmetic (Dekker 1971; Shewchuk 1997, "Adaptive Precision Floating-Point
 * Arithmetic") carries about 100 bits through argument reduction and a short Taylor series; the result is
 * rounded once at the end. The error before that rounding is below 2^-95 relative, so a result can be
 * misrounded only when the exact value lies within 2^-95 of a midpoint between two doubles (Muller,
 * "Elementary Functions", ch. 12, on the table maker's dilemma); in tests against 200-bit reference values no
 * such case occurs. Subnormal results of `exp` (x < -708.39) are rounded once from the high word and may be
 * off by one unit in the last place.
 *
 * Functions return plain numbers; the double-double helpers pass their two words through module-level
 * registers (`H`, `L`) so that nothing is allocated per call.
 */

// Double-double "registers": the high and low word of the last double-double result.
let H = 0;
let L = 0;

/** s + e = a + b exactly (Knuth's TwoSum, no condition on |a|, |b|). */
function twoSum(a: number, b: number): void {
  const s = a + b;
  const bb = s - a;
  H = s;
  L = (a - (s - bb)) + (b - bb);
}

/** s + e = a + b exactly, valid when |a| >= |b| (Dekker's Fast2Sum). */
function fastTwoSum(a: number, b: number): void {
  const s = a + b;
  H = s;
  L = b - (s - a);
}

const SPLITTER = 134217729; // 2^27 + 1, Veltkamp's splitting constant for 53-bit doubles

/** p + e = a * b exactly (Dekker's TwoProduct, no fused multiply-add in JavaScript). */
function twoProd(a: number, b: number): void {
  const p = a * b;
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  H = p;
  L = ((ah * bh - p) + ah * bl + al * bh) + al * bl;
}

/** (ah, al) + (bh, bl), both normalised double-doubles (Shewchuk's accurate addition). */
function ddAdd(ah: number, al: number, bh: number, bl: number): void {
  twoSum(ah, bh);
  const s = H;
  let e = L;
  twoSum(al, bl);
  const t = H;
  const f = L;
  e += t;
  fastTwoSum(s, e);
  const s2 = H;
  const e2 = L + f;
  fastTwoSum(s2, e2);
}

/** (ah, al) * (bh, bl). */
function ddMul(ah: number, al: number, bh: number, bl: number): void {
  twoProd(ah, bh);
  const p = H;
  const e = L + (ah * bl + al * bh);
  fastTwoSum(p, e);
}

/** (ah, al) / b for a double b. */
function ddDivD(ah: number, al: number, b: number): void {
  const q1 = ah / b;
  twoProd(q1, b);
  const q2 = ((ah - H) - L + al) / b;
  fastTwoSum(q1, q2);
}

/** sqrt of a normalised double-double, one Newton step from the double square root. */
function ddSqrt(ah: number, al: number): void {
  const y = Math.sqrt(ah);
  twoProd(y, y);
  const r = ((ah - H) - L + al) / (2 * y);
  fastTwoSum(y, r);
}

/**
 * x - k·(c1 + c2 + c3) as a double-double in (H, L): Cody–Waite reduction with a constant split in three parts,
 * c1 with few enough bits that k·c1 is exact, so x - k·c1 is exact too (Sterbenz) for the k nearest x/c.
 */
function reduce(x: number, k: number, c1: number, c2: number, c3: number): void {
  const t = x - k * c1;
  twoProd(k, c2);
  const p = H;
  const pe = L;
  twoSum(t, -p);
  const rh = H;
  const rl = L - pe - k * c3;
  fastTwoSum(rh, rl);
}

// ---------------------------------------------------------------------------------------------------------
// Bit access (frexp / ldexp without loss).

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0; // index of the high word

/** 2^k as a double, for -1022 <= k <= 1023. */
function pow2(k: number): number {
  u32[HI] = (k + 1023) << 20;
  u32[1 - HI] = 0;
  return f64[0];
}

/** Multiplies x by 2^k without intermediate overflow or underflow for |k| up to 2098. */
function scale2(x: number, k: number): number {
  while (k > 1023) {
    x *= 8.98846567431158e307; // 2^1023
    k -= 1023;
  }
  while (k < -1022) {
    x *= 2.2250738585072014e-308; // 2^-1022
    k += 1022;
  }
  return x * pow2(k);
}

// ---------------------------------------------------------------------------------------------------------
// exp: x = q·ln2 + j·ln2/64 + r with |r| <= ln2/128, exp(x) = 2^q · 2^(j/64) · exp(r).

const INV_LN2_64 = 92.33248261689366; // 64 / ln 2
// ln2/64 split for Cody–Waite reduction: C1 has 36 significant bits, so k·C1 is exact for |k| < 2^17.
const C1 = 0.010830424696223417;
const C2 = 2.572804622327669e-14;
const C3 = -1.5746795524851787e-30;

// 2^(j/64) as double-doubles, built from repeated double-double square roots of 2 (each ~2^-104 accurate).
const EXP_T_HI = new Float64Array(64);
const EXP_T_LO = new Float64Array(64);
{
  const rootsHi: number[] = [];
  const rootsLo: number[] = [];
  let rh = 2;
  let rl = 0;
  for (let b = 0; b < 6; b++) {
    ddSqrt(rh, rl); // 2^(1/2), 2^(1/4), …, 2^(1/64)
    rh = H;
    rl = L;
    rootsHi.push(rh);
    rootsLo.push(rl);
  }
  for (let j = 0; j < 64; j++) {
    let th = 1;
    let tl = 0;
    for (let b = 0; b < 6; b++) {
      if (j & (32 >> b)) {
        ddMul(th, tl, rootsHi[b], rootsLo[b]);
        th = H;
        tl = L;
      }
    }
    EXP_T_HI[j] = th;
    EXP_T_LO[j] = tl;
  }
}

/** exp(x) as a double-double in (H, L), scaled by 2^-q where q is returned: exp(x) = (H + L)·2^q. */
function expCore(x: number): number {
  const k = Math.round(x * INV_LN2_64);
  const j = ((k % 64) + 64) % 64;
  const q = (k - j) / 64;
  reduce(x, k, C1, C2, C3); // r = x - k·ln2/64
  const rh = H;
  const rl = L;
  // exp(r) - 1 = r + r²/2 + r³·P(r); |r| < 0.0055, so r^9/9! < 2^-86·|r| and degree 8 suffices.
  const tail =
    rh * rh * rh *
    (1 / 6 + rh * (1 / 24 + rh * (1 / 120 + rh * (1 / 720 + rh * (1 / 5040 + rh * (1 / 40320))))));
  twoProd(rh, rh);
  const sqh = H * 0.5;
  const sql = L * 0.5 + rh * rl;
  ddAdd(rh, rl, sqh, sql + tail);
  const em1h = H;
  const em1l = L;
  // 2^(j/64)·exp(r) = T + T·(exp(r) - 1)
  const th = EXP_T_HI[j];
  const tl = EXP_T_LO[j];
  ddMul(th, tl, em1h, em1l);
  ddAdd(th, tl, H, L);
  return q;
}

/** Correctly rounded e^x (see the module comment for the one exception, subnormal results). */
export function exp(x: number): number {
  if (x !== x) return NaN;
  if (x > 709.782712893384) return Infinity;
  if (x < -745.1332191019412) return 0;
  if (Math.abs(x) < 1.1102230246251565e-16) return 1 + x; // |x| < 2^-53: 1 + x is the rounded e^x
  const q = expCore(x);
  if (q > -1022) return scale2(H, q); // the rounded H is already the correctly rounded H + L
  // Subnormal range: round once from the full value.
  return scale2(H + L, q);
}

// ---------------------------------------------------------------------------------------------------------
// log: x = 2^e · m with m in [1/√2, √2), m = c·(1 + u) with c = i/128, log x = e·ln2 + log c + log1p(u).

const LN2_1 = 0.6931471805598903; // 42 significant bits: e·LN2_1 is exact for |e| < 2^11
const LN2_2 = 5.497923018708371e-14;
const LN2_3 = 1.94704509238075e-31;
const SQRT2 = 1.4142135623730951;

// log(i/128) for i = 90..182 as double-doubles, by one Newton step on exp from Math.log (error ~2^-100).
const LOG_C_HI = new Float64Array(183);
const LOG_C_LO = new Float64Array(183);
for (let i = 90; i <= 182; i++) {
  const c = i / 128;
  if (i === 128) continue; // log 1 = 0 exactly
  const y0 = Math.log(c);
  const q = expCore(y0); // exp(y0) = (H + L)·2^q
  const eh = scale2(H, q);
  const el = scale2(L, q);
  // y1 = y0 + (c - E)/E, where (c - E)/E ≈ 2^-53 needs only ~50 correct bits.
  twoSum(c, -eh);
  const delta = (H + (L - el)) / eh;
  fastTwoSum(y0, delta);
  LOG_C_HI[i] = H;
  LOG_C_LO[i] = L;
}

/** log of the double-double xh + xl (xh > 0 finite, |xl| <= ulp(xh)/2), result in (H, L). */
function logCore(xh: number, xl: number): void {
  // Decompose xh = 2^e · m with m in [1, 2).
  let e = 0;
  if (xh < 2.2250738585072014e-308) {
    xh *= 18014398509481984; // 2^54: bring subnormals into the normal range
    xl *= 18014398509481984;
    e = -54;
  }
  f64[0] = xh;
  const hiWord = u32[HI];
  e += ((hiWord >>> 20) & 0x7ff) - 1023;
  u32[HI] = (hiWord & 0x000fffff) | 0x3ff00000;
  let m = f64[0];
  let ml = scale2(xl, -e);
  if (m > SQRT2) {
    m *= 0.5;
    ml *= 0.5;
    e += 1;
  }
  const i = Math.round(m * 128);
  const c = i / 128;
  const un = m - c; // exact: m and c are within 1/256 and share an exponent range
  // u = (un + ml) / c as a double-double
  const uh = (un + ml) / c;
  twoProd(uh, c);
  const ul = ((un - H) - L + ml) / c;
  // log1p(u) = u - u²/2 + u³·P(u); |u| < 0.0056 so terms to u^13 leave < 2^-100 relative error.
  const tail =
    uh * uh * uh *
    (1 / 3 -
      uh *
        (1 / 4 -
          uh *
            (1 / 5 -
              uh *
                (1 / 6 -
                  uh * (1 / 7 - uh * (1 / 8 - uh * (1 / 9 - uh * (1 / 10 - uh * (1 / 11 - uh * (1 / 12 - uh / 13))))))))));
  twoProd(uh, uh);
  const sqh = -0.5 * H;
  const sql = -0.5 * L - uh * ul;
  ddAdd(uh, ul, sqh, sql + tail);
  let rh = H;
  let rl = L;
  if (i !== 128) {
    ddAdd(LOG_C_HI[i], LOG_C_LO[i], rh, rl);
    rh = H;
    rl = L;
  }
  if (e !== 0) {
    twoProd(e, LN2_2);
    const mh = H;
    const ml2 = L + e * LN2_3;
    ddAdd(e * LN2_1, 0, mh, ml2);
    ddAdd(H, L, rh, rl);
  } else {
    H = rh;
    L = rl;
  }
}

/** Correctly rounded natural logarithm. */
export function log(x: number): number {
  if (!(x > 0)) return x === 0 ? -Infinity : NaN;
  if (x === Infinity) return Infinity;
  if (x === 1) return 0;
  logCore(x, 0);
  return H;
}

/** Correctly rounded log(1 + x), accurate for tiny x where `log(1 + x)` would lose every digit. */
export function log1p(x: number): number {
  if (!(x > -1)) return x === -1 ? -Infinity : NaN;
  if (x === Infinity) return Infinity;
  if (Math.abs(x) < 1.1102230246251565e-16) return x - x * x * 0.5; // |x| < 2^-53
  twoSum(1, x); // 1 + x exactly as a double-double
  if (H === Infinity) {
    logCore(x, 0);
    return H;
  }
  logCore(H, L);
  return H;
}

// ---------------------------------------------------------------------------------------------------------
// sin: x = q·π/2 + r with |r| <= π/4; sin x = ±sin r or ±cos r.

const PIO2_1 = 1.5707963267341256; // 32 significant bits: q·PIO2_1 is exact for |q| < 2^21
const PIO2_2 = 6.077100506506192e-11;
const PIO2_3 = 3.5215598651832e-27;
const TWO_OVER_PI = 0.6366197723675814;
const SIN_REDUCTION_LIMIT = 1647099; // ≈ 2^20·π/2: beyond this the three-part π/2 is not enough

/** Taylor series of sin (odd) or cos (even) at the double-double r, result in (H, L). */
function sinCosSeries(rh: number, rl: number, cosine: boolean): void {
  ddMul(rh, rl, rh, rl);
  const r2h = H;
  const r2l = L;
  let th: number;
  let tl: number;
  let n: number;
  if (cosine) {
    th = 1;
    tl = 0;
    n = 0;
  } else {
    th = rh;
    tl = rl;
    n = 1;
  }
  let sh = th;
  let sl = tl;
  // |r| <= π/4: the term r^27/27! is below 2^-100, so 14 terms reach double-double accuracy.
  for (let k = 0; k < 14; k++) {
    ddMul(th, tl, r2h, r2l);
    ddDivD(H, L, -((n + 1) * (n + 2)));
    th = H;
    tl = L;
    n += 2;
    ddAdd(sh, sl, th, tl);
    sh = H;
    sl = L;
  }
  H = sh;
  L = sl;
}

/**
 * Correctly rounded sine for |x| <= 1647099 (about 2^20·π/2, which covers `debugInitializeWeights` for any
 * network that fits in memory); beyond that it falls back to `Math.sin`.
 */
export function sin(x: number): number {
  if (!Number.isFinite(x)) return NaN;
  if (Math.abs(x) > SIN_REDUCTION_LIMIT) return Math.sin(x);
  if (Math.abs(x) < 1.4901161193847656e-8) return x; // |x| < 2^-26: sin x = x - x³/6 rounds to x
  const q = Math.round(x * TWO_OVER_PI);
  reduce(x, q, PIO2_1, PIO2_2, PIO2_3); // r = x - q·π/2
  const quadrant = ((q % 4) + 4) % 4;
  sinCosSeries(H, L, quadrant === 1 || quadrant === 3);
  return quadrant >= 2 ? -H : H;
}
