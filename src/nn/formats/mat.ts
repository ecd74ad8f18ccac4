/**
 * MAT-files as models (../model.ts): Theta1 … ThetaL as Octave and scipy read them, and nnlearn_* codes for the
 * architecture, labels, input scale and image layout. The course's ex4weights.mat is one, with course labels.
 */
import { MatFile } from '../../data/mat.js';
import { Matrix } from '../../linalg/matrix.js';
import { metaFromMat, modelToMat, networkFromMat } from '../model.js';
import { Network } from '../network.js';
import { chooseLabels, type ModelFormat, type ModelMeta } from './types.js';

/** The cost history a run's `meta` holds, as a 1×n matrix for the MAT-file (Octave plots it with plot(costHistory)). */
function costHistoryOf(meta: ModelMeta | undefined): Matrix | undefined {
  const h = meta?.costHistory;
  if (!Array.isArray(h) || h.length === 0 || !h.every((v) => typeof v === 'number' && Number.isFinite(v))) return undefined;
  return new Matrix(1, h.length, Float64Array.from(h as number[]));
}

export const matFormat: ModelFormat = {
  name: 'mat',
  title: 'MAT-file',
  extensions: ['.mat'],
  folder: false,
  // the Level 5 header: "MATLAB" text from byte 0 (MATLAB, Octave and scipy write "MATLAB 5.0 MAT-file"; a 7.3
  // file is detected so that reading it says why it is refused), or version 0x0100 and an endian indicator at 124
  detect(bytes) {
    if (bytes.length < 128) return false;
    if (String.fromCharCode(...bytes.subarray(0, 6)) === 'MATLAB') return true;
    const le = bytes[126] === 0x49 && bytes[127] === 0x4d && bytes[124] === 0x00 && bytes[125] === 0x01; // "IM"
    const be = bytes[126] === 0x4d && bytes[127] === 0x49 && bytes[124] === 0x01 && bytes[125] === 0x00; // "MI"
    return le || be;
  },
  read(bytes, options) {
    const source = options.source ?? 'the MAT-file';
    const mat = new MatFile(bytes, source, options.inflate === undefined ? {} : { inflate: options.inflate });
    const read = networkFromMat(mat);
    const recorded = mat.has('nnlearn_labels') ? read.labels : undefined;
    const labels = chooseLabels(recorded, options.labels, 'course', source);
    const network = labels === read.labels ? read : new Network(read.sizes, read.params, { ...read.options, labels });
    // the run's record (nnlearn_meta, JSON text), or at least its cost history
    const costHistory = mat.has('costHistory') ? Array.from(mat.matrix('costHistory').data) : undefined;
    const meta = metaFromMat(mat) ?? (costHistory === undefined ? undefined : { costHistory });
    return { network, meta, format: 'mat', labelsRecorded: recorded !== undefined };
  },
  write(net, meta) {
    const costHistory = costHistoryOf(meta);
    return [{ name: '', bytes: modelToMat(net, costHistory === undefined ? {} : { costHistory }, meta) }];
  },
  losses() {
    return []; // the record goes in nnlearn_meta, as JSON text
  },
};
