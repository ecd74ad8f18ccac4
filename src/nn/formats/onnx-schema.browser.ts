/**
 * The ONNX schema's package for bundles (a browser has no synchronous require): imported with the module, as
 * bundlers split it off with the formats. Node takes ./onnx-schema.ts, which loads it on first use.
 */
import onnxProto from 'onnx-proto';

export function loadOnnxProto(): typeof onnxProto {
  return onnxProto;
}
