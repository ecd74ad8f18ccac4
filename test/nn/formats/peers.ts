/**
 * The independent peers of the exchange tests: ONNX Runtime (onnxruntime-web's WebAssembly build, which runs in
 * Node with no native addon and no download) and TensorFlow.js (its core, layers and CPU backend, pure JavaScript).
 * Both are devDependencies; nnlearn itself never imports them.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { Matrix } from '../../../src/linalg/matrix.js';

export { tf, tfl };

// one thread: the suite runs beside other work on two cores, and a worker pool would outlive the test
ort.env.wasm.numThreads = 1;

/** ONNX Runtime's outputs for `X` (float32 in, as an app would feed it). */
export async function runOnnx(bytes: Uint8Array, X: Matrix): Promise<{ probabilities: Float32Array; label: BigInt64Array; names: readonly string[] }> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const out = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', Float32Array.from(X.data), [X.rows, X.cols]) });
    return { probabilities: out.probabilities.data as Float32Array, label: out.label?.data as BigInt64Array, names: session.outputNames };
  } finally {
    await session.release();
  }
}

let backendReady: Promise<boolean> | undefined;

/** TF.js on its CPU backend, without its "install tfjs-node" banner. */
export async function tfReady(): Promise<void> {
  backendReady ??= (async () => {
    const log = console.log;
    console.log = () => {};
    try {
      return await tf.setBackend('cpu');
    } finally {
      console.log = log;
    }
  })();
  await backendReady;
}

/**
 * Loads a model.json and its weight files from a folder the way a browser does, through TF.js's own HTTP loader
 * (tf.io.http) with a fetch that reads the files: the manifest, the paths and the bytes are TF.js's reading.
 */
export async function loadTfjsFolder(dir: string): Promise<tfl.LayersModel> {
  await tfReady();
  const fetchFunc = (async (url: string) => new Response(readFileSync(join(dir, String(url).replace(/^nnlearn-test:\/\/model\//, ''))))) as unknown as typeof fetch;
  return tfl.loadLayersModel(tf.io.http('nnlearn-test://model/model.json', { fetchFunc }));
}

/**
 * Saves a TF.js model as TF.js's file savers do (browserDownloads, tfjs-node's file://): model.json with the fields
 * of TF.js's getModelJSONForModelArtifacts (not exported by tfjs-core) and one weight file; the topology, the
 * weight specs and their bytes are TF.js's.
 */
export async function saveTfjsFolder(model: tfl.LayersModel, dir = mkdtempSync(join(tmpdir(), 'nnlearn-tfjs-'))): Promise<string> {
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      mkdirSync(dir, { recursive: true });
      const weights = 'group1-shard1of1.bin';
      const json = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        weightsManifest: [{ paths: [weights], weights: artifacts.weightSpecs ?? [] }],
      };
      writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
      writeFileSync(join(dir, weights), new Uint8Array(artifacts.weightData as ArrayBuffer));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return dir;
}

/** TF.js's predictions for X, as float64. */
export function predictTfjs(model: tfl.LayersModel, X: Matrix, shape: number[] = [X.cols]): Float64Array {
  const input = tf.tensor(Float32Array.from(X.data), [X.rows, ...shape], 'float32');
  const output = model.predict(input) as tf.Tensor;
  const values = Float64Array.from(output.dataSync());
  tf.dispose([input, output]);
  return values;
}

/** The largest absolute difference between two arrays of the same length. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths ${a.length} and ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
