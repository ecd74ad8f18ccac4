/**
 * The ONNX schema (onnx.proto, as the onnx-proto package compiles it for protobufjs): one import for the writer
 * and the reader, and the little conversions its generated types need.
 */
import type { onnx as Schema } from 'onnx-proto';
import { loadOnnxProto } from './onnx-schema.js';

/** Their types: `onnx.ITensorProto` and the like, under one name for the type positions. */
export type { Schema };

/** What the schema gives: the generated message classes and the enums nnlearn uses. */
export interface OnnxSchema {
  onnx: typeof Schema;
  /** element types of ONNX tensors (TensorProto.DataType) */
  DataType: typeof Schema.TensorProto.DataType;
  /** kinds of node attributes (AttributeProto.AttributeType) */
  AttributeType: typeof Schema.AttributeProto.AttributeType;
}

let loaded: OnnxSchema | undefined;

/** The schema, loaded on first use (see ./onnx-schema.ts). The package is CommonJS: its namespace is `.onnx`. */
export function onnxSchema(): OnnxSchema {
  if (loaded === undefined) {
    const onnx = loadOnnxProto().onnx;
    loaded = { onnx, DataType: onnx.TensorProto.DataType, AttributeType: onnx.AttributeProto.AttributeType };
  }
  return loaded;
}

/**
 * An int64 field as a number: protobufjs gives a Long where the `long` package is installed (Node) and a number
 * where it is not (a browser bundle). ONNX dimensions and attributes nnlearn reads fit a double exactly.
 */
export function int64(v: number | { toNumber(): number } | null | undefined): number {
  if (v === null || v === undefined) return 0;
  return typeof v === 'number' ? v : v.toNumber();
}

/** The default ONNX operator set (the "" or "ai.onnx" domain) nnlearn writes: Softmax's axis semantics of 13. */
export const OPSET = 13;
/** IR version 7 goes with opset 13 (onnx 1.8), which every ONNX Runtime since 1.6 reads. */
export const IR_VERSION = 7;
