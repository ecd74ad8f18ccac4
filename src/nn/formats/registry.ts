/**
 * The one place that knows every model format: which one a file is (by its content; the name only breaks a tie
 * and picks the error message), reading through it, and writing a network in a format chosen by name.
 *
 * Browser-safe: bytes in, Network out (./files.ts adds paths for Node).
 */
import { FormatError, UsageError } from '../../errors.js';
import type { Network } from '../network.js';
import { jsonFormat } from './json.js';
import { matFormat } from './mat.js';
import { onnxFormat } from './onnx.js';
import { tfjsFormat } from './tfjs.js';
import { jsonObjectOf, startsLikeJsonObject } from './sniff.js';
import { checkFiniteWeights, type LoadedModel, type ModelFile, type ModelFormat, type ModelFormatName, type ModelMeta, type ReadModelOptions } from './types.js';

/** Every format nnlearn reads and writes, in the order detection tries them. */
export const MODEL_FORMATS: readonly ModelFormat[] = [jsonFormat, tfjsFormat, onnxFormat, matFormat];

/** The formats' names, for a --format flag. */
export const MODEL_FORMAT_NAMES: readonly ModelFormatName[] = MODEL_FORMATS.map((f) => f.name);

/** The extensions of the single-file formats (.json, .mat, .onnx): what a model file's name may end in. */
export const MODEL_FILE_EXTENSIONS: readonly string[] = MODEL_FORMATS.flatMap((f) => f.extensions).sort();

/** The format of a name given by the user ("onnx"); a UsageError listing the names for any other. */
export function modelFormat(name: string): ModelFormat {
  const format = MODEL_FORMATS.find((f) => f.name === name);
  if (format === undefined) throw new UsageError(`unknown model format "${name}" (nnlearn knows ${MODEL_FORMAT_NAMES.join(', ')})`);
  return format;
}

/** The single-file format a file name's extension names, if any (".ONNX" too). */
export function formatOfFileName(fileName: string): ModelFormat | undefined {
  const dot = fileName.lastIndexOf('.');
  const ext = dot > fileName.lastIndexOf('/') && dot > fileName.lastIndexOf('\\') ? fileName.slice(dot).toLowerCase() : '';
  return MODEL_FORMATS.find((f) => f.extensions.includes(ext));
}

/** The format of a model's bytes, judged by their content; undefined when none recognises them. */
export function detectModelFormat(bytes: Uint8Array): ModelFormat | undefined {
  return MODEL_FORMATS.find((f) => f.detect(bytes));
}

/**
 * Whether a file's first bytes (up to 128) can start a model of some format: a JSON object (nnlearn's, TF.js's),
 * a MAT-file's header, or an ONNX ModelProto's first tag (ir_version, 0x08). For pipes and devices, which are
 * refused by their first bytes rather than read to the memory limit.
 */
export function startsLikeModel(head: Uint8Array): boolean {
  return startsLikeJsonObject(head) || head[0] === 0x08 || (head.length >= 128 && matFormat.detect(head)) || String.fromCharCode(...head.subarray(0, 6)) === 'MATLAB';
}

/**
 * Reads a model from its bytes, whatever its format (a TF.js model.json needs `options.sibling` for its weight
 * files), and checks that every weight is finite. When the content is no format's, the format the name's extension
 * says reads it anyway, for the error message that says what is wrong ("not valid JSON", "not a MAT-file").
 */
export function readModel(bytes: Uint8Array, options: ReadModelOptions = {}): LoadedModel {
  const source = options.source ?? 'the model';
  const detected = detectModelFormat(bytes);
  if (detected === undefined && jsonObjectOf(bytes) !== undefined) {
    throw new FormatError(`${source}: JSON, but neither an nnlearn model (no "format": "nnlearn-model") nor a TensorFlow.js model.json (no "modelTopology")`);
  }
  const format = detected ?? formatOfFileName(source);
  if (format === undefined) {
    throw new FormatError(`${source}: not a model nnlearn reads (nnlearn JSON, a MAT-file with Theta1, Theta2, …, ONNX, or a TensorFlow.js model.json)`);
  }
  const loaded = format.read(bytes, { ...options, source });
  checkFiniteWeights(loaded.network, source);
  return loaded;
}

/** The files that hold `net` in `format`, and what the format loses of it (one sentence each). */
export function writeModelFiles(net: Network, format: ModelFormatName, meta?: ModelMeta): { files: ModelFile[]; losses: string[] } {
  const f = modelFormat(format);
  return { files: f.write(net, meta), losses: f.losses(net, meta) };
}
