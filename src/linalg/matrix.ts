import { ShapeError, ValueError } from '../errors.js';

/** Whether `v` is a Float64Array, from this realm or another (a vm context's, a worker's). */
export function isFloat64Array(v: unknown): v is Float64Array {
  return ArrayBuffer.isView(v) && Object.prototype.toString.call(v) === '[object Float64Array]';
}

/** What a value is, for a message: "a Float32Array", "an Array", "a string". */
export function kindOf(v: unknown): string {
  const name = ArrayBuffer.isView(v) || Array.isArray(v) ? Object.prototype.toString.call(v).slice(8, -1) : v === null ? 'null' : typeof v;
  return `${/^[AEIO]/i.test(name) ? 'an' : 'a'} ${name}`;
}

/**
 * A dense float64 matrix in row-major order: element (i, j) is `data[i * cols + j]`.
 *
 * Row-major is NumPy's (and the Python notebook's) order; MATLAB/Octave store column-major, and the MAT-file
 * reader converts on load. Rows are examples (`X: m×n`), as in the course.
 */
export class Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;

  constructor(rows: number, cols: number, data?: Float64Array) {
    if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
      throw new ValueError(`a matrix needs non-negative integer dimensions, got ${rows}×${cols}`);
    }
    // from plain JavaScript anything can come: a Float32Array or an Array would be read, written and trained on
    // with another precision (or none), where every kernel and every printed number assumes float64
    if (data !== undefined && !isFloat64Array(data)) {
      throw new ValueError(`a Matrix holds its values in a Float64Array, got ${kindOf(data)}; convert them with Float64Array.from(values)`);
    }
    if (data !== undefined && data.length !== rows * cols) {
      throw new ShapeError(`a ${rows}×${cols} matrix needs ${rows * cols} values, got ${data.length}`);
    }
    this.rows = rows;
    this.cols = cols;
    this.data = data ?? new Float64Array(rows * cols);
  }

  /** A zero matrix. */
  static zeros(rows: number, cols: number): Matrix {
    return new Matrix(rows, cols);
  }

  /** From nested arrays, one inner array per row. */
  static fromRows(rows: readonly (readonly number[])[]): Matrix {
    const r = rows.length;
    const c = r === 0 ? 0 : rows[0].length;
    const m = new Matrix(r, c);
    for (let i = 0; i < r; i++) {
      if (rows[i].length !== c) {
        throw new ShapeError(`row ${i} has ${rows[i].length} values, but row 0 has ${c}`);
      }
      m.data.set(rows[i], i * c);
    }
    return m;
  }

  /** From values in column-major (MATLAB `A(:)`) order. */
  static fromColumnMajor(rows: number, cols: number, values: ArrayLike<number>): Matrix {
    if (values.length !== rows * cols) {
      throw new ShapeError(`a ${rows}×${cols} matrix needs ${rows * cols} values, got ${values.length}`);
    }
    const m = new Matrix(rows, cols);
    const d = m.data;
    for (let j = 0; j < cols; j++) {
      for (let i = 0; i < rows; i++) d[i * cols + j] = values[j * rows + i];
    }
    return m;
  }

  /** A column vector (m×1). */
  static column(values: ArrayLike<number>): Matrix {
    return new Matrix(values.length, 1, Float64Array.from(values));
  }

  /** "rows×cols", as error messages print shapes. */
  get shape(): string {
    return `${this.rows}×${this.cols}`;
  }

  /** The entry at row i, column j (0-based). */
  get(i: number, j: number): number {
    return this.data[i * this.cols + j];
  }

  /** Sets the entry at row i, column j (0-based). */
  set(i: number, j: number, v: number): void {
    this.data[i * this.cols + j] = v;
  }

  /** Row i as a view (no copy). */
  row(i: number): Float64Array {
    return this.data.subarray(i * this.cols, (i + 1) * this.cols);
  }

  /** A copy with its own data. */
  clone(): Matrix {
    return new Matrix(this.rows, this.cols, this.data.slice());
  }

  /** Values in column-major (MATLAB `A(:)`) order. */
  toColumnMajor(): Float64Array {
    const { rows, cols, data } = this;
    const out = new Float64Array(rows * cols);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) out[j * rows + i] = data[i * cols + j];
    }
    return out;
  }

  /** Nested arrays, one per row. */
  toRows(): number[][] {
    const out: number[][] = [];
    for (let i = 0; i < this.rows; i++) out.push(Array.from(this.row(i)));
    return out;
  }

  /** The transpose, materialised (kernels never need it; this is for display and tests). */
  transpose(): Matrix {
    const t = new Matrix(this.cols, this.rows);
    for (let i = 0; i < this.rows; i++) {
      for (let j = 0; j < this.cols; j++) t.data[j * this.rows + i] = this.data[i * this.cols + j];
    }
    return t;
  }
}

/**
 * Refuses NaN and infinite values in X, naming the first one's row and column (1-based): a NaN poisons every
 * output it reaches, and an infinity gives a finite but meaningless cost (a saturated sigmoid). `source` names
 * where X came from (a file, "validation"), as the start of the message. The loaders check a file's data once
 * (../data/load.ts), and the network's public calls check what they are given once (../nn/network.ts), never the
 * cost inside a training run's iterations.
 */
export function checkFinite(X: Matrix, source?: string): void {
  const d = X.data;
  for (let i = 0; i < d.length; i++) {
    if (!Number.isFinite(d[i])) {
      throw new ValueError(
        `${source === undefined ? '' : `${source}: `}X has the value ${d[i]} at row ${Math.floor(i / X.cols) + 1}, column ${(i % X.cols) + 1}; inputs must be finite numbers`,
      );
    }
  }
}

/** Throws a ShapeError naming both operands unless `ok`. */
export function assertShapes(ok: boolean, op: string, a: { shape: string }, b: { shape: string }, why: string): void {
  if (!ok) throw new ShapeError(`${op}: A is ${a.shape} and B is ${b.shape}; ${why}`);
}

/** Returns `out` after checking its shape, or a new zero matrix. */
export function outMatrix(out: Matrix | undefined, rows: number, cols: number, op: string): Matrix {
  if (out === undefined) return new Matrix(rows, cols);
  if (out.rows !== rows || out.cols !== cols) {
    throw new ShapeError(`${op}: the output is ${out.shape} but the result is ${rows}×${cols}`);
  }
  return out;
}
