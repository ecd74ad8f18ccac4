/** The browser test's training worker: the threaded evaluator on Web Workers (./page.ts starts it). */
import { createWebThreadedEvaluator } from '../../src/nn/fast/threads-web.js';
import { compare, LAMBDA, problem, SIZES } from './problem.js';

try {
  const { X, targets, params } = problem();
  const ev = await createWebThreadedEvaluator(SIZES, X, targets, new URL('./worker-web.js', import.meta.url), 2);
  const g1 = new Float64Array(params.length);
  const g2 = new Float64Array(params.length);
  const J1 = ev.evaluate(params, LAMBDA, g1);
  const J2 = ev.evaluate(params, LAMBDA, g2);
  const repeatIdentical = J1 === J2 && g1.every((v, i) => v === g2[i]);
  ev.close();
  self.postMessage({ ...compare(J1, g1), threads: ev.threads, repeatIdentical });
} catch (err) {
  self.postMessage({ error: String(err) });
}
