// Entry point of the relaxed-SIMD build: the input layer's products with fused multiply-adds. Used where the engine
// runs relaxed SIMD (Chrome >= 114, Node >= 22, Node 20 with its flag set; see src/linalg/wasm/instance.ts).
export * from './common';
export * from './products-fma';
