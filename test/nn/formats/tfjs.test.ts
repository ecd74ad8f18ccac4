/**
 * TensorFlow.js layers models both ways, checked against TensorFlow.js itself: a network trained by nnlearn,
 * exported, loads in TF.js (through its own HTTP loader) and predicts what nnlearn predicts, to 1e-6; dense models
 * built and saved by TF.js, and Keras models as Python's converter writes them, read into nnlearn and give
 * TF.js's probabilities, to 1e-6.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeModel, readModelFile } from '../../../src/nn/formats/files.js';
import { FormatError } from '../../../src/errors.js';
import { Matrix } from '../../../src/linalg/matrix.js';
import { Random } from '../../../src/random.js';
import { loadTfjsFolder, maxAbsDiff, predictTfjs, saveTfjsFolder, tf, tfl, tfReady } from './peers.js';
import { testDigits, trainedCases } from './trained.js';

const scratch = mkdtempSync(join(tmpdir(), 'nnlearn-tfjs-test-'));
test.after(() => rmSync(scratch, { recursive: true, force: true }));

for (const [i, c] of trainedCases().entries()) {
  test(`TF.js loads the exported ${c.name} and predicts nnlearn's probabilities (1e-6)`, async (t) => {
    const dir = join(scratch, `export-${i}`);
    const written = writeModel(dir, c.net, { lambda: 1 }, 'tfjs');
    assert.deepEqual(written.files, [join(dir, 'model.json'), join(dir, 'weights.bin')]);
    const model = await loadTfjsFolder(dir);
    const theirs = predictTfjs(model, c.raw);
    const ours = c.net.outputs(c.X).data;
    const diff = maxAbsDiff(theirs, ours);
    t.diagnostic(`largest difference ${diff.toExponential(2)} over ${ours.length} probabilities`);
    assert.ok(diff <= 1e-6, `largest difference ${diff}`);
    const user = model.getUserDefinedMetadata() as { nnlearn: { labels: string; meta: unknown } };
    assert.equal(user.nnlearn.labels, c.net.labels);
    assert.deepEqual(user.nnlearn.meta, { lambda: 1 });
    model.dispose();
    // and back into nnlearn: float32 weights, everything else as it was
    const back = readModelFile(dir);
    assert.equal(back.format, 'tfjs');
    assert.deepEqual(back.network.params, c.net.params.map(Math.fround));
    assert.deepEqual(back.network.options, c.net.options);
    assert.deepEqual(back.meta, { lambda: 1 });
  });
}

/** Seeded initializers, so that each model is the same on every run. */
const init = (seed: number) => ({ kernelInitializer: tfl.initializers.glorotUniform({ seed }), biasInitializer: tfl.initializers.randomUniform({ minval: -0.5, maxval: 0.5, seed: seed + 100 }) });

/** Models as TF.js users build them: the ways Dense stacks are written, with the layers that change nothing. */
const TFJS_MODELS: { name: string; build: () => tfl.LayersModel; shape: number[]; expect: { sizes: number[]; activation: string; output: string; image?: object; inputScale?: number } }[] = [
  {
    name: 'Dense relu, Dense softmax',
    build: () => tfl.sequential({ layers: [tfl.layers.dense({ units: 16, activation: 'relu', inputShape: [784], ...init(1) }), tfl.layers.dense({ units: 10, activation: 'softmax', ...init(2) })] }),
    shape: [784],
    expect: { sizes: [784, 16, 10], activation: 'relu', output: 'softmax' },
  },
  {
    name: 'InputLayer 28×28, Flatten, Dense + Activation tanh, Dropout, Dense sigmoid',
    build: () =>
      tfl.sequential({
        layers: [
          tfl.layers.inputLayer({ inputShape: [28, 28] }),
          tfl.layers.flatten(),
          tfl.layers.dense({ units: 12, ...init(3) }),
          tfl.layers.activation({ activation: 'tanh' }),
          tfl.layers.dropout({ rate: 0.5 }),
          tfl.layers.dense({ units: 10, activation: 'sigmoid', ...init(4) }),
        ],
      }),
    shape: [28, 28],
    expect: { sizes: [784, 12, 10], activation: 'tanh', output: 'sigmoid', image: { height: 28, width: 28, order: 'row-major' } },
  },
  {
    name: 'Rescaling 1/255, Dense + ReLU layer, Dense + ReLU layer, Dense + Softmax layer (functional)',
    build: () => {
      const input = tfl.input({ shape: [784] });
      let x = tfl.layers.rescaling({ scale: 1 / 255 }).apply(input) as tfl.SymbolicTensor;
      x = tfl.layers.reLU().apply(tfl.layers.dense({ units: 20, ...init(5) }).apply(x)) as tfl.SymbolicTensor;
      x = tfl.layers.reLU().apply(tfl.layers.dense({ units: 14, ...init(6) }).apply(x)) as tfl.SymbolicTensor;
      const output = tfl.layers.softmax().apply(tfl.layers.dense({ units: 10, ...init(7) }).apply(x)) as tfl.SymbolicTensor;
      return tfl.model({ inputs: input, outputs: output });
    },
    shape: [784],
    expect: { sizes: [784, 20, 14, 10], activation: 'relu', output: 'softmax', inputScale: 255 },
  },
];

for (const m of TFJS_MODELS) {
  test(`a TF.js model (${m.name}) saved by TF.js gives TF.js's probabilities in nnlearn (1e-6)`, async (t) => {
    await tfReady();
    const model = m.build();
    const dir = await saveTfjsFolder(model, join(scratch, m.name.replace(/\W+/g, '-')));
    // the rescaling model takes 8-bit pixels; nnlearn's network takes them divided by 255
    const raw = new Matrix(testDigits.X.rows, 784, testDigits.X.data.map((v) => Math.round(v * 255)));
    const X = m.expect.inputScale === undefined ? testDigits.X : raw;
    const theirs = predictTfjs(model, X, m.shape);
    model.dispose();
    const { network, labelsRecorded } = readModelFile(dir);
    assert.deepEqual(network.sizes, m.expect.sizes);
    assert.equal(network.activation, m.expect.activation);
    assert.equal(network.output, m.expect.output);
    assert.deepEqual(network.image, m.expect.image);
    assert.equal(network.inputScale, m.expect.inputScale);
    assert.equal(labelsRecorded, false);
    assert.equal(network.labels, 'zero-based');
    const ours = network.outputs(m.expect.inputScale === undefined ? X : new Matrix(raw.rows, raw.cols, raw.data.map((v) => v / 255))).data;
    const diff = maxAbsDiff(ours, theirs);
    t.diagnostic(`largest difference ${diff.toExponential(2)} over ${ours.length} probabilities`);
    assert.ok(diff <= 1e-6, `largest difference ${diff}`);
  });
}

/** A Keras model as Python's tensorflowjs_converter writes it (Keras 2: model_config, InputLayer, "dense/kernel"). */
function kerasConverted(dir: string, layers: object[], weights: { name: string; shape: number[]; values: number[] }[]): void {
  const modelJson = {
    format: 'layers-model',
    generatedBy: 'keras v2.15.0',
    convertedBy: 'TensorFlow.js Converter v4.17.0',
    modelTopology: {
      keras_version: '2.15.0',
      backend: 'tensorflow',
      model_config: { class_name: 'Sequential', config: { name: 'sequential', layers } },
      training_config: { loss: 'sparse_categorical_crossentropy', optimizer_config: { class_name: 'Adam', config: {} } },
    },
    weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: weights.map(({ name, shape }) => ({ name, shape, dtype: 'float32' })) }],
  };
  writeFileSync(join(dir, 'model.json'), JSON.stringify(modelJson));
  writeFileSync(join(dir, 'group1-shard1of1.bin'), new Uint8Array(Float32Array.from(weights.flatMap((w) => w.values)).buffer));
}

test("a Keras model as tensorflowjs_converter writes it gives TF.js's probabilities in nnlearn (1e-6)", async (t) => {
  await tfReady();
  const rng = new Random(5);
  const values = (n: number) => Array.from({ length: n }, () => rng.random() - 0.5);
  const dir = mkdtempSync(join(scratch, 'keras-'));
  kerasConverted(
    dir,
    [
      { class_name: 'InputLayer', config: { batch_input_shape: [null, 784], dtype: 'float32', sparse: false, ragged: false, name: 'dense_input' } },
      { class_name: 'Dense', config: { name: 'dense', trainable: true, dtype: 'float32', units: 8, activation: 'sigmoid', use_bias: true } },
      { class_name: 'Dense', config: { name: 'dense_1', trainable: true, dtype: 'float32', units: 10, activation: 'softmax', use_bias: false } },
    ],
    [
      { name: 'dense/kernel', shape: [784, 8], values: values(784 * 8) },
      { name: 'dense/bias', shape: [8], values: values(8) },
      { name: 'dense_1/kernel', shape: [8, 10], values: values(80) },
    ],
  );
  const model = await loadTfjsFolder(dir);
  const theirs = predictTfjs(model, testDigits.X);
  model.dispose();
  const { network } = readModelFile(join(dir, 'model.json'));
  const diff = maxAbsDiff(network.outputs(testDigits.X).data, theirs);
  t.diagnostic(`largest difference ${diff.toExponential(2)}`);
  assert.ok(diff <= 1e-6, `largest difference ${diff}`);
  assert.deepEqual(Array.from({ length: 10 }, (_, j) => network.thetas[1].get(j, 0)), new Array(10).fill(0), 'use_bias: false is a zero bias');

  // the same model as Keras 3 writes it: a functional model, batch_shape, keras_history links, serialized
  // activations, weights under the model's name; TF.js 4 cannot load it, so the reference is the Keras 2 reading
  const manifest = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as { weightsManifest: { weights: { name: string }[] }[] };
  const link = (name: string) => [{ args: [{ class_name: '__keras_tensor__', config: { shape: [null, 784], dtype: 'float32', keras_history: [name, 0, 0] } }], kwargs: {} }];
  const keras3 = {
    format: 'layers-model',
    generatedBy: 'keras v3.3.3',
    modelTopology: {
      model_config: {
        class_name: 'Functional',
        config: {
          name: 'functional',
          layers: [
            { module: 'keras.layers', class_name: 'InputLayer', config: { batch_shape: [null, 784], dtype: 'float32', name: 'input_layer' }, name: 'input_layer', inbound_nodes: [] },
            { module: 'keras.layers', class_name: 'Dense', config: { name: 'dense', units: 8, activation: 'sigmoid', use_bias: true }, name: 'dense', inbound_nodes: link('input_layer') },
            { module: 'keras.layers', class_name: 'Dense', config: { name: 'dense_1', units: 10, activation: { module: 'keras.activations', class_name: 'function', config: 'softmax' }, use_bias: false }, name: 'dense_1', inbound_nodes: link('dense') },
          ],
          input_layers: [['input_layer', 0, 0]],
          output_layers: [['dense_1', 0, 0]],
        },
      },
    },
    weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: manifest.weightsManifest[0].weights.map((w) => ({ ...w, name: `functional/${w.name}` })) }],
  };
  writeFileSync(join(dir, 'model.json'), JSON.stringify(keras3));
  assert.deepEqual(readModelFile(dir).network.params, network.params);
});

test('quantized weights (uint8, uint16, float16) read as TF.js decodes them', async () => {
  await tfReady();
  const rng = new Random(8);
  const kernel = Array.from({ length: 6 }, () => rng.random() * 4 - 2);
  const bias = [0.25, -0.5];
  for (const dtype of ['uint8', 'uint16', 'float16'] as const) {
    const dir = mkdtempSync(join(scratch, `q-${dtype}-`));
    // quantized as the converter stores them; what TF.js's decodeWeights makes of the bytes is the reference
    const quantized = quantize([{ name: 'dense_kernel', shape: [3, 2], values: kernel }, { name: 'dense_bias', shape: [2], values: bias }], dtype);
    const decoded = tf.io.decodeWeights(quantized.bytes.buffer as ArrayBuffer, quantized.specs);
    const json = {
      format: 'layers-model',
      modelTopology: { class_name: 'Sequential', config: { name: 's', layers: [{ class_name: 'Dense', config: { name: 'dense', units: 2, activation: 'softmax', batch_input_shape: [null, 3] } }] } },
      weightsManifest: [{ paths: ['w.bin'], weights: quantized.specs.map((s) => ({ ...s, name: `dense/${s.name.replace('dense_', '')}` })) }],
    };
    writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
    writeFileSync(join(dir, 'w.bin'), quantized.bytes);
    const net = readModelFile(dir).network;
    const k = Array.from(decoded.dense_kernel.dataSync());
    const b = Array.from(decoded.dense_bias.dataSync());
    for (let j = 0; j < 2; j++) {
      assert.equal(net.thetas[0].get(j, 0), b[j], `${dtype} bias ${j}`);
      for (let i = 0; i < 3; i++) assert.ok(Math.abs(net.thetas[0].get(j, i + 1) - k[i * 2 + j]) <= 1e-7 * Math.max(1, Math.abs(k[i * 2 + j])), `${dtype} kernel ${i},${j}`);
    }
  }
});

/** Weights quantized as tensorflowjs_converter --quantize_uint8/uint16/float16 stores them. */
function quantize(weights: { name: string; shape: number[]; values: number[] }[], dtype: 'uint8' | 'uint16' | 'float16'): { bytes: Uint8Array; specs: tf.io.WeightsManifestEntry[] } {
  const parts: Uint8Array[] = [];
  const specs: tf.io.WeightsManifestEntry[] = [];
  for (const w of weights) {
    if (dtype === 'float16') {
      const bits = Uint16Array.from(w.values, toHalf);
      parts.push(new Uint8Array(bits.buffer));
      specs.push({ name: w.name, shape: w.shape, dtype: 'float32', quantization: { dtype: 'float16' } });
      continue;
    }
    const min = Math.min(...w.values);
    const max = Math.max(...w.values);
    const levels = dtype === 'uint8' ? 255 : 65535;
    const scale = (max - min) / levels || 1;
    const q = w.values.map((v) => Math.round((v - min) / scale));
    parts.push(dtype === 'uint8' ? Uint8Array.from(q) : new Uint8Array(Uint16Array.from(q).buffer));
    specs.push({ name: w.name, shape: w.shape, dtype: 'float32', quantization: { dtype, scale, min } });
  }
  const bytes = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  parts.reduce((at, p) => (bytes.set(p, at), at + p.length), 0);
  return { bytes, specs };
}

/** A number's nearest float16 bits (normal range; enough for these weights). */
function toHalf(v: number): number {
  const f = new DataView(new ArrayBuffer(4));
  f.setFloat32(0, v);
  const x = f.getUint32(0);
  const sign = (x >>> 16) & 0x8000;
  const exp = ((x >>> 23) & 0xff) - 127 + 15;
  const mant = x & 0x7fffff;
  if (v === 0) return sign;
  let h = sign | (exp << 10) | (mant >>> 13);
  if ((mant & 0x1fff) > 0x1000 || ((mant & 0x1fff) === 0x1000 && (h & 1) === 1)) h++;
  return h;
}

test('TF.js models nnlearn cannot hold are refused, naming the layer', async () => {
  const dir = mkdtempSync(join(scratch, 'refused-'));
  const write = (layers: object[], extra: object = {}) => {
    writeFileSync(join(dir, 'model.json'), JSON.stringify({ format: 'layers-model', modelTopology: { class_name: 'Sequential', config: { name: 's', layers } }, weightsManifest: [{ paths: ['w.bin'], weights: [] }], ...extra }));
    writeFileSync(join(dir, 'w.bin'), new Uint8Array(0));
  };
  const dense = (name: string, activation: string, units = 4) => ({ class_name: 'Dense', config: { name, units, activation } });
  const cases: [object[], RegExp][] = [
    [[{ class_name: 'Conv2D', config: { name: 'conv2d', filters: 8 } }, dense('d', 'softmax')], /layer "conv2d" \(Conv2D\) is not a layer nnlearn reads/],
    [[dense('d1', 'relu'), dense('d2', 'tanh'), dense('out', 'softmax')], /layers "d1" \(relu\) and "d2" \(tanh\) differ/],
    [[dense('d1', 'relu'), dense('out', 'linear')], /the last layer "out" is linear; nnlearn's output layer is sigmoid or softmax/],
    [[dense('d1', 'elu'), dense('out', 'softmax')], /layer "d1" is elu; nnlearn's hidden units are sigmoid, tanh or relu/],
    [[dense('d1', 'relu'), { class_name: 'Activation', config: { name: 'act', activation: 'sigmoid' } }], /layer "act" \(Activation\) applies sigmoid after relu/],
    [[dense('d1', 'relu'), { class_name: 'BatchNormalization', config: { name: 'bn' } }, dense('out', 'softmax')], /layer "bn" \(BatchNormalization\)/],
    [[{ class_name: 'LSTM', config: { name: 'lstm' } }], /layer "lstm" \(LSTM\)/],
  ];
  for (const [layers, message] of cases) {
    write(layers);
    assert.throws(() => readModelFile(dir), (e: Error) => e instanceof FormatError && message.test(e.message), String(message));
  }
  writeFileSync(join(dir, 'model.json'), JSON.stringify({ format: 'graph-model', modelTopology: { node: [] }, weightsManifest: [] }));
  assert.throws(() => readModelFile(dir), /a TensorFlow\.js graph model; nnlearn reads layers models/);
  write([dense('out', 'softmax', 2)], { weightsManifest: [{ paths: ['missing.bin'], weights: [{ name: 'out/kernel', shape: [3, 2], dtype: 'float32' }] }] });
  assert.throws(() => readModelFile(dir), /its weight file "missing\.bin" is missing/);
  write([dense('out', 'softmax', 2)], { weightsManifest: [{ paths: ['../escape.bin'], weights: [] }] });
  assert.throws(() => readModelFile(dir), /"\.\.\/escape\.bin" is not a plain path beside model\.json/);
  write([dense('out', 'softmax', 2)], { weightsManifest: [{ paths: ['w.bin'], weights: [{ name: 'out/kernel', shape: [3, 2], dtype: 'float32' }] }] });
  assert.throws(() => readModelFile(dir), /weight "out\/kernel" needs 24 bytes from byte 0, but the weight files hold 0/);
  assert.ok(readFileSync(join(dir, 'model.json')).length > 0);
});
