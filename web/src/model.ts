/**
 * The page's model: the network, where it came from, and its whole training history (every iteration's cost,
 * training and held-out accuracy and per-layer gradient sizes, across stops and resumes), saved with it.
 *
 * The file is the command line's model JSON (nnlearn predict reads it); the page's record is in `meta`, beside
 * the command line's own keys (costHistory, trainAccuracy, …) so that either can read what the other wrote.
 */
import { modelFromJson, modelToJson } from '../../src/nn/model.js';
import type { Network } from '../../src/nn/network.js';
import type { ImageShape } from '../../src/data/dataset.js';
import { describe, type Settings } from './settings.js';
import type { ModelSpec } from './protocol.js';

export interface History {
  /** the iteration count across runs: a resumed run goes on from where the last one stopped */
  iteration: number[];
  cost: number[];
  /** percent; null where unknown (a model trained elsewhere) */
  trainAccuracy: (number | null)[];
  testAccuracy: (number | null)[];
  /** RMS of ∂J/∂Θ(l) for each layer l, per iteration */
  gradientRms: number[][];
}

export interface Run {
  settings: Settings;
  /** the first and last iteration of this run in the history's count */
  first: number;
  last: number;
  stopped: boolean;
  threads: number;
}

export interface PageModel {
  net: Network;
  /** where it came from, in words */
  origin: string;
  history: History;
  runs: Run[];
}

export function emptyHistory(layers: number): History {
  return { iteration: [], cost: [], trainAccuracy: [], testAccuracy: [], gradientRms: Array.from({ length: layers }, () => []) };
}

/** How a network reads pictures: its own image layout, or the one its input count implies; undefined if none. */
export function imageOf(net: Network): ImageShape | undefined {
  if (net.image !== undefined) return net.image;
  const n = net.sizes[0];
  if (n === 784) return { height: 28, width: 28, order: 'row-major' };
  // 400 inputs without a layout: the course's 20×20 digits, unrolled by columns (MATLAB's order)
  if (n === 400) return { height: 20, width: 20, order: 'column-major' };
  const side = Math.round(Math.sqrt(n));
  return side * side === n ? { height: side, width: side, order: 'row-major' } : undefined;
}

/** Why the page cannot read digits with this network, or undefined when it can. */
export function cannotRead(net: Network): string | undefined {
  if (net.numLabels !== 10) return `it has ${net.numLabels} outputs, and the page reads digits (10 classes)`;
  if (imageOf(net) === undefined) return `its ${net.sizes[0]} inputs are not a picture (no image layout in the file, and not a square number)`;
  return undefined;
}

export function specOf(net: Network): ModelSpec {
  return {
    sizes: [...net.sizes],
    params: Float64Array.from(net.params),
    activation: net.activation,
    output: net.output,
    labels: net.labels,
    image: imageOf(net) ?? { height: 28, width: 28, order: 'row-major' },
  };
}

/** The model file: the command line's JSON with the page's record in meta. */
export function modelFile(m: PageModel, accuracies: { train?: number; test?: number }): string {
  const last = m.runs[m.runs.length - 1];
  const meta = {
    data: 'the nnlearn page’s digits: 5,000 of digits:train',
    test: 'the nnlearn page’s digits: 1,000 of digits:test',
    ...(last !== undefined
      ? { lambda: last.settings.lambda, maxIter: last.settings.iterations, optimizer: last.settings.optimizer, activation: last.settings.activation, output: last.settings.output }
      : {}),
    trainAccuracy: accuracies.train ?? null,
    testAccuracy: accuracies.test ?? null,
    costHistory: m.history.cost,
    page: { origin: m.origin, runs: m.runs, history: m.history, savedAt: new Date().toISOString() },
  };
  return `${JSON.stringify(modelToJson(m.net, meta))}\n`;
}

interface MetaLike {
  data?: unknown;
  optimizer?: unknown;
  lambda?: unknown;
  maxIter?: unknown;
  costHistory?: unknown;
  page?: { origin?: unknown; runs?: unknown; history?: unknown };
}

const numbers = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => typeof x === 'number');
const maybeNumbers = (v: unknown): v is (number | null)[] => Array.isArray(v) && v.every((x) => x === null || typeof x === 'number');

/**
 * A model file read back, in any format nnlearn reads (its JSON, a MAT-file, ONNX, a TensorFlow.js model.json with
 * its weight files, given as `others` by name): the network, its history (the page's, or the command line's cost
 * history) and origin. The format registry is loaded on first use: the first view does not need it.
 */
export async function readModelFile(bytes: Uint8Array, name: string, others: ReadonlyMap<string, Uint8Array> = new Map()): Promise<PageModel> {
  const { net, meta } = await readAnyModel(bytes, name, others);
  return pageModel(net, meta, name);
}

/** nnlearn's JSON at once (the shipped model, a download), any other format through the registry. */
async function readAnyModel(bytes: Uint8Array, name: string, others: ReadonlyMap<string, Uint8Array>): Promise<{ net: Network; meta: MetaLike }> {
  const text = new TextDecoder().decode(bytes.subarray(0, 4096));
  if (/"format"\s*:\s*"nnlearn-model"/.test(text)) {
    const all = new TextDecoder().decode(bytes);
    return { net: modelFromJson(all, name), meta: ((JSON.parse(all) as { meta?: unknown }).meta ?? {}) as MetaLike };
  }
  const { readModel } = await import('../../src/nn/formats/registry.js');
  const loaded = readModel(bytes, { source: name, sibling: (path) => others.get(path.split('/').pop() ?? path) });
  return { net: loaded.network, meta: (loaded.meta ?? {}) as MetaLike };
}

/** The page's model from a network and the record its file kept. */
function pageModel(net: Network, meta: MetaLike, name: string): PageModel {
  const layers = net.sizes.length - 1;
  const h = meta.page?.history as Partial<History> | undefined;
  let history: History;
  if (h !== undefined && numbers(h.iteration) && numbers(h.cost) && h.cost.length === h.iteration.length && maybeNumbers(h.trainAccuracy) && maybeNumbers(h.testAccuracy)) {
    const rms = Array.isArray(h.gradientRms) && h.gradientRms.length === layers && h.gradientRms.every(numbers) ? h.gradientRms : emptyHistory(layers).gradientRms;
    history = { iteration: h.iteration, cost: h.cost, trainAccuracy: h.trainAccuracy, testAccuracy: h.testAccuracy, gradientRms: rms };
  } else if (numbers(meta.costHistory)) {
    const costs = meta.costHistory;
    history = { ...emptyHistory(layers), iteration: costs.map((_, i) => i + 1), cost: costs, trainAccuracy: costs.map(() => null), testAccuracy: costs.map(() => null) };
  } else {
    history = emptyHistory(layers);
  }
  const runs = Array.isArray(meta.page?.runs) ? (meta.page.runs as Run[]) : [];
  let origin: string;
  if (typeof meta.page?.origin === 'string') {
    origin = `${name}: ${meta.page.origin}${runs.length > 0 ? `; ${runs.map((r) => describe(r.settings)).join(', then ')}` : ''}`;
  } else if (typeof meta.data === 'string') {
    const how = [meta.optimizer, meta.lambda !== undefined ? `λ = ${String(meta.lambda)}` : undefined, meta.maxIter !== undefined ? `${String(meta.maxIter)} iterations` : undefined]
      .filter((v) => v !== undefined)
      .join(', ');
    origin = `${name}: trained by nnlearn on ${meta.data}${how ? ` (${how})` : ''}`;
  } else {
    origin = `${name}: no record of how it was trained`;
  }
  return { net, origin, history, runs };
}
