/**
 * CSV data sets, read by RFC 4180's rules: fields separated by commas (or semicolons, tabs or spaces, as the first
 * line shows), quoted fields with "" for a quote, records ended by CRLF, LF or a lone CR, an optional header line (of
 * names, or numbering the columns as pandas writes it: see isHeader). Every other field must be a finite number; a
 * bad one is reported with its line and column.
 *
 * The parser streams: it takes the text in pieces (`push`) and keeps only the numbers, in blocks of a fixed size,
 * so that a large file never becomes one string nor a list of lines. Which column holds the labels is decided
 * afterwards (`splitLabels`): the first by default (mnist_train.csv's layout), a header's "label" column, the last,
 * a given one, or none — and a column that does not look like labels, while another one does, is an error naming
 * the flag to use (a label-last file read label-first used to give 8% accuracy with no word).
 */
import { FormatError } from '../errors.js';
import { Matrix } from '../linalg/matrix.js';
import { clipMiddle, parseDecimal } from '../format.js';
import { memoryAdvice, MemoryError } from '../memory.js';
import { isLabel, MAX_CLASSES } from './labels.js';

/** Numbers are kept in blocks of this many (8 MB each): growing never copies what was read. */
const BLOCK = 1 << 20;

/** A CSV file's numbers: `rows` records of `cols` fields, row-major, and the header's names if it had one. */
export interface CsvTable {
  rows: number;
  cols: number;
  values: Float64Array;
  header: string[] | undefined;
}


/** Bounds on what a CSV may make nnlearn hold. */
export interface CsvLimits {
  /** the most numbers the table may hold (a memory budget); default: no limit */
  maxValues?: number;
}

/**
 * A file's separator, from its first line: a comma, else a semicolon, else a tab, else runs of spaces when the
 * line has fields between them (NumPy's `savetxt` and Octave's `save -ascii` write so), else (a single column) a
 * comma. Read as a comma-separated line, a space-separated one was one field that is not a number.
 */
function separatorOf(firstLine: string): string {
  if (firstLine.includes(',')) return ',';
  if (firstLine.includes(';')) return ';';
  if (firstLine.includes('\t')) return '\t';
  return /\S +\S/.test(firstLine) ? ' ' : ',';
}

/** Whether a field is a number (written as one: "NaN" and "0.1.2" are not). */
const isNumber = (f: string): boolean => !Number.isNaN(parseDecimal(f));

/** Whether more than half of a line's fields are names (not numbers, not empty): a header of names. */
function mostlyNames(fields: string[]): boolean {
  return fields.every((f) => f.trim() !== '') && fields.filter((f) => !isNumber(f)).length * 2 > fields.length;
}

/**
 * Whether a line's numbers number the columns: whole numbers written as such, each one more than the one before,
 * from 0, or from 0 or 1 after a name (pandas' `to_csv(index=False)` of an unnamed frame writes 0,1,…,400; with a
 * named label column, label,0,1,…). `from` undefined: from any start (a line of data that merely counts up).
 */
function numbersColumns(fields: string[], from?: number): boolean {
  if (fields.length < 3 || fields.some((f) => f.trim() === '')) return false;
  const numbers = fields.filter(isNumber).map((f) => f.trim());
  if (numbers.length < 2 || !numbers.every((f) => /^\d+$/.test(f))) return false;
  const start = Number(numbers[0]);
  if (from !== undefined && !(start === from || (start === from + 1 && numbers.length < fields.length))) return false;
  return numbers.every((f, k) => Number(f) === start + k);
}

/**
 * Whether line 1 is a header: it is written as one, mostly names or numbering the columns, and line 2 (when there
 * is one) is not written so too. Any name used to make line 1 a header, so that one bad value in the first row (a
 * NaN, a typo such as 0.1.2) dropped that example silently; and pandas' header 0,1,…,400 was read as an example
 * of class 0. A line with an empty field is data with a value missing, never a header.
 */
function isHeader(first: string[], second: string[] | undefined): boolean {
  if (mostlyNames(first)) return second === undefined || !mostlyNames(second);
  if (numbersColumns(first, 0)) return second === undefined || !numbersColumns(second);
  return false;
}

/**
 * A hint for a field that is a name in a column where labels usually are (the first or the last): labels are
 * class numbers ("cat", "dog" must be written 0, 1).
 */
function className(field: string, j: number, cols: number): string {
  if (!/[a-z]/i.test(field) || /^[+-]?(nan|inf|infinity)$/i.test(field) || (j !== 0 && j !== cols - 1)) return '';
  return `; if column ${j + 1} holds class names, write each class as a whole number 0..K-1 (labels are class numbers)`;
}

/** The streaming parser: push text, then end() for the table. */
export class CsvParser {
  private sep = '';
  private headerDecided = false;
  private header: string[] | undefined;
  private first: string[] | undefined; // line 1's fields, until line 2 says whether it is a header
  private firstLine = 1;
  private cols = -1;
  private rows = 0;
  private readonly blocks: Float64Array[] = [];
  private count = 0;
  // the record being read
  private field = '';
  private fields: string[] = [];
  private inQuotes = false;
  private wasQuoted = false;
  private quoteSeen = false; // a quote just closed or a doubled quote in progress
  private atStart = true; // nothing of the current field yet
  private line = 1; // the physical line being read
  private recordLine = 1; // where the current record started
  private lastWasCR = false;
  private started = false;

  constructor(
    private readonly source = 'the CSV file',
    private readonly limits: CsvLimits = {},
  ) {}

  /** Reads a piece of the text (any split: inside a field, a quote, between CR and LF). */
  push(text: string): void {
    let t = text;
    if (!this.started && t.length > 0) {
      this.started = true;
      if (t.charCodeAt(0) === 0xfeff) t = t.slice(1); // a byte-order mark, as spreadsheets write
    }
    if (this.sep === '') {
      // the separator is the first line's: buffer until a line ends
      this.field += t;
      const nl = this.field.search(/[\r\n]/);
      if (nl < 0) return;
      const first = this.field.slice(0, nl);
      this.sep = separatorOf(first);
      t = this.field;
      this.field = '';
    }
    this.scan(t);
  }

  private scan(t: string): void {
    const sep = this.sep.charCodeAt(0);
    // separated by spaces: a run of spaces or tabs is one separator, and those that start or end a line none
    const spaces = this.sep === ' ';
    for (let i = 0; i < t.length; i++) {
      const c = t.charCodeAt(i);
      if (this.inQuotes) {
        if (c === 0x22) {
          this.inQuotes = false;
          this.quoteSeen = true;
        } else {
          if (c === 0x0a || c === 0x0d) this.newline(c);
          else this.lastWasCR = false;
          this.field += t[i];
        }
        continue;
      }
      if (c === 0x22 && this.quoteSeen) {
        // "" inside a quoted field: a quote
        this.field += '"';
        this.inQuotes = true;
        this.quoteSeen = false;
        continue;
      }
      this.quoteSeen = false;
      if (spaces && (c === 0x20 || c === 0x09)) {
        if (!this.atStart || this.wasQuoted) this.endField();
      } else if (c === sep) {
        this.endField();
      } else if (c === 0x0a || c === 0x0d) {
        const crlf = c === 0x0a && this.lastWasCR;
        this.newline(c);
        if (!crlf) this.endRecord();
      } else if (c === 0x22 && this.atStart) {
        this.inQuotes = true;
        this.wasQuoted = true;
        this.atStart = false;
      } else if (c === 0x22) {
        throw new FormatError(`${this.source}: line ${this.line}: a quote inside an unquoted field`);
      } else {
        this.field += t[i];
        this.atStart = false;
      }
      if (c !== 0x0d) this.lastWasCR = false;
    }
  }

  private newline(c: number): void {
    if (c === 0x0d) {
      this.line++;
      this.lastWasCR = true;
    } else {
      if (!this.lastWasCR) this.line++;
      this.lastWasCR = false;
    }
  }

  private endField(): void {
    this.fields.push(this.field);
    this.field = '';
    this.wasQuoted = false;
    this.atStart = true;
  }

  private endRecord(): void {
    const blank = this.fields.length === 0 && this.field.trim() === '' && !this.wasQuoted;
    if (blank) {
      // blank lines (between records, at the end) carry nothing
      this.field = '';
      this.atStart = true;
      this.recordLine = this.line;
      return;
    }
    // spaces at the end of a line separate nothing
    if (!(this.sep === ' ' && this.atStart && !this.wasQuoted)) this.endField();
    this.record(this.fields, this.recordLine);
    this.fields = [];
    this.recordLine = this.line;
  }

  private record(fields: string[], line: number): void {
    if (!this.headerDecided) {
      // whether line 1 is a header is decided with line 2 in hand (see isHeader): line 1 waits for it
      if (this.first === undefined) {
        this.first = fields;
        this.firstLine = line;
        this.cols = fields.length;
        return;
      }
      this.decideHeader(fields);
    }
    this.data(fields, line);
  }

  /** Line 1 is the header, or the first record of data, by what it and line 2 (if any) hold. */
  private decideHeader(second: string[] | undefined): void {
    const first = this.first as string[];
    this.headerDecided = true;
    this.first = undefined;
    if (isHeader(first, second)) this.header = first.map((f) => f.trim());
    else this.data(first, this.firstLine);
  }

  private data(fields: string[], line: number): void {
    if (fields.length !== this.cols) {
      const first = this.header === undefined ? 'line 1' : 'the header';
      throw new FormatError(`${this.source}: line ${line} has ${fields.length} field${fields.length === 1 ? '' : 's'}, but ${first} has ${this.cols}`);
    }
    if (this.limits.maxValues !== undefined && this.count + fields.length > this.limits.maxValues) {
      throw new MemoryError(
        `${this.source}: more than ${this.limits.maxValues} numbers (at line ${line}), more than the memory limit allows for them; ${memoryAdvice('a smaller file')}`,
      );
    }
    for (let j = 0; j < fields.length; j++) {
      const f = fields[j].trim();
      const v = parseDecimal(f);
      if (!Number.isFinite(v)) {
        const what = f === '' ? 'the field is empty' : `"${clipMiddle(fields[j], 40)}" is not a finite number${className(f, j, fields.length)}`;
        throw new FormatError(`${this.source}: line ${line}, column ${j + 1}: ${what}`);
      }
      const b = this.count >>> 20;
      if (b === this.blocks.length) this.blocks.push(new Float64Array(BLOCK));
      this.blocks[b][this.count & (BLOCK - 1)] = v;
      this.count++;
    }
    this.rows++;
  }

  /** The table read, once the whole text is pushed. */
  end(): CsvTable {
    if (this.inQuotes) throw new FormatError(`${this.source}: a quoted field opened on line ${this.recordLine} never closes`);
    if (this.sep === '' && this.field !== '') {
      // one line with no line ending
      const t = this.field;
      this.field = '';
      this.sep = separatorOf(t);
      this.scan(t);
    }
    if (this.field !== '' || this.fields.length > 0 || this.wasQuoted) this.endRecord();
    if (this.first !== undefined) this.decideHeader(undefined);
    if (!this.headerDecided) throw new FormatError(`${this.source}: empty`);
    if (this.rows === 0) throw new FormatError(`${this.source}: a header but no data`);
    const values = new Float64Array(this.count);
    this.blocks.forEach((b, k) => values.set(b.subarray(0, Math.min(BLOCK, this.count - k * BLOCK)), k * BLOCK));
    this.blocks.length = 0;
    return { rows: this.rows, cols: this.cols, values, header: this.header };
  }
}

/** The table of a whole CSV text. */
export function parseCsvTable(text: string, source = 'the CSV file', limits: CsvLimits = {}): CsvTable {
  const p = new CsvParser(source, limits);
  p.push(text);
  return p.end();
}

/** Which column holds the labels: chosen by the data ('auto'), the first, the last, a 0-based index, or none. */
export type LabelColumn = 'auto' | 'first' | 'last' | 'none' | number;

/** Header names that mean "the labels". */
const LABEL_NAMES = ['label', 'labels', 'y', 'class', 'target', 'digit'];

/**
 * Why column `j` cannot be labels (a value that is not a whole number in 0..10000), or why it is a poor guess (a
 * single value throughout; values spread far wider than their count, as pixel intensities are); undefined when it
 * looks like labels.
 */
export function labelColumnProblem(t: CsvTable, j: number): { hard: boolean; single: boolean; why: string } | undefined {
  const seen = new Set<number>();
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < t.rows; i++) {
    const v = t.values[i * t.cols + j];
    if (!isLabel(v)) return { hard: true, single: false, why: `it holds ${v} on data row ${i + 1}, and labels are whole numbers from 0 to ${MAX_CLASSES}` };
    if (seen.size <= MAX_CLASSES) seen.add(v);
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (seen.size < 2 && t.rows > 1) return { hard: false, single: true, why: `it has the single value ${min} in all ${t.rows} rows` };
  if (seen.size * 2 < max - min + 1) return { hard: false, single: false, why: `its ${seen.size} values are spread over ${min}..${max}, as features are, not classes` };
  return undefined;
}

/** How splitLabels reads a table: the features expected, and the flag that names the label column. */
export interface SplitOptions {
  /** the number of features expected (a model's inputs): a table with exactly that many columns has no labels */
  features?: number;
  /** the flag that chooses the column, for messages */
  flag?: string;
}

/**
 * The one-hot label columns at an end of a table (the last ones looked at first): the fewest k ≥ 2 columns there,
 * all 0 or 1, with a single 1 in each row, the 1s in more than one column (a bias column of ones beside a column of
 * zeros is no labels). undefined when there are none. A 0/1 column among them looked like a 2-class label column.
 */
export function oneHotColumns(t: CsvTable): { end: 'first' | 'last'; count: number } | undefined {
  for (const end of ['last', 'first'] as const) {
    const count = oneHotWidth(t, end);
    if (count > 0) return { end, count };
  }
  return undefined;
}

function oneHotWidth(t: CsvTable, end: 'first' | 'last'): number {
  if (t.rows < 2) return 0;
  const hot = new Uint8Array(t.rows); // whether row i has its 1 yet
  let rowsDone = 0;
  let columnsUsed = 0;
  for (let c = 0; c < t.cols - 1; c++) {
    const j = end === 'first' ? c : t.cols - 1 - c;
    let ones = 0;
    for (let i = 0; i < t.rows; i++) {
      const v = t.values[i * t.cols + j];
      if (v === 1) {
        if (hot[i] === 1) return 0; // a second 1 in a row
        hot[i] = 1;
        ones++;
      } else if (v !== 0) return 0;
    }
    rowsDone += ones;
    if (ones > 0) columnsUsed++;
    if (rowsDone === t.rows) return c >= 1 && columnsUsed >= 2 ? c + 1 : 0;
  }
  return 0;
}

/** How a column is named in advice: first, last, or its number (1-based), as the flag takes it. */
function columnName(t: CsvTable, k: number): string {
  return k === 0 ? 'first' : k === t.cols - 1 ? 'last' : String(k + 1);
}

/** The column, other than j and the one-hot ones, to advise as the labels: the first or the last, else any. */
function labelLikeColumn(t: CsvTable, j: number, anywhere: boolean, oneHot: Set<number>): number | undefined {
  const fits = (k: number) => k !== j && !oneHot.has(k) && labelColumnProblem(t, k) === undefined;
  const ends = [0, t.cols - 1].find(fits);
  if (ends !== undefined || !anywhere) return ends;
  // a column in the middle: the one with the most classes (a 0/1 feature looks like labels too), at least 3
  let best: number | undefined;
  let most = 2;
  for (let k = 1; k < t.cols - 1; k++) {
    if (!fits(k)) continue;
    const n = new Set(Array.from({ length: t.rows }, (_, i) => t.values[i * t.cols + k])).size;
    if (n > most) [best, most] = [k, n];
  }
  return best;
}

/**
 * The features and the labels of a table, the labels from the chosen column. With 'auto', a header's label
 * column ("label", "y", "class", …), else the first column; when that one does not look like labels (a single
 * value throughout: once a first column of zeros was read as the labels of a file whose labels were in column 201,
 * for a cost of 9.24 with no word) the error names one that does. One-hot label columns at either end are refused
 * with the advice to write class numbers. A chosen column that cannot be labels is an error naming one that can.
 */
export function splitLabels(t: CsvTable, choice: LabelColumn, source: string, options: SplitOptions = {}): { X: Matrix; y: Int32Array | undefined; labelColumn: number | undefined } {
  const flag = options.flag ?? '--label-column';
  if (choice === 'none' || (choice === 'auto' && options.features !== undefined && t.cols === options.features)) {
    return { X: new Matrix(t.rows, t.cols, t.values), y: undefined, labelColumn: undefined };
  }
  if (t.cols < 2) throw new FormatError(`${source}: ${t.cols} column; expected a label and at least one feature (or ${flag} none for features only)`);
  const last = t.cols - 1;
  const named = t.header?.findIndex((h) => LABEL_NAMES.includes(h.toLowerCase())) ?? -1;
  const guessed = choice === 'auto' && named < 0;
  const j = choice === 'auto' ? (named >= 0 ? named : 0) : choice === 'first' ? 0 : choice === 'last' ? last : choice;
  if (!Number.isInteger(j) || j < 0 || j > last) throw new FormatError(`${source}: ${flag} ${j + 1}, but the file has ${t.cols} columns`);
  const hot = oneHotColumns(t);
  const hotColumns = new Set(hot === undefined ? [] : Array.from({ length: hot.count }, (_, c) => (hot.end === 'first' ? c : last - c)));
  if (hot !== undefined && (guessed || hotColumns.has(j))) {
    throw new FormatError(
      `${source}: the ${hot.end} ${hot.count} columns are one-hot labels (a single 1 in each row); nnlearn reads one label column: ` +
        'write the class number instead (argmax, as np.argmax(Y, axis=1))',
    );
  }
  const problem = labelColumnProblem(t, j);
  // a soft problem is only an error when the choice was a guess; a single value throughout is one even alone
  if (problem !== undefined && (problem.hard || guessed)) {
    const alternative = labelLikeColumn(t, j, problem.single, hotColumns);
    if (alternative !== undefined) {
      const where = alternative === 0 || alternative === last ? `the ${columnName(t, alternative)} column` : `column ${alternative + 1}`;
      throw new FormatError(`${source}: column ${j + 1} does not look like labels (${problem.why}); ${where} does: use ${flag} ${columnName(t, alternative)}`);
    }
    if (problem.hard) {
      throw new FormatError(`${source}: column ${j + 1} does not look like labels (${problem.why}); give the label column with ${flag} N, or ${flag} none for features only`);
    }
    if (problem.single) {
      throw new FormatError(
        `${source}: column ${j + 1} may not be labels (${problem.why}) and no other column looks like labels; give the label column with ${flag} N (${flag} ${columnName(t, j)} if it is this one), or ${flag} none for features only`,
      );
    }
  }
  // the features: every column but j, moved left in place (row i's features never overtake what is still to read)
  const n = t.cols - 1;
  const y = new Int32Array(t.rows);
  const v = t.values;
  for (let i = 0; i < t.rows; i++) {
    const src = i * t.cols;
    y[i] = v[src + j];
    const dst = i * n;
    for (let k = 0; k < t.cols; k++) if (k !== j) v[dst + (k < j ? k : k - 1)] = v[src + k];
  }
  return { X: new Matrix(t.rows, n, v.subarray(0, t.rows * n)), y, labelColumn: j };
}

/** What {@link parseCsv} reads: the features, the labels, and whether there was a header. */
export interface CsvData {
  X: Matrix;
  y: Int32Array;
  /** whether a header line was skipped */
  header: boolean;
}

/** A labelled CSV text: labels in the chosen column (see splitLabels), the other columns the features. */
export function parseCsv(text: string, source = 'the CSV file', labelColumn: LabelColumn = 'auto'): CsvData {
  const t = parseCsvTable(text, source);
  const { X, y } = splitLabels(t, labelColumn === 'none' ? 'auto' : labelColumn, source);
  return { X, y: y as Int32Array, header: t.header !== undefined };
}

/**
 * Pixel intensities to [0, 1]: when every value is a whole number in 0..255 and some exceed 1 (raw 8-bit
 * pixels), X is divided by 255 in place and 255 is returned; otherwise X is left alone and 1 is returned.
 */
export function scalePixels(X: Matrix): number {
  const d = X.data;
  let big = false;
  for (let i = 0; i < d.length; i++) {
    const v = d[i];
    if (!(v >= 0 && v <= 255 && Number.isInteger(v))) return 1;
    if (v > 1) big = true;
  }
  if (!big) return 1;
  for (let i = 0; i < d.length; i++) d[i] /= 255;
  return 255;
}
