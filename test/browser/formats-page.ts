/**
 * The model-formats test's page: nnlearn's main entry, bundled for the browser, reads each model format from bytes
 * it fetches (a TF.js model.json and the weight files it names, ONNX, MAT, nnlearn JSON) and computes the outputs,
 * as the web page does with a file a user drops or a URL.
 */
import { Matrix, readModel, tfjsWeightPaths } from '../../src/index.js';

interface Result {
  outputs?: Record<string, number[]>;
  formats?: Record<string, string>;
  error?: string;
}

const bytesOf = async (name: string) => new Uint8Array(await (await fetch(name)).arrayBuffer());

const out: Result = {};
try {
  const { rows, cols, data } = (await (await fetch('x.json')).json()) as { rows: number; cols: number; data: number[] };
  const X = new Matrix(rows, cols, Float64Array.from(data));
  const modelJson = await bytesOf('model.json');
  const files = new Map<string, Uint8Array>();
  for (const path of tfjsWeightPaths(JSON.parse(new TextDecoder().decode(modelJson)) as Record<string, unknown>)) files.set(path, await bytesOf(path));
  const sources: [string, Uint8Array][] = [
    ['model.json', modelJson],
    ['model.onnx', await bytesOf('model.onnx')],
    ['model.mat', await bytesOf('model.mat')],
    ['nnlearn.json', await bytesOf('nnlearn.json')],
  ];
  out.outputs = {};
  out.formats = {};
  for (const [name, bytes] of sources) {
    const model = readModel(bytes, { source: name, sibling: (p) => files.get(p) });
    out.formats[name] = model.format;
    out.outputs[name] = Array.from(model.network.outputs(X).data);
  }
} catch (err) {
  out.error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
(globalThis as { __result?: Result }).__result = out;
