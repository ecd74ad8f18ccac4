/**
 * Network parameters. A network has layer sizes `[n, h1, …, K]` (s(1) = n inputs, s(L) = K outputs); layer l
 * has `Theta(l): s(l+1)×(s(l)+1)`, the bias weights in column 0 (the course's convention).
 *
 * All Thetas live in one unrolled parameter vector, row-major Theta(1) then Theta(2) …, as the Python notebook
 * unrolls them (`np.concatenate([Theta1.ravel(), Theta2.ravel()])`). `rollParams` returns matrices that are
 * views into that vector, so rolling costs nothing and optimizers work on the vector directly. Octave's
 * `[Theta1(:); Theta2(:)]` column-major order is available for interoperability.
 */
import { ShapeError, ValueError } from '../errors.js';
import { Matrix } from '../linalg/matrix.js';
import { checkMemory, memoryAdvice } from '../memory.js';

/**
 * How Thetas are unrolled into one vector: `'row-major'` (the notebook's `ravel()`, nnlearn's) or
 * `'column-major'` (Octave's `Theta1(:)`).
 */
export type UnrollOrder = 'row-major' | 'column-major';

/** Validates layer sizes: at least two layers, positive integers. */
export function checkLayerSizes(sizes: readonly number[]): void {
  if (sizes.length < 2) throw new ValueError(`a network needs at least 2 layer sizes, got [${sizes.join(', ')}]`);
  for (const s of sizes) {
    if (!Number.isInteger(s) || s < 1) {
      throw new ValueError(`layer sizes must be positive integers, got [${sizes.join(', ')}]`);
    }
  }
}

/**
 * Checks that a network of these sizes can be allocated (describing one needs no such check): within the weights'
 * cap, and `copies` copies of its weights within the memory budget (../memory.ts).
 */
export function checkAllocatable(sizes: readonly number[], copies = 1): void {
  checkLayerSizes(sizes);
  let n = 0;
  for (let l = 0; l + 1 < sizes.length; l++) n += (sizes[l] + 1) * sizes[l + 1];
  if (n > MAX_PARAMETERS) {
    throw new ShapeError(`layers [${sizes.join(', ')}] have ${n} weights, more than nnlearn allocates (${MAX_PARAMETERS}: 1 GiB of float64)`);
  }
  if (copies > 0) checkMemory(`a network of layers [${sizes.join(', ')}] (${n} weights)`, 8 * n * copies, memoryAdvice('fewer hidden units'));
}

/**
 * The most weights a network may have: 2^27 float64 (1 GiB; the gradient and the optimizer's state take as much
 * again). MNIST's 784-300-10 has 238,510; a mistyped size (--hidden 1000000) is refused here, not by the allocator.
 */
export const MAX_PARAMETERS = 2 ** 27;

/** The shape `[s(l+1), s(l)+1]` of each Theta. */
export function thetaShapes(sizes: readonly number[]): [number, number][] {
  checkLayerSizes(sizes);
  const shapes: [number, number][] = [];
  for (let l = 0; l + 1 < sizes.length; l++) shapes.push([sizes[l + 1], sizes[l] + 1]);
  return shapes;
}

/** Number of parameters: Σ s(l+1)·(s(l)+1). */
export function paramCount(sizes: readonly number[]): number {
  let n = 0;
  for (const [r, c] of thetaShapes(sizes)) n += r * c;
  return n;
}

/**
 * The Thetas of an unrolled vector. Row-major: views sharing the vector's memory. Column-major: copies.
 */
export function rollParams(params: Float64Array, sizes: readonly number[], order: UnrollOrder = 'row-major'): Matrix[] {
  const total = paramCount(sizes);
  if (params.length !== total) {
    throw new ShapeError(
      `layers [${sizes.join(', ')}] need ${total} parameters, but the vector has ${params.length}`,
    );
  }
  const out: Matrix[] = [];
  let off = 0;
  for (const [r, c] of thetaShapes(sizes)) {
    const seg = params.subarray(off, off + r * c);
    out.push(order === 'row-major' ? new Matrix(r, c, seg) : Matrix.fromColumnMajor(r, c, seg));
    off += r * c;
  }
  return out;
}

/** One vector from the Thetas, in the given order. */
export function unrollParams(thetas: readonly Matrix[], order: UnrollOrder = 'row-major'): Float64Array {
  let total = 0;
  for (const t of thetas) total += t.data.length;
  const out = new Float64Array(total);
  let off = 0;
  for (const t of thetas) {
    out.set(order === 'row-major' ? t.data : t.toColumnMajor(), off);
    off += t.data.length;
  }
  return out;
}

/** The layer sizes that a list of Thetas implies, checking that consecutive Thetas fit. */
export function sizesOfThetas(thetas: readonly Matrix[]): number[] {
  if (thetas.length === 0) throw new ShapeError('a network needs at least one Theta matrix');
  const sizes = [thetas[0].cols - 1];
  for (let l = 0; l < thetas.length; l++) {
    const t = thetas[l];
    if (t.cols - 1 !== sizes[l]) {
      throw new ShapeError(
        `Theta${l + 1} is ${t.shape}, but Theta${l} has ${sizes[l]} output units, so Theta${l + 1} needs ${sizes[l] + 1} columns`,
      );
    }
    if (t.cols < 2 || t.rows < 1) throw new ShapeError(`Theta${l + 1} is ${t.shape}: too small for a layer`);
    sizes.push(t.rows);
  }
  return sizes;
}
