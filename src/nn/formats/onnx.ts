/**
 * ONNX as a model format: written by ./onnx-write.ts, read by ./onnx-read.ts.
 */
import { chooseLabels, float32Loss, type ModelFormat } from './types.js';
import { networkToOnnx } from './onnx-write.js';
import { decodeOnnx, networkFromOnnx } from './onnx-read.js';

export const onnxFormat: ModelFormat = {
  name: 'onnx',
  title: 'ONNX',
  extensions: ['.onnx'],
  folder: false,
  // A ModelProto starts with field 1, ir_version (tag 0x08), in every writer that serializes in field order (the
  // onnx package, PyTorch, tf2onnx, nnlearn); it then decodes and has a graph.
  detect(bytes) {
    if (bytes.length < 2 || bytes[0] !== 0x08) return false;
    try {
      const model = decodeOnnx(bytes, '');
      return model.graph !== undefined && model.graph !== null;
    } catch {
      return false;
    }
  },
  read(bytes, options) {
    const source = options.source ?? 'the ONNX model';
    // foreign ONNX classifiers number their classes from 0
    const read = networkFromOnnx(bytes, source, (recorded) => chooseLabels(recorded, options.labels, 'zero-based', source));
    return { ...read, format: 'onnx' };
  },
  write: (net, meta) => [{ name: '', bytes: networkToOnnx(net, meta) }],
  losses: () => [float32Loss('ONNX')],
};
