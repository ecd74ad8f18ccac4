/**
 * ONNX export and import, checked against ONNX Runtime: a network trained by nnlearn, written as ONNX, gives in
 * ONNX Runtime the probabilities nnlearn computes (to 1e-6: the file holds float32 weights and ONNX Runtime computes
 * in float32) and the same predicted label for each of the 2,000 shipped test digits; a graph nnlearn did not write
 * (PyTorch's layout) reads into a network that computes what ONNX Runtime computes from it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { networkToOnnx } from '../../../src/nn/formats/onnx-write.js';
import { readModel } from '../../../src/nn/formats/registry.js';
import { onnxSchema, type Schema } from '../../../src/nn/formats/onnx-proto.js';
import { FormatError } from '../../../src/errors.js';
import { Matrix } from '../../../src/linalg/matrix.js';
import { Random } from '../../../src/random.js';
import { maxAbsDiff, runOnnx } from './peers.js';
import { trainedCases } from './trained.js';

const { onnx, DataType, AttributeType } = onnxSchema();

for (const c of trainedCases()) {
  test(`ONNX Runtime gives nnlearn's probabilities (1e-6) and labels for ${c.name}`, async (t) => {
    const bytes = networkToOnnx(c.net, { note: 'exchange test' });
    const ours = c.net.outputs(c.X);
    const theirs = await runOnnx(bytes, c.raw);
    const diff = maxAbsDiff(theirs.probabilities, ours.data);
    t.diagnostic(`largest difference ${diff.toExponential(2)} over ${ours.data.length} probabilities`);
    assert.ok(diff <= 1e-6, `largest difference ${diff}`);
    const labels = c.net.predict(c.X);
    assert.deepEqual(Array.from(theirs.label, Number), Array.from(labels));
    assert.deepEqual(theirs.names, ['probabilities', 'label']);
  });

  test(`ONNX read back: float32 weights, the same architecture, labels, image, scale and record for ${c.name}`, () => {
    const back = readModel(networkToOnnx(c.net, { lambda: 1, costHistory: [3, 2.5] }), { source: 'm.onnx' });
    assert.equal(back.format, 'onnx');
    assert.deepEqual(back.network.params, c.net.params.map(Math.fround));
    assert.deepEqual(back.network.options, c.net.options);
    assert.deepEqual(back.meta, { lambda: 1, costHistory: [3, 2.5] });
    assert.equal(back.labelsRecorded, true);
  });
}

// --- graphs nnlearn did not write -------------------------------------------------------------------------------

const floatRaw = (name: string, dims: number[], values: ArrayLike<number>): Schema.ITensorProto => {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(4 * i, values[i], true);
  return { name, dims, dataType: DataType.FLOAT, rawData: bytes };
};
const ints = (name: string, values: number[]): Schema.IAttributeProto => ({ name, type: AttributeType.INTS, ints: values });
const int = (name: string, i: number): Schema.IAttributeProto => ({ name, type: AttributeType.INT, i });
const float = (name: string, f: number): Schema.IAttributeProto => ({ name, type: AttributeType.FLOAT, f });

/** A model with `nodes`, an input N×1×4×4 (an image) or N×n, and the output `out`. */
function model(nodes: Schema.INodeProto[], initializer: Schema.ITensorProto[], inputDims: number[], out: string, opset = 17): Uint8Array {
  const dim = (d: number) => (d < 0 ? { dimParam: 'batch' } : { dimValue: d });
  return onnx.ModelProto.encode(
    onnx.ModelProto.create({
      irVersion: 8,
      producerName: 'pytorch',
      opsetImport: [{ domain: '', version: opset }],
      graph: {
        name: 'main_graph',
        node: nodes,
        initializer,
        // as old exporters did, the initializers are listed among the inputs too
        input: [{ name: 'x', type: { tensorType: { elemType: DataType.FLOAT, shape: { dim: inputDims.map(dim) } } } }, ...initializer.map((t) => ({ name: t.name, type: { tensorType: { elemType: DataType.FLOAT } } }))],
        output: [{ name: out, type: { tensorType: { elemType: DataType.FLOAT } } }],
      },
    }),
  ).finish();
}

const rng = new Random(11);
const randoms = (n: number) => Array.from({ length: n }, () => 2 * rng.random() - 1);

/** PyTorch's nn.Sequential(Flatten, Linear(16, 6), ReLU, Linear(6, 3), Softmax) as torch.onnx lays it out, and a MatMul variant. */
function pytorchLike(): { bytes: Uint8Array; X: Matrix } {
  const W1 = randoms(6 * 16);
  const b1 = randoms(6);
  const W2t = randoms(6 * 3); // MatMul's B is in×out
  const b2 = randoms(3);
  const bytes = model(
    [
      { name: '/Flatten', opType: 'Flatten', input: ['x'], output: ['/Flatten_output_0'], attribute: [int('axis', 1)] },
      { name: '/0/Gemm', opType: 'Gemm', input: ['/Flatten_output_0', '0.weight', '0.bias'], output: ['/0/Gemm_output_0'], attribute: [float('alpha', 1), float('beta', 1), int('transB', 1)] },
      { name: '/1/Relu', opType: 'Relu', input: ['/0/Gemm_output_0'], output: ['/1/Relu_output_0'] },
      { name: 'Constant_b2', opType: 'Constant', input: [], output: ['b2'], attribute: [{ name: 'value', type: AttributeType.TENSOR, t: floatRaw('', [3], b2) }] },
      { name: '/2/MatMul', opType: 'MatMul', input: ['/1/Relu_output_0', 'W2'], output: ['/2/MatMul_output_0'] },
      { name: '/2/Add', opType: 'Add', input: ['b2', '/2/MatMul_output_0'], output: ['/2/Add_output_0'] },
      { name: '/3/Softmax', opType: 'Softmax', input: ['/2/Add_output_0'], output: ['output'], attribute: [int('axis', 1)] },
    ],
    [floatRaw('0.weight', [6, 16], W1), floatRaw('0.bias', [6], b1), floatRaw('W2', [6, 3], W2t)],
    [-1, 1, 4, 4],
    'output',
  );
  const X = new Matrix(50, 16, Float64Array.from(randoms(50 * 16), (v) => Math.fround(v + 1)));
  return { bytes, X };
}

test('a PyTorch-style ONNX graph (Flatten, Gemm, Relu, Constant, MatMul + Add, Softmax) reads into what ONNX Runtime computes', async () => {
  const { bytes, X } = pytorchLike();
  const { network, labelsRecorded, format } = readModel(bytes, { source: 'torch.onnx' });
  assert.equal(format, 'onnx');
  assert.deepEqual(network.sizes, [16, 6, 3]);
  assert.equal(network.activation, 'relu');
  assert.equal(network.output, 'softmax');
  assert.equal(labelsRecorded, false);
  assert.equal(network.labels, 'zero-based', 'a foreign classifier numbers its classes from 0');
  assert.deepEqual(network.image, { height: 4, width: 4, order: 'row-major' }, 'the N×1×4×4 input flattened in the graph is a 4×4 picture');
  const ort = await runOnnxOutput(bytes, X, [X.rows, 1, 4, 4]);
  const diff = maxAbsDiff(ort, network.outputs(X).data);
  assert.ok(diff <= 1e-6, `largest difference ${diff}`);
});

/** ONNX Runtime's one output for X given the input shape. */
async function runOnnxOutput(bytes: Uint8Array, X: Matrix, shape: number[]): Promise<Float32Array> {
  const ort = await import('onnxruntime-web');
  const session = await ort.InferenceSession.create(bytes);
  const out = await session.run({ x: new ort.Tensor('float32', Float32Array.from(X.data), shape) });
  await session.release();
  return out[session.outputNames[0]].data as Float32Array;
}

test("Gemm's alpha, beta and an untransposed B, and a Mul by 1/255 in front, read as ONNX Runtime computes them", async () => {
  const W = randoms(5 * 3); // B is in×out (transB = 0)
  const C = randoms(3);
  const bytes = model(
    [
      { name: 'scale', opType: 'Mul', input: ['x', 'k'], output: ['xs'] },
      { name: 'fc', opType: 'Gemm', input: ['xs', 'W', 'C'], output: ['z'], attribute: [float('alpha', 0.5), float('beta', 2)] },
      { name: 'out', opType: 'Sigmoid', input: ['z'], output: ['y'] },
    ],
    [floatRaw('W', [5, 3], W), floatRaw('C', [3], C), floatRaw('k', [], [1 / 255])],
    [-1, 5],
    'y',
    11,
  );
  const net = readModel(bytes, { source: 'scaled.onnx' }).network;
  assert.equal(net.inputScale, 255, 'a float32 1/255 is the scale 255');
  const raw = new Matrix(20, 5, Float64Array.from({ length: 100 }, (_, i) => (i * 37) % 256));
  const scaled = new Matrix(20, 5, raw.data.map((v) => v / 255));
  const diff = maxAbsDiff(await runOnnxOutput(bytes, raw, [20, 5]), net.outputs(scaled).data);
  assert.ok(diff <= 1e-6, `largest difference ${diff}`);
});

test('ONNX graphs nnlearn cannot hold are refused with the node that stops it', () => {
  const W = floatRaw('W', [3, 4], randoms(12));
  const b = floatRaw('b', [3], randoms(3));
  const gemm = (input: string, output: string): Schema.INodeProto => ({ name: 'fc', opType: 'Gemm', input: [input, 'W', 'b'], output: [output], attribute: [int('transB', 1)] });
  const cases: [Schema.INodeProto[], RegExp][] = [
    [[{ name: 'conv', opType: 'Conv', input: ['x', 'W'], output: ['c'], attribute: [ints('kernel_shape', [3, 3])] }], /node "conv" \(Conv\) is not a layer nnlearn reads/],
    [[gemm('x', 'z')], /ends in no activation \(logits\)/],
    [[gemm('x', 'z'), { name: 'ls', opType: 'LogSoftmax', input: ['z'], output: ['y'] }], /node "ls" \(LogSoftmax\) is not a layer/],
    [[gemm('x', 'z'), { name: 's', opType: 'Sigmoid', input: ['z'], output: ['y'] }, { name: 'branch', opType: 'Relu', input: ['z'], output: ['r'] }], /"z" feeds 2 nodes/],
    [[gemm('x', 'z'), { name: 'e', opType: 'Elu', input: ['z'], output: ['y'] }], /node "e" \(Elu\)/],
  ];
  for (const [nodes, message] of cases) {
    const out = nodes[nodes.length - 1].output?.[0] ?? '';
    assert.throws(() => readModel(model(nodes, [W, b], [-1, 4], out), { source: 'bad.onnx' }), (e: Error) => e instanceof FormatError && message.test(e.message), String(message));
  }
  const external: Schema.ITensorProto = { name: 'W', dims: [3, 4], dataType: DataType.FLOAT, dataLocation: onnx.TensorProto.DataLocation.EXTERNAL, externalData: [{ key: 'location', value: 'w.bin' }] };
  assert.throws(() => readModel(model([gemm('x', 'y')], [external, b], [-1, 4], 'y'), { source: 'ext.onnx' }), /tensor "W" is stored in an external file/);
  assert.throws(() => readModel(Uint8Array.from([8, 7, 0x12, 0xff]), { source: 'cut.onnx' }), /cut\.onnx: not an ONNX model/);
});
