/**
 * Loads the ONNX schema's package (onnx-proto, compiled for protobufjs) in Node: with require, synchronously, the
 * first time an ONNX file is read or written. Loading it takes 40–50 ms, which every command paid at start-up when
 * it was imported with the formats; most runs never touch ONNX.
 *
 * Bundlers (esbuild, and Vite for the page) take ./onnx-schema.browser.ts instead: package.json's "browser" field.
 */
import { createRequire } from 'node:module';
import type onnxProto from 'onnx-proto';

export function loadOnnxProto(): typeof onnxProto {
  return createRequire(import.meta.url)('onnx-proto') as typeof onnxProto;
}
