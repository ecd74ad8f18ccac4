/** The browser test's training worker: the threaded evaluator on Web Workers (./page.ts starts it). */
import { createWebThreadedEvaluator } from '../../src/nn/fast/threads-web.js';
import { BATCH, compare, LAMBDA, problem, SIZES } from './problem.js';

try {
  const { X, targets, params } = problem();
  // every batch shared by both threads, however small
  const ev = await createWebThreadedEvaluator(SIZES, X, targets, new URL('./worker-web.js', import.meta.url), 2, { minBatchWork: 0 });
  const g1 = new Float64Array(params.length);
  const g2 = new Float64Array(params.length);
  const J1 = ev.evaluate(params, LAMBDA, g1);
  const J2 = ev.evaluate(params, LAMBDA, g2);
  const b1 = new Float64Array(params.length);
  const b2 = new Float64Array(params.length);
  const B1 = ev.evaluateBatch(params, LAMBDA, b1, BATCH);
  const B2 = ev.evaluateBatch(params, LAMBDA, b2, BATCH);
  const repeatIdentical = J1 === J2 && g1.every((v, i) => v === g2[i]) && B1 === B2 && b1.every((v, i) => v === b2[i]);
  ev.close();
  self.postMessage({ ...compare(J1, g1), batch: compare(B1, b1, BATCH), threads: ev.threads, repeatIdentical });
} catch (err) {
  self.postMessage({ error: String(err) });
}
