/**
 * Model files on disk (Node): reading any format from a path (a TF.js model's folder or its model.json, with the
 * weight files beside it) and writing one, atomically, in the format a path or a name says.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { FormatError, NnlearnError, UsageError } from '../../errors.js';
import { checkHasName, nativeInflate, readBytes, writeFileAtomic } from '../../data/files.js';
import type { Network } from '../network.js';
import { formatOfFileName, modelFormat, readModel, startsLikeModel, writeModelFiles } from './registry.js';
import type { LoadedModel, ModelFormat, ModelFormatName, ModelMeta, ReadModelOptions } from './types.js';

/** A model read from disk, with the files it was read from (a TF.js model: its model.json and weight files). */
export interface LoadedModelFile extends LoadedModel {
  files: string[];
}

/**
 * Reads the model at `path`, whatever its format: nnlearn JSON, a MAT-file, ONNX, or a TF.js model.json (or the
 * folder that holds it) with its weight files beside it.
 */
export function readModelFile(path: string, options: Pick<ReadModelOptions, 'labels'> = {}): LoadedModelFile {
  let file = path;
  if (existsSync(path) && statSync(path).isDirectory()) {
    file = join(path, 'model.json');
    if (!existsSync(file)) throw new NnlearnError(`${path}: a folder with no model.json in it (give a model file)`);
  }
  // a pipe or a device (/dev/zero) has no size: it is refused by its first bytes when they start no model, rather
  // than read up to the memory limit (12 GB and 90 s once); a file's content is judged whole by the readers below
  const stream = existsSync(file) && !statSync(file).isFile();
  const bytes = readBytes(file, {
    accept: (head) => {
      if (stream && !startsLikeModel(head)) throw new FormatError(`${file}: not a model nnlearn reads (its first bytes start no nnlearn JSON, MAT-file, ONNX or TensorFlow.js model)`);
    },
  });
  const dir = dirname(file);
  const files = [file];
  const model = readModel(bytes, {
    ...options,
    source: file,
    inflate: nativeInflate,
    sibling: (name) => {
      const p = join(dir, name);
      if (!existsSync(p)) return undefined;
      files.push(p);
      return readBytes(p);
    },
  });
  return { ...model, files };
}

/**
 * The format a model written to `path` gets: the one named (`format`), or the one its extension says. A folder
 * format (tfjs) takes a folder, or a path ending in .json for its model.json; a file format must have its own
 * extension. `flag` names the option in errors ("--out").
 */
export function modelOutputFormat(path: string, format?: ModelFormatName | string, flag = 'the output'): ModelFormat {
  checkHasName(flag, path);
  const byName = formatOfFileName(path);
  if (format === undefined) {
    if (byName === undefined) {
      throw new UsageError(`${flag}: "${path}" must end in .json, .mat or .onnx (or give --format tfjs for a TensorFlow.js folder)`);
    }
    return byName;
  }
  const f = modelFormat(format);
  const fits = f.folder ? byName === undefined || byName.name === 'json' : byName === f;
  if (!fits) {
    throw new UsageError(
      f.folder
        ? `${flag}: --format ${f.name} writes a folder (or its model.json), not "${path}"`
        : `${flag}: --format ${f.name} writes ${f.extensions.join(' or ')} files, not "${path}"`,
    );
  }
  return f;
}

/**
 * Writes `net` (and `meta`, where the format keeps it) to `path` in `format` or the format its name says; a TF.js
 * model becomes `path/model.json` and `path/weights.bin` (or `path` and weights.bin beside it, when `path` ends in
 * .json). Each file is written whole or not at all, the weights before the model.json that names them. `check`
 * sees every path before anything is written (and may refuse). Returns the paths written and what the format could
 * not hold.
 */
export function writeModel(
  path: string,
  net: Network,
  meta?: ModelMeta,
  format?: ModelFormatName,
  check?: (paths: readonly string[]) => void,
): { format: ModelFormatName; files: string[]; losses: string[] } {
  const f = modelOutputFormat(path, format);
  const { files, losses } = writeModelFiles(net, f.name, meta);
  const entryPath = !f.folder || formatOfFileName(path) !== undefined ? path : join(path, files[0].name);
  const dir = dirname(entryPath);
  const paths = files.map((file, i) => (i === 0 ? entryPath : join(dir, file.name)));
  check?.(paths);
  for (let i = files.length - 1; i >= 0; i--) writeFileAtomic(paths[i], files[i].bytes);
  return { format: f.name, files: paths, losses };
}
