/**
 * The first-order optimizers' updates in WebAssembly (wasm/steps.ts): the same arithmetic as the JavaScript
 * loops, operation for operation, so the weights come out bit for bit the same, about twice as fast (an Adam step
 * is two divisions and a square root per weight, and SIMD does two weights at a time). For src/optim's update
 * rules: keep the rule's vectors here (`m`, `v` are views into this memory; they are copied nowhere per step).
 */
import { Arena, compiledModule, createMemory, instantiate, wasmSimdSupported, type WasmKernels } from './instance.js';

export class WasmAdam {
  /** the first and second moments, n values each (views into this memory: read, set, checkpoint them freely) */
  readonly m: Float64Array;
  readonly v: Float64Array;
  private readonly k: WasmKernels;
  private readonly at: { theta: number; grad: number; m: number; v: number };
  private readonly theta: Float64Array;
  private readonly grad: Float64Array;

  constructor(readonly n: number) {
    const memory = createMemory(false);
    this.k = instantiate(compiledModule(false), memory);
    const a = new Arena(memory, this.k.heapBase(), false);
    this.at = { theta: a.alloc(n * 8), grad: a.alloc(n * 8), m: a.alloc(n * 8), v: a.alloc(n * 8) };
    // views after the last allocation: the memory does not grow again
    this.theta = a.f64(this.at.theta, n);
    this.grad = a.f64(this.at.grad, n);
    this.m = a.f64(this.at.m, n);
    this.v = a.f64(this.at.v, n);
  }

  /** One Adam update of `theta` in place from `grad`, step t (from 1), as adam.ts's loop computes it. */
  step(theta: Float64Array, grad: Float64Array, t: number, b1: number, b2: number, alpha: number, eps: number): void {
    this.theta.set(theta);
    this.grad.set(grad);
    this.k.adamStep(this.at.theta, this.at.grad, this.at.m, this.at.v, this.n, b1, b2, alpha, eps, 1 - b1 ** t, 1 - b2 ** t);
    theta.set(this.theta);
  }
}

/** An Adam stepper for n weights where WebAssembly SIMD runs, else undefined (keep the JavaScript loop). */
export function wasmAdam(n: number): WasmAdam | undefined {
  return wasmSimdSupported() ? new WasmAdam(n) : undefined;
}
