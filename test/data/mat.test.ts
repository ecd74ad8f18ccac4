import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { readMat, writeMat } from '../../src/data/mat.js';
import { readMatFile } from '../../src/data/files.js';
import { Matrix } from '../../src/linalg/matrix.js';
import { FormatError, ValueError } from '../../src/errors.js';
import { buildMat, mi, mx } from './mat-builder.js';
import { shared } from '../helpers.js';

const colMajor = [1, 2, 3, 4, 5, 6]; // a 2×3 matrix [[1 3 5]; [2 4 6]]
const rows23 = [
  [1, 3, 5],
  [2, 4, 6],
];

describe('MAT-file reader', () => {
  for (const le of [true, false]) {
    for (const compress of [false, true]) {
      test(`reads a ${le ? 'little' : 'big'}-endian, ${compress ? 'compressed' : 'uncompressed'} file and converts column-major to row-major`, () => {
        const bytes = buildMat([{ name: 'A', cls: mx.DOUBLE, dims: [2, 3], type: mi.DOUBLE, values: colMajor }], { le, compress });
        const mat = readMat(bytes, 'a.mat');
        assert.deepEqual(mat.names(), ['A']);
        assert.equal(mat.littleEndian, le);
        assert.deepEqual(mat.matrix('A').toRows(), rows23);
      });
    }
  }

  const storage: [string, number, number[]][] = [
    ['int8', mi.INT8, [-128, -1, 0, 1, 2, 127]],
    ['uint8', mi.UINT8, [0, 1, 2, 3, 254, 255]],
    ['int16', mi.INT16, [-32768, -1, 0, 1, 2, 32767]],
    ['uint16', mi.UINT16, [0, 1, 2, 3, 4, 65535]],
    ['int32', mi.INT32, [-2147483648, -1, 0, 1, 2, 2147483647]],
    ['uint32', mi.UINT32, [0, 1, 2, 3, 4, 4294967295]],
    ['single', mi.SINGLE, [0.5, -1.25, 3, 1e10, -0, 2.5]],
    ['double', mi.DOUBLE, [0.1, -1e-300, 3, 1e300, Math.PI, -0]],
    ['int64', mi.INT64, [-(2 ** 53), -1, 0, 1, 2, 2 ** 53]],
    ['uint64', mi.UINT64, [0, 1, 2, 3, 4, 2 ** 53]],
  ];
  for (const [label, type, values] of storage) {
    test(`reads values stored as ${label}, whatever the class (MATLAB stores doubles in a smaller type when it can)`, () => {
      for (const cls of [mx.DOUBLE, mx.SINGLE, mx.INT32]) {
        for (const le of [true, false]) {
          const mat = readMat(buildMat([{ name: 'v', cls, dims: [2, 3], type, values }], { le }));
          const M = mat.matrix('v');
          const expected = type === mi.SINGLE ? values.map(Math.fround) : values;
          assert.deepEqual(Array.from(M.toColumnMajor()), expected);
        }
      }
    });
  }

  test('reads a logical array as 0/1 doubles and reports it as logical', () => {
    const mat = readMat(buildMat([{ name: 'b', cls: mx.UINT8, logical: true, dims: [1, 3], type: mi.UINT8, values: [1, 0, 1] }]));
    assert.deepEqual(Array.from(mat.matrix('b').data), [1, 0, 1]);
    assert.equal(mat.variables()[0].logical, true);
  });

  test('reads an N-D array whose trailing dimensions are 1 as a matrix', () => {
    const mat = readMat(buildMat([{ name: 'v', cls: mx.DOUBLE, dims: [2, 3, 1], type: mi.DOUBLE, values: colMajor }]));
    assert.deepEqual(mat.matrix('v').toRows(), rows23);
  });

  const refused: [string, Parameters<typeof buildMat>[0][0], RegExp][] = [
    ['sparse', { name: 'S', cls: mx.SPARSE, dims: [2, 2] }, /"S".*sparse/],
    ['cell', { name: 'C', cls: mx.CELL, dims: [1, 1] }, /"C".*cell/],
    ['struct', { name: 'St', cls: mx.STRUCT, dims: [1, 1] }, /"St".*struct/],
    ['char', { name: 'txt', cls: mx.CHAR, dims: [1, 2], type: mi.UINT16, values: [104, 105] }, /"txt".*char/],
    ['complex', { name: 'Z', cls: mx.DOUBLE, complex: true, dims: [1, 2], type: mi.DOUBLE, values: [1, 2] }, /"Z".*complex/],
    ['3-D', { name: 'T', cls: mx.DOUBLE, dims: [1, 2, 3], type: mi.DOUBLE, values: [1, 2, 3, 4, 5, 6] }, /"T".*1×2×3/],
  ];
  for (const [kind, spec, message] of refused) {
    test(`lists a ${kind} variable but refuses to read it, naming the file, the variable and the reason`, () => {
      const mat = readMat(buildMat([spec, { name: 'ok', cls: mx.DOUBLE, dims: [1, 1], type: mi.DOUBLE, values: [7] }]), 'odd.mat');
      assert.equal(mat.matrix('ok').data[0], 7);
      assert.throws(() => mat.matrix(spec.name), (e: unknown) => e instanceof FormatError && /^odd\.mat: /.test(e.message) && message.test(e.message));
    });
  }

  test('names the variables the file has when one is missing', () => {
    const mat = readMat(buildMat([{ name: 'Theta1', cls: mx.DOUBLE, dims: [1, 1], type: mi.DOUBLE, values: [1] }]), 'w.mat');
    assert.throws(() => mat.matrix('X'), /w\.mat: no variable "X" \(the file has "Theta1"\)/);
  });

  test('refuses a file that is not a MAT-file, a v7.3 (HDF5) file and a file shorter than the header', () => {
    assert.throws(() => readMat(new TextEncoder().encode('hello world'.repeat(20)), 'x.txt'), /x\.txt: not a MATLAB Level 5 MAT-file/);
    assert.throws(() => readMat(buildMat([], { text: 'MATLAB 7.3 MAT-file, Platform: GLNXA64' }), 'h.mat'), /7\.3 \(HDF5\)/);
    assert.throws(() => readMat(new Uint8Array(10), 's.mat'), /s\.mat: not a MAT-file: 10 bytes/);
  });

  test('refuses a data element whose declared size exceeds the file', () => {
    const bytes = buildMat([{ name: 'A', cls: mx.DOUBLE, dims: [2, 3], type: mi.DOUBLE, values: colMajor }]);
    assert.throws(() => readMat(bytes.subarray(0, bytes.length - 8), 't.mat'), /t\.mat: truncated: data element 1/);
  });

  test('refuses data whose length disagrees with the dimensions', () => {
    const bytes = buildMat([{ name: 'A', cls: mx.DOUBLE, dims: [2, 3], type: mi.DOUBLE, values: [1, 2, 3] }]);
    assert.throws(() => readMat(bytes, 'd.mat'), /a 2×3 array needs 6 values but its data holds 3/);
  });

  test('every truncation of a valid file gives a FormatError or reads the variables still complete', () => {
    for (const compress of [false, true]) {
      const bytes = buildMat(
        [
          { name: 'X', cls: mx.DOUBLE, dims: [3, 2], type: mi.DOUBLE, values: [1, 2, 3, 4, 5, 6] },
          { name: 'y', cls: mx.UINT8, dims: [3, 1], type: mi.UINT8, values: [1, 2, 10] },
        ],
        { compress },
      );
      for (let len = 0; len < bytes.length; len++) {
        try {
          const mat = readMat(bytes.subarray(0, len), 'cut.mat');
          for (const n of mat.names()) mat.matrix(n);
        } catch (e) {
          assert.ok(e instanceof FormatError, `length ${len}: ${String(e)}`);
          assert.match((e as Error).message, /^cut\.mat: /);
        }
      }
    }
  });

  test('random bit flips give a FormatError or a parsed file, never another exception', () => {
    const base = buildMat(
      [
        { name: 'X', cls: mx.DOUBLE, dims: [3, 2], type: mi.DOUBLE, values: [1, 2, 3, 4, 5, 6] },
        { name: 'y', cls: mx.UINT8, dims: [3, 1], type: mi.UINT8, values: [1, 2, 10] },
      ],
      { compress: true },
    );
    fc.assert(
      fc.property(fc.array(fc.nat(base.length * 8 - 1), { minLength: 1, maxLength: 4 }), (bits) => {
        const b = base.slice();
        for (const bit of bits) b[bit >> 3] ^= 1 << (bit & 7);
        try {
          const mat = readMat(b, 'flip.mat');
          for (const n of mat.names()) mat.matrix(n);
        } catch (e) {
          assert.ok(e instanceof FormatError, String(e));
        }
      }),
      { numRuns: 1500 },
    );
  });

  const weights = shared('ex4weights.mat');
  test('reads the course’s MATLAB-written ex4weights.mat: Theta1 25×401 and Theta2 10×26', { skip: weights.skip }, () => {
    const mat = readMatFile(weights.path);
    assert.match(mat.header, /^MATLAB 5\.0 MAT-file, Platform: GLNXA64/);
    const T1 = mat.matrix('Theta1');
    const T2 = mat.matrix('Theta2');
    assert.equal(T1.shape, '25×401');
    assert.equal(T2.shape, '10×26');
    // Values as scipy.io.loadmat reads them.
    assert.equal(T1.get(0, 0), -0.022562389859934213);
    assert.equal(T1.get(0, 1), -1.0562416310683364e-8);
    assert.equal(T2.get(9, 25), -1.3275204189639918);
  });

  const data = shared('ex4data1_reconstructed.mat');
  test('reads the rebuilt ex4data1: X 5000×400 and y stored as uint8 labels 1..10', { skip: data.skip }, () => {
    const mat = readMatFile(data.path);
    const X = mat.matrix('X');
    const y = mat.matrix('y');
    assert.equal(X.shape, '5000×400');
    assert.equal(y.shape, '5000×1');
    assert.equal(mat.variables().find((v) => v.name === 'y')?.class, 'uint8');
    let min = Infinity;
    let max = -Infinity;
    let zeros = 0;
    for (const v of X.data) {
      min = Math.min(min, v);
      max = Math.max(max, v);
      if (v === 0) zeros++;
    }
    // The figures of ../shared/data/README.md.
    // The README prints these to 16 digits; the stored doubles are within 2e-16 of them.
    assert.ok(Math.abs(min - -0.1319632301985248) < 2e-16, `min ${min}`);
    assert.ok(Math.abs(max - 1.127688299158888) < 1e-15, `max ${max}`);
    assert.equal((100 * zeros / X.data.length).toFixed(1), '52.5');
    const counts = new Array(11).fill(0);
    for (const v of y.data) counts[v]++;
    assert.deepEqual(counts.slice(1), new Array(10).fill(500));
  });
});

describe('MAT-file writer', () => {
  test('writes matrices that read back bit-identical, compressed or not', () => {
    const matrixArb = fc
      .tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 6 }))
      .chain(([r, c]) => fc.array(fc.double(), { minLength: r * c, maxLength: r * c }).map((v) => new Matrix(r, c, Float64Array.from(v))));
    fc.assert(
      fc.property(matrixArb, matrixArb, fc.boolean(), (A, B, compress) => {
        const back = readMat(writeMat({ A, LongVariableName_1: B }, { compress }));
        const a = back.matrix('A');
        const b = back.matrix('LongVariableName_1');
        assert.equal(a.shape, A.shape);
        assert.equal(b.shape, B.shape);
        assert.deepEqual(new Uint8Array(a.data.buffer), new Uint8Array(A.data.buffer));
        assert.deepEqual(new Uint8Array(b.data.buffer), new Uint8Array(B.data.buffer));
      }),
      { numRuns: 300 },
    );
  });

  test('refuses names MATLAB would not accept and duplicate names', () => {
    const M = new Matrix(1, 1);
    assert.throws(() => writeMat({ '1abc': M }), ValueError);
    assert.throws(() => writeMat([['a', M], ['a', M]]), /given twice/);
  });

  const python = (() => {
    try {
      execFileSync('python3', ['-c', 'import scipy.io, numpy'], { stdio: 'ignore' });
      return false as const;
    } catch {
      return 'needs python3 with NumPy and SciPy (an optional interoperability peer)';
    }
  })();

  test('scipy.io.loadmat reads what we write exactly', { skip: python }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'nnlearn-mat-'));
    const A = Matrix.fromRows([
      [0.1, -2, 3e-300],
      [Math.PI, 5, -0],
    ]);
    const file = join(dir, 'a.mat');
    writeFileSync(file, writeMat({ Theta1: A }));
    const out = execFileSync('python3', [
      '-c',
      'import scipy.io,sys,json; a=scipy.io.loadmat(sys.argv[1])["Theta1"]; print(json.dumps({"shape":a.shape,"dtype":str(a.dtype),"values":[repr(float(v)) for v in a.ravel()]}))',
      file,
    ]).toString();
    const r = JSON.parse(out) as { shape: number[]; dtype: string; values: string[] };
    assert.deepEqual(r.shape, [2, 3]);
    assert.equal(r.dtype, 'float64');
    // Python's repr is the shortest string that reads back to the same double; -0.0 keeps its sign.
    r.values.forEach((v, i) => assert.ok(Object.is(Number(v), A.data[i]), `${v} vs ${A.data[i]}`));
  });

  test('we read what scipy.io.savemat writes, in every numeric type', { skip: python }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'nnlearn-mat-'));
    const file = join(dir, 'b.mat');
    execFileSync('python3', [
      '-c',
      `import numpy as np, scipy.io, sys
a = np.array([[1, 2, 3], [4, 5, 6]])
scipy.io.savemat(sys.argv[1], {t: a.astype(t) for t in ['float64', 'float32', 'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64']} | {'b': a > 2}, do_compression=True)`,
      file,
    ]);
    const mat = readMat(new Uint8Array(readFileSync(file)), file);
    for (const name of ['float64', 'float32', 'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64']) {
      assert.deepEqual(mat.matrix(name).toRows(), [
        [1, 2, 3],
        [4, 5, 6],
      ]);
    }
    assert.deepEqual(mat.matrix('b').toRows(), [
      [0, 0, 1],
      [1, 1, 1],
    ]);
  });
});
