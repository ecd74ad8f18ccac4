/**
 * What a model format is to nnlearn: a way to recognise its bytes, read them into a Network and write a Network
 * out, with a plain statement of what it cannot hold. The formats themselves are in this folder; the registry
 * (./registry.ts) is the one place that chooses between them.
 *
 * Everything here takes and gives bytes, never paths, so that it runs in the browser as well as in Node
 * (./files.ts adds the files).
 */
import { ValueError } from '../../errors.js';
import type { LabelConvention } from '../../data/labels.js';
import { Network } from '../network.js';

/** The formats nnlearn reads and writes: its own JSON, MAT-files, ONNX, and TensorFlow.js layers models. */
export type ModelFormatName = 'json' | 'mat' | 'onnx' | 'tfjs';

/** Free-form provenance of a model (data, λ, iterations, accuracy …), as nnlearn's JSON keeps it in `meta`. */
export type ModelMeta = Record<string, unknown>;

/**
 * One file a format writes: its name inside the output folder of a folder format (TF.js: model.json, weights.bin),
 * '' for the one file of a single-file format; and its bytes.
 */
export interface ModelFile {
  name: string;
  bytes: Uint8Array;
}

/** A model read from a file: the network, its provenance when the file keeps one, and where it came from. */
export interface LoadedModel {
  network: Network;
  meta: ModelMeta | undefined;
  format: ModelFormatName;
  /**
   * Whether the file says which label convention its outputs follow (nnlearn's files do; the course's
   * ex4weights.mat and most foreign models do not, and get their format's default).
   */
  labelsRecorded: boolean;
}

/** How to read a model's bytes. */
export interface ReadModelOptions {
  /** names the file in error messages */
  source?: string;
  /**
   * The bytes of a file the model refers to, by its path relative to the model (a TF.js model's weight files);
   * throws (or returns undefined) when there is none.
   */
  sibling?: (path: string) => Uint8Array | undefined;
  /**
   * The label convention: 'auto' (the default) takes the file's, or the format's default when the file records
   * none; a convention given here must match the file's, and applies when it records none.
   */
  labels?: LabelConvention | 'auto';
  /** a zlib inflater for compressed MAT-files (Node's native one is faster than the default) */
  inflate?: (zlib: Uint8Array, maxOutput: number) => Uint8Array;
}

/** One model format: detection by content, reading, writing, and what it loses. */
export interface ModelFormat {
  readonly name: ModelFormatName;
  /** a name for people: "ONNX", "TensorFlow.js layers model" */
  readonly title: string;
  /** the file extensions that name it (lower case, with the dot); none for a format written as a folder */
  readonly extensions: readonly string[];
  /** whether it is written as a folder of files (TF.js: model.json and weights.bin) rather than one file */
  readonly folder: boolean;
  /** whether `bytes` are in this format, judged by their content (a file's name is only a hint) */
  detect(bytes: Uint8Array): boolean;
  /** The model in `bytes`; a FormatError naming `options.source` when they are not a model this format reads. */
  read(bytes: Uint8Array, options: ReadModelOptions): LoadedModel;
  /** The files that hold `net` (and `meta`, where the format keeps it); the first one is the model's entry. */
  write(net: Network, meta?: ModelMeta): ModelFile[];
  /** What writing `net` and `meta` in this format loses, one sentence each; empty when nothing is lost. */
  losses(net: Network, meta?: ModelMeta): string[];
}

/**
 * The label convention a read model gets: the one the file records (a different one asked for is an error), or
 * the one asked for, or the format's default.
 */
export function chooseLabels(
  recorded: LabelConvention | undefined,
  requested: LabelConvention | 'auto' | undefined,
  fallback: LabelConvention,
  source: string,
): LabelConvention {
  if (recorded !== undefined) {
    if (requested !== undefined && requested !== 'auto' && requested !== recorded) {
      throw new ValueError(`${source}: the model uses ${recorded} labels, not ${requested}`);
    }
    return recorded;
  }
  return requested === undefined || requested === 'auto' ? fallback : requested;
}

/** Refuses a network with a NaN or infinite weight, naming the matrix and the entry (1-based, as Octave would). */
export function checkFiniteWeights(net: Network, source: string): void {
  net.thetas.forEach((T, l) => {
    for (let i = 0; i < T.rows; i++) {
      for (let j = 0; j < T.cols; j++) {
        const v = T.get(i, j);
        if (!Number.isFinite(v)) throw new ValueError(`${source}: Theta${l + 1}(${i + 1}, ${j + 1}) is ${v}; weights must be finite`);
      }
    }
  });
}

/** The note a float32 format adds: nnlearn trains in float64. */
export function float32Loss(title: string): string {
  return `${title} holds weights as float32: each is rounded to 24 bits (relative change at most 6e-8), and predictions agree to about 1e-7`;
}
