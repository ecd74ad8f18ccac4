/**
 * The playground's settings: one record, read from and written to the page's address (so that a teacher can send
 * a link to a configuration: ?hidden=25,25&activation=sigmoid&lambda=0&iterations=200) and to the form.
 * Every value is checked; a bad one in a link is left at its default and named, never half-used.
 */
import { ACTIVATIONS, OUTPUTS, type Activation, type OutputKind } from '../../src/nn/activations.js';
import { OPTIMIZERS, OPTIMIZER_TABLE, optimizerEntry, type OptimizerName } from '../../src/optim/registry.js';

export interface Settings {
  /** units of each hidden layer (one to three layers) */
  hidden: number[];
  activation: Activation;
  output: OutputKind;
  optimizer: OptimizerName;
  /** the step of gd, momentum and Adam; undefined: the optimizer's default */
  rate: number | undefined;
  /** examples per mini-batch for gd, momentum and Adam; 0: the whole set */
  batch: number;
  lambda: number;
  iterations: number;
}

export const MAX_HIDDEN_LAYERS = 3;
export const MAX_UNITS = 400;
export const MAX_ITERATIONS = 2000;

/** The course's network and training (ex4 2.6): 25 sigmoid units, λ = 1, fmincg for 50 iterations. */
export const DEFAULTS: Settings = {
  hidden: [25],
  activation: 'sigmoid',
  output: 'sigmoid',
  optimizer: 'fmincg',
  rate: undefined,
  // the first-order optimizers' own default (src/optim/registry.ts), for when one is chosen
  batch: optimizerEntry('adam').defaults.batchSize ?? 0,
  lambda: 1,
  iterations: 50,
};

/** The learning rate each first-order optimizer uses when none is given: the optimizer table's (src/optim/registry.ts). */
export const DEFAULT_RATES: Partial<Record<OptimizerName, number>> = Object.fromEntries(
  OPTIMIZER_TABLE.filter((e) => e.defaults.learningRate !== undefined).map((e) => [e.name, e.defaults.learningRate]),
);

/** Optimizers that take steps of a given length (and mini-batches); fmincg and L-BFGS search for their steps. */
export function isFirstOrder(o: OptimizerName): boolean {
  return !optimizerEntry(o).lineSearch;
}

type Parsed<T> = { ok: true; value: T } | { ok: false; why: string };

const PARSERS: { [K in keyof Settings]: (s: string) => Parsed<Settings[K]> } = {
  hidden: (s) => {
    const parts = s.split(',').map((p) => p.trim());
    const n = parts.map(Number);
    if (parts.length < 1 || parts.length > MAX_HIDDEN_LAYERS || !n.every((v, i) => /^\d+$/.test(parts[i]) && v >= 1 && v <= MAX_UNITS)) {
      return { ok: false, why: `hidden=${s}: one to ${MAX_HIDDEN_LAYERS} layers of 1 to ${MAX_UNITS} units, e.g. 25 or 64,32` };
    }
    return { ok: true, value: n };
  },
  activation: (s) => (ACTIVATIONS.includes(s as Activation) ? { ok: true, value: s as Activation } : { ok: false, why: `activation=${s}: one of ${ACTIVATIONS.join(', ')}` }),
  output: (s) => (OUTPUTS.includes(s as OutputKind) ? { ok: true, value: s as OutputKind } : { ok: false, why: `output=${s}: one of ${OUTPUTS.join(', ')}` }),
  optimizer: (s) => (OPTIMIZERS.includes(s as OptimizerName) ? { ok: true, value: s as OptimizerName } : { ok: false, why: `optimizer=${s}: one of ${OPTIMIZERS.join(', ')}` }),
  rate: (s) => {
    if (s === '') return { ok: true, value: undefined };
    const v = Number(s);
    return /^[0-9.eE+-]+$/.test(s) && v > 0 && v <= 100 ? { ok: true, value: v } : { ok: false, why: `rate=${s}: a number above 0 and at most 100` };
  },
  batch: (s) => {
    const v = Number(s);
    return /^\d+$/.test(s) && v <= 5000 ? { ok: true, value: v } : { ok: false, why: `batch=${s}: 0 (the whole set) to 5000 examples` };
  },
  lambda: (s) => {
    const v = Number(s);
    return /^[0-9.eE+-]+$/.test(s) && v >= 0 && v <= 1000 ? { ok: true, value: v } : { ok: false, why: `lambda=${s}: a number from 0 to 1000` };
  },
  iterations: (s) => {
    const v = Number(s);
    return /^\d+$/.test(s) && v >= 1 && v <= MAX_ITERATIONS ? { ok: true, value: v } : { ok: false, why: `iterations=${s}: 1 to ${MAX_ITERATIONS}` };
  },
};

const KEYS = Object.keys(PARSERS) as (keyof Settings)[];

function setField<K extends keyof Settings>(s: Settings, key: K, value: Settings[K]): void {
  s[key] = value;
}

/** Settings from a query string (unknown keys ignored; bad values left at their defaults and listed in `problems`). */
export function settingsFromQuery(query: string): { settings: Settings; problems: string[] } {
  const params = new URLSearchParams(query);
  const settings: Settings = { ...DEFAULTS, hidden: [...DEFAULTS.hidden] };
  const problems: string[] = [];
  for (const key of KEYS) {
    const raw = params.get(key);
    if (raw === null) continue;
    const r = PARSERS[key](raw.trim());
    if (r.ok) setField(settings, key, r.value as Settings[typeof key]);
    else problems.push(r.why);
  }
  return { settings, problems };
}

/** The query string for settings: only what differs from the defaults, so that links stay short. */
export function settingsToQuery(s: Settings): string {
  const params = new URLSearchParams();
  const text = (k: keyof Settings): string => {
    const v = s[k];
    return Array.isArray(v) ? v.join(',') : v === undefined ? '' : String(v);
  };
  for (const key of KEYS) {
    const def = DEFAULTS[key];
    const same = Array.isArray(def) ? text(key) === def.join(',') : s[key] === def;
    if (!same) params.set(key, text(key));
  }
  return params.toString();
}

/** Checks settings made in the form (the same rules as a link); the first problem, or undefined. */
export function checkSettings(s: Settings): string | undefined {
  for (const key of KEYS) {
    const v = s[key];
    const r = PARSERS[key](Array.isArray(v) ? v.join(',') : v === undefined ? '' : String(v));
    if (!r.ok) return r.why;
  }
  return undefined;
}

/** The layer sizes of the network the settings describe, for 784 inputs and 10 classes. */
export function layerSizes(s: Settings): number[] {
  return [784, ...s.hidden, 10];
}

/** A short description: "784-25-10 sigmoid/sigmoid, fmincg, λ = 1, 50 iterations". */
export function describe(s: Settings): string {
  const step = isFirstOrder(s.optimizer)
    ? `, rate ${s.rate ?? DEFAULT_RATES[s.optimizer]}, ${s.batch > 0 ? `batches of ${s.batch}` : 'whole batch'}`
    : '';
  return `${layerSizes(s).join('-')} ${s.activation}/${s.output}, ${s.optimizer}${step}, λ = ${s.lambda}, ${s.iterations} iterations`;
}
