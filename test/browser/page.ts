/**
 * The browser test's page: the fast backend on the page's thread, then on 2 Web Workers from a training worker
 * (Atomics.wait is allowed in workers only), each compared with the reference.
 */
import { createEvaluator } from '../../src/nn/fast/evaluator.js';
import { wasmFlavor } from '../../src/linalg/wasm/instance.js';
import { compare, LAMBDA, problem, SIZES } from './problem.js';

interface Result {
  flavor?: string;
  single?: { cost: number; grad: number };
  threads?: { cost: number; grad: number; batch: { cost: number; grad: number }; threads: number; repeatIdentical: boolean } | { error: string };
  isolated?: boolean;
  error?: string;
}

const out: Result = {};
try {
  out.flavor = wasmFlavor();
  out.isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  const { X, targets, params } = problem();
  const ev = createEvaluator(SIZES, X, targets);
  const grad = new Float64Array(params.length);
  out.single = compare(ev.evaluate(params, LAMBDA, grad), grad);
  const worker = new Worker(new URL('./trainer.js', import.meta.url), { type: 'module' });
  out.threads = await new Promise((resolve) => {
    worker.onmessage = (e) => resolve(e.data);
    worker.onerror = (e) => resolve({ error: e.message });
  });
} catch (err) {
  out.error = String(err);
}
(globalThis as { __result?: Result }).__result = out;
document.body.textContent = JSON.stringify(out);
