/**
 * The fast backend's WebAssembly module (built from wasm/kernels.ts by scripts/build-wasm.mjs), the memory its
 * instances share, and a bump allocator over that memory.
 *
 * The module imports its memory: the JavaScript side makes one memory per evaluator, private to one thread, or
 * shared (a SharedArrayBuffer underneath) by the instances of several threads, which then read the same data and
 * weights and each other's partial sums without copying them.
 */
import { checkMemory, formatBytes, memoryAdvice, MemoryError } from '../../memory.js';
import { SHARED_MAX_PAGES, WASM_BUILDS } from './module.generated.js';
import type { WasmExports } from './kernels.generated.js';

/** The kernels wasm/kernels.ts exports (pointers are byte offsets into the memory); generated from the sources. */
export type WasmKernels = WasmExports;

/** Which build runs: 'relaxed' (fused multiply-adds) where the engine has relaxed SIMD, else 'simd'. */
export type WasmFlavor = 'relaxed' | 'simd';

const PAGE = 65536;

const compiled = new Map<string, WebAssembly.Module>();
let chosen: WasmFlavor | undefined;
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
  wanted = flavor;
  chosen = undefined;
}

/** The build in use ('relaxed' or 'simd'). */
export function wasmFlavor(): WasmFlavor {
  if (chosen !== undefined) return chosen;
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.NNLEARN_WASM;
  const flavor = wanted ?? (env === 'simd' ? 'simd' : undefined);
  chosen = 'simd';
  if (flavor !== 'simd') {
    const relaxed = decodeBase64(WASM_BUILDS.relaxed);
    if (!WebAssembly.validate(relaxed)) enableRelaxedSimd();
    if (WebAssembly.validate(relaxed)) {
      compiled.set('relaxed', new WebAssembly.Module(relaxed));
      chosen = 'relaxed';
    }
  }
  return chosen;
}

/**
 * The compiled module of the build in use, for a private or a shared memory. Worker threads are handed the
 * caller's (postMessage carries a WebAssembly.Module), so that every thread runs the very same build: a worker
 * deciding for itself could pick the other build and change the sums.
 */
export function compiledModule(shared = false): WebAssembly.Module {
  const flavor = wasmFlavor();
  const key = `${flavor}${shared ? 'Shared' : ''}` as keyof typeof WASM_BUILDS;
  let mod = compiled.get(key);
  if (mod === undefined) {
    mod = new WebAssembly.Module(decodeBase64(WASM_BUILDS[key]));
    compiled.set(key, mod);
  }
  return mod;
}

/** Whether this JavaScript engine runs WebAssembly with SIMD (every current browser and Node >= 16). */
export function wasmSimdSupported(): boolean {
  try {
    compiledModule(false);
    return true;
  } catch {
    return false;
  }
}

/** Whether this engine can share a WebAssembly memory between threads (Node; a cross-origin isolated page). */
export function sharedMemorySupported(): boolean {
  try {
    new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    return true;
  } catch {
    return false;
  }
}

/** A memory for the kernels: private to this thread, or shared by threads (it then grows to 2 GiB at most). */
export function createMemory(shared: boolean): WebAssembly.Memory {
  return shared ? new WebAssembly.Memory({ initial: 1, maximum: SHARED_MAX_PAGES, shared: true }) : new WebAssembly.Memory({ initial: 1 });
}

/** An instance of `module` (a compiledModule) on `memory`: one per thread, all on the same memory. */
export function instantiate(module: WebAssembly.Module, memory: WebAssembly.Memory): WasmKernels {
  return new WebAssembly.Instance(module, { env: { memory, abort: () => undefined } }).exports as unknown as WasmKernels;
}

/**
 * Lays out buffers in a memory, 16-byte aligned (for v128 loads), growing it as needed. Views are taken after
 * all allocations (growing a private memory detaches earlier views; a shared one's earlier views keep their
 * length). Only the thread that made the memory allocates.
 */
export class Arena {
  readonly memory: WebAssembly.Memory;
  private top: number;
  private readonly maxBytes: number;
  private readonly shared: boolean;

  constructor(memory: WebAssembly.Memory, heapBase: number, shared: boolean) {
    this.memory = memory;
    this.shared = shared;
    this.top = align(heapBase >>> 0);
    // offsets are passed to the kernels as 32-bit numbers
    this.maxBytes = shared ? SHARED_MAX_PAGES * PAGE : 2 ** 32 - PAGE;
  }

  /**
   * Reserves `bytes` (zero-filled) and returns the byte offset. Offsets are computed in float64 (2^31 bytes is a
   * plausible request); a layout past what the memory can address (4 GiB private, 2 GiB shared), or past the
   * memory budget (../../memory.ts), is refused before the memory grows.
   */
  alloc(bytes: number): number {
    const at = this.top;
    const top = align(at + bytes);
    if (!(top <= this.maxBytes)) {
      throw new MemoryError(
        `the fast backend needs more than ${formatBytes(this.maxBytes)} of WebAssembly memory (what ${this.shared ? 'a memory shared by threads' : 'one instance'} can address) for this network and data; ` +
          'use fewer examples, fewer hidden units, --precision f32, or --backend reference',
      );
    }
    const need = top - this.memory.buffer.byteLength;
    if (need > 0) {
      checkMemory('the fast backend’s WebAssembly memory', need, memoryAdvice('fewer hidden units, mini-batches'));
      try {
        this.memory.grow(Math.ceil(need / PAGE));
      } catch (err) {
        throw new MemoryError(`the fast backend’s WebAssembly memory could not grow to ${formatBytes(top)} (${(err as Error).message})`);
      }
    }
    this.top = top;
    return at;
  }

  /** Bytes laid out so far. */
  get used(): number {
    return this.top;
  }

  f64(at: number, count: number): Float64Array {
    return new Float64Array(this.memory.buffer, at, count);
  }

  f32(at: number, count: number): Float32Array {
    return new Float32Array(this.memory.buffer, at, count);
  }

  i32(at: number, count: number): Int32Array {
    return new Int32Array(this.memory.buffer, at, count);
  }
}

/** The next multiple of 16, in float64 (no 32-bit wrap). */
function align(n: number): number {
  return Math.ceil(n / 16) * 16;
}
