/**
 * A minimal MAT-file builder for tests, written from the MathWorks "MAT-File Format" document independently of
 * src/data/mat.ts, so that the reader is tested against files it did not write: either byte order, small data
 * elements, every numeric storage type, compressed or not, and classes the reader must refuse.
 */
import { zlibSync } from 'fflate';

export const mi = { INT8: 1, UINT8: 2, INT16: 3, UINT16: 4, INT32: 5, UINT32: 6, SINGLE: 7, DOUBLE: 9, INT64: 12, UINT64: 13, MATRIX: 14, COMPRESSED: 15 } as const;
export const mx = { CELL: 1, STRUCT: 2, CHAR: 4, SPARSE: 5, DOUBLE: 6, SINGLE: 7, INT8: 8, UINT8: 9, INT16: 10, UINT16: 11, INT32: 12, UINT32: 13, INT64: 14, UINT64: 15 } as const;

const SIZE: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 2, 5: 4, 6: 4, 7: 4, 9: 8, 12: 8, 13: 8 };

class Bytes {
  parts: number[] = [];
  constructor(readonly le: boolean) {}
  u32(v: number): this {
    const b = new DataView(new ArrayBuffer(4));
    b.setUint32(0, v, this.le);
    this.parts.push(...new Uint8Array(b.buffer));
    return this;
  }
  raw(bytes: ArrayLike<number>): this {
    // one at a time: a spread of a picture's worth of values overflows the call stack
    for (let i = 0; i < bytes.length; i++) this.parts.push(bytes[i]);
    return this;
  }
  pad(): this {
    while (this.parts.length % 8 !== 0) this.parts.push(0);
    return this;
  }
  bytes(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

/** Values encoded as `type` in the given byte order. */
export function encode(type: number, values: readonly number[], le: boolean): Uint8Array {
  const size = SIZE[type];
  const dv = new DataView(new ArrayBuffer(values.length * size));
  values.forEach((v, i) => {
    const o = i * size;
    switch (type) {
      case mi.INT8: dv.setInt8(o, v); break;
      case mi.UINT8: dv.setUint8(o, v); break;
      case mi.INT16: dv.setInt16(o, v, le); break;
      case mi.UINT16: dv.setUint16(o, v, le); break;
      case mi.INT32: dv.setInt32(o, v, le); break;
      case mi.UINT32: dv.setUint32(o, v, le); break;
      case mi.SINGLE: dv.setFloat32(o, v, le); break;
      case mi.DOUBLE: dv.setFloat64(o, v, le); break;
      case mi.INT64: dv.setBigInt64(o, BigInt(v), le); break;
      case mi.UINT64: dv.setBigUint64(o, BigInt(v), le); break;
    }
  });
  return new Uint8Array(dv.buffer);
}

/** A data element: small format when it fits in 4 bytes and `small` allows it. */
function element(out: Bytes, type: number, data: Uint8Array, small = true): void {
  if (small && data.length <= 4) {
    out.u32((data.length << 16) | type).raw(data);
    while (out.parts.length % 8 !== 0) out.parts.push(0);
  } else {
    out.u32(type).u32(data.length).raw(data).pad();
  }
}

export interface VarSpec {
  name: string;
  cls: number;
  dims: number[];
  /** storage type of the real part, and values in column-major order */
  type?: number;
  values?: number[];
  complex?: boolean;
  logical?: boolean;
  /** put the real part's bytes as they are (for corrupt files) */
  realOverride?: Uint8Array;
}

/** The miMATRIX element of one variable, tag included. */
export function matrixElement(v: VarSpec, le: boolean): Uint8Array {
  const body = new Bytes(le);
  const flags = (v.cls & 0xff) | ((v.complex ? 0x08 : 0) | (v.logical ? 0x02 : 0)) << 8;
  body.u32(mi.UINT32).u32(8).u32(flags).u32(0);
  element(body, mi.INT32, encode(mi.INT32, v.dims, le), false);
  element(body, mi.INT8, Uint8Array.from(v.name, (c) => c.charCodeAt(0)));
  if (v.type !== undefined) {
    element(body, v.type, v.realOverride ?? encode(v.type, v.values ?? [], le));
    if (v.complex) element(body, v.type, encode(v.type, v.values ?? [], le));
  }
  const b = body.bytes();
  return new Bytes(le).u32(mi.MATRIX).u32(b.length).raw(b).bytes();
}

/** A whole MAT-file. */
export function buildMat(vars: VarSpec[], options: { le?: boolean; compress?: boolean; text?: string } = {}): Uint8Array {
  const le = options.le ?? true;
  const out = new Bytes(le);
  const text = (options.text ?? 'MATLAB 5.0 MAT-file, Platform: test').padEnd(116, ' ');
  out.raw(Uint8Array.from(text, (c) => c.charCodeAt(0)));
  out.raw(new Uint8Array(8));
  const ver = new DataView(new ArrayBuffer(2));
  ver.setUint16(0, 0x0100, le);
  out.raw(new Uint8Array(ver.buffer));
  out.raw(le ? [0x49, 0x4d] : [0x4d, 0x49]);
  for (const v of vars) {
    const m = matrixElement(v, le);
    if (options.compress) {
      const z = zlibSync(m);
      out.u32(mi.COMPRESSED).u32(z.length).raw(z);
    } else {
      out.raw(m);
    }
  }
  return out.bytes();
}
