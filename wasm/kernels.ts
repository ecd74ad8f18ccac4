// Entry point of the fast backend's WebAssembly module. scripts/build-wasm.mjs compiles it four times: with SIMD,
// and with relaxed SIMD too (fused multiply-adds; see ops.ts), each with a private memory and with a memory shared
// by threads; the loader picks what the engine runs. The memory is imported: the JavaScript side makes it.
export * from './common';
export * from './products';
export * from './layout';
export * from './steps';
