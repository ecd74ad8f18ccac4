/**
 * The IDX format of the MNIST files (yann.lecun.com/exdb/mnist): a big-endian header, magic 0x0000 then a type
 * byte and the number of dimensions, the dimensions as 32-bit integers, then the data. Files may be gzipped
 * (as they are distributed: `train-images-idx3-ubyte.gz`); the gzip magic tells.
 *
 * Every dimension is checked against the bytes actually present before anything is allocated; a gzipped file is
 * inflated no further than its header declares (its first kilobyte is read first for that), so a corrupt header
 * or a gzip bomb fails at once.
 */
import { FormatError } from '../errors.js';
import { boundedInflate } from './inflate.js';
import { checkMemory, formatBytes, memoryAdvice } from '../memory.js';
import { isLabel, MAX_CLASSES } from './labels.js';
import { Matrix } from '../linalg/matrix.js';

const TYPES: Record<number, { name: string; size: number }> = {
  0x08: { name: 'unsigned byte', size: 1 },
  0x09: { name: 'signed byte', size: 1 },
  0x0b: { name: 'short', size: 2 },
  0x0c: { name: 'int', size: 4 },
  0x0d: { name: 'float', size: 4 },
  0x0e: { name: 'double', size: 8 },
};

/** The contents of an IDX file (MNIST's format): its dimensions, its values as float64, its element type. */
export interface IdxArray {
  /** the dimensions, e.g. [60000, 28, 28] for images, [60000] for labels */
  dims: number[];
  /** the values, in the file's (row-major) order */
  values: Float64Array;
  /** the element type code (0x08 = unsigned byte …) */
  type: number;
}

/** True when the bytes start with gzip's magic number. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** The most bytes of data nnlearn reads from one IDX file (MNIST's training images are 47 MB). */
export const MAX_IDX_BYTES = 2 ** 31;

/** How {@link parseIdx} reads: the gzip inflater to use. */
export interface IdxOptions {
  /** inflates gzip data, failing past `maxOutput` bytes (Node's zlib is faster; default: fflate, streamed) */
  gunzip?: (gz: Uint8Array, maxOutput: number) => Uint8Array;
}

interface IdxHeader {
  dims: number[];
  type: number;
  /** bytes of header */
  header: number;
  /** header plus data: the whole file's length */
  need: number;
}

/** Reads the header from the first bytes of a file (all of it, or its first kilobyte or more). */
function readHeader(bytes: Uint8Array, source: string): IdxHeader {
  if (bytes.length < 4) throw new FormatError(`${source}: ${bytes.length} bytes is too short for an IDX header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes[0] !== 0 || bytes[1] !== 0) throw new FormatError(`${source}: not an IDX file (it does not start with two zero bytes)`);
  const type = TYPES[bytes[2]];
  if (type === undefined) throw new FormatError(`${source}: unknown IDX element type 0x${bytes[2].toString(16).padStart(2, '0')}`);
  const ndims = bytes[3];
  if (ndims < 1) throw new FormatError(`${source}: the IDX header declares no dimensions`);
  const header = 4 + 4 * ndims;
  if (bytes.length < header) throw new FormatError(`${source}: truncated in the header (${ndims} dimensions need ${header} bytes, the file has ${bytes.length})`);
  const dims: number[] = [];
  let count = 1;
  for (let d = 0; d < ndims; d++) {
    const n = view.getUint32(4 + 4 * d, false);
    dims.push(n);
    count *= n;
  }
  return { dims, type: bytes[2], header, need: header + count * type.size };
}

const IDX_ADVICE = memoryAdvice('a smaller file');

/** Parses an IDX file (raw or gzipped); `source` names it in errors. */
export function parseIdx(input: Uint8Array, source = 'the IDX file', options: IdxOptions = {}): IdxArray {
  let bytes = input;
  if (isGzip(input)) {
    let head: Uint8Array;
    try {
      head = boundedInflate(input, 4 + 4 * 255, { prefix: true, format: 'gzip' });
    } catch (err) {
      throw new FormatError(`${source}: the gzip stream is corrupt or truncated (${(err as Error).message})`);
    }
    const { dims, need, header: h } = readHeader(head, source);
    if (need > MAX_IDX_BYTES) {
      throw new FormatError(`${source}: dimensions ${dims.join('×')} declare ${need} bytes, more than nnlearn reads (${MAX_IDX_BYTES})`);
    }
    // the inflated bytes and their values as float64, before inflating anything
    const values = (need - h) / TYPES[head[2]].size;
    checkMemory(`${source}: ${dims.join('×')} values (${formatBytes(need)} inflated, ${formatBytes(8 * values)} as float64)`, need + 8 * values, IDX_ADVICE);
    const gunzip = options.gunzip ?? ((gz: Uint8Array, max: number) => boundedInflate(gz, max, { format: 'gzip' }));
    try {
      bytes = gunzip(input, need);
    } catch (err) {
      throw new FormatError(
        `${source}: the gzip stream is corrupt, truncated or longer than the ${need} bytes its header declares (${(err as Error).message})`,
      );
    }
  }
  const { dims, type: code, header, need } = readHeader(bytes, source);
  const type = TYPES[code];
  if (bytes.length < need) {
    throw new FormatError(`${source}: truncated: dimensions ${dims.join('×')} of ${type.name} need ${need} bytes, the file has ${bytes.length}`);
  }
  if (bytes.length > need) {
    throw new FormatError(`${source}: ${bytes.length - need} bytes after the data declared by dimensions ${dims.join('×')}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = (need - header) / type.size;
  if (!isGzip(input)) checkMemory(`${source}: ${dims.join('×')} values (${formatBytes(8 * count)} as float64)`, 8 * count, IDX_ADVICE);
  const values = new Float64Array(count);
  if (code === 0x08) {
    // unsigned bytes (MNIST's pixels and labels): 47 million of them in the training images, one loop of its own
    for (let i = 0; i < count; i++) values[i] = bytes[header + i];
  } else {
    const read: (o: number) => number =
      code === 0x09 ? (o) => view.getInt8(o)
      : code === 0x0b ? (o) => view.getInt16(o, false)
      : code === 0x0c ? (o) => view.getInt32(o, false)
      : code === 0x0d ? (o) => view.getFloat32(o, false)
      : (o) => view.getFloat64(o, false);
    for (let i = 0, o = header; i < count; i++, o += type.size) values[i] = read(o);
  }
  return { dims, values, type: code };
}

/**
 * Images as rows of a matrix (m×(h·w), row-major pixels, as the file stores them). Unsigned-byte pixels are
 * scaled to [0, 1] (divided by 255), the scale of the course's data and of the shipped digits.
 */
export function idxImages(idx: IdxArray, source = 'the IDX file'): { X: Matrix; height: number; width: number } {
  if (idx.dims.length !== 3) {
    throw new FormatError(`${source}: images need 3 dimensions (count×rows×columns), the file has ${idx.dims.length} (${idx.dims.join('×')})`);
  }
  const [m, h, w] = idx.dims;
  const X = new Matrix(m, h * w, idx.values);
  if (idx.type === 0x08) for (let i = 0; i < X.data.length; i++) X.data[i] /= 255;
  return { X, height: h, width: w };
}

/** Labels from a 1-dimensional IDX file. */
export function idxLabels(idx: IdxArray, source = 'the IDX file'): Int32Array {
  if (idx.dims.length !== 1) {
    throw new FormatError(`${source}: labels need 1 dimension, the file has ${idx.dims.length} (${idx.dims.join('×')})`);
  }
  const y = new Int32Array(idx.values.length);
  for (let i = 0; i < y.length; i++) {
    const v = idx.values[i];
    if (!isLabel(v)) {
      throw new FormatError(`${source}: label ${i + 1} is ${v}; labels are whole numbers from 0 to ${MAX_CLASSES}`);
    }
    y[i] = v;
  }
  return y;
}
