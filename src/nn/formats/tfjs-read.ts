/**
 * Reading a TensorFlow.js layers model (model.json and its weight files) as a Network: what `model.save` in
 * TF.js writes, and what Python's tensorflowjs_converter makes of a Keras model (Keras 2 or 3, Sequential or a
 * functional model that is one chain). Dense layers with sigmoid, tanh, relu or softmax (or linear followed by an
 * Activation, ReLU or Softmax layer); InputLayer, Flatten and the dropout and noise layers (identities when
 * predicting) pass; a Rescaling layer in front is the input scale. Any other layer is refused by name.
 *
 * The weights are float32, or quantized by the converter (uint8 or uint16 affine, float16), read as float64.
 */
import { FormatError } from '../../errors.js';
import type { LabelConvention } from '../../data/labels.js';
import type { ImageShape } from '../../data/dataset.js';
import { Matrix } from '../../linalg/matrix.js';
import { Network } from '../network.js';
import { checkImage } from '../model.js';
import type { Activation, OutputKind } from '../activations.js';

/** One entry of a weights manifest. */
interface WeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype?: string; scale?: number; min?: number };
}

/** Where a weight's bytes are: in the concatenation of its group's files. */
interface WeightEntry {
  spec: WeightSpec;
  bytes: Uint8Array;
  offset: number;
}

/** One Dense layer with the activation that follows it. */
interface DenseLayer {
  name: string;
  units: number;
  useBias: boolean;
  activation: string;
}

/** The layers of a topology, read into what nnlearn needs. */
interface Stack {
  dense: DenseLayer[];
  inputShape: number[] | undefined;
  inputScale: number | undefined;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Layers that change nothing when predicting. */
const IDENTITY_LAYERS = new Set(['InputLayer', 'Flatten', 'Dropout', 'AlphaDropout', 'GaussianDropout', 'GaussianNoise', 'SpatialDropout1D', 'SpatialDropout2D', 'ActivityRegularization']);
const HIDDEN: Readonly<Record<string, Activation>> = { sigmoid: 'sigmoid', tanh: 'tanh', relu: 'relu' };
const OUTPUT: Readonly<Record<string, OutputKind>> = { sigmoid: 'sigmoid', softmax: 'softmax' };
const BYTES: Readonly<Record<string, number>> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };

/** The paths of the weight files a model.json names, for a loader that fetches them (a page, say). */
export function tfjsWeightPaths(modelJson: Readonly<Record<string, unknown>>): string[] {
  const manifest = modelJson.weightsManifest;
  if (!Array.isArray(manifest)) return [];
  return manifest.flatMap((g) => (isObject(g) && Array.isArray(g.paths) ? g.paths.filter((p): p is string => typeof p === 'string') : []));
}

/** A Keras activation as a name: a string, or Keras 3's {class_name: 'function', config: 'relu'}. */
function activationName(v: unknown): string {
  if (v === undefined || v === null) return 'linear';
  if (typeof v === 'string') return v;
  if (isObject(v) && typeof v.config === 'string') return v.config;
  if (isObject(v) && typeof v.class_name === 'string') return v.class_name;
  return JSON.stringify(v);
}

/** The names of the layers that feed a layer of a functional model (Keras 2's nested lists or Keras 3's keras_history). */
function inboundNames(layer: Json): string[] | undefined {
  const nodes = layer.inbound_nodes;
  if (!Array.isArray(nodes)) return undefined;
  if (nodes.length !== 1) return nodes.length === 0 ? [] : undefined;
  const names: string[] = [];
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) {
      if (typeof v[0] === 'string' && typeof v[1] === 'number') names.push(v[0]);
      else v.forEach(visit);
    } else if (isObject(v)) {
      const history = isObject(v.config) ? v.config.keras_history : undefined;
      if (Array.isArray(history) && typeof history[0] === 'string') names.push(history[0]);
      else Object.values(v).forEach(visit);
    }
  };
  visit(nodes[0]);
  return names;
}

/** The layer list of a topology, checking that a functional model is one chain. */
function layerList(topology: Json, fail: (why: string) => never): Json[] {
  const config = topology.config;
  const kind = topology.class_name;
  const list = Array.isArray(config) ? config : isObject(config) ? config.layers : undefined;
  if (!Array.isArray(list) || !list.every(isObject)) return fail(`the ${String(kind)} model has no list of layers`);
  if (kind === 'Sequential') return list;
  if (kind !== 'Model' && kind !== 'Functional') return fail(`the model is a ${JSON.stringify(kind)}; nnlearn reads Sequential and functional models`);
  list.forEach((layer, i) => {
    const from = inboundNames(layer);
    const expected = i === 0 ? [] : [(list[i - 1].config as Json | undefined)?.name ?? list[i - 1].name];
    if (from === undefined || from.length !== expected.length || from.some((n, k) => n !== expected[k])) {
      fail(`layer "${String(layer.name ?? (layer.config as Json | undefined)?.name)}" does not take the previous layer's output alone: nnlearn reads models that are one chain of layers`);
    }
  });
  return list;
}

function shapeOf(config: Json): number[] | undefined {
  const s = config.batch_input_shape ?? config.batch_shape;
  if (Array.isArray(s)) return s.slice(1).map((d) => (typeof d === 'number' ? d : NaN));
  if (Array.isArray(config.input_shape)) return config.input_shape.map((d) => (typeof d === 'number' ? d : NaN));
  return undefined;
}

/** The Dense layers and their activations, the input shape and scale, from the topology's layers. */
function readStack(layers: Json[], fail: (why: string) => never): Stack {
  const stack: Stack = { dense: [], inputShape: undefined, inputScale: undefined };
  for (const layer of layers) {
    const kind = String(layer.class_name);
    const config = isObject(layer.config) ? layer.config : {};
    const name = String(config.name ?? layer.name ?? kind);
    const refuse = (why: string): never => fail(`layer "${name}" (${kind}) ${why}`);
    stack.inputShape ??= shapeOf(config);
    const last = stack.dense[stack.dense.length - 1];
    const setActivation = (act: string) => {
      if (last === undefined || last.activation !== 'linear') refuse(`applies ${act} ${last === undefined ? 'before any Dense layer' : `after ${last.activation}`}`);
      else last.activation = act;
    };
    if (IDENTITY_LAYERS.has(kind)) continue;
    if (kind === 'Dense') {
      const units = config.units;
      if (!Number.isInteger(units) || (units as number) < 1) refuse(`has ${JSON.stringify(units)} units`);
      stack.dense.push({ name, units: units as number, useBias: config.use_bias !== false, activation: activationName(config.activation) });
    } else if (kind === 'Activation') {
      setActivation(activationName(config.activation));
    } else if (kind === 'ReLU') {
      const plain = (config.max_value === undefined || config.max_value === null) && !config.negative_slope && !config.threshold;
      if (!plain) refuse('is a clipped, leaky or thresholded ReLU; nnlearn\'s relu is max(0, z)');
      setActivation('relu');
    } else if (kind === 'Softmax') {
      const axis = Array.isArray(config.axis) && config.axis.length === 1 ? config.axis[0] : (config.axis ?? -1);
      if (axis !== -1 && axis !== 1) refuse(`is taken over axis ${JSON.stringify(config.axis)}, not the units`);
      setActivation('softmax');
    } else if (kind === 'Rescaling' && stack.dense.length === 0 && stack.inputScale === undefined) {
      const scale = config.scale;
      if (typeof scale !== 'number' || !(scale > 0) || !Number.isFinite(scale) || (config.offset !== undefined && config.offset !== 0)) {
        refuse('scales by something other than one positive number with no offset');
      }
      const divisor = 1 / (scale as number);
      const whole = Math.round(divisor); // 1/(1/255) is 255.00000000000003
      stack.inputScale = Math.abs(divisor - whole) <= 1e-9 * divisor ? whole : divisor;
    } else {
      refuse('is not a layer nnlearn reads (it reads Dense layers with sigmoid, tanh, relu or softmax, Activation, ReLU, Softmax, and InputLayer, Flatten, Rescaling, Dropout)');
    }
  }
  if (stack.dense.length === 0) fail('the model has no Dense layer');
  return stack;
}

/** The hidden activation (all alike) and the output layer of the Dense stack, or an error naming the layer. */
function architectureOf(dense: DenseLayer[], fail: (why: string) => never): { activation: Activation; output: OutputKind } {
  const lastLayer = dense[dense.length - 1];
  const output = OUTPUT[lastLayer.activation];
  if (output === undefined) fail(`the last layer "${lastLayer.name}" is ${lastLayer.activation}; nnlearn's output layer is sigmoid or softmax`);
  const hidden = dense.slice(0, -1);
  for (const d of hidden) {
    if (HIDDEN[d.activation] === undefined) fail(`layer "${d.name}" is ${d.activation}; nnlearn's hidden units are sigmoid, tanh or relu`);
    if (d.activation !== hidden[0].activation) fail(`layers "${hidden[0].name}" (${hidden[0].activation}) and "${d.name}" (${d.activation}) differ; nnlearn's hidden layers share one activation`);
  }
  return { activation: hidden.length === 0 ? 'sigmoid' : HIDDEN[hidden[0].activation], output: output as OutputKind };
}

/** Every weight's place in its group's files, checked against the bytes there are. */
function weightEntries(modelJson: Json, sibling: (path: string) => Uint8Array | undefined, fail: (why: string) => never): Map<string, WeightEntry> {
  const manifest = modelJson.weightsManifest;
  if (!Array.isArray(manifest)) return fail('model.json has no weightsManifest');
  const entries = new Map<string, WeightEntry>();
  for (const group of manifest) {
    if (!isObject(group) || !Array.isArray(group.paths) || !Array.isArray(group.weights)) fail('a weightsManifest group has no paths or weights');
    const g = group as { paths: unknown[]; weights: unknown[] };
    const parts = g.paths.map((p) => {
      if (typeof p !== 'string' || p.startsWith('/') || p.split(/[\\/]/).includes('..') || /^[a-z]+:/i.test(p)) return fail(`the weight file ${JSON.stringify(p)} is not a plain path beside model.json`);
      const bytes = sibling(p);
      if (bytes === undefined) return fail(`its weight file "${p}" is missing (it must be beside model.json)`);
      return bytes;
    });
    const total = parts.reduce((s, p) => s + p.length, 0);
    const bytes = new Uint8Array(total);
    parts.reduce((at, p) => (bytes.set(p, at), at + p.length), 0);
    let offset = 0;
    for (const w of g.weights) {
      const spec = w as WeightSpec;
      if (!isObject(w) || typeof spec.name !== 'string' || !Array.isArray(spec.shape) || !spec.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
        fail(`a weightsManifest entry is not {name, shape, dtype}: ${JSON.stringify(w).slice(0, 80)}`);
      }
      const stored = spec.quantization?.dtype ?? spec.dtype;
      const width = BYTES[stored];
      if (width === undefined) fail(`weight "${spec.name}" is stored as ${JSON.stringify(stored)}; nnlearn reads float32, float16, int32, uint16, uint8, bool`);
      const count = spec.shape.reduce((a, d) => a * d, 1);
      if (offset + count * width > total) fail(`weight "${spec.name}" needs ${count * width} bytes from byte ${offset}, but the weight files hold ${total}`);
      entries.set(spec.name, { spec, bytes, offset });
      offset += count * width;
    }
    if (offset !== total) fail(`the weight files hold ${total} bytes but the manifest describes ${offset}`);
  }
  return entries;
}

/** float16 (IEEE 754 half precision) bits as a number. */
function halfToNumber(h: number): number {
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  const sign = h & 0x8000 ? -1 : 1;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/** A weight's values as float64, dequantized (value = q·scale + min, as the converter's quantization). */
function weightValues(e: WeightEntry): Float64Array {
  const count = e.spec.shape.reduce((a, d) => a * d, 1);
  const view = new DataView(e.bytes.buffer, e.bytes.byteOffset + e.offset, e.bytes.byteLength - e.offset);
  const q = e.spec.quantization;
  const out = new Float64Array(count);
  const stored = q?.dtype ?? e.spec.dtype;
  const scale = q?.scale ?? 1;
  const min = q?.min ?? 0;
  for (let i = 0; i < count; i++) {
    switch (stored) {
      case 'float32':
        out[i] = view.getFloat32(4 * i, true);
        break;
      case 'int32':
        out[i] = view.getInt32(4 * i, true);
        break;
      case 'float16':
        out[i] = halfToNumber(view.getUint16(2 * i, true));
        break;
      case 'uint16':
        out[i] = view.getUint16(2 * i, true) * scale + min;
        break;
      default: // uint8, bool
        out[i] = view.getUint8(i) * (q === undefined ? 1 : scale) + (q === undefined ? 0 : min);
    }
  }
  return out;
}

/** The weight of a layer ("dense_1/kernel"), whatever prefix the converter put before the layer's name. */
function findWeight(entries: Map<string, WeightEntry>, layer: string, kind: 'kernel' | 'bias', fail: (why: string) => never): WeightEntry {
  const exact = entries.get(`${layer}/${kind}`);
  if (exact !== undefined) return exact;
  const found = [...entries.keys()].filter((n) => n.endsWith(`/${layer}/${kind}`));
  if (found.length !== 1) fail(found.length === 0 ? `no weight named "${layer}/${kind}" in the manifest` : `weights ${found.join(', ')} all could be "${layer}/${kind}"`);
  return entries.get(found[0]) as WeightEntry;
}

/** Θ(l) = [bias kernelᵀ] for each Dense layer, checking the shapes chain. */
function thetasOf(dense: DenseLayer[], entries: Map<string, WeightEntry>, fail: (why: string) => never): Matrix[] {
  let inputs: number | undefined;
  return dense.map((d) => {
    const kernel = findWeight(entries, d.name, 'kernel', fail);
    const [rows, cols] = kernel.spec.shape;
    if (kernel.spec.shape.length !== 2 || cols !== d.units || (inputs !== undefined && rows !== inputs)) {
      fail(`the kernel of "${d.name}" is [${kernel.spec.shape.join(', ')}], not [${inputs ?? 'inputs'}, ${d.units}]`);
    }
    const K = weightValues(kernel);
    const b = d.useBias ? findWeight(entries, d.name, 'bias', fail) : undefined;
    if (b !== undefined && (b.spec.shape.length !== 1 || b.spec.shape[0] !== d.units)) fail(`the bias of "${d.name}" is [${b.spec.shape.join(', ')}], not [${d.units}]`);
    const bias = b === undefined ? new Float64Array(d.units) : weightValues(b);
    const T = new Matrix(d.units, rows + 1);
    for (let j = 0; j < d.units; j++) {
      T.data[j * (rows + 1)] = bias[j];
      for (let i = 0; i < rows; i++) T.data[j * (rows + 1) + i + 1] = K[i * cols + j];
    }
    inputs = d.units;
    return T;
  });
}

/** An image layout from nnlearn's metadata, or from an input shaped [h, w] or [h, w, 1] (flattened in the model). */
function imageOf(nnlearn: Json | undefined, shape: number[] | undefined, n: number, fail: (why: string) => never): ImageShape | undefined {
  if (nnlearn?.image !== undefined) return checkImage(nnlearn.image, n, 'userDefinedMetadata.nnlearn.image', fail);
  if (shape === undefined) return undefined;
  const [h, w] = shape.length === 2 || (shape.length === 3 && shape[2] === 1) ? shape : shape.length === 3 && shape[0] === 1 ? shape.slice(1) : [0, 0];
  return h > 1 && w > 1 && h * w === n ? { height: h, width: w, order: 'row-major' } : undefined;
}

/**
 * The Network of a TF.js layers model: its model.json (parsed) and its weight files through `sibling`.
 * `chooseLabels` gets the convention the file records (userDefinedMetadata.nnlearn.labels), if any.
 */
export function networkFromTfjs(
  modelJson: Json,
  source: string,
  sibling: (path: string) => Uint8Array | undefined,
  chooseLabels: (recorded: LabelConvention | undefined) => LabelConvention,
): { network: Network; meta: Record<string, unknown> | undefined; labelsRecorded: boolean } {
  const fail = (why: string): never => {
    throw new FormatError(`${source}: ${why}`);
  };
  if (modelJson.format === 'graph-model') fail('a TensorFlow.js graph model; nnlearn reads layers models (tf.LayersModel.save, or tensorflowjs_converter from Keras)');
  let topology = modelJson.modelTopology;
  if (isObject(topology) && isObject(topology.model_config)) topology = topology.model_config;
  if (!isObject(topology)) return fail('model.json has no modelTopology');
  const stack = readStack(layerList(topology, fail), fail);
  const { activation, output } = architectureOf(stack.dense, fail);
  const thetas = thetasOf(stack.dense, weightEntries(modelJson, sibling, fail), fail);
  const n = thetas[0].cols - 1;
  const inputSize = stack.inputShape?.reduce((a, d) => a * d, 1);
  if (inputSize !== undefined && !Number.isNaN(inputSize) && inputSize !== n) fail(`the input is [${stack.inputShape?.join(', ')}] but the first kernel takes ${n} inputs`);
  const user = isObject(modelJson.userDefinedMetadata) ? modelJson.userDefinedMetadata : undefined;
  const nnlearn = user !== undefined && isObject(user.nnlearn) ? user.nnlearn : undefined;
  const recorded = nnlearn?.labels;
  if (recorded !== undefined && recorded !== 'course' && recorded !== 'zero-based') fail(`userDefinedMetadata.nnlearn.labels is ${JSON.stringify(recorded)}, not course or zero-based`);
  const network = Network.fromThetas(thetas, {
    labels: chooseLabels(recorded as LabelConvention | undefined),
    activation,
    output,
    image: imageOf(nnlearn, stack.inputShape, n, fail),
    // nnlearn writes no Rescaling for a scale of 1, and says so in its metadata
    inputScale: stack.inputScale ?? (nnlearn?.inputScale === 1 ? 1 : undefined),
  });
  const meta = nnlearn !== undefined && isObject(nnlearn.meta) ? nnlearn.meta : undefined;
  return { network, meta, labelsRecorded: recorded !== undefined };
}
