/**
 * nnlearn's own model format (../model.ts): JSON that holds everything, float64 weights exactly, and the run's
 * provenance in `meta`.
 */
import { MODEL_FORMAT, modelFromJson, modelToJson } from '../model.js';
import { chooseLabels, type ModelFormat } from './types.js';
import { jsonObjectOf } from './sniff.js';

export const jsonFormat: ModelFormat = {
  name: 'json',
  title: 'nnlearn JSON',
  extensions: ['.json'],
  folder: false,
  detect: (bytes) => jsonObjectOf(bytes)?.format === MODEL_FORMAT,
  read(bytes, options) {
    const source = options.source ?? 'the model';
    const net = modelFromJson(new TextDecoder().decode(bytes), source);
    const meta = jsonObjectOf(bytes)?.meta;
    chooseLabels(net.labels, options.labels, net.labels, source); // the file records its convention: a different one is an error
    return {
      network: net,
      meta: typeof meta === 'object' && meta !== null && !Array.isArray(meta) ? (meta as Record<string, unknown>) : undefined,
      format: 'json',
      labelsRecorded: true,
    };
  },
  write: (net, meta) => [{ name: '', bytes: new TextEncoder().encode(`${JSON.stringify(modelToJson(net, meta))}\n`) }],
  losses: () => [],
};
