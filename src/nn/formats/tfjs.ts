/**
 * TensorFlow.js layers models as a model format: a folder with model.json and weights.bin, written by
 * ./tfjs-write.ts and read by ./tfjs-read.ts.
 */
import { FormatError } from '../../errors.js';
import { chooseLabels, float32Loss, type ModelFormat } from './types.js';
import { jsonObjectOf } from './sniff.js';
import { networkToTfjs } from './tfjs-write.js';
import { networkFromTfjs } from './tfjs-read.js';

export const tfjsFormat: ModelFormat = {
  name: 'tfjs',
  title: 'TensorFlow.js layers model',
  extensions: [],
  folder: true,
  // model.json of TF.js (model.save) and of the Python converter both have a modelTopology and a weightsManifest
  detect(bytes) {
    const o = jsonObjectOf(bytes);
    return o !== undefined && ('modelTopology' in o || 'weightsManifest' in o);
  },
  read(bytes, options) {
    const source = options.source ?? 'model.json';
    const o = jsonObjectOf(bytes);
    if (o === undefined) throw new FormatError(`${source}: not a TensorFlow.js model.json (not a JSON object)`);
    const sibling = options.sibling ?? (() => undefined);
    // Keras and TF.js classifiers number their classes from 0
    const read = networkFromTfjs(o, source, sibling, (recorded) => chooseLabels(recorded, options.labels, 'zero-based', source));
    return { ...read, format: 'tfjs' };
  },
  write: (net, meta) => networkToTfjs(net, meta),
  losses: () => [float32Loss('A TensorFlow.js model')],
};
