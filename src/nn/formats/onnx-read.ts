/**
 * Reading an ONNX model as a Network: the graphs nnlearn writes, and the fully connected networks other tools
 * export (PyTorch's torch.onnx of an nn.Sequential of Linear and Sigmoid/Tanh/ReLU layers ending in Sigmoid or
 * Softmax, Keras through tf2onnx), when they are one chain:
 *
 *   [Div|Mul by a constant] [Flatten|Reshape|Identity|Dropout]… (Gemm | MatMul [Add]) activation … (Gemm | MatMul [Add]) Sigmoid|Softmax
 *
 * Nodes after the output (nnlearn's ArgMax label) are allowed; a branch, a skip connection or any other operator
 * is refused with its name. Weights are initializers or Constant nodes, float or double, inline.
 */
import { FormatError } from '../../errors.js';
import type { LabelConvention } from '../../data/labels.js';
import type { ImageShape } from '../../data/dataset.js';
import { Matrix } from '../../linalg/matrix.js';
import { Network } from '../network.js';
import { checkImage } from '../model.js';
import type { Activation, OutputKind } from '../activations.js';
import { int64, onnxSchema, type Schema } from './onnx-proto.js';
import { ONNX_META } from './onnx-write.js';

/** A constant tensor's shape and values. */
interface Constant {
  dims: number[];
  values: Float64Array;
}

/** One Gemm or MatMul(+Add): z = a·Wᵀ + b with W out×in. */
interface Linear {
  out: number;
  inputs: number;
  W: Float64Array;
  b: Float64Array;
  activation?: string;
}

/** What the chain of nodes from the input holds. */
interface Chain {
  layers: Linear[];
  inputScale: number | undefined;
}

const ACTIVATION_OF_OP: Readonly<Record<string, Activation>> = { Sigmoid: 'sigmoid', Tanh: 'tanh', Relu: 'relu' };
const OUTPUT_OF_OP: Readonly<Record<string, OutputKind>> = { Sigmoid: 'sigmoid', Softmax: 'softmax' };
const PASS_THROUGH = new Set(['Flatten', 'Reshape', 'Identity', 'Dropout']);
const KNOWN = 'Gemm, MatMul, Add, Sigmoid, Tanh, Relu, Softmax, Flatten, Reshape, Identity, Dropout, and Div or Mul by a constant';

/** A model's bytes decoded, or a FormatError: protobufjs throws plain Errors on bad wire data. */
export function decodeOnnx(bytes: Uint8Array, source: string): Schema.ModelProto {
  const { onnx } = onnxSchema();
  try {
    return onnx.ModelProto.decode(bytes);
  } catch (err) {
    throw new FormatError(`${source}: not an ONNX model (${(err as Error).message})`);
  }
}

/** The values of a constant tensor (float or double, inline), as float64. */
function tensorValues(t: Schema.ITensorProto, source: string): Constant {
  const { onnx, DataType } = onnxSchema();
  const fail = (why: string): never => {
    throw new FormatError(`${source}: tensor "${t.name ?? ''}" ${why}`);
  };
  if (t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) fail('is stored in an external file; nnlearn reads self-contained ONNX files');
  const dims = (t.dims ?? []).map(int64);
  if (dims.some((d) => !Number.isSafeInteger(d) || d < 0)) fail(`has dimensions [${dims.join(', ')}]`);
  const count = dims.reduce((a, d) => a * d, 1);
  const type = t.dataType ?? DataType.UNDEFINED;
  const raw = t.rawData;
  const width = type === DataType.FLOAT ? 4 : type === DataType.DOUBLE ? 8 : type === DataType.INT64 ? 8 : 0;
  if (width === 0) fail(`has element type ${DataType[type] ?? type}; nnlearn reads float and double weights`);
  if (raw !== undefined && raw !== null && raw.length > 0) {
    if (raw.length !== count * width) fail(`has ${raw.length} bytes of data for ${count} values`);
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const values = new Float64Array(count);
    for (let i = 0; i < count; i++) {
      values[i] = width === 4 ? view.getFloat32(i * 4, true) : type === DataType.DOUBLE ? view.getFloat64(i * 8, true) : Number(view.getBigInt64(i * 8, true));
    }
    return { dims, values };
  }
  const list: ArrayLike<number> =
    type === DataType.FLOAT ? (t.floatData ?? []) : type === DataType.DOUBLE ? (t.doubleData ?? []) : (t.int64Data ?? []).map(int64);
  if (list.length !== count) fail(`has ${list.length} values for dimensions [${dims.join(', ')}]`);
  return { dims, values: Float64Array.from(list) };
}

function attribute(node: Schema.INodeProto, name: string): Schema.IAttributeProto | undefined {
  return (node.attribute ?? []).find((a) => a.name === name);
}

function intAttr(node: Schema.INodeProto, name: string, fallback: number): number {
  const a = attribute(node, name);
  return a === undefined ? fallback : int64(a.i);
}

function floatAttr(node: Schema.INodeProto, name: string, fallback: number): number {
  const a = attribute(node, name);
  return a === undefined ? fallback : (a.f ?? fallback);
}

/** The graph's constants: initializers and Constant nodes. */
function constantsOf(graph: Schema.IGraphProto, source: string): Map<string, Constant> {
  const constants = new Map<string, Constant>();
  for (const t of graph.initializer ?? []) constants.set(t.name ?? '', tensorValues(t, source));
  for (const node of graph.node ?? []) {
    if (node.opType !== 'Constant') continue;
    const value = attribute(node, 'value')?.t;
    if (value === undefined || value === null) throw new FormatError(`${source}: Constant node "${node.name ?? ''}" has no tensor value`);
    constants.set(node.output?.[0] ?? '', tensorValues(value, source));
  }
  return constants;
}

/** The one input that is not a constant (older exporters list the initializers among the inputs too). */
function graphInput(graph: Schema.IGraphProto, constants: Map<string, Constant>, source: string): Schema.IValueInfoProto {
  const inputs = (graph.input ?? []).filter((i) => !constants.has(i.name ?? ''));
  if (inputs.length !== 1) {
    throw new FormatError(`${source}: the graph has ${inputs.length} inputs (${inputs.map((i) => `"${i.name}"`).join(', ')}); nnlearn reads networks with one`);
  }
  return inputs[0];
}

/** Gemm(A, B, C) with alpha, beta and transB as z = a·Wᵀ + b. */
function gemmLayer(node: Schema.INodeProto, constants: Map<string, Constant>, fail: (why: string) => never): Linear {
  if (intAttr(node, 'transA', 0) !== 0) fail('transposes its input (transA = 1)');
  const B = constants.get(node.input?.[1] ?? '');
  if (B === undefined || B.dims.length !== 2) return fail('has a weight matrix that is not a 2-D constant');
  const transB = intAttr(node, 'transB', 0) !== 0;
  const alpha = floatAttr(node, 'alpha', 1);
  const beta = floatAttr(node, 'beta', 1);
  const [out, inputs] = transB ? B.dims : [B.dims[1], B.dims[0]];
  const W = new Float64Array(out * inputs);
  for (let i = 0; i < out; i++) {
    for (let j = 0; j < inputs; j++) W[i * inputs + j] = alpha * (transB ? B.values[i * inputs + j] : B.values[j * out + i]);
  }
  const layer: Linear = { out, inputs, W, b: new Float64Array(out) };
  const cName = node.input?.[2];
  if (cName !== undefined && cName !== '') addBias(layer, constants.get(cName), beta, fail);
  return layer;
}

/** MatMul(A, B) with B in×out as z = a·Wᵀ (the bias follows as an Add). */
function matmulLayer(node: Schema.INodeProto, constants: Map<string, Constant>, fail: (why: string) => never): Linear {
  const B = constants.get(node.input?.[1] ?? '');
  if (B === undefined || B.dims.length !== 2) return fail('multiplies by something that is not a 2-D constant');
  const [inputs, out] = B.dims;
  const W = new Float64Array(out * inputs);
  for (let i = 0; i < out; i++) for (let j = 0; j < inputs; j++) W[i * inputs + j] = B.values[j * out + i];
  return { out, inputs, W, b: new Float64Array(out) };
}

/** b += scale·C, with C one value per output unit (shape [out] or [1, out]) or one for all. */
function addBias(layer: Linear, C: Constant | undefined, scale: number, fail: (why: string) => never): void {
  if (C === undefined) return fail('adds something that is not a constant');
  const n = C.values.length;
  if (n !== 1 && n !== layer.out) return fail(`adds ${n} values to ${layer.out} units`);
  for (let i = 0; i < layer.out; i++) layer.b[i] += scale * C.values[n === 1 ? 0 : i];
}

/** The scalar of a Div or Mul by a constant before the first layer, as the divisor of raw inputs. */
function inputScaleOf(node: Schema.INodeProto, current: string, constants: Map<string, Constant>, fail: (why: string) => never): number {
  const other = node.input?.[0] === current ? node.input?.[1] : node.input?.[0];
  const c = constants.get(other ?? '');
  if (c === undefined || c.values.length !== 1 || (node.opType === 'Div' && node.input?.[0] !== current)) {
    return fail('scales the input by something other than one constant');
  }
  const v = c.values[0];
  const scale = node.opType === 'Div' ? v : 1 / v;
  if (!(scale > 0 && Number.isFinite(scale))) return fail(`scales the input by ${v}`);
  // 1/(1/255) is 255.00000000000003 in float64 and 255.00000103… from a float32 constant: the integer was meant
  const whole = Math.round(scale);
  return Math.abs(scale - whole) <= 1e-6 * scale ? whole : scale;
}

/** Follows the nodes from the input, one at a time, into layers. */
function followChain(graph: Schema.IGraphProto, input: string, constants: Map<string, Constant>, source: string): { chain: Chain; end: string } {
  const consumers = new Map<string, Schema.INodeProto[]>();
  for (const node of graph.node ?? []) {
    if (node.opType === 'Constant') continue;
    for (const name of node.input ?? []) {
      if (constants.has(name)) continue;
      consumers.set(name, [...(consumers.get(name) ?? []), node]);
    }
  }
  const outputs = new Set((graph.output ?? []).map((o) => o.name ?? ''));
  const chain: Chain = { layers: [], inputScale: undefined };
  let current = input;
  for (let steps = 0; ; steps++) {
    const next = consumers.get(current) ?? [];
    const last = chain.layers[chain.layers.length - 1];
    // the chain ends at a graph output after an output activation unless another layer follows; nodes past it
    // (nnlearn's label head) are not followed
    const closed = last?.activation !== undefined && OUTPUT_OF_OP[last.activation] !== undefined;
    const continues = next.some((n) => n.opType === 'Gemm' || n.opType === 'MatMul');
    if (closed && !continues && outputs.has(current)) return { chain, end: current };
    if (next.length === 0) {
      if (outputs.has(current)) return { chain, end: current };
      throw new FormatError(`${source}: the path from the input stops at "${current}", which is not a graph output`);
    }
    if (next.length > 1) {
      throw new FormatError(`${source}: "${current}" feeds ${next.length} nodes (${next.map((n) => n.opType).join(', ')}); nnlearn reads networks that are one chain of layers`);
    }
    if (steps > 100000) throw new FormatError(`${source}: the graph has a cycle`);
    const node = next[0];
    const fail = (why: string): never => {
      throw new FormatError(`${source}: node "${node.name ?? ''}" (${node.opType}) ${why}`);
    };
    applyNode(node, current, chain, constants, fail);
    current = node.output?.[0] ?? '';
  }
}

/** One node's effect on the chain. */
function applyNode(node: Schema.INodeProto, current: string, chain: Chain, constants: Map<string, Constant>, fail: (why: string) => never): void {
  const op = node.opType ?? '';
  const last = chain.layers[chain.layers.length - 1];
  const open = last !== undefined && last.activation === undefined; // a linear part waiting for its bias or activation
  if (PASS_THROUGH.has(op)) return;
  if ((op === 'Div' || op === 'Mul') && chain.layers.length === 0 && chain.inputScale === undefined) {
    chain.inputScale = inputScaleOf(node, current, constants, fail);
  } else if (op === 'Gemm' || op === 'MatMul') {
    if (open) fail(`follows a linear layer with no activation between them; nnlearn's hidden units are sigmoid, tanh or relu`);
    chain.layers.push(op === 'Gemm' ? gemmLayer(node, constants, fail) : matmulLayer(node, constants, fail));
  } else if (op === 'Add' && open) {
    const other = node.input?.[0] === current ? node.input?.[1] : node.input?.[0];
    addBias(last, constants.get(other ?? ''), 1, fail);
  } else if ((ACTIVATION_OF_OP[op] !== undefined || op === 'Softmax') && open) {
    if (op === 'Softmax') {
      const axis = intAttr(node, 'axis', -1);
      if (axis !== 1 && axis !== -1) fail(`is taken over axis ${axis}; nnlearn's softmax is over the output units (axis 1)`);
    }
    last.activation = op;
  } else {
    fail(`is not a layer nnlearn reads (it knows ${KNOWN}, in one chain)`);
  }
}

/** The network's architecture from the chain's activations: hidden ones all alike, the last Sigmoid or Softmax. */
function architectureOf(layers: Linear[], source: string): { activation: Activation; output: OutputKind } {
  if (layers.length === 0) throw new FormatError(`${source}: the graph has no Gemm or MatMul layer`);
  const ops = layers.map((l) => l.activation ?? '(none)');
  const output = OUTPUT_OF_OP[ops[ops.length - 1]];
  if (output === undefined) {
    throw new FormatError(`${source}: the last layer ends in ${ops[ops.length - 1] === '(none)' ? 'no activation (logits)' : ops[ops.length - 1]}; nnlearn's outputs are Sigmoid or Softmax`);
  }
  const hidden = ops.slice(0, -1);
  const activation = hidden.length === 0 ? 'sigmoid' : ACTIVATION_OF_OP[hidden[0]];
  if (hidden.some((op) => op !== hidden[0]) || activation === undefined) {
    throw new FormatError(`${source}: the hidden layers' activations are ${hidden.join(', ')}; nnlearn's hidden units are all Sigmoid, all Tanh or all Relu`);
  }
  return { activation, output };
}

/** Θ(l) = [b W], out×(in + 1), from each layer, checking that the sizes chain. */
function thetasOf(layers: Linear[], source: string): Matrix[] {
  return layers.map((layer, l) => {
    if (l > 0 && layer.inputs !== layers[l - 1].out) {
      throw new FormatError(`${source}: layer ${l + 1} takes ${layer.inputs} inputs but layer ${l} has ${layers[l - 1].out} units`);
    }
    const T = new Matrix(layer.out, layer.inputs + 1);
    for (let i = 0; i < layer.out; i++) {
      T.data[i * (layer.inputs + 1)] = layer.b[i];
      for (let j = 0; j < layer.inputs; j++) T.data[i * (layer.inputs + 1) + j + 1] = layer.W[i * layer.inputs + j];
    }
    return T;
  });
}

/** An image layout from nnlearn's metadata, or from an input shaped N×h×w or N×1×h×w (flattened in the graph). */
function imageOf(props: Map<string, string>, input: Schema.IValueInfoProto, n: number, source: string): ImageShape | undefined {
  const text = props.get(ONNX_META.image);
  const fail = (why: string): never => {
    throw new FormatError(`${source}: ${why}`);
  };
  if (text !== undefined) {
    let im: unknown;
    try {
      im = JSON.parse(text);
    } catch {
      im = undefined;
    }
    return checkImage(im, n, `metadata ${ONNX_META.image}`, fail);
  }
  const dims = (input.type?.tensorType?.shape?.dim ?? []).map((d) => int64(d.dimValue));
  const [h, w] = dims.length === 3 ? dims.slice(1) : dims.length === 4 && dims[1] === 1 ? dims.slice(2) : [0, 0];
  return h > 1 && w > 1 && h * w === n ? { height: h, width: w, order: 'row-major' } : undefined;
}

/** The Network (and the run's record, when nnlearn wrote the file) of an ONNX model's bytes. */
export function networkFromOnnx(
  bytes: Uint8Array,
  source: string,
  chooseLabels: (recorded: LabelConvention | undefined) => LabelConvention,
): { network: Network; meta: Record<string, unknown> | undefined; labelsRecorded: boolean } {
  const model = decodeOnnx(bytes, source);
  const graph = model.graph;
  if (graph === undefined || graph === null) throw new FormatError(`${source}: an ONNX file with no graph`);
  const constants = constantsOf(graph, source);
  const input = graphInput(graph, constants, source);
  const { chain } = followChain(graph, input.name ?? '', constants, source);
  const { activation, output } = architectureOf(chain.layers, source);
  const thetas = thetasOf(chain.layers, source);
  const props = new Map((model.metadataProps ?? []).map((p) => [p.key ?? '', p.value ?? '']));
  const recordedText = props.get(ONNX_META.labels);
  if (recordedText !== undefined && recordedText !== 'course' && recordedText !== 'zero-based') {
    throw new FormatError(`${source}: metadata ${ONNX_META.labels} is "${recordedText}", not course or zero-based`);
  }
  const recorded = recordedText as LabelConvention | undefined;
  let meta: Record<string, unknown> | undefined;
  const metaText = props.get(ONNX_META.meta);
  if (metaText !== undefined) {
    try {
      const parsed = JSON.parse(metaText) as unknown;
      meta = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
    } catch {
      throw new FormatError(`${source}: metadata ${ONNX_META.meta} is not JSON`);
    }
  }
  const network = Network.fromThetas(thetas, {
    labels: chooseLabels(recorded),
    activation,
    output,
    image: imageOf(props, input, thetas[0].cols - 1, source),
    // nnlearn writes no Div for a scale of 1, and says so in the metadata
    inputScale: chain.inputScale ?? (props.get(ONNX_META.inputScale) === '1' ? 1 : undefined),
  });
  return { network, meta, labelsRecorded: recorded !== undefined };
}
