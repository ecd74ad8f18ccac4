/**
 * The bound a configuration cannot beat with WebAssembly SIMD on this machine: its multiply-adds (counted from
 * the data's non-zeros and the layer sizes) at the rate this machine runs independent SIMD multiply-adds
 * (measured now, wasm/peak.ts, with the build in use: fused in the relaxed build), on every thread at once.
 * Loads, activations, the exponentials and the threads' hand-offs all come on top: a kernel at its bound does
 * nothing but useful multiply-adds.
 */
import asc from 'assemblyscript/asc';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { wasmFlavor } from '../src/linalg/wasm/instance.js';

export interface PeakRate {
  /** v128 multiply-adds per second on one thread: f64x2 and f32x4 */
  f64x2: number;
  f32x4: number;
}

/** Compiles wasm/peak.ts for the build in use and measures its best rate over a few tries. */
export async function peakRate(root: string): Promise<PeakRate> {
  const flavor = wasmFlavor(); // also enables relaxed SIMD where the engine needs the flag
  const out = join(root, 'build', `peak-${flavor}.wasm`);
  const features = flavor === 'relaxed' ? ['simd', 'relaxed-simd'] : ['simd'];
  const { error, stderr } = await asc.main([join(root, 'wasm', 'peak.ts'), '-O3', '--runtime', 'stub', '--noAssert', ...features.flatMap((f) => ['--enable', f]), '--outFile', out]);
  if (error) throw new Error(`wasm/peak.ts: ${error.message}\n${stderr.toString()}`);
  const e = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(out)), {}).exports as unknown as {
    peak64(n: number, seed: number): number;
    peak32(n: number, seed: number): number;
  };
  // many short calls: the engine compiles a hot function again, optimized, between calls (not inside a long one)
  const best = (f: (n: number, seed: number) => number) => {
    // the optimized code is compiled in the background: warm up for a while, not a number of calls
    for (const until = performance.now() + 500; performance.now() < until; ) f(10_000, 0);
    let rate = 0;
    for (let r = 0; r < 300; r++) {
      const n = 100_000;
      const t = performance.now();
      f(n, r);
      rate = Math.max(rate, (n * 12) / ((performance.now() - t) / 1000));
    }
    return rate;
  };
  return { f64x2: best(e.peak64), f32x4: best(e.peak32) };
}

/** Multiply-adds of one cost-and-gradient evaluation of a network on m examples (the first layer at its non-zeros). */
export function multiplyAdds(sizes: readonly number[], m: number, firstLayerInputs: number): { first: number; rest: number } {
  // forward and the gradient's product for the first layer; forward, gradient and the deltas' product for the rest
  const first = 2 * firstLayerInputs * sizes[1];
  let rest = 0;
  for (let l = 2; l < sizes.length; l++) rest += 3 * m * sizes[l - 1] * sizes[l];
  return { first, rest };
}

/** Seconds at the bound: the first layer's products in `precision` lanes, the rest in f64x2, on `threads` threads. */
export function boundSeconds(work: { first: number; rest: number }, precision: 'f64' | 'f32', threads: number, rate: PeakRate): number {
  const first = precision === 'f32' ? work.first / 4 / rate.f32x4 : work.first / 2 / rate.f64x2;
  return (first + work.rest / 2 / rate.f64x2) / threads;
}
