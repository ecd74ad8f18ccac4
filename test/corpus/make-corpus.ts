/**
 * Writes the regression corpus (run: npx tsx test/corpus/make-corpus.ts). Each file is an input that once crashed,
 * hung, ran out of memory or was silently misread; cases.json says what happened and what nnlearn answers now.
 * The files are committed: the test replays them as they are, so a change here shows in review.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { modelToJson } from '../../src/nn/model.js';
import { Network } from '../../src/nn/network.js';
import { writeMat } from '../../src/data/mat.js';
import { Matrix } from '../../src/linalg/matrix.js';
import { buildMat, mi, mx } from '../data/mat-builder.js';

const dir = new URL('./', import.meta.url);
const put = (name: string, content: string | Uint8Array) => {
  mkdirSync(new URL(name.replace(/[^/]*$/, ''), dir), { recursive: true });
  writeFileSync(new URL(name, dir), content);
};

// model JSON: JSON has no NaN (JSON.stringify writes null), and a Float64Array turned null into 0 and "0.5" into 0.5
const model = modelToJson(Network.random([2, 2, 2], { seed: 1 })) as unknown as { thetas: unknown[][][] };
model.thetas[0][0][0] = null;
put('model/null-weight.json', `${JSON.stringify(model)}\n`);
model.thetas[0][0][0] = '0.5';
put('model/string-weight.json', `${JSON.stringify(model)}\n`);

// CSV labels: Int32Array wrapped 2^32 + 1 to 1; a label of a million asked for a million output units
put('csv/label-2pow32-plus-1.csv', 'label,a\n1,0.5\n4294967297,0.25\n');
put('csv/label-one-million.csv', 'label,a\n1,0.5\n1000000,0.25\n');

// an expression nested 2,000 deep overflowed the parser's stack
put('expression/nested-2000.txt', `${'('.repeat(2000)}x${')'.repeat(2000)}\n`);

// graph: ∂(x^0)/∂x at 0 was 0·0^(−1) = NaN; infinite and undefined values were printed with exit code 0; literals
// were not the flags' decimals (0x10 was 0 then a name, 1e400 was Infinity); a 1 MB expression's parse error
// repeated all of it
put('expression/pow-zero-at-zero.txt', 'x^0\n');
put('expression/divide-by-zero.txt', '1/0\n');
put('expression/log-at-zero.txt', 'log(x)\n');
put('expression/staged-log-negative.txt', 'd = x - 1; l = log(d); l * 2\n');
put('expression/exp-overflow.txt', 'exp(1000)\n');
put('expression/zero-negative-power.txt', '0^-1\n');
put('expression/cube-root-of-negative.txt', '(-8)^(1/3)\n');
put('expression/sqrt-at-zero.txt', 'x^0.5\n');
put('expression/gradient-overflow.txt', '1e200 * x * 1e200\n');
put('expression/hex-literal.txt', '0x10 * x\n');
put('expression/literal-overflow.txt', '1e400 * x\n');
put('expression/set-hex-value.txt', 'x\n');
put('expression/infinity-literal.txt', 'x * Infinity\n');
put('expression/one-megabyte.txt', `${'x + '.repeat(262_144)}#\n`);

// an IDX gzip bomb: the header declares one 28×28 image, the stream holds 16 MB (it was inflated whole first)
const header = new Uint8Array(16);
new DataView(header.buffer).setUint32(4, 1, false);
header.set([0, 0, 8, 3]);
new DataView(header.buffer).setUint32(8, 28, false);
new DataView(header.buffer).setUint32(12, 28, false);
const bomb = new Uint8Array(16 + (16 << 20));
bomb.set(header);
put('idx/bomb-images-idx3-ubyte.gz', gzipSync(bomb, { level: 9 }));

// IDX labels stored as int: 2^31 - 1 asked for 2^31 output units
const labels = new Uint8Array(8 + 8);
const lv = new DataView(labels.buffer);
labels.set([0, 0, 0x0c, 1]);
lv.setUint32(4, 2, false);
lv.setInt32(8, 3, false);
lv.setInt32(12, 2147483647, false);
put('idx/huge-label-labels-idx1-ubyte', labels);
// … with two 2×2 images for them to label
put('idx/two-images-idx3-ubyte', Uint8Array.from([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2, 0, 255, 255, 0, 255, 0, 0, 255]));

// MAT labels: y = 2^32 + 1 wrapped to 1 in an Int32Array
put(
  'mat/label-2pow32-plus-1.mat',
  writeMat(
    { X: new Matrix(2, 2, Float64Array.from([0, 1, 1, 0])), y: new Matrix(2, 1, Float64Array.from([1, 4294967297])) },
    { headerText: 'MATLAB 5.0 MAT-file, Platform: nnlearn regression corpus' },
  ),
);

// MAT header claiming a 100000×100000 double matrix with three values: refused before allocating 80 GB
put('mat/claims-100000x100000.mat', buildMat([{ name: 'X', cls: mx.DOUBLE, dims: [100000, 100000], type: mi.DOUBLE, values: [1, 2, 3] }]));

// checkpoint: flags that are not strings reached the flag parser (TypeError: text.trim is not a function)
put(
  'checkpoint/number-flag.json',
  `${JSON.stringify({
    format: 'nnlearn-checkpoint',
    version: 3,
    flags: { hidden: 25 },
    state: { optimizer: 'fmincg', x: [0], vectors: { df1: [0], s: [0] }, numbers: { f1: 1, d1: 1, z1: 1, i: 1 }, costHistory: [1], evaluations: 1, initialCost: 1, previousCost: 1, validation: null },
  })}\n`,
);
put(
  'checkpoint/null-state.json',
  `${JSON.stringify({ format: 'nnlearn-checkpoint', version: 3, flags: { hidden: '25' }, state: null })}\n`,
);

// --- issue 13: degenerate data, line endings, model files ---

// the first line has a blank field: it was taken as a header and one example silently dropped (a header is a
// line that is not numbers, never one with a blank)
put('csv/blank-field-first-line.csv', '1,,0.5\n2,0.25,0.5\n1,0.3,0.1\n2,0.9,0.2\n');
// CR-only line endings (classic Mac OS, some exports) were read as "a header but no data"
put('csv/cr-only.csv', 'label,a,b\r1,0,0\r2,1,1\r1,0.1,0\r2,0.9,1\r1,0,0.2\r2,1,0.8\r');
// labels the trained model lacks, in the held-out data (7 where the training data has 1 and 2)
put('csv/test-label-outside.csv', 'label,a,b\n7,0,0\n1,1,1\n');
// one class: a classifier trained on it always says that class
put('csv/one-class.csv', 'label,a,b\n1,0,0\n1,1,1\n1,0.5,0.5\n');
// four features, for the model files below
put('csv/four-features.csv', 'label,a,b,c,d\n1,0.1,0.5,0.2,0.3\n2,0.25,0.5,0.1,0.1\n');

// no examples: a 0×400 MAT-file and a 0-image IDX trained to "Accuracy: 0.00% (0 examples)", "Final cost: NaN"
put(
  'mat/no-examples-0x400.mat',
  buildMat([
    { name: 'X', cls: mx.DOUBLE, dims: [0, 400], type: mi.DOUBLE, values: [] },
    { name: 'y', cls: mx.DOUBLE, dims: [0, 1], type: mi.DOUBLE, values: [] },
  ]),
);
const noImages = new Uint8Array(16);
noImages.set([0, 0, 8, 3]);
new DataView(noImages.buffer).setUint32(8, 28, false);
new DataView(noImages.buffer).setUint32(12, 28, false);
put('idx/no-images-idx3-ubyte', noImages);
put('idx/no-labels-idx1-ubyte', Uint8Array.from([0, 0, 8, 1, 0, 0, 0, 0]));

// a model whose image is -2×-2 (4 pixels, as its 4 inputs): an internal error in drawing once
const small = modelToJson(Network.random([4, 2, 2], { seed: 1 })) as unknown as Record<string, unknown>;
put('model/image-minus-2.json', `${JSON.stringify({ ...small, image: { height: -2, width: -2, order: 'row-major' } })}\n`);
// a UTF-8 byte-order mark (Windows editors write one): refused with an invisible character in the message once
put('model/byte-order-mark.json', `\ufeff${JSON.stringify(small)}\n`);

// --- CSV headers: one bad value in the first row, pandas' numbered header, class names ---

// a NaN in the first row made it a header (any field not a number did): that example was dropped without a word
put('csv/nan-first-line.csv', '1,NaN,0.5\n2,0.25,0.5\n1,0.3,0.1\n2,0.9,0.2\n');
// pandas' to_csv(index=False) of an unnamed frame writes the header 0,1,2: it was read as an example of class 0
put('csv/pandas-numbered-header.csv', '0,1,2\n1,0,0\n2,1,1\n1,0.1,0\n2,0.9,1\n1,0,0.2\n2,1,0.8\n');
// class names: line 1 was taken as a header and line 2's name refused as if it were a typo
put('csv/class-names.csv', 'cat,0.5,0.25\ndog,0.125,0\ncat,0.75,0.5\n');
// NumPy's savetxt writes numbers separated by spaces: line 1 was taken as a header, line 2 refused as one field
put(
  'csv/numpy-savetxt.csv',
  ['1 0 0', '2 1 1', '1 0.1 0', '2 0.9 1', '1 0 0.2', '2 1 0.8'].map((l) => l.split(' ').map((v) => Number(v).toExponential(18).replace(/e([+-])(\d)$/, 'e$10$2')).join(' ')).join('\n') + '\n',
);

// --- CSV label columns: a first column of zeros, one-hot labels ---

// labels in the middle (column 3), the first column 0 throughout: it was read as the labels, all 0, silently
put('csv/label-column-in-middle.csv', '0,0.5,1,0.25\n0,0.125,2,0.75\n0,1,3,0\n0,0.25,2,0.5\n');
// one-hot labels in the last 3 columns: the advice was --label-column last, a 2-class task on one of them
put('csv/one-hot-last.csv', '0.5,0.25,1,0,0\n0.125,0,0,1,0\n1,0.75,0,0,1\n0,1,1,0,0\n');
// 10 labels 0, 100, …, 900: a network of 901 outputs, 891 of them never used, without a word
put('csv/labels-spread.csv', `${Array.from({ length: 20 }, (_, i) => `${(i % 10) * 100},${(i % 7) / 8},${(i % 3) / 4}`).join('\n')}\n`);
