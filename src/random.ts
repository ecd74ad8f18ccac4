/**
 * Seeded randomness. Every random choice in nnlearn takes a seed, and the same seed gives bit-identical results.
 *
 * The generator is MT19937 (pure-rand's `mersenne`), seeded as NumPy's legacy `np.random.seed(seed)` seeds
 * it, and doubles are drawn as NumPy's `random_sample` draws them (two 32-bit words, 27 + 26 bits). So
 * `new Random(s).rand(r, c)` equals `np.random.seed(s); np.random.rand(r, c)` and `permutation(n)` equals
 * `np.random.permutation(n)`: a learner can start from the very same weights in the Python notebook.
 */
import { mersenne } from 'pure-rand/generator/mersenne';
import { ValueError } from './errors.js';
import { Matrix } from './linalg/matrix.js';

type Generator = ReturnType<typeof mersenne>;

/** A seeded generator: the same seed gives NumPy's `np.random.seed(seed)` numbers (see the module comment). */
export class Random {
  readonly seed: number;
  private readonly gen: Generator;

  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new ValueError(`a seed must be an integer between 0 and 4294967295, got ${seed}`);
    }
    this.seed = seed;
    // pure-rand takes a signed 32-bit seed; the bits are what MT19937's init_genrand uses.
    this.gen = mersenne(seed | 0);
  }

  /** The next 32-bit word, unsigned. */
  uint32(): number {
    return this.gen.next() >>> 0;
  }

  /** A double uniform in [0, 1) with 53 random bits (NumPy's `random_sample`). */
  random(): number {
    const a = this.uint32() >>> 5;
    const b = this.uint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** An r×c matrix of uniform [0, 1) values filled row by row (NumPy's `np.random.rand(r, c)`). */
  rand(rows: number, cols: number): Matrix {
    const m = new Matrix(rows, cols);
    for (let i = 0; i < m.data.length; i++) m.data[i] = this.random();
    return m;
  }

  /** An integer uniform in [0, max] (NumPy's legacy `rk_interval`: masked rejection sampling). */
  interval(max: number): number {
    if (max === 0) return 0;
    let mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask >>>= 0;
    let v: number;
    do {
      v = (this.uint32() & mask) >>> 0;
    } while (v > max);
    return v;
  }

  /** Shuffles in place, as NumPy's legacy `shuffle` (Fisher–Yates from the end). */
  shuffle<T extends { length: number; [i: number]: number }>(a: T): T {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.interval(i);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }

  /** A random permutation of 0..n-1 (NumPy's `np.random.permutation(n)`). */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    return this.shuffle(p);
  }
}
