// Entry point of the fast backend's WebAssembly module. scripts/build-wasm.mjs compiles it twice: with SIMD, and
// with relaxed SIMD too (fused multiply-adds; see ops.ts), and the loader picks what the engine runs.
export * from './common';
export * from './products';
