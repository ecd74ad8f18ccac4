/**
 * MAT-files as models (../model.ts): Theta1 … ThetaL as Octave and scipy read them, and nnlearn_* codes for the
 * architecture, labels, input scale and image layout. The course's ex4weights.mat is one, with course labels.
 */
import { isMatFile, MatFile } from '../../data/mat.js';
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
  detect: isMatFile,
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
