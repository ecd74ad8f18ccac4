/**
 * Model files: everything needed to predict, as JSON (versioned) or as a MAT-file (Theta1 … ThetaL, which
 * Octave and scipy read).
 *
 * JSON numbers round-trip float64 exactly (ECMAScript's Number::toString prints the shortest string that reads
 * back to the same double), so a saved model predicts bit for bit as the one in memory.
 */
import { FormatError, ShapeError } from '../errors.js';
import { Matrix } from '../linalg/matrix.js';
import type { LabelConvention } from '../data/labels.js';
import type { ImageShape } from '../data/dataset.js';
import { MatFile, writeMat } from '../data/mat.js';
import { parseJsonFile } from '../data/json.js';
import { Network } from './network.js';
import { ACTIVATIONS, OUTPUTS, type Activation, type OutputKind } from './activations.js';

export const MODEL_FORMAT = 'nnlearn-model';
export const MODEL_VERSION = 1;

/** nnlearn's model file as JSON (version 1). */
export interface ModelJson {
  format: typeof MODEL_FORMAT;
  version: number;
  layers: number[];
  activation: Activation;
  output: OutputKind;
  labels: LabelConvention;
  /** how an input row is laid out as a picture, when the inputs are images */
  image?: ImageShape;
  /** what the training data's raw values were divided by (255: 8-bit pixels to [0, 1]) */
  inputScale?: number;
  /** Theta(l) as rows of numbers, bias in column 0 */
  thetas: number[][][];
  /** free-form provenance (data, λ, iterations, accuracy …) */
  meta?: Record<string, unknown>;
}

/** The JSON of a network (and the run's record, `meta`): everything needed to predict, float64 exactly. */
export function modelToJson(net: Network, meta?: Record<string, unknown>): ModelJson {
  return {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    layers: [...net.sizes],
    activation: net.activation,
    output: net.output,
    labels: net.labels,
    ...(net.image ? { image: net.image } : {}),
    ...(net.inputScale !== undefined ? { inputScale: net.inputScale } : {}),
    thetas: net.thetas.map((t) => t.toRows()),
    ...(meta ? { meta } : {}),
  };
}

/** Parses a model from JSON text, checking format, version and shapes; `source` names the file in errors. */
export function modelFromJson(text: string, source = 'the model'): Network {
  const obj = parseJsonFile(text, source);
  const fail = (why: string): never => {
    throw new FormatError(`${source}: ${why}`);
  };
  if (typeof obj !== 'object' || obj === null) return fail('not an nnlearn model (expected a JSON object)');
  const o = obj as Partial<Record<keyof ModelJson, unknown>>;
  if (o.format !== MODEL_FORMAT) fail(`not an nnlearn model (format is ${JSON.stringify(o.format)})`);
  if (o.version !== MODEL_VERSION) {
    fail(`model version ${JSON.stringify(o.version)}, but this nnlearn reads version ${MODEL_VERSION}`);
  }
  if (!ACTIVATIONS.includes(o.activation as Activation) || !OUTPUTS.includes(o.output as OutputKind)) {
    fail(
      `unsupported activation ${JSON.stringify(o.activation)} / output ${JSON.stringify(o.output)} ` +
        `(this nnlearn knows ${ACTIVATIONS.join(', ')} / ${OUTPUTS.join(', ')})`,
    );
  }
  if (o.labels !== 'course' && o.labels !== 'zero-based') fail(`unknown label convention ${JSON.stringify(o.labels)}`);
  if (!Array.isArray(o.layers) || !o.layers.every((s) => Number.isInteger(s) && s > 0) || o.layers.length < 2) {
    fail('"layers" must be a list of at least two positive integers');
  }
  const layers = o.layers as number[];
  if (!Array.isArray(o.thetas) || o.thetas.length !== layers.length - 1) {
    fail(`"thetas" must hold ${layers.length - 1} matrices for layers [${layers.join(', ')}]`);
  }
  const thetas = (o.thetas as unknown[]).map((t, l) => {
    const rows = layers[l + 1];
    const cols = layers[l] + 1;
    if (!Array.isArray(t) || t.length !== rows || !t.every((r) => Array.isArray(r) && r.length === cols)) {
      return fail(`Theta${l + 1} must be ${rows}×${cols} for layers [${layers.join(', ')}]`);
    }
    // checked before conversion: a Float64Array would turn null (JSON's NaN) into 0 and "0.5" into 0.5
    (t as unknown[][]).forEach((row, i) =>
      row.forEach((v, j) => {
        if (typeof v !== 'number' || !Number.isFinite(v)) {
          fail(`Theta${l + 1}(${i + 1}, ${j + 1}) is ${JSON.stringify(v)}; weights must be finite numbers`);
        }
      }),
    );
    return Matrix.fromRows(t as number[][]);
  });
  return Network.fromThetas(thetas, {
    labels: o.labels as LabelConvention,
    activation: o.activation as Activation,
    output: o.output as OutputKind,
    image: o.image === undefined ? undefined : checkImage(o.image, layers[0], '"image"', fail),
    inputScale: checkScale(o.inputScale, fail),
  });
}

/**
 * An image layout as a model file gives it ({height, width, order}), checked: `inputs` pixels in row-major or
 * column-major order. `what` names the field in the error.
 */
export function checkImage(value: unknown, inputs: number, what: string, fail: (why: string) => never): ImageShape {
  const im = value as Partial<ImageShape> | null;
  const ok =
    typeof im === 'object' && im !== null &&
    Number.isInteger(im.height) && Number.isInteger(im.width) && (im.height as number) > 0 && (im.width as number) > 0 &&
    (im.order === 'row-major' || im.order === 'column-major') &&
    (im.height as number) * (im.width as number) === inputs;
  if (!ok) return fail(`${what} must be {height, width, order}: positive sizes with height×width = ${inputs} inputs, and order row-major or column-major`);
  return { height: im.height as number, width: im.width as number, order: im.order as ImageShape['order'] };
}

function checkScale(v: unknown, fail: (why: string) => never): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v)) return fail(`"inputScale" must be a positive number, got ${JSON.stringify(v)}`);
  return v;
}

/**
 * What a MAT model says beyond its weights, as numbers (the writer writes doubles; Octave and scipy show them as
 * scalars): nnlearn_activation 1 sigmoid, 2 tanh, 3 relu; nnlearn_output 1 sigmoid, 2 softmax; nnlearn_labels 1 for
 * the course's labels 1..K, 0 for zero-based; nnlearn_input_scale the divisor of raw inputs; nnlearn_image
 * [height width order] with order 1 row-major, 2 column-major. A file without them is the course's sigmoid network.
 */
const ACTIVATION_CODES: readonly Activation[] = ['sigmoid', 'tanh', 'relu'];
const OUTPUT_CODES: readonly OutputKind[] = ['sigmoid', 'softmax'];
const ORDER_CODES: readonly ImageShape['order'][] = ['row-major', 'column-major'];

/**
 * MAT-file bytes with Theta1 … ThetaL, the architecture codes, any extra variables (a cost history, say), and the
 * record of the run as JSON text in `nnlearn_meta` (a char array: `json.loads(m['nnlearn_meta'][0])` in Python).
 */
export function modelToMat(net: Network, extras: Readonly<Record<string, Matrix>> = {}, meta?: Record<string, unknown>): Uint8Array {
  const thetas = net.thetas.map((t, l) => [`Theta${l + 1}`, t] as const);
  const scalar = (v: number) => new Matrix(1, 1, Float64Array.of(v));
  const codes = [
    ['nnlearn_activation', scalar(ACTIVATION_CODES.indexOf(net.activation) + 1)],
    ['nnlearn_output', scalar(OUTPUT_CODES.indexOf(net.output) + 1)],
    ['nnlearn_labels', scalar(net.labels === 'course' ? 1 : 0)],
  ] as const;
  const scale = net.inputScale === undefined ? [] : [['nnlearn_input_scale', scalar(net.inputScale)] as const];
  const im = net.image;
  const image = im === undefined ? [] : [['nnlearn_image', Matrix.fromRows([[im.height, im.width, ORDER_CODES.indexOf(im.order) + 1]])] as const];
  const record = meta === undefined ? [] : ([['nnlearn_meta', JSON.stringify(meta)]] as const);
  return writeMat([...thetas, ...codes, ...scale, ...image, ...Object.entries(extras), ...record]);
}

/** The record of the run in a MAT model (`nnlearn_meta`), or undefined when it has none. */
export function metaFromMat(mat: MatFile): Record<string, unknown> | undefined {
  if (!mat.has('nnlearn_meta')) return undefined;
  try {
    const meta: unknown = JSON.parse(mat.text('nnlearn_meta'));
    return typeof meta === 'object' && meta !== null && !Array.isArray(meta) ? (meta as Record<string, unknown>) : undefined;
  } catch (err) {
    throw new FormatError(`${mat.source}: nnlearn_meta is not JSON (${(err as Error).message})`);
  }
}

/**
 * A network from the Theta1, Theta2, … variables of a MAT-file, with the architecture and label convention its
 * nnlearn_* codes give (the course's sigmoid network and labels when it has none; `labels` overrides).
 */
export function networkFromMat(mat: MatFile, labels?: LabelConvention): Network {
  const thetas: Matrix[] = [];
  for (let l = 1; mat.has(`Theta${l}`); l++) thetas.push(mat.matrix(`Theta${l}`));
  if (thetas.length === 0) {
    throw new FormatError(`${mat.source}: no Theta1 variable (the file has ${mat.names().map((n) => `"${n}"`).join(', ') || 'no variables'})`);
  }
  // a Theta past a gap would be left out without a word (Theta1 and Theta3: a network without its last layer)
  const after = mat.names().find((n) => /^Theta\d+$/.test(n) && Number(n.slice(5)) > thetas.length);
  if (after !== undefined) {
    throw new FormatError(`${mat.source}: ${after} without Theta${thetas.length + 1}; the layers' Thetas are numbered 1, 2, … without a gap`);
  }
  const code = (name: string, max: number): number | undefined => {
    if (!mat.has(name)) return undefined;
    const v = mat.matrix(name).data[0];
    if (!(Number.isInteger(v) && v >= 0 && v <= max)) throw new FormatError(`${mat.source}: ${name} is ${v}, not a known code`);
    return v;
  };
  const a = code('nnlearn_activation', ACTIVATION_CODES.length);
  const o = code('nnlearn_output', OUTPUT_CODES.length);
  const lab = code('nnlearn_labels', 1);
  const fail = (why: string): never => {
    throw new FormatError(`${mat.source}: ${why}`);
  };
  const scale = mat.has('nnlearn_input_scale') ? checkScale(mat.matrix('nnlearn_input_scale').data[0], fail) : undefined;
  return thetasNetwork(mat.source, thetas, {
    labels: labels ?? (lab === 0 ? 'zero-based' : 'course'),
    activation: a === undefined || a === 0 ? 'sigmoid' : ACTIVATION_CODES[a - 1],
    output: o === undefined || o === 0 ? 'sigmoid' : OUTPUT_CODES[o - 1],
    image: mat.has('nnlearn_image') ? matImage(mat.matrix('nnlearn_image'), thetas[0].cols - 1, fail) : undefined,
    inputScale: scale,
  });
}

/**
 * Network.fromThetas, with the file named in a shape error and, where the Thetas chain once transposed (all of
 * them, or the one that breaks the chain), that said: NumPy users save Theta1.T as readily as Theta1.
 */
function thetasNetwork(source: string, thetas: Matrix[], options: Parameters<typeof Network.fromThetas>[1]): Network {
  try {
    return Network.fromThetas(thetas, options);
  } catch (err) {
    if (!(err instanceof ShapeError)) throw err;
    const chains = (shapes: [number, number][]) => shapes.every(([rows, cols], l) => rows >= 1 && cols >= 2 && (l === 0 || cols === shapes[l - 1][0] + 1));
    const shapes = thetas.map((t): [number, number] => [t.rows, t.cols]);
    const flipped = (l: number): [number, number][] => shapes.map(([r, c], k) => (k === l || l < 0 ? [c, r] : [r, c]));
    const one = shapes.findIndex((_, l) => chains(flipped(l)));
    const hint = chains(flipped(-1))
      ? '; the Thetas look transposed (each is units × (inputs + 1)): save Theta1, not its transpose'
      : one >= 0
        ? `; Theta${one + 1} looks transposed (each Theta is units × (inputs + 1))`
        : '';
    throw new ShapeError(`${source}: ${err.message}${hint}`);
  }
}

/** nnlearn_image: [height width order] with height×width the network's inputs. */
function matImage(m: Matrix, inputs: number, fail: (why: string) => never): ImageShape {
  const [height, width, order] = m.data;
  const ok = m.data.length === 3 && Number.isInteger(height) && Number.isInteger(width) && height * width === inputs && (order === 1 || order === 2);
  if (!ok) return fail(`nnlearn_image must be [height width order] with height×width = ${inputs} inputs and order 1 (row-major) or 2 (column-major)`);
  return { height, width, order: ORDER_CODES[order - 1] };
}
