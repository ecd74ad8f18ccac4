/**
 * A Network as a standard ONNX graph (opset 13), readable by ONNX Runtime, onnx.js, Netron and the onnx Python
 * package:
 *
 *   input (N×n, float) ─[Div input_scale]─ Gemm ─ Sigmoid|Tanh|Relu ─ … ─ Gemm ─ Sigmoid|Softmax ─ probabilities (N×K)
 *                                                                                     └─ ArgMax [+1] ─ label (N, int64)
 *
 * Each layer is one Gemm with transB = 1: Y = A·Bᵀ + C, where B is Θ(l) without its bias column (s_{l+1}×s_l) and
 * C the bias column, the course's z(l+1) = a(l)·Θ(l)ᵀ with the bias unit split off (ex4 section 1.4). A Div node
 * brings raw inputs to the scale the network was trained on (255 for 8-bit pixels), so an app feeds the pixels it
 * has. `label` is the predicted label in the model's convention (ArgMax, plus 1 for the course's labels 1..K);
 * the convention and nnlearn's settings are in metadata_props as well.
 */
import type { ImageShape } from '../../data/dataset.js';
import type { Network } from '../network.js';
import type { Activation } from '../activations.js';
import type { ModelMeta } from './types.js';
import { IR_VERSION, onnxSchema, OPSET, type Schema } from './onnx-proto.js';

/** The ONNX operator of each hidden activation and output layer. */
export const ONNX_ACTIVATION_OPS: Readonly<Record<Activation, string>> = { sigmoid: 'Sigmoid', tanh: 'Tanh', relu: 'Relu' };
export const ONNX_OUTPUT_OPS = { sigmoid: 'Sigmoid', softmax: 'Softmax' } as const;

/** Keys of nnlearn's entries in metadata_props. */
export const ONNX_META = {
  labels: 'nnlearn.labels',
  activation: 'nnlearn.activation',
  output: 'nnlearn.output',
  inputScale: 'nnlearn.input_scale',
  image: 'nnlearn.image',
  meta: 'nnlearn.meta',
} as const;

function floatTensor(name: string, dims: number[], values: ArrayLike<number>): Schema.ITensorProto {
  return { name, dims, dataType: onnxSchema().DataType.FLOAT, floatData: Array.from(values) };
}

function intAttribute(name: string, i: number): Schema.IAttributeProto {
  return { name, type: onnxSchema().AttributeType.INT, i };
}

/** A 2-D tensor type with a symbolic batch dimension N. */
function matrixType(elemType: number, cols: number | undefined): Schema.ITypeProto {
  const dim: Schema.TensorShapeProto.IDimension[] = [{ dimParam: 'N' }];
  if (cols !== undefined) dim.push({ dimValue: cols });
  return { tensorType: { elemType, shape: { dim } } };
}

/** What a person reading the file (in Netron, say) needs to use it: which label each output unit is. */
export function labelsText(labels: Network['labels'], K: number): string {
  return labels === 'course'
    ? `output unit k (from 0) is label k+1, 1..${K} (the course's convention: for digits, label 10 is the digit 0)`
    : `output unit k (from 0) is label k, 0..${K - 1}`;
}

function describeInput(n: number, scale: number | undefined, image: ImageShape | undefined): string {
  const layout = image === undefined ? '' : `, a ${image.height}×${image.width} image in ${image.order} order`;
  const scaled = scale === undefined || scale === 1 ? '' : ` as raw values (divided by ${scale} inside the graph)`;
  return `N rows of ${n} inputs${layout}${scaled}`;
}

/** The ONNX ModelProto bytes of `net`; `meta` (a run's record) goes into metadata_props as JSON. */
export function networkToOnnx(net: Network, meta?: ModelMeta): Uint8Array {
  const { onnx, DataType } = onnxSchema();
  const nodes: Schema.INodeProto[] = [];
  const initializers: Schema.ITensorProto[] = [];
  let current = 'input';
  if (net.inputScale !== undefined && net.inputScale !== 1) {
    initializers.push(floatTensor('input_scale', [], [net.inputScale]));
    nodes.push({ name: 'scale', opType: 'Div', input: [current, 'input_scale'], output: ['a1'] });
    current = 'a1';
  }
  const thetas = net.thetas;
  thetas.forEach((theta, l) => {
    // Θ(l) is s_{l+1}×(s_l + 1) with the bias in column 0: B is the rest (transB = 1), C the bias column
    const out = theta.rows;
    const inputs = theta.cols - 1;
    const W = new Float32Array(out * inputs);
    const b = new Float32Array(out);
    for (let i = 0; i < out; i++) {
      b[i] = theta.get(i, 0);
      for (let j = 0; j < inputs; j++) W[i * inputs + j] = theta.get(i, j + 1);
    }
    const layer = `layer${l + 1}`;
    initializers.push(floatTensor(`${layer}.weight`, [out, inputs], W), floatTensor(`${layer}.bias`, [out], b));
    const z = `z${l + 2}`;
    nodes.push({ name: `${layer}.gemm`, opType: 'Gemm', input: [current, `${layer}.weight`, `${layer}.bias`], output: [z], attribute: [intAttribute('transB', 1)] });
    const last = l === thetas.length - 1;
    const a = last ? 'probabilities' : `a${l + 2}`;
    const op = last ? ONNX_OUTPUT_OPS[net.output] : ONNX_ACTIVATION_OPS[net.activation];
    nodes.push({ name: `${layer}.${op.toLowerCase()}`, opType: op, input: [z], output: [a], attribute: op === 'Softmax' ? [intAttribute('axis', 1)] : [] });
    current = a;
  });
  // the label: the most probable unit (the course's predict.m takes the max too), in the model's convention
  const course = net.labels === 'course';
  nodes.push({ name: 'label.argmax', opType: 'ArgMax', input: ['probabilities'], output: [course ? 'unit' : 'label'], attribute: [intAttribute('axis', 1), intAttribute('keepdims', 0)] });
  if (course) {
    initializers.push({ name: 'label_offset', dims: [], dataType: DataType.INT64, int64Data: [1] });
    nodes.push({ name: 'label.offset', opType: 'Add', input: ['unit', 'label_offset'], output: ['label'] });
  }

  const K = net.numLabels;
  const n = net.sizes[0];
  const props: Record<string, string> = {
    [ONNX_META.labels]: net.labels,
    labels: labelsText(net.labels, K),
    [ONNX_META.activation]: net.activation,
    [ONNX_META.output]: net.output,
  };
  if (net.inputScale !== undefined) props[ONNX_META.inputScale] = String(net.inputScale);
  if (net.image !== undefined) props[ONNX_META.image] = JSON.stringify(net.image);
  if (meta !== undefined) props[ONNX_META.meta] = JSON.stringify(meta);
  const model: Schema.IModelProto = {
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: OPSET }],
    producerName: 'nnlearn',
    docString: `A ${net.sizes.join('-')} network trained with nnlearn: ${net.activation} hidden units, ${net.output} output.`,
    metadataProps: Object.entries(props).map(([key, value]) => ({ key, value })),
    graph: {
      name: 'nnlearn',
      node: nodes,
      initializer: initializers,
      input: [{ name: 'input', type: matrixType(DataType.FLOAT, n), docString: describeInput(n, net.inputScale, net.image) }],
      output: [
        { name: 'probabilities', type: matrixType(DataType.FLOAT, K), docString: `N×${K} ${net.output === 'softmax' ? 'class probabilities' : 'independent unit outputs'}; ${labelsText(net.labels, K)}` },
        { name: 'label', type: { tensorType: { elemType: DataType.INT64, shape: { dim: [{ dimParam: 'N' }] } } }, docString: 'the predicted label of each row' },
      ],
    },
  };
  return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
}
