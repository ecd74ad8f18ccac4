/**
 * The ONNX schema (onnx.proto, as the onnx-proto package compiles it for protobufjs): one import for the writer
 * and the reader, and the little conversions its generated types need.
 */
import onnxProto from 'onnx-proto';
import type { onnx as Schema } from 'onnx-proto';

/** The generated message classes (the package is CommonJS: its namespace comes as the default export's member). */
export const onnx = onnxProto.onnx;
/** Their types: `onnx.ITensorProto` and the like, under one name for the type positions. */
export type { Schema };

/** Element types of ONNX tensors (TensorProto.DataType). */
export const DataType = onnx.TensorProto.DataType;
/** Kinds of node attributes (AttributeProto.AttributeType). */
export const AttributeType = onnx.AttributeProto.AttributeType;

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
