/**
 * Cost evaluators: J(Θ) and ∂J/∂Θ on one data set, prepared once per training run and evaluated hundreds of
 * times. Three backends behind one interface:
 *   reference: the plain TypeScript cost function (../cost.ts), the ground truth of every test;
 *   wasm:      the SIMD kernels in one thread (./partition.ts);
 *   threads:   the SIMD kernels on blocks of examples in worker threads (./threaded.ts).
 */
import { Matrix } from '../../linalg/matrix.js';
import { costFunction, Workspace } from '../cost.js';
import { paramCount, rollParams } from '../params.js';
import { predictTargets } from '../predict.js';
import { COURSE_ARCHITECTURE, type Architecture } from '../activations.js';
import { WasmPartition, type Precision } from './partition.js';

/** The backends that evaluate the cost: the float64 reference, or the WebAssembly SIMD kernels. */
export type BackendName = 'reference' | 'wasm';

export interface EvaluatorOptions {
  /** 'wasm' (default where WebAssembly SIMD runs) or 'reference' */
  backend?: BackendName;
  /** threads for the wasm backend; 1 here (createThreadedEvaluator, in ./threads-node.ts or ./threads-web.ts, runs more) */
  threads?: number;
  precision?: Precision;
  /** force the sparse or dense input kernels (wasm); default: by density */
  sparse?: boolean;
  /** hidden activation and output layer; default the course's sigmoid network */
  architecture?: Architecture;
}

/** Evaluates one network's cost and gradient on fixed data, on some backend (see createEvaluator). */
export interface CostEvaluator {
  readonly backend: string;
  readonly threads: number;
  readonly precision: Precision;
  /** J(params); writes ∂J/∂Θ into `grad` unless it is null */
  evaluate(params: Float64Array, lambda: number, grad: Float64Array | null): number;
  /**
   * J on the examples `rows` only (a mini-batch), with the penalty λ/(2b)·ΣΘ² for its b rows (pass λ·b/m to keep
   * the whole set's penalty); undefined where the backend cannot (a threaded evaluator).
   */
  evaluateBatch?(params: Float64Array, lambda: number, grad: Float64Array, rows: Int32Array): number;
  /** the predicted output unit of every example (argmax of the outputs) for `params` */
  predictTargets(params: Float64Array): Int32Array;
  /** releases threads and memory */
  close(): void;
}

/**
 * J = -(1/m)·Σ terms + λ/(2m)·Σ Θ² (bias columns excluded), ∂J/∂Θ = (1/m)·Σ + (λ/m)·Θ off the bias columns:
 * the last step of every backend, in the notebook's order of operations.
 */
export function finishCost(
  sizes: readonly number[],
  params: Float64Array,
  m: number,
  lambda: number,
  termSum: number,
  gradSums: Float64Array | null,
  grad: Float64Array | null,
): number {
  let J = (-1 / m) * termSum;
  let reg = 0;
  let off = 0;
  const s = 1 / m;
  const r = lambda / m;
  for (let l = 0; l + 1 < sizes.length; l++) {
    const w1 = sizes[l] + 1;
    for (let row = 0; row < sizes[l + 1]; row++) {
      const base = off + row * w1;
      if (grad !== null && gradSums !== null) grad[base] = s * gradSums[base];
      for (let c = 1; c < w1; c++) {
        const t = params[base + c];
        reg += t * t;
        if (grad !== null && gradSums !== null) grad[base + c] = s * gradSums[base + c] + r * t;
      }
    }
    off += sizes[l + 1] * w1;
  }
  if (lambda !== 0) J += (lambda / (2 * m)) * reg;
  return J;
}

/** Whether the wasm kernels run this architecture (all of them: sigmoid, tanh, ReLU; sigmoid or softmax output). */
export function wasmSupports(arch: Architecture): boolean {
  return ['sigmoid', 'tanh', 'relu'].includes(arch.activation) && ['sigmoid', 'softmax'].includes(arch.output);
}

class ReferenceEvaluator implements CostEvaluator {
  readonly backend = 'reference';
  readonly threads = 1;
  readonly precision = 'f64';
  // made on first use: an evaluator that only takes mini-batches never needs the whole set's buffers
  private ws: Workspace | undefined;
  private readonly scratch: Float64Array;

  constructor(
    private readonly sizes: readonly number[],
    private readonly X: Matrix,
    private readonly targets: Int32Array,
    private readonly arch: Architecture = COURSE_ARCHITECTURE,
  ) {
    this.scratch = new Float64Array(paramCount(sizes));
  }

  evaluate(params: Float64Array, lambda: number, grad: Float64Array | null): number {
    this.ws ??= new Workspace(this.sizes, this.X.rows);
    return costFunction(this.sizes, params, this.X, this.targets, lambda, {
      workspace: this.ws,
      grad: grad ?? this.scratch,
      gradient: grad !== null,
      architecture: this.arch,
    }).cost;
  }

  private readonly batchBuffers = new Map<number, { X: Matrix; t: Int32Array; ws: Workspace }>();

  evaluateBatch(params: Float64Array, lambda: number, grad: Float64Array, rows: Int32Array): number {
    // the batch's rows gathered into buffers made once per batch size
    let b = this.batchBuffers.get(rows.length);
    if (b === undefined) {
      b = { X: new Matrix(rows.length, this.X.cols), t: new Int32Array(rows.length), ws: new Workspace(this.sizes, rows.length) };
      this.batchBuffers.set(rows.length, b);
    }
    const n = this.X.cols;
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      b.X.data.set(this.X.data.subarray(r * n, (r + 1) * n), i * n);
      b.t[i] = this.targets[r];
    }
    b.ws.invalidateInput(); // the buffer holds new rows
    return costFunction(this.sizes, params, b.X, b.t, lambda, { workspace: b.ws, grad, architecture: this.arch }).cost;
  }

  predictTargets(params: Float64Array): Int32Array {
    return predictTargets(rollParams(params, this.sizes), this.X, this.arch);
  }

  close(): void {}
}

class WasmEvaluator implements CostEvaluator {
  readonly backend = 'wasm';
  readonly threads = 1;
  readonly precision: Precision;
  private readonly part: WasmPartition;
  private readonly sums: Float64Array;

  constructor(
    private readonly sizes: readonly number[],
    X: Matrix,
    targets: Int32Array,
    options: EvaluatorOptions,
  ) {
    this.part = new WasmPartition(sizes, X, targets, options);
    this.precision = this.part.precision;
    this.sums = new Float64Array(paramCount(sizes));
  }

  evaluate(params: Float64Array, lambda: number, grad: Float64Array | null): number {
    const terms = this.part.run(params, grad === null ? null : this.sums);
    return finishCost(this.sizes, params, this.part.m, lambda, terms, this.sums, grad);
  }

  get evaluateBatch(): ((params: Float64Array, lambda: number, grad: Float64Array, rows: Int32Array) => number) | undefined {
    if (!this.part.batches) return undefined;
    return (params, lambda, grad, rows) => {
      const terms = this.part.run(params, this.sums, rows);
      return finishCost(this.sizes, params, rows.length, lambda, terms, this.sums, grad);
    };
  }

  predictTargets(params: Float64Array): Int32Array {
    const out = new Int32Array(this.part.m);
    this.part.predict(params, out);
    return out;
  }

  close(): void {}
}

/** A single-threaded evaluator (the reference, or the SIMD kernels in this thread). */
export function createEvaluator(
  sizes: readonly number[],
  X: Matrix,
  targets: Int32Array,
  options: EvaluatorOptions = {},
): CostEvaluator {
  const arch = options.architecture ?? COURSE_ARCHITECTURE;
  if ((options.backend ?? 'wasm') === 'reference' || !wasmSupports(arch)) return new ReferenceEvaluator(sizes, X, targets, arch);
  return new WasmEvaluator(sizes, X, targets, options);
}
