/**
 * A Network as a TensorFlow.js layers model: model.json (a Keras Sequential topology and the weights manifest)
 * and weights.bin (float32, little-endian), which `tf.loadLayersModel` loads and Python's tensorflowjs converter
 * turns into a Keras model.
 *
 * Each layer is a Dense layer whose kernel is Θ(l)ᵀ without the bias column (s_l×s_{l+1}, as Keras computes
 * a·kernel + bias) and whose bias is that column (ex4 section 1.4). An input scale other than 1 becomes a Rescaling
 * layer in front (scale 1/255 for 8-bit pixels). What Keras has no field for (the label convention, the image
 * layout, the run's record) goes into userDefinedMetadata.nnlearn, which TF.js keeps and
 * `model.getUserDefinedMetadata()` returns.
 */
import type { Network } from '../network.js';
import type { ModelFile, ModelMeta } from './types.js';
import { labelsText } from './onnx-write.js';

/** The weight file nnlearn writes beside model.json. */
export const TFJS_WEIGHTS_FILE = 'weights.bin';

/** nnlearn's part of a TF.js model's userDefinedMetadata. */
export interface TfjsNnlearnMetadata {
  labels: Network['labels'];
  /** which label each output unit is, for people */
  labelsText: string;
  activation: Network['activation'];
  output: Network['output'];
  inputScale?: number;
  image?: Network['image'];
  meta?: ModelMeta;
}

interface WeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32';
}

/** model.json and weights.bin for `net`. */
export function networkToTfjs(net: Network, meta?: ModelMeta): ModelFile[] {
  const n = net.sizes[0];
  const layers: Record<string, unknown>[] = [];
  const specs: WeightSpec[] = [];
  const scaled = net.inputScale !== undefined && net.inputScale !== 1;
  if (scaled) {
    layers.push({ class_name: 'Rescaling', config: { name: 'rescaling', scale: 1 / (net.inputScale as number), offset: 0, trainable: false, batch_input_shape: [null, n], dtype: 'float32' } });
  }
  const thetas = net.thetas;
  const values = new DataView(new ArrayBuffer(4 * (net.params.length)));
  let offset = 0;
  const put = (v: number) => {
    values.setFloat32(offset, v, true);
    offset += 4;
  };
  thetas.forEach((theta, l) => {
    const units = theta.rows;
    const inputs = theta.cols - 1;
    const name = `dense_${l + 1}`;
    const last = l === thetas.length - 1;
    layers.push({
      class_name: 'Dense',
      config: {
        name,
        units,
        activation: last ? net.output : net.activation,
        use_bias: true,
        trainable: true,
        dtype: 'float32',
        ...(l === 0 && !scaled ? { batch_input_shape: [null, n] } : {}),
      },
    });
    specs.push({ name: `${name}/kernel`, shape: [inputs, units], dtype: 'float32' }, { name: `${name}/bias`, shape: [units], dtype: 'float32' });
    // kernel[i][j] = Θ(l)(j, i+1): row-major [inputs, units]; then the bias column
    for (let i = 0; i < inputs; i++) for (let j = 0; j < units; j++) put(theta.get(j, i + 1));
    for (let j = 0; j < units; j++) put(theta.get(j, 0));
  });
  const nnlearn: TfjsNnlearnMetadata = {
    labels: net.labels,
    labelsText: labelsText(net.labels, net.numLabels),
    activation: net.activation,
    output: net.output,
    ...(net.inputScale !== undefined ? { inputScale: net.inputScale } : {}),
    ...(net.image !== undefined ? { image: net.image } : {}),
    ...(meta !== undefined ? { meta } : {}),
  };
  const modelJson = {
    format: 'layers-model',
    generatedBy: 'nnlearn',
    convertedBy: null,
    modelTopology: { class_name: 'Sequential', config: { name: 'nnlearn', layers }, backend: 'tensor_flow.js' },
    weightsManifest: [{ paths: [TFJS_WEIGHTS_FILE], weights: specs }],
    userDefinedMetadata: { nnlearn },
  };
  return [
    { name: 'model.json', bytes: new TextEncoder().encode(`${JSON.stringify(modelJson)}\n`) },
    { name: TFJS_WEIGHTS_FILE, bytes: new Uint8Array(values.buffer) },
  ];
}
