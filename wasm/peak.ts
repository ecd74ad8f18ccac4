// Not part of the kernels (kernels.ts does not export it): the benchmark's measure of this machine's SIMD
// multiply-add rate in WebAssembly, from which it states each configuration's bound (bench/bench.ts). Twelve
// independent chains, so that the rate is the units' throughput, not one chain's latency.
import { madd32, madd64 } from './ops';

/** n rounds of 12 f64x2 multiply-adds (24 f64 multiply-adds per round); returns a sum so nothing is dropped. */
export function peak64(n: i32, seed: f64): f64 {
  const m = f64x2.splat(0.999999);
  const c = f64x2.splat(1e-9);
  let a0 = f64x2.splat(seed), a1 = f64x2.splat(seed + 1), a2 = f64x2.splat(seed + 2), a3 = f64x2.splat(seed + 3);
  let a4 = f64x2.splat(seed + 4), a5 = f64x2.splat(seed + 5), a6 = f64x2.splat(seed + 6), a7 = f64x2.splat(seed + 7);
  let a8 = f64x2.splat(seed + 8), a9 = f64x2.splat(seed + 9), a10 = f64x2.splat(seed + 10), a11 = f64x2.splat(seed + 11);
  for (let i = 0; i < n; i++) {
    a0 = madd64(a0, m, c); a1 = madd64(a1, m, c); a2 = madd64(a2, m, c); a3 = madd64(a3, m, c);
    a4 = madd64(a4, m, c); a5 = madd64(a5, m, c); a6 = madd64(a6, m, c); a7 = madd64(a7, m, c);
    a8 = madd64(a8, m, c); a9 = madd64(a9, m, c); a10 = madd64(a10, m, c); a11 = madd64(a11, m, c);
  }
  const s = f64x2.add(f64x2.add(f64x2.add(a0, a1), f64x2.add(a2, a3)), f64x2.add(f64x2.add(a4, a5), f64x2.add(a6, a7)));
  const t = f64x2.add(f64x2.add(s, f64x2.add(a8, a9)), f64x2.add(a10, a11));
  return f64x2.extract_lane(t, 0) + f64x2.extract_lane(t, 1);
}

/** n rounds of 12 f32x4 multiply-adds (48 f32 multiply-adds per round). */
export function peak32(n: i32, seed: f32): f64 {
  const m = f32x4.splat(0.9999);
  const c = f32x4.splat(1e-6);
  let a0 = f32x4.splat(seed), a1 = f32x4.splat(seed + 1), a2 = f32x4.splat(seed + 2), a3 = f32x4.splat(seed + 3);
  let a4 = f32x4.splat(seed + 4), a5 = f32x4.splat(seed + 5), a6 = f32x4.splat(seed + 6), a7 = f32x4.splat(seed + 7);
  let a8 = f32x4.splat(seed + 8), a9 = f32x4.splat(seed + 9), a10 = f32x4.splat(seed + 10), a11 = f32x4.splat(seed + 11);
  for (let i = 0; i < n; i++) {
    a0 = madd32(a0, m, c); a1 = madd32(a1, m, c); a2 = madd32(a2, m, c); a3 = madd32(a3, m, c);
    a4 = madd32(a4, m, c); a5 = madd32(a5, m, c); a6 = madd32(a6, m, c); a7 = madd32(a7, m, c);
    a8 = madd32(a8, m, c); a9 = madd32(a9, m, c); a10 = madd32(a10, m, c); a11 = madd32(a11, m, c);
  }
  const s = f32x4.add(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)), f32x4.add(f32x4.add(a4, a5), f32x4.add(a6, a7)));
  const t = f32x4.add(f32x4.add(s, f32x4.add(a8, a9)), f32x4.add(a10, a11));
  return <f64>(f32x4.extract_lane(t, 0) + f32x4.extract_lane(t, 1) + f32x4.extract_lane(t, 2) + f32x4.extract_lane(t, 3));
}
