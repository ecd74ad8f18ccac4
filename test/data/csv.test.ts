/**
 * CSV data sets (label, then features): parsing, the header, pixel scaling, and errors that name line and column.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { CsvParser, oneHotColumns, parseCsv, parseCsvTable, scalePixels, splitLabels } from '../../src/data/csv.js';
import { FormatError } from '../../src/errors.js';
import { loadDataset } from '../../src/cli/data.js';
import { Matrix } from '../../src/linalg/matrix.js';
import { writeMat } from '../../src/data/mat.js';

test('a CSV with a header reads as labels and a feature matrix', () => {
  const d = parseCsv('label,p1,p2\n5,0,255\n0,128,1\n', 'x.csv');
  assert.equal(d.header, true);
  assert.deepEqual(Array.from(d.y), [5, 0]);
  assert.deepEqual(d.X.toRows(), [
    [0, 255],
    [128, 1],
  ]);
  assert.equal(scalePixels(d.X), 255);
  assert.deepEqual(d.X.toRows(), [
    [0, 1],
    [128 / 255, 1 / 255],
  ]);
  const noHeader = parseCsv('1;0.5;0.25\r\n2;0;1\r\n');
  assert.equal(noHeader.header, false);
  assert.equal(scalePixels(noHeader.X), 1, 'values already in [0, 1] stay');
});

test('bad CSV lines are FormatErrors that name the line and the column', () => {
  assert.throws(() => parseCsv('1,2,3\n4,5\n', 'd.csv'), /d\.csv: line 2 has 2 fields, but line 1 has 3/);
  assert.throws(() => parseCsv('1,2,3\n4,5,x\n', 'd.csv'), /line 2, column 3: "x" is not a finite number/);
  assert.throws(() => parseCsv('1.5,2\n', 'd.csv'), /column 1 does not look like labels \(it holds 1\.5 on data row 1/);
  assert.throws(() => parseCsv('\n\n', 'd.csv'), /empty/);
  assert.throws(() => parseCsv('a,b\n', 'd.csv'), /a header but no data/);
  assert.throws(() => parseCsv('1,NaN\n'), FormatError);
});

test('integer matrices round-trip through CSV text', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }), fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 36, maxLength: 36 }), (m, n, vals) => {
      const rows = Array.from({ length: m }, (_, i) => [i % 10, ...vals.slice(i * n, (i + 1) * n)]);
      // a first line 0,1,2,… numbers the columns: pandas' header (tested above)
      fc.pre(!(n >= 2 && rows[0].every((v, k) => v === k)));
      const text = rows.map((r) => r.join(',')).join('\n');
      // columns of 0s and 1s with a single 1 in each row, at an end, are one-hot labels (tested below)
      fc.pre(oneHotColumns(parseCsvTable(text)) === undefined);
      const d = parseCsv(text);
      assert.deepEqual(Array.from(d.y), rows.map((r) => r[0]));
      assert.deepEqual(d.X.toRows(), rows.map((r) => r.slice(1)));
    }),
    { numRuns: 200 },
  );
});

test('--data accepts a .csv: zero-based labels when a 0 appears, pixels scaled, square images row-major', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nnlearn-csv-'));
  const file = join(dir, 'tiny.csv');
  writeFileSync(file, 'label,a,b,c,d\n0,0,255,0,255\n1,255,0,255,0\n2,10,20,30,40\n');
  const data = loadDataset(file);
  assert.equal(data.labels, 'zero-based');
  assert.equal(data.numLabels, 3);
  assert.deepEqual(data.image, { height: 2, width: 2, order: 'row-major' });
  assert.equal(data.X.get(0, 1), 1);
  assert.ok(data.X instanceof Matrix);
});

test('a header is a line that is not numbers; a first line with an empty field is data with a value missing', () => {
  assert.equal(parseCsvTable('label,p1\n1,2\n').header?.join('|'), 'label|p1');
  assert.equal(parseCsvTable('"label","p 1"\n1,2\n').header?.join('|'), 'label|p 1');
  assert.equal(parseCsvTable('1,2\n3,4\n').header, undefined);
  // once read as a header, silently dropping one example
  assert.throws(() => parseCsvTable('1,,3\n4,5,6\n', 'g.csv'), /g\.csv: line 1, column 2: the field is empty/);
});

test('a first line of data with one bad value is refused at its line and column, never dropped as a header', () => {
  // each was once taken as a header (any field not a number made one): the first example vanished without a word
  const rest = '2,0.25,0.5,0.75\n1,0.3,0.1,0.2\n';
  assert.throws(() => parseCsvTable(`1,NaN,0.5,0.5\n${rest}`, 'n.csv'), /^FormatError: n\.csv: line 1, column 2: "NaN" is not a finite number$/);
  assert.throws(() => parseCsvTable(`1,0.5,0.1.2,0.5\n${rest}`, 'n.csv'), /n\.csv: line 1, column 3: "0\.1\.2" is not a finite number$/);
  assert.throws(() => parseCsvTable(`1,0.5,0.5,x\n${rest}`, 'n.csv'), /line 1, column 4: "x" is not a finite number/);
  // after blank lines, the line is still the file's
  assert.throws(() => parseCsvTable(`\n\n1,inf,0.5,0.5\n${rest}`, 'n.csv'), /line 3, column 2: "inf"/);
  // a header of names, even a short one or with numbers among them, is still a header
  assert.deepEqual(parseCsvTable(`label,a,b,c\n${rest}`).header, ['label', 'a', 'b', 'c']);
  assert.deepEqual(parseCsvTable(`y,x1,x2,3\n${rest}`).header, ['y', 'x1', 'x2', '3']);
  assert.equal(parseCsvTable(`label,a,b,c\n${rest}`).rows, 2);
});

test('a header that numbers the columns (pandas’ to_csv of an unnamed frame) is a header, not an example of class 0', () => {
  // once read as data: a phantom example with the label 0, and an eleventh class
  const rows = '10,0.5,0.25,0,1\n3,0.125,0,1,0\n';
  for (const header of ['0,1,2,3,4', 'label,0,1,2,3', 'label,1,2,3,4', '"0","1","2","3","4"']) {
    const t = parseCsvTable(`${header}\n${rows}`);
    assert.equal(t.rows, 2, header);
    assert.deepEqual(Array.from(t.values), [10, 0.5, 0.25, 0, 1, 3, 0.125, 0, 1, 0], header);
  }
  // integers from pandas too (MNIST's pixels): the header 0..n-1, then data
  assert.equal(parseCsvTable('0,1,2,3\n5,0,0,255\n0,17,3,0\n').rows, 2);
  // lines of data that merely count up, and a numbering not from 0, stay data
  assert.equal(parseCsvTable('0,1,2\n3,4,5\n').rows, 2);
  assert.equal(parseCsvTable('1,2,3\n4,5,6\n').rows, 2);
  assert.equal(parseCsvTable('0,1\n1,0\n').rows, 2, 'two columns: too few to tell a numbering');
  assert.equal(parseCsvTable('0.0,1.0,2.0\n1,0.5,0.5\n').rows, 2, 'decimals are values, not column names');
  // a header alone is a header with no data
  assert.throws(() => parseCsvTable('0,1,2,3\n', 'p.csv'), /p\.csv: a header but no data/);
});

test('class names where the labels go are refused with the advice to number the classes', () => {
  // once line 1 was taken as a header, and line 2 refused as if "dog" were a typo
  const msg = /t\.csv: line 1, column 1: "cat" is not a finite number; if column 1 holds class names, write each class as a whole number 0\.\.K-1/;
  assert.throws(() => parseCsvTable('cat,0.5,0.25\ndog,0.125,0\n', 't.csv'), msg);
  assert.throws(() => parseCsvTable('0.5,0.25,dog\n0.125,0,cat\n', 't.csv'), /line 1, column 3: "dog" is not a finite number; if column 3 holds class names/);
  assert.throws(() => parseCsvTable('label,a,b\ncat,0.5,0.25\ndog,0.125,0\n', 't.csv'), /line 2, column 1: "cat" .*class names/);
  // a NaN is no class name, and a name among the features is not where labels go
  assert.throws(() => parseCsvTable('NaN,0.5,0.25\n1,0.125,0\n', 't.csv'), /"NaN" is not a finite number$/);
  assert.throws(() => parseCsvTable('1,abc,0.25\n1,0.125,0\n', 't.csv'), /"abc" is not a finite number$/);
});

test('fields separated by spaces (NumPy’s savetxt, Octave’s save -ascii) are read, however many spaces', () => {
  // once line 1 was taken as a header and each later line reported as one field that is not a number
  const want = [10, 0, 0.5, -1.25e-3, 3, 1, 2, 0.25];
  for (const text of [
    '1.000000000000000000e+01 0.000000000000000000e+00 5.000000000000000000e-01 -1.250000000000000000e-03\n3.0 1.0 2.0 0.25\n',
    ' 1.00000000e+01 0.00000000e+00 5.00000000e-01 -1.25000000e-03\r\n 3.00000000e+00 1.00000000e+00 2.00000000e+00 2.50000000e-01\r\n',
    '10   0  0.5 -0.00125  \n  3 1\t2 0.25',
  ]) {
    const t = parseCsvTable(text, 's.csv');
    assert.deepEqual({ rows: t.rows, cols: t.cols, values: Array.from(t.values), header: t.header }, { rows: 2, cols: 4, values: want, header: undefined }, JSON.stringify(text));
  }
  assert.deepEqual(parseCsvTable('label p1 p2\n1 0.5 0.25\n').header, ['label', 'p1', 'p2']);
  assert.throws(() => parseCsvTable('1 0.5 0.25\n2 0.5\n', 's.csv'), /s\.csv: line 2 has 2 fields, but line 1 has 3/);
  assert.throws(() => parseCsvTable('1 0.5 0.25\n2 0.5 x\n', 's.csv'), /s\.csv: line 2, column 3: "x" is not a finite number/);
  // a single column keeps its spaces' meaning: none in the line, one field
  assert.deepEqual(Array.from(parseCsvTable(' 1\n 2 \n').values), [1, 2]);
});

test('CR, CRLF and LF line endings, mixed, quoted fields with "" and separators inside, and a byte-order mark', () => {
  const want = { rows: 3, cols: 3, values: [1, 2, 3, 4, 5, 6, 7, 8, 9] };
  for (const text of ['1,2,3\r4,5,6\r7,8,9', '1,2,3\r\n4,5,6\r\n7,8,9\r\n', '1,2,3\n4,5,6\r7,8,9\r\n\n', '\ufeff1,2,3\n4,5,6\n7,8,9']) {
    const t = parseCsvTable(text);
    assert.deepEqual({ rows: t.rows, cols: t.cols, values: Array.from(t.values) }, want, JSON.stringify(text));
  }
  const q = parseCsvTable('"a,b","say ""hi""",c\r\n"1",2,"3"\r\n');
  assert.deepEqual(q.header, ['a,b', 'say "hi"', 'c']);
  assert.deepEqual(Array.from(q.values), [1, 2, 3]);
  assert.equal(parseCsvTable('x;y\n1;2\n').cols, 2, 'semicolons');
  assert.equal(parseCsvTable('x\ty\n1\t2\n').cols, 2, 'tabs');
  assert.throws(() => parseCsvTable('a,b\n"1,2\n'), /a quoted field opened on line 2 never closes/);
});

test('the same table whatever pieces the text arrives in (a stream cut anywhere: in a field, a quote, a CRLF, spaces)', () => {
  const field = fc.oneof(fc.integer({ min: -1000, max: 1000 }).map(String), fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }).map(String));
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 4 }),
      fc.array(fc.array(field, { minLength: 4, maxLength: 4 }), { minLength: 1, maxLength: 6 }),
      fc.constantFrom('\n', '\r\n', '\r'),
      fc.boolean(),
      fc.array(fc.nat(), { maxLength: 8 }),
      fc.constantFrom(',', ';', '\t', ' ', '   '),
      fc.constantFrom('', ' ', '  '),
      (cols, rows, eol, quote, cuts, sep, pad) => {
        const q = (f: string) => (quote ? `"${f}"` : f);
        // spaces around a line only where spaces separate (elsewhere, or in a single column, they belong to the field)
        const around = sep.startsWith(' ') && cols > 1 ? pad : '';
        const line = (r: string[]) => around + r.slice(0, cols).map(q).join(sep) + around;
        const text = [line(['a', 'b', 'c', 'd']), ...rows.map(line)].join(eol) + eol;
        const whole = parseCsvTable(text);
        const p = new CsvParser();
        let at = 0;
        for (const c of [...cuts.map((k) => k % (text.length + 1))].sort((a, b) => a - b)) {
          p.push(text.slice(at, c));
          at = c;
        }
        p.push(text.slice(at));
        const pieces = p.end();
        assert.deepEqual(pieces, whole);
        assert.equal(whole.rows, rows.length);
        assert.deepEqual(Array.from(whole.values), rows.flatMap((r) => r.slice(0, cols).map(Number)));
      },
    ),
    { numRuns: 300 },
  );
});

describe('the label column', () => {
  // 6 examples of 3 "pixels" (0..255) and a label 0..2
  const rows = [
    [0, 255, 3, 0],
    [0, 128, 40, 1],
    [0, 17, 255, 2],
    [0, 0, 9, 0],
    [0, 200, 77, 1],
    [0, 31, 100, 2],
  ];
  const labelLast = rows.map((r) => r.join(',')).join('\n');
  const labelFirst = rows.map((r) => [r[3], ...r.slice(0, 3)].join(',')).join('\n');

  test('a label-last file read label-first is an error that names --label-column last, never a silent 8%', () => {
    assert.throws(() => splitLabels(parseCsvTable(labelLast, 'l.csv'), 'auto', 'l.csv'), /l\.csv: column 1 does not look like labels \(it has the single value 0 in all 6 rows\); the last column does: use --label-column last/);
    const { X, y } = splitLabels(parseCsvTable(labelLast), 'last', 'l.csv');
    assert.deepEqual(Array.from(y ?? []), [0, 1, 2, 0, 1, 2]);
    assert.deepEqual(X.toRows(), rows.map((r) => r.slice(0, 3)));
    const first = splitLabels(parseCsvTable(labelFirst), 'auto', 'f.csv');
    assert.deepEqual(Array.from(first.y ?? []), [0, 1, 2, 0, 1, 2]);
    assert.deepEqual(first.X.toRows(), rows.map((r) => r.slice(0, 3)));
  });

  test('a header’s "label" column is the labels wherever it stands; a number chooses a column; none reads features only', () => {
    const t = parseCsvTable(`p1,p2,Label,p3\n${rows.map((r) => [r[0], r[1], r[3], r[2]].join(',')).join('\n')}`);
    assert.deepEqual(Array.from(splitLabels(t, 'auto', 'h.csv').y ?? []), [0, 1, 2, 0, 1, 2]);
    assert.deepEqual(Array.from(splitLabels(parseCsvTable(labelLast), 3, 'n.csv').y ?? []), [0, 1, 2, 0, 1, 2]);
    assert.equal(splitLabels(parseCsvTable(labelLast), 'none', 'n.csv').y, undefined);
    assert.equal(splitLabels(parseCsvTable(labelLast), 'auto', 'n.csv', { features: 4 }).y, undefined, 'as many columns as inputs: no labels');
  });

  test('a chosen column that cannot be labels is an error naming one that can', () => {
    const t = parseCsvTable('0.5,1\n0.25,2\n0.75,1\n');
    assert.throws(() => splitLabels(t, 'first', 'c.csv'), /column 1 does not look like labels \(it holds 0\.5 on data row 1.*\); the last column does: use --label-column last/);
    assert.throws(() => splitLabels(parseCsvTable('0.5,0.1\n0.25,0.2\n'), 'auto', 'c.csv'), /give the label column with --label-column N, or --label-column none/);
  });

  // the middle: 6 examples with pixels around a label column 3, the first pixel 0 throughout (as the digits' are)
  const labelMiddle = rows.map((r) => [r[0], r[1], r[3], r[2]].join(',')).join('\n');

  test('a first column of one value is not taken for labels: the error names the column that looks like them', () => {
    // once read as labels (all 0): the course's data with its labels in column 201 cost 9.24, with a note of labels 0..9
    assert.throws(() => splitLabels(parseCsvTable(labelMiddle), 'auto', 'm.csv'), /^FormatError: m\.csv: column 1 does not look like labels \(it has the single value 0 in all 6 rows\); column 3 does: use --label-column 3$/);
    assert.deepEqual(Array.from(splitLabels(parseCsvTable(labelMiddle), 2, 'm.csv').y ?? []), [0, 1, 2, 0, 1, 2]);
    // with none that looks like labels, the way to say that this one is
    const one = '3,0.5,0.25\n3,0.125,0.75\n3,1,0\n';
    assert.throws(() => splitLabels(parseCsvTable(one), 'auto', 'o.csv'), /o\.csv: column 1 may not be labels \(it has the single value 3 in all 3 rows\) and no other column looks like labels; give the label column with --label-column N \(--label-column first if it is this one\), or --label-column none for features only$/);
    assert.deepEqual(Array.from(splitLabels(parseCsvTable(one), 'first', 'o.csv').y ?? []), [3, 3, 3]);
    // a middle column of 0s and 1s is no label column to advise (a binary feature looks like two classes)
    assert.throws(() => splitLabels(parseCsvTable('0,1,0.5,0.5\n0,0,0.25,0.5\n0,1,0.75,0.5\n'), 'auto', 'b.csv'), /column 1 may not be labels/);
  });

  // one-hot labels: 6 examples of 2 features, classes 0..2 as 3 columns of 0/1
  const hotRows = [
    [0.5, 0.25, 1, 0, 0],
    [0.125, 0, 0, 1, 0],
    [1, 0.75, 0, 0, 1],
    [0, 1, 1, 0, 0],
    [0.25, 0.5, 0, 1, 0],
    [0.75, 0.125, 0, 0, 1],
  ];
  test('one-hot label columns, at the end or the start, are refused with the advice to write class numbers', () => {
    // once the advice was --label-column last, which trained 2 classes on the last of them
    const last = hotRows.map((r) => r.join(',')).join('\n');
    const first = hotRows.map((r) => [...r.slice(2), ...r.slice(0, 2)].join(',')).join('\n');
    const advice = 'one-hot labels \\(a single 1 in each row\\); nnlearn reads one label column: write the class number instead \\(argmax';
    for (const choice of ['auto', 'last'] as const) {
      assert.throws(() => splitLabels(parseCsvTable(last), choice, 'h.csv'), new RegExp(`^FormatError: h\\.csv: the last 3 columns are ${advice}`));
    }
    for (const choice of ['auto', 'first'] as const) {
      assert.throws(() => splitLabels(parseCsvTable(first), choice, 'h.csv'), new RegExp(`h\\.csv: the first 3 columns are ${advice}`));
    }
    assert.throws(() => splitLabels(parseCsvTable(`a,b,y0,y1,y2\n${last}`), 'auto', 'h.csv'), /the last 3 columns are one-hot/);
    // a class label given elsewhere stands; a bias column of ones beside zeros is not one-hot
    assert.deepEqual(Array.from(splitLabels(parseCsvTable(hotRows.map((r, i) => [i % 2, ...r].join(',')).join('\n')), 'first', 'h.csv').y ?? []), [0, 1, 0, 1, 0, 1]);
    const bias = splitLabels(parseCsvTable(rows.map((r) => [1, ...r].join(',')).join('\n')), 'last', 'b.csv');
    assert.deepEqual(Array.from(bias.y ?? []), [0, 1, 2, 0, 1, 2]);
    assert.deepEqual(oneHotColumns(parseCsvTable('1,0,0.5\n1,0,0.25\n')), undefined);
    assert.deepEqual(oneHotColumns(parseCsvTable('0.5,0,1\n0.25,1,0\n')), { end: 'last', count: 2 });
  });
});

test('labels far fewer than the classes they imply are refused with the advice to renumber them', () => {
  // once 10 labels 0, 100, …, 900 trained a network of 901 outputs without a word
  const dir = mkdtempSync(join(tmpdir(), 'nnlearn-csv-'));
  const file = (name: string, labels: number[]) => {
    const p = join(dir, name);
    writeFileSync(p, `${labels.map((l, i) => `${l},${(i % 7) / 7},${(i % 3) / 3}`).join('\n')}\n`);
    return p;
  };
  const spread = file('spread.csv', Array.from({ length: 20 }, (_, i) => (i % 10) * 100));
  assert.throws(
    () => loadDataset(spread),
    /^ValueError: .*spread\.csv: 10 different labels, up to 900, would make 901 classes \(zero-based labels 0\.\.900\), most of them with no example; renumber the classes 0\.\.9 \(train's --num-labels 901 keeps them as they are\)$/,
  );
  assert.equal(loadDataset(spread, { numLabels: 901 }).numLabels, 901, 'asked for: kept');
  // the bounds: 5 labels for 21 classes is too few; 6 for 21, or 5 for 20, are classes
  assert.throws(() => loadDataset(file('a.csv', [1, 5, 10, 15, 21, 1])), /5 different labels, up to 21, would make 21 classes \(course labels 1\.\.21\).*renumber the classes 1\.\.5/);
  assert.equal(loadDataset(file('b.csv', [0, 4, 8, 12, 16, 20])).numLabels, 21);
  assert.equal(loadDataset(file('c.csv', [0, 5, 10, 15, 19])).numLabels, 20);
  // the same for a MAT-file's y
  const mat = join(dir, 'spread.mat');
  writeFileSync(mat, writeMat({ X: new Matrix(3, 1, Float64Array.from([0, 0.5, 1])), y: new Matrix(3, 1, Float64Array.from([0, 500, 900])) }));
  assert.throws(() => loadDataset(mat), /spread\.mat: 3 different labels, up to 900, would make 901 classes/);
});
