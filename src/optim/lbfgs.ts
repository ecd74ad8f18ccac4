/**
 * L-BFGS (Nocedal & Wright, "Numerical Optimization", 2nd ed., Algorithm 7.5): a quasi-Newton method that keeps
 * the last `memory` pairs s = Δθ, y = Δ∇J and applies the inverse-Hessian approximation by the two-loop recursion
 * (Algorithm 7.4), scaled by γ = sᵀy / yᵀy. Each step's length comes from a line search that satisfies the strong
 * Wolfe conditions (Algorithms 3.5 and 3.6, with cubic interpolation in the zoom):
 *   J(θ + αd) <= J(θ) + c1·α·∇Jᵀd,   |∇J(θ + αd)ᵀd| <= c2·|∇Jᵀd|,   c1 = 1e-4, c2 = 0.9.
 * `maxIter` counts line searches, as fmincg's MaxIter does, so that the two compare at equal settings.
 */
import {
  dot,
  pause,
  resumedNumber,
  resumedVector,
  runToEnd,
  startingPoint,
  type Iterations,
  type Objective,
  type OptimizeOptions,
  type OptimizeResult,
  type OptimizerState,
} from './types.js';

/** L-BFGS's settings. */
export interface LbfgsOptions extends OptimizeOptions {
  /** pairs kept; default 10 */
  memory?: number;
  /** stop when the largest gradient component falls below this; default 1e-10 */
  gradientTolerance?: number;
  /** function evaluations per line search at most; default 20 (fmincg's MAX) */
  maxLineSearch?: number;
}

const C1 = 1e-4;
const C2 = 0.9;

/** Minimizes f from x0 by L-BFGS with a line search satisfying the strong Wolfe conditions. */
export function lbfgs(f: Objective, x0: Float64Array, options: LbfgsOptions = {}): OptimizeResult {
  return runToEnd(lbfgsIterations(f, x0, options));
}

/**
 * L-BFGS pausing after every line search (see Iterations). Its state carries the point, its cost and gradient,
 * and the curvature pairs (s0, y0, s1, y1, …, oldest first); ρ = 1/sᵀy is computed again from them, bit for bit.
 */
export function* lbfgsIterations(f: Objective, x0: Float64Array, options: LbfgsOptions = {}): Iterations {
  const maxIter = options.maxIter ?? 100;
  const M = options.memory ?? 10;
  const gtol = options.gradientTolerance ?? 1e-10;
  const maxLs = options.maxLineSearch ?? 20;
  const n = x0.length;
  const resume = options.resume;
  const x = startingPoint(x0, resume);
  const xt = new Float64Array(n);
  const d = new Float64Array(n);
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const alphaK = new Float64Array(M);
  const history: number[] = resume ? [...resume.costHistory] : [];
  let evaluations = resume?.evaluations ?? 0;

  const evaluate = (at: Float64Array): { cost: number; grad: Float64Array } => {
    evaluations++;
    const r = f(at);
    return { cost: r.cost, grad: Float64Array.from(r.grad) };
  };
  let cost: number;
  let grad: Float64Array;
  let iter = 0;
  if (resume !== undefined) {
    cost = resumedNumber(resume, 'cost');
    grad = Float64Array.from(resumedVector(resume, 'g', n));
    iter = resumedNumber(resume, 'iter', { integer: true, min: 0, max: maxIter });
    const pairs = resumedNumber(resume, 'pairs', { integer: true, min: 0, max: M }); // curvature pairs: at most M are kept
    for (let j = 0; j < pairs; j++) {
      S.push(Float64Array.from(resumedVector(resume, `s${j}`, n)));
      Y.push(Float64Array.from(resumedVector(resume, `y${j}`, n)));
      rho.push(1 / dot(S[j], Y[j]));
    }
  } else {
    ({ cost, grad } = evaluate(x));
  }
  let stopReason: OptimizeResult['stopReason'] = 'max-iter';
  let state: OptimizerState | undefined;

  while (iter < maxIter) {
    if (maxAbs(grad) <= gtol) {
      stopReason = 'converged';
      break;
    }
    // d = -H·g by the two-loop recursion
    for (let i = 0; i < n; i++) d[i] = -grad[i];
    const k = S.length;
    for (let j = k - 1; j >= 0; j--) {
      alphaK[j] = rho[j] * dot(S[j], d);
      axpy(-alphaK[j], Y[j], d);
    }
    if (k > 0) {
      const gamma = dot(S[k - 1], Y[k - 1]) / dot(Y[k - 1], Y[k - 1]);
      for (let i = 0; i < n; i++) d[i] *= gamma;
    }
    for (let j = 0; j < k; j++) {
      const beta = rho[j] * dot(Y[j], d);
      axpy(alphaK[j] - beta, S[j], d);
    }
    let slope = dot(grad, d);
    if (!(slope < 0)) {
      // not a descent direction (a poor curvature pair): start again from steepest descent
      S.length = 0;
      Y.length = 0;
      rho.length = 0;
      for (let i = 0; i < n; i++) d[i] = -grad[i];
      slope = dot(grad, d);
    }
    // first step: a unit change in the cost, as fmincg's first step is; later ones: the quasi-Newton step
    const alpha0 = iter === 0 && k === 0 ? Math.min(1, 1 / Math.sqrt(-slope)) : 1;
    const ls = lineSearch(evaluate, x, cost, grad, d, slope, alpha0, xt, maxLs);
    if (ls === undefined) {
      stopReason = 'line-search-failed';
      break;
    }
    // s = α·d, y = ∇J(new) - ∇J(old)
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = ls.alpha * d[i];
      y[i] = ls.grad[i] - grad[i];
      x[i] += s[i];
    }
    const sy = dot(s, y);
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
      if (S.length === M) {
        S.shift();
        Y.shift();
        rho.shift();
      }
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
    }
    cost = ls.cost;
    grad = ls.grad;
    iter++;
    history.push(cost);
    if (yield* pause(options.onIteration?.({ iteration: iter, cost, evaluations, theta: x }), options)) {
      stopReason = 'stopped';
      const vectors: Record<string, Float64Array> = { g: Float64Array.from(grad) };
      S.forEach((sj, j) => {
        vectors[`s${j}`] = Float64Array.from(sj);
        vectors[`y${j}`] = Float64Array.from(Y[j]);
      });
      state = { x: Float64Array.from(x), vectors, numbers: { cost, iter, pairs: S.length }, costHistory: [...history], evaluations };
      break;
    }
  }
  return { theta: x, costHistory: history, cost, iterations: iter, evaluations, stopReason, ...(state ? { state } : {}) };
}

/** Nocedal & Wright's Algorithm 3.5: bracket a step satisfying the strong Wolfe conditions, then zoom into it. */
function lineSearch(
  evaluate: (at: Float64Array) => { cost: number; grad: Float64Array },
  x: Float64Array,
  f0: number,
  g0: Float64Array,
  d: Float64Array,
  slope0: number,
  alpha1: number,
  xt: Float64Array,
  maxEvals: number,
): { alpha: number; cost: number; grad: Float64Array } | undefined {
  const at = (alpha: number) => {
    for (let i = 0; i < x.length; i++) xt[i] = x[i] + alpha * d[i];
    const r = evaluate(xt);
    return { alpha, cost: r.cost, grad: r.grad, slope: dot(r.grad, d) };
  };
  let prev = { alpha: 0, cost: f0, grad: g0, slope: slope0 };
  let alpha = alpha1;
  for (let evals = 0; evals < maxEvals; ) {
    const cur = at(alpha);
    evals++;
    if (!Number.isFinite(cur.cost) || cur.cost > f0 + C1 * alpha * slope0 || (evals > 1 && cur.cost >= prev.cost)) {
      return zoom(at, prev, cur, f0, slope0, maxEvals - evals);
    }
    if (Math.abs(cur.slope) <= -C2 * slope0) return cur;
    if (cur.slope >= 0) return zoom(at, cur, prev, f0, slope0, maxEvals - evals);
    prev = cur;
    alpha *= 2;
  }
  return undefined;
}

interface Point {
  alpha: number;
  cost: number;
  grad: Float64Array;
  slope: number;
}

/** Algorithm 3.6: shrink [lo, hi] by safeguarded cubic interpolation until a point meets both conditions. */
function zoom(
  at: (alpha: number) => Point,
  lo: Point,
  hi: Point,
  f0: number,
  slope0: number,
  budget: number,
): Point | undefined {
  for (let evals = 0; evals < budget; evals++) {
    const a = cubicMin(lo, hi);
    const cur = at(a);
    if (!Number.isFinite(cur.cost) || cur.cost > f0 + C1 * a * slope0 || cur.cost >= lo.cost) {
      hi = cur;
    } else {
      if (Math.abs(cur.slope) <= -C2 * slope0) return cur;
      if (cur.slope * (hi.alpha - lo.alpha) >= 0) hi = lo;
      lo = cur;
    }
    if (Math.abs(hi.alpha - lo.alpha) < 1e-16 * Math.max(1, Math.abs(lo.alpha))) break;
  }
  // out of budget: accept the best point found if it decreased the cost (sufficient decrease holds for lo)
  return lo.alpha > 0 && lo.cost < f0 ? lo : undefined;
}

/** The minimizer of the cubic through (lo, hi) with their slopes, kept inside the middle 80% of the interval. */
function cubicMin(lo: Point, hi: Point): number {
  const a0 = lo.alpha;
  const a1 = hi.alpha;
  const d1 = lo.slope + hi.slope - (3 * (lo.cost - hi.cost)) / (a0 - a1);
  const disc = d1 * d1 - lo.slope * hi.slope;
  const left = Math.min(a0, a1);
  const width = Math.abs(a1 - a0);
  let a = (a0 + a1) / 2;
  if (disc >= 0 && Number.isFinite(hi.cost)) {
    const d2 = Math.sign(a1 - a0) * Math.sqrt(disc);
    const c = a1 - (a1 - a0) * ((hi.slope + d2 - d1) / (hi.slope - lo.slope + 2 * d2));
    if (Number.isFinite(c)) a = c;
  }
  return Math.min(Math.max(a, left + 0.1 * width), left + 0.9 * width);
}

function maxAbs(v: Float64Array): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i]));
  return m;
}

function axpy(a: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < y.length; i++) y[i] += a * x[i];
}
