/**
 * Cost evaluators: J(Θ) and ∂J/∂Θ on one data set, prepared once per training run and evaluated hundreds of
 * times, on the whole set or on mini-batches of its rows. Two backends behind one interface:
 *   reference: the plain TypeScript cost function (../cost.ts), the ground truth of every test;
 *   wasm:      the SIMD kernels on one thread (here) or on several (./threaded.ts; started by
 *              createThreadedEvaluator in ./threads-node.ts or ./threads-web.ts).
 */
import type { AdamStepper } from '../../optim/adam.js';
import { Matrix } from '../../linalg/matrix.js';
import { costFunction, Workspace } from '../cost.js';
import { paramCount, rollParams } from '../params.js';
import { predictTargets } from '../predict.js';
import { COURSE_ARCHITECTURE, type Architecture } from '../activations.js';
import { FastEvaluator } from './threaded.js';
import type { Precision } from './plan.js';

export type { Precision } from './plan.js';
/** The backends that evaluate the cost: the float64 reference, or the WebAssembly SIMD kernels. */
export type BackendName = 'reference' | 'wasm';

export interface EvaluatorOptions {
  /** 'wasm' (default where WebAssembly SIMD runs) or 'reference' */
  backend?: BackendName;
  /** 'f64' (default) or 'f32' for the input layer's products (wasm); the cost and the gradient stay float64 */
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
   * the whole set's penalty), and ∂J/∂Θ into `grad`. Every backend here has it (the reference, the kernels on one
   * thread or several, dense data too); it is optional for evaluators made elsewhere.
   */
  evaluateBatch?(params: Float64Array, lambda: number, grad: Float64Array, rows: Int32Array): number;
  /** the predicted output unit of every example (argmax of the outputs) for `params` */
  predictTargets(params: Float64Array): Int32Array;
  /** Adam's update on this evaluator's threads, where it has several (see threaded.ts) */
  adamStepper?(options?: { sameAsLastBatch?: boolean }): AdamStepper | undefined;
  /** releases threads and memory */
  close(): void;
}

/** An evaluator that takes mini-batches (every one that createEvaluator and the threaded evaluator make). */
export type BatchEvaluator = CostEvaluator & Required<Pick<CostEvaluator, 'evaluateBatch'>>;

/**
 * An evaluator's backend by name: 'reference', or 'wasm' for the kernels (on any number of threads) and for
 * evaluators made elsewhere. Work beside a run's evaluations (a held-out cost, a test accuracy) runs on it.
 */
export function backendName(ev: Pick<CostEvaluator, 'backend'>): BackendName {
  return ev.backend === 'reference' ? 'reference' : 'wasm';
}

/** Whether the wasm kernels run this architecture (all of them: sigmoid, tanh, ReLU; sigmoid or softmax output). */
export function wasmSupports(arch: Architecture): boolean {
  return ['sigmoid', 'tanh', 'relu'].includes(arch.activation) && ['sigmoid', 'softmax'].includes(arch.output);
}

/** The gathered rows of a mini-batch, in buffers made once per batch size. */
interface BatchBuffers {
  X: Matrix;
  targets: Int32Array;
  ws: Workspace;
}

class ReferenceEvaluator implements CostEvaluator {
  readonly backend = 'reference';
  readonly threads = 1;
  readonly precision = 'f64';
  // made on first use: an evaluator that only takes mini-batches never needs the whole set's buffers
  private ws: Workspace | undefined;
  private readonly scratch: Float64Array;
  private readonly batchBuffers = new Map<number, BatchBuffers>();

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

  /** The batch's rows and targets gathered into buffers made once per batch size, then the reference on them. */
  evaluateBatch(params: Float64Array, lambda: number, grad: Float64Array, rows: Int32Array): number {
    let b = this.batchBuffers.get(rows.length);
    if (b === undefined) {
      b = { X: new Matrix(rows.length, this.X.cols), targets: new Int32Array(rows.length), ws: new Workspace(this.sizes, rows.length) };
      this.batchBuffers.set(rows.length, b);
    }
    const n = this.X.cols;
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      b.X.data.set(this.X.data.subarray(r * n, (r + 1) * n), i * n);
      b.targets[i] = this.targets[r];
    }
    b.ws.invalidateInput(); // the buffer holds new rows
    return costFunction(this.sizes, params, b.X, b.targets, lambda, { workspace: b.ws, grad, architecture: this.arch }).cost;
  }

  predictTargets(params: Float64Array): Int32Array {
    return predictTargets(rollParams(params, this.sizes), this.X, this.arch);
  }

  close(): void {}
}

/** A single-threaded evaluator (the reference, or the SIMD kernels in this thread). */
export function createEvaluator(
  sizes: readonly number[],
  X: Matrix,
  targets: Int32Array,
  options: EvaluatorOptions = {},
): BatchEvaluator {
  const arch = options.architecture ?? COURSE_ARCHITECTURE;
  if ((options.backend ?? 'wasm') === 'reference' || !wasmSupports(arch)) return new ReferenceEvaluator(sizes, X, targets, arch);
  return new FastEvaluator(sizes, X, targets, 1, { precision: options.precision, sparse: options.sparse, architecture: arch });
}
