// Multiply-add on SIMD vectors: c + a·b. In the relaxed-SIMD build (compiled with --enable relaxed-simd, where
// ASC_FEATURE_RELAXED_SIMD is true) it is relaxed_madd, which x86 with FMA3 and ARM run as one fused
// instruction; otherwise a multiply and an add. The constant is resolved at compile time: each build has one.

// @ts-ignore: decorator
@inline
export function madd64(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f64x2.relaxed_madd(a, b, c);
  return f64x2.add(f64x2.mul(a, b), c);
}

// @ts-ignore: decorator
@inline
export function madd32(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}
