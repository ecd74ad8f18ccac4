/**
 * The fast backend's WebAssembly module (built from wasm/kernels.ts) and a bump allocator over its memory.
 * Each instance has its own memory: one per thread.
 */
import { checkMemory, formatBytes, MemoryError } from '../../memory.js';
import { WASM_RELAXED_BASE64, WASM_SIMD_BASE64 } from './module.generated.js';

/** The kernels wasm/kernels.ts exports (pointers are byte offsets into `memory`). */
export interface WasmKernels {
  memory: WebAssembly.Memory;
  fwdSparse64(rowStart: number, colIdx: number, vals: number, m: number, Wt: number, hp: number, Z: number, A: number, rows: number): void;
  bwdSparse64(colStart: number, rowIdx: number, vals: number, n: number, D: number, hp: number, Gt: number, accumulate: number): void;
  fwdDense64(A: number, m: number, n: number, sa: number, Wt: number, hp: number, Z: number, Aout: number): void;
  bwdDense64(A: number, m: number, n: number, sa: number, D: number, hp: number, Gt: number): void;
  sumRows64(D: number, m: number, hp: number, out: number): void;
  deltaBack64(Dn: number, m: number, K: number, kp: number, Wr: number, hp: number, A: number, Dout: number): void;
  deltaBack64to32(Dn: number, m: number, K: number, kp: number, Wr: number, hp: number, A: number, Dout: number): void;
  sumRows32to64(D: number, m: number, hp: number, out: number): void;
  sigmoid64(Z: number, A: number, count: number): void;
  setActivation(code: number): void;
  activate64(Z: number, A: number, count: number): void;
  outputSoftmax64(Z: number, A: number, m: number, K: number, kp: number, targets: number, D: number): number;
  sigmoid32to64(Z: number, A: number, count: number): void;
  outputLayer64(Z: number, A: number, m: number, K: number, kp: number, targets: number, D: number): number;
  outputLayer32(Z: number, A: number, m: number, K: number, kp: number, targets: number, D: number): number;
  fwdSparse32(rowStart: number, colIdx: number, vals: number, m: number, Wt: number, hp: number, Z: number, A: number, rows: number): void;
  bwdSparse32(colStart: number, rowIdx: number, vals: number, n: number, D: number, hp: number, Gt: number, accumulate: number): void;
  widen(src: number, dst: number, count: number): void;
  narrow(src: number, dst: number, count: number): void;
  heapBase(): number;
}

/** Which build runs: 'relaxed' (fused multiply-adds) where the engine has relaxed SIMD, else 'simd'. */
export type WasmFlavor = 'relaxed' | 'simd';

let compiled: { module: WebAssembly.Module; flavor: WasmFlavor } | undefined;
let wanted: WasmFlavor | undefined;

function decodeBase64(b64: string): Uint8Array<ArrayBuffer> {
  // atob exists in Node 16+ and in browsers and workers alike
  const bin = atob(b64);
  const bytes = new Uint8Array(new ArrayBuffer(bin.length));
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

/**
 * Relaxed SIMD is on by default in Chrome 114+ and Node 22+; Node 20's V8 has it behind a flag, which can be
 * set at run time before the module is compiled (flags are per process, so worker threads see it too).
 */
function enableRelaxedSimd(): void {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const v8 = proc?.getBuiltinModule?.('node:v8') as { setFlagsFromString?: (flags: string) => void } | undefined;
  v8?.setFlagsFromString?.('--experimental-wasm-relaxed-simd');
}

/**
 * Chooses the build: `NNLEARN_WASM=simd` (or `useWasmFlavor('simd')`) forces the plain SIMD build, for
 * comparisons; otherwise the relaxed build where it validates.
 */
export function useWasmFlavor(flavor: WasmFlavor | undefined): void {
  if (compiled !== undefined && flavor !== undefined && compiled.flavor !== flavor) compiled = undefined;
  wanted = flavor;
}

function module(): { module: WebAssembly.Module; flavor: WasmFlavor } {
  if (compiled !== undefined) return compiled;
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.NNLEARN_WASM;
  const flavor = wanted ?? (env === 'simd' ? 'simd' : undefined);
  if (flavor !== 'simd') {
    const relaxed = decodeBase64(WASM_RELAXED_BASE64);
    if (!WebAssembly.validate(relaxed)) enableRelaxedSimd();
    if (WebAssembly.validate(relaxed)) {
      compiled = { module: new WebAssembly.Module(relaxed), flavor: 'relaxed' };
      return compiled;
    }
  }
  compiled = { module: new WebAssembly.Module(decodeBase64(WASM_SIMD_BASE64)), flavor: 'simd' };
  return compiled;
}

/** The build in use ('relaxed' or 'simd'). */
export function wasmFlavor(): WasmFlavor {
  return module().flavor;
}

/** Whether this JavaScript engine runs WebAssembly with SIMD (every current browser and Node >= 16). */
export function wasmSimdSupported(): boolean {
  try {
    module();
    return true;
  } catch {
    return false;
  }
}

/**
 * The compiled module, to hand to worker threads (postMessage carries a WebAssembly.Module), so that every thread
 * runs the very same build: a worker deciding for itself could pick the other build and change the sums.
 */
export function compiledModule(): WebAssembly.Module {
  return module().module;
}

/** A new instance of the kernels (of `compiled`, or of this thread's module), with its own memory. */
export function instantiate(compiled?: WebAssembly.Module): WasmKernels {
  return new WebAssembly.Instance(compiled ?? module().module, {}).exports as unknown as WasmKernels;
}

/**
 * Lays out buffers in an instance's memory, 16-byte aligned (for v128 loads), growing it as needed. Views are
 * taken after all allocations (growing the memory detaches earlier views).
 */
export class Arena {
  readonly k: WasmKernels;
  private top: number;

  constructor(k: WasmKernels) {
    this.k = k;
    this.top = align(k.heapBase());
  }

  /**
   * Reserves `bytes` and returns the byte offset. Offsets are computed in float64 (2^31 bytes is a plausible
   * request: 32-bit arithmetic once turned it into a negative offset); a layout past what one instance can address
   * (4 GiB), or past the memory budget, is refused before the memory grows.
   */
  alloc(bytes: number): number {
    const at = this.top;
    const top = align(at + bytes);
    if (top > WASM_MAX_BYTES) {
      throw new MemoryError(
        `the fast backend needs more than ${formatBytes(WASM_MAX_BYTES)} in one WebAssembly instance (what one can address) for this network and block of examples; ` +
          'use more threads (each holds a block of the examples), fewer hidden units, mini-batches, or --backend reference',
      );
    }
    const need = top - this.k.memory.buffer.byteLength;
    if (need > 0) {
      checkMemory('the fast backend’s WebAssembly memory', need, 'fewer hidden units, mini-batches, or a larger --max-memory if the machine has the memory');
      try {
        this.k.memory.grow(Math.ceil(need / 65536));
      } catch (err) {
        throw new MemoryError(`the fast backend’s WebAssembly memory could not grow to ${formatBytes(top)} (${(err as Error).message})`);
      }
    }
    this.top = top;
    return at;
  }

  f64(at: number, count: number): Float64Array {
    return new Float64Array(this.k.memory.buffer, at, count);
  }

  f32(at: number, count: number): Float32Array {
    return new Float32Array(this.k.memory.buffer, at, count);
  }

  i32(at: number, count: number): Int32Array {
    return new Int32Array(this.k.memory.buffer, at, count);
  }
}

/** The next multiple of 16, in float64 (no 32-bit wrap). */
function align(n: number): number {
  return Math.ceil(n / 16) * 16;
}

/** The most a WebAssembly (wasm32) instance addresses: 65536 pages of 64 KiB. */
const WASM_MAX_BYTES = 2 ** 32;
