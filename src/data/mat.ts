/**
 * MATLAB Level 5 MAT-files (the format of the course's `ex4data1.mat` and `ex4weights.mat`), read and written.
 *
 * Format: MathWorks, "MAT-File Format", Version 7 (2019), chapter 1 "Level 5 MAT-File Format". Written by hand
 * because no MAT library in the npm registry is both maintained and permissively licensed.
 *
 *   header       128 bytes: 116 bytes of text, 8 bytes subsystem offset, version 0x0100, endian indicator 'IM'
 *                (a little-endian file stores the characters "MI" as the 16-bit value 0x4D49, so reads "IM")
 *   data element tag (type: uint32, size: uint32) + data padded to 8 bytes; a "small data element" of at
 *                most 4 bytes packs size (upper 16 bits) and type (lower 16 bits) into one word, data in the next 4
 *   miCOMPRESSED (15): a zlib stream holding one whole data element; not padded
 *   miMATRIX     (14): array flags (class, complex/global/logical bits), dimensions (int32), name (int8),
 *                real part (any numeric type: MATLAB stores doubles as uint8 when the values allow), imag part
 *
 * Values are stored column-major; we return row-major matrices. The reader supports real numeric 2-D arrays of
 * every class (double, single, int8…uint64, logical), little- and big-endian, compressed or not; anything else
 * (sparse, cell, struct, object, char, complex, N-D) is listed but refused on access with a reason. Version
 * 7.3 files are HDF5 containers and are refused with a hint. The writer writes compressed double matrices,
 * little-endian, as MATLAB's `save -v7` does.
 *
 * Browser-safe: no Node API here (zlib is fflate's); file access lives in ./files.ts.
 */
import { zlibSync } from 'fflate';
import { boundedInflate, concatBytes } from './inflate.js';
import { checkMemory, formatBytes, memoryAdvice } from '../memory.js';
import { FormatError, ShapeError, ValueError } from '../errors.js';
import { Matrix } from '../linalg/matrix.js';

// Data types (MAT-File Format, table 1-1).
const miINT8 = 1;
const miUINT8 = 2;
const miINT16 = 3;
const miUINT16 = 4;
const miINT32 = 5;
const miUINT32 = 6;
const miSINGLE = 7;
const miDOUBLE = 9;
const miINT64 = 12;
const miUINT64 = 13;
const miMATRIX = 14;
const miCOMPRESSED = 15;

const miUTF8 = 16;
const miUTF16 = 17;

/** The data types a char array's characters may have, and their code unit's size. */
const CHAR_UNITS: Record<number, number> = { [miUINT8]: 1, [miUTF8]: 1, [miUINT16]: 2, [miUTF16]: 2 };

const TYPE_BYTES: Record<number, number> = {
  [miINT8]: 1,
  [miUINT8]: 1,
  [miINT16]: 2,
  [miUINT16]: 2,
  [miINT32]: 4,
  [miUINT32]: 4,
  [miSINGLE]: 4,
  [miDOUBLE]: 8,
  [miINT64]: 8,
  [miUINT64]: 8,
};

/** MATLAB array classes (table 1-3). */
export type MatClass =
  | 'cell'
  | 'struct'
  | 'object'
  | 'char'
  | 'sparse'
  | 'double'
  | 'single'
  | 'int8'
  | 'uint8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'uint64'
  | 'function'
  | 'opaque'
  | 'unknown';

const CLASS_NAMES: Record<number, MatClass> = {
  1: 'cell',
  2: 'struct',
  3: 'object',
  4: 'char',
  5: 'sparse',
  6: 'double',
  7: 'single',
  8: 'int8',
  9: 'uint8',
  10: 'int16',
  11: 'uint16',
  12: 'int32',
  13: 'uint32',
  14: 'int64',
  15: 'uint64',
  16: 'function',
  17: 'opaque',
};

const NUMERIC_CLASSES = new Set<MatClass>([
  'double',
  'single',
  'int8',
  'uint8',
  'int16',
  'uint16',
  'int32',
  'uint32',
  'int64',
  'uint64',
]);

/** One variable of a MAT-file, as listed before its values are converted. */
export interface MatVariableInfo {
  name: string;
  /** MATLAB class; a logical array has class 'uint8' and `logical` true */
  class: MatClass;
  logical: boolean;
  complex: boolean;
  dims: number[];
  /** why the variable cannot be read as a real 2-D matrix, or undefined when it can */
  unsupported?: string;
}

interface ParsedVariable extends MatVariableInfo {
  view: DataView;
  littleEndian: boolean;
  /** the real part's tag: type and where its data lies in `view` */
  realType: number;
  realOffset: number;
  realBytes: number;
}

const pad8 = (n: number): number => (n + 7) & ~7;

/**
 * Whether bytes start a Level 5 MAT-file: the "MATLAB" text from byte 0 (MATLAB, Octave and scipy write "MATLAB 5.0
 * MAT-file"; a 7.3 file is recognised so that reading it says why it is refused), or version 0x0100 and an endian
 * indicator at byte 124.
 */
export function isMatFile(bytes: Uint8Array): boolean {
  if (bytes.length < 128) return false;
  if (String.fromCharCode(...bytes.subarray(0, 6)) === 'MATLAB') return true;
  const le = bytes[126] === 0x49 && bytes[127] === 0x4d && bytes[124] === 0x00 && bytes[125] === 0x01; // "IM"
  const be = bytes[126] === 0x4d && bytes[127] === 0x49 && bytes[124] === 0x01 && bytes[125] === 0x00; // "MI"
  return le || be;
}

/** A MAT-file parsed in memory; `matrix(name)` converts a variable to a row-major float64 Matrix. */
export class MatFile {
  /** what error messages call the file (its path) */
  readonly source: string;
  readonly header: string;
  readonly littleEndian: boolean;
  private readonly vars = new Map<string, ParsedVariable>();

  /**
   * `inflate` decompresses a zlib stream (miCOMPRESSED elements); the default is fflate's, which runs anywhere.
   * Node's native zlib is about three times faster on large files (see ./files.ts).
   */
  constructor(
    bytes: Uint8Array,
    source = 'the MAT-file',
    options: { inflate?: (zlib: Uint8Array, maxOutput: number) => Uint8Array } = {},
  ) {
    this.source = source;
    const inflate = options.inflate ?? boundedInflate;
    const fail = (why: string): never => {
      throw new FormatError(`${source}: ${why}`);
    };
    if (bytes.length < 128) fail(`not a MAT-file: ${bytes.length} bytes, shorter than the 128-byte header`);
    const text = latin1(bytes.subarray(0, 116));
    this.header = text.replace(/[\s\0]+$/, '');
    const e0 = bytes[126];
    const e1 = bytes[127];
    const hdf5 = bytes.length >= 520 && latin1(bytes.subarray(513, 516)) === 'HDF';
    if (text.startsWith('MATLAB 7.3') || hdf5) {
      fail('a MATLAB 7.3 (HDF5) MAT-file, which is not supported: save it with save(..., "-v7") or scipy.io.savemat');
    }
    const isLE = e0 === 0x49 && e1 === 0x4d; // "IM"
    const isBE = e0 === 0x4d && e1 === 0x49; // "MI"
    if (!isLE && !isBE) {
      fail(
        text.startsWith('MATLAB')
          ? 'the header has no endian indicator ("IM" or "MI") at byte 126: the file is corrupt'
          : 'not a MATLAB Level 5 MAT-file (no "MATLAB" header text and no endian indicator; Level 4 files are not supported)',
      );
    }
    this.littleEndian = isLE;
    const le = isLE;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const version = view.getUint16(124, le);
    if (version !== 0x0100) fail(`unsupported MAT-file version 0x${version.toString(16).padStart(4, '0')} (expected 0x0100)`);

    let off = 128;
    let index = 0;
    while (off < bytes.length) {
      index++;
      if (off + 8 > bytes.length) fail(`truncated: data element ${index} at byte ${off} has an incomplete tag`);
      const type = view.getUint32(off, le);
      if (type >>> 16 !== 0) fail(`data element ${index} at byte ${off} is a small element, which is not allowed at the top level`);
      const size = view.getUint32(off + 4, le);
      const start = off + 8;
      if (start + size > bytes.length) {
        fail(`truncated: data element ${index} at byte ${off} declares ${size} bytes but only ${bytes.length - start} remain`);
      }
      if (type === miCOMPRESSED) {
        // Decompression is bounded by the size the element declares: read its 8-byte tag first, then inflate no
        // more than that (a corrupt or hostile file cannot make us allocate more than it claims).
        const compressed = bytes.subarray(start, start + size);
        let head: Uint8Array;
        try {
          head = boundedInflate(compressed, 8, { prefix: true });
        } catch (err) {
          return fail(`data element ${index} at byte ${off}: the compressed data is corrupt (${(err as Error).message})`);
        }
        if (head.length < 8) fail(`data element ${index}: the decompressed element is only ${head.length} bytes`);
        const declared = new DataView(head.buffer, head.byteOffset, 8).getUint32(4, le);
        if (declared > MAX_ELEMENT_BYTES) {
          fail(`data element ${index} at byte ${off}: the compressed matrix declares ${declared} bytes, more than nnlearn reads (${MAX_ELEMENT_BYTES})`);
        }
        checkMemory(`${source}: data element ${index} (${formatBytes(declared)} once inflated)`, declared, MAT_ADVICE);
        let inner: Uint8Array;
        try {
          inner = inflate(compressed, 8 + declared);
        } catch (err) {
          return fail(`data element ${index} at byte ${off}: the compressed data is corrupt or longer than it declares (${(err as Error).message})`);
        }
        const iv = new DataView(inner.buffer, inner.byteOffset, inner.byteLength);
        if (inner.length < 8) fail(`data element ${index}: the decompressed element is only ${inner.length} bytes`);
        const itype = iv.getUint32(0, le);
        const isize = iv.getUint32(4, le);
        if (itype !== miMATRIX) fail(`data element ${index}: the compressed element holds type ${itype}, not a matrix (14)`);
        if (8 + isize > inner.length) {
          fail(`data element ${index}: the decompressed matrix declares ${isize} bytes but only ${inner.length - 8} are there`);
        }
        this.parseMatrix(iv, 8, 8 + isize, le, index);
        off = start + size; // compressed elements are not padded
      } else if (type === miMATRIX) {
        if (size > 0) this.parseMatrix(view, start, start + size, le, index);
        off = start + pad8(size);
      } else {
        // Other top-level elements (rare) carry no variable; skip them.
        off = start + pad8(size);
      }
    }
  }

  /** Names of the variables, in file order. */
  names(): string[] {
    return [...this.vars.keys()];
  }

  /** Whether the file has a variable of this name. */
  has(name: string): boolean {
    return this.vars.has(name);
  }

  /** Class, dimensions and support of every variable. */
  variables(): MatVariableInfo[] {
    return [...this.vars.values()].map(({ name, class: c, logical, complex, dims, unsupported }) => ({
      name,
      class: c,
      logical,
      complex,
      dims,
      unsupported,
    }));
  }

  /** The variable as a row-major float64 matrix; a clear error if it is missing or not a real 2-D array. */
  matrix(name: string): Matrix {
    const v = this.vars.get(name);
    if (v === undefined) {
      const names = this.names();
      throw new FormatError(
        `${this.source}: no variable "${name}" (the file has ${names.length === 0 ? 'no variables' : names.map((n) => `"${n}"`).join(', ')})`,
      );
    }
    if (v.unsupported !== undefined) throw new FormatError(`${this.source}: variable "${name}": ${v.unsupported}`);
    const rows = v.dims[0];
    const cols = v.dims.length > 1 ? v.dims[1] : 1;
    const n = rows * cols;
    checkMemory(`${this.source}: variable "${name}" (${rows}×${cols}, ${formatBytes(8 * n)} as float64)`, 8 * n, MAT_ADVICE);
    const out = new Matrix(rows, cols);
    const d = out.data;
    const { view, littleEndian: le, realOffset: o } = v;
    const bytesPer = TYPE_BYTES[v.realType];
    if (v.realType === miDOUBLE && le && (view.byteOffset + o) % 8 === 0) {
      // The common case (doubles, little-endian, aligned): read the column-major values in place, then transpose
      // in tiles that stay in cache.
      const src = new Float64Array(view.buffer, view.byteOffset + o, n);
      const T = 32;
      for (let j0 = 0; j0 < cols; j0 += T) {
        const j1 = Math.min(cols, j0 + T);
        for (let i0 = 0; i0 < rows; i0 += T) {
          const i1 = Math.min(rows, i0 + T);
          for (let j = j0; j < j1; j++) for (let i = i0; i < i1; i++) d[i * cols + j] = src[j * rows + i];
        }
      }
      return out;
    }
    if (v.realType === miUINT8) {
      // 8-bit pixels, the common compact case: a byte view, no DataView call per value
      const src = new Uint8Array(view.buffer, view.byteOffset + o, n);
      for (let j = 0; j < cols; j++) for (let i = 0; i < rows; i++) d[i * cols + j] = src[j * rows + i];
      return out;
    }
    const get = elementReader(v.realType, view, le);
    let k = 0;
    for (let j = 0; j < cols; j++) {
      for (let i = 0; i < rows; i++, k++) d[i * cols + j] = get(o + k * bytesPer);
    }
    if (k !== n) throw new FormatError(`${this.source}: variable "${name}": internal size mismatch`);
    return out;
  }

  /** A char variable as text (a row vector; the rows of a char matrix joined by newlines). */
  text(name: string): string {
    const v = this.vars.get(name);
    if (v === undefined) throw new FormatError(`${this.source}: no variable "${name}"`);
    if (v.class !== 'char' || v.realType === 0) throw new FormatError(`${this.source}: variable "${name}" is not text (a char array)`);
    const bytes = new Uint8Array(v.view.buffer, v.view.byteOffset + v.realOffset, v.realBytes);
    if (v.realType === miUTF8) return new TextDecoder().decode(bytes);
    const rows = v.dims[0];
    const cols = v.dims[1];
    const units = v.realType === miUINT8 ? Array.from(bytes) : Array.from({ length: rows * cols }, (_, k) => v.view.getUint16(v.realOffset + 2 * k, v.littleEndian));
    // column-major, as every MAT array
    const lines: string[] = [];
    for (let i = 0; i < rows; i++) {
      let line = '';
      for (let j = 0; j < cols; j++) line += String.fromCharCode(units[j * rows + i]);
      lines.push(line);
    }
    return lines.join('\n');
  }

  private parseMatrix(view: DataView, start: number, end: number, le: boolean, index: number): void {
    const where = `data element ${index}`;
    const fail = (why: string): never => {
      throw new FormatError(`${this.source}: ${where}: ${why}`);
    };
    let off = start;
    const sub = (what: string): { type: number; size: number; data: number } => {
      if (off + 8 > end) return fail(`truncated before the ${what}`);
      const w = view.getUint32(off, le);
      let type: number;
      let size: number;
      let data: number;
      if (w >>> 16 !== 0) {
        type = w & 0xffff;
        size = w >>> 16;
        data = off + 4;
        if (size > 4) fail(`the ${what} is a small element of ${size} bytes (at most 4 allowed)`);
        off += 8;
      } else {
        type = w;
        size = view.getUint32(off + 4, le);
        data = off + 8;
        if (data + size > end) fail(`the ${what} declares ${size} bytes but only ${Math.max(0, end - data)} remain`);
        off = data + pad8(size);
      }
      return { type, size, data };
    };
    const flags = sub('array flags');
    if (flags.type !== miUINT32 || flags.size !== 8) fail(`bad array flags (type ${flags.type}, ${flags.size} bytes)`);
    const fw = view.getUint32(flags.data, le);
    const classId = fw & 0xff;
    const bits = (fw >>> 8) & 0xff;
    const cls = CLASS_NAMES[classId] ?? 'unknown';
    const complex = (bits & 0x08) !== 0;
    const logical = (bits & 0x02) !== 0;
    const dimsEl = sub('dimensions');
    if (dimsEl.type !== miINT32 || dimsEl.size % 4 !== 0 || dimsEl.size < 8) {
      fail(`bad dimensions (type ${dimsEl.type}, ${dimsEl.size} bytes)`);
    }
    const dims: number[] = [];
    for (let p = 0; p < dimsEl.size; p += 4) {
      const dim = view.getInt32(dimsEl.data + p, le);
      if (dim < 0) fail(`negative dimension ${dim}`);
      dims.push(dim);
    }
    const nameEl = sub('array name');
    if (nameEl.type !== miINT8 && nameEl.type !== miUINT8) fail(`bad array name (type ${nameEl.type})`);
    const name = latin1(new Uint8Array(view.buffer, view.byteOffset + nameEl.data, nameEl.size));
    const label = name === '' ? `an unnamed variable in ${where}` : name;

    const info: ParsedVariable = {
      name,
      class: cls,
      logical,
      complex,
      dims,
      view,
      littleEndian: le,
      realType: 0,
      realOffset: 0,
      realBytes: 0,
    };
    if (cls === 'char' && !complex && dims.length === 2) {
      // text: read by text(), refused by matrix()
      const real = sub(`characters of "${label}"`);
      const unit = CHAR_UNITS[real.type];
      if (unit === undefined) fail(`variable "${label}": characters of type ${real.type}`);
      if (unit > 1 && real.size !== dims[0] * dims[1] * unit) fail(`variable "${label}": a ${dims.join('×')} char array needs ${dims[0] * dims[1]} characters`);
      info.realType = real.type;
      info.realOffset = real.data;
      info.realBytes = real.size;
      info.unsupported = 'a char array (text), not a numeric matrix';
    } else if (!NUMERIC_CLASSES.has(cls)) {
      info.unsupported = `a ${cls === 'unknown' ? `class-${classId}` : cls} array, but only real numeric matrices can be read`;
    } else if (complex) {
      info.unsupported = 'a complex array, but only real matrices can be read';
    } else if (dims.length > 2 && dims.slice(2).some((d) => d !== 1)) {
      info.unsupported = `a ${dims.join('×')} array, but only 2-D matrices can be read`;
    } else {
      const count = dims.reduce((a, b) => a * b, 1);
      const real = sub(`real part of "${label}"`);
      const bytesPer = TYPE_BYTES[real.type];
      if (bytesPer === undefined) fail(`variable "${label}": the real part has non-numeric type ${real.type}`);
      if (real.size !== count * bytesPer) {
        fail(
          `variable "${label}": a ${dims.join('×')} array needs ${count} values but its data holds ${real.size / bytesPer}`,
        );
      }
      info.realType = real.type;
      info.realOffset = real.data;
      info.realBytes = real.size;
    }
    if (this.vars.has(name)) fail(`variable "${label}" appears twice`);
    this.vars.set(name, info);
  }
}

const MAT_ADVICE = memoryAdvice('a smaller file');

/** The largest matrix element nnlearn reads: 2 GiB (a 16384×16384 double matrix). */
export const MAX_ELEMENT_BYTES = 2 ** 31;

function elementReader(type: number, v: DataView, le: boolean): (offset: number) => number {
  switch (type) {
    case miDOUBLE:
      return (o) => v.getFloat64(o, le);
    case miSINGLE:
      return (o) => v.getFloat32(o, le);
    case miINT8:
      return (o) => v.getInt8(o);
    case miUINT8:
      return (o) => v.getUint8(o);
    case miINT16:
      return (o) => v.getInt16(o, le);
    case miUINT16:
      return (o) => v.getUint16(o, le);
    case miINT32:
      return (o) => v.getInt32(o, le);
    case miUINT32:
      return (o) => v.getUint32(o, le);
    case miINT64:
      // MATLAB's double() of an int64 rounds to the nearest double; so do we.
      return (o) => Number(v.getBigInt64(o, le));
    case miUINT64:
      return (o) => Number(v.getBigUint64(o, le));
    default:
      throw new FormatError(`unsupported numeric type ${type}`);
  }
}

function latin1(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]);
  return s;
}

/** Parses MAT-file bytes; `source` names the file in error messages. */
export function readMat(bytes: Uint8Array, source?: string): MatFile {
  return new MatFile(bytes, source);
}

/** How {@link writeMat} writes a MAT-file. */
export interface WriteMatOptions {
  /** zlib-compress each variable (MATLAB's default since v7); default true */
  compress?: boolean;
  /** the header's descriptive text; default names nnlearn and the date */
  headerText?: string;
}

const NAME_RE = /^[A-Za-z][A-Za-z0-9_]{0,62}$/;

/**
 * MAT-file bytes holding the given double matrices, little-endian, each variable zlib-compressed (as MATLAB's
 * `save -v7`). `scipy.io.loadmat` and Octave's `load` read them back exactly.
 */
export function writeMat(
  variables: Record<string, Matrix | string> | ReadonlyArray<readonly [string, Matrix | string]>,
  options: WriteMatOptions = {},
): Uint8Array {
  const entries = Array.isArray(variables) ? variables : Object.entries(variables);
  const seen = new Set<string>();
  const parts: Uint8Array[] = [];
  const header = new Uint8Array(128);
  const text =
    options.headerText ?? `MATLAB 5.0 MAT-file, Platform: nnlearn, Created on: ${new Date().toUTCString()}`;
  for (let i = 0; i < 116; i++) header[i] = i < text.length ? text.charCodeAt(i) & 0x7f : 0x20;
  const hv = new DataView(header.buffer);
  hv.setUint16(124, 0x0100, true);
  header[126] = 0x49; // 'I'
  header[127] = 0x4d; // 'M'
  parts.push(header);
  for (const [name, M] of entries) {
    if (!NAME_RE.test(name)) {
      throw new ValueError(`"${name}" is not a MATLAB variable name (a letter, then letters, digits or _; at most 63)`);
    }
    if (seen.has(name)) throw new ValueError(`variable "${name}" given twice`);
    seen.add(name);
    if (!(M instanceof Matrix) && typeof M !== 'string') throw new ShapeError(`variable "${name}" is not a Matrix or a string`);
    const element = typeof M === 'string' ? charElement(name, M) : matrixElement(name, M);
    if (options.compress === false) {
      parts.push(element);
    } else {
      const z = zlibSync(element, { level: 6 });
      const tag = new Uint8Array(8);
      const tv = new DataView(tag.buffer);
      tv.setUint32(0, miCOMPRESSED, true);
      tv.setUint32(4, z.length, true);
      parts.push(tag, z);
    }
  }
  return concatBytes(parts);
}

/**
 * The start of a miMATRIX element (tag, array flags of class `classId`, dimensions, name), with `dataBytes` of
 * data after it (padded to 8): the buffer, its view and where the data's tag goes.
 */
function elementStart(name: string, classId: number, rows: number, cols: number, dataBytes: number): { buf: Uint8Array; v: DataView; o: number } {
  const nameBytes = name.length;
  const nameField = nameBytes <= 4 ? 8 : 8 + pad8(nameBytes);
  const body = 16 + 16 + nameField + 8 + pad8(dataBytes); // flags, dims, name, real part
  const buf = new Uint8Array(8 + body);
  const v = new DataView(buf.buffer);
  let o = 0;
  v.setUint32(o, miMATRIX, true);
  v.setUint32(o + 4, body, true);
  o += 8;
  // Array flags: the class, no flags; nzmax 0.
  v.setUint32(o, miUINT32, true);
  v.setUint32(o + 4, 8, true);
  v.setUint32(o + 8, classId, true);
  v.setUint32(o + 12, 0, true);
  o += 16;
  // Dimensions.
  v.setUint32(o, miINT32, true);
  v.setUint32(o + 4, 8, true);
  v.setInt32(o + 8, rows, true);
  v.setInt32(o + 12, cols, true);
  o += 16;
  // Name: a small element when it fits in 4 bytes.
  if (nameBytes <= 4) {
    v.setUint32(o, (nameBytes << 16) | miINT8, true);
    for (let i = 0; i < nameBytes; i++) buf[o + 4 + i] = name.charCodeAt(i);
  } else {
    v.setUint32(o, miINT8, true);
    v.setUint32(o + 4, nameBytes, true);
    for (let i = 0; i < nameBytes; i++) buf[o + 8 + i] = name.charCodeAt(i);
  }
  o += nameField;
  return { buf, v, o };
}

/** One miMATRIX element (tag included) for text: a 1×n char array of UTF-16 code units, as MATLAB's chars are. */
function charElement(name: string, text: string): Uint8Array {
  const { buf, v, o } = elementStart(name, 4, 1, text.length, 2 * text.length);
  v.setUint32(o, miUINT16, true);
  v.setUint32(o + 4, 2 * text.length, true);
  for (let k = 0; k < text.length; k++) v.setUint16(o + 8 + 2 * k, text.charCodeAt(k), true);
  return buf;
}

/** One miMATRIX element (tag included) for a double matrix. */
function matrixElement(name: string, M: Matrix): Uint8Array {
  const { rows, cols, data } = M;
  const dataBytes = rows * cols * 8;
  const start = elementStart(name, 6, rows, cols, dataBytes);
  const { buf, v } = start;
  let o = start.o;
  // Real part, column-major.
  v.setUint32(o, miDOUBLE, true);
  v.setUint32(o + 4, dataBytes, true);
  o += 8;
  for (let j = 0; j < cols; j++) {
    for (let i = 0; i < rows; i++) {
      v.setFloat64(o, data[i * cols + j], true);
      o += 8;
    }
  }
  return buf;
}
