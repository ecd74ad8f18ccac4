// Entry point of the WebAssembly SIMD build (every engine with SIMD: Node >= 16, current browsers).
export * from './common';
export * from './products';
