/**
 * fmincg: minimize a differentiable function by nonlinear conjugate gradients with Polak–Ribière directions
 * and a line search by quadratic and cubic polynomial approximations satisfying the Wolfe–Powell conditions.
 *
 * A faithful port of `fmincg.m` as shipped with the course (Carl Edward Rasmussen's `minimize.m`, 1999-2002,
 * adapted for the course; the same constants, the same branches, the same order of operations). As there,
 * `maxIter` counts line searches, and the cost after each successful one is reported as
 * `Iteration %4i | Cost: %4.6e`. Differences: where MATLAB would produce a complex z2 from the square root of a
 * negative number, JavaScript produces NaN, which the code already treats the same way; the buffers are
 * allocated once and swapped instead of copied.
 */
import { formatExp } from '../format.js';
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

const RHO = 0.01; // a bunch of constants for line searches
const SIG = 0.5; // RHO and SIG are the constants in the Wolfe-Powell conditions
const INT = 0.1; // don't reevaluate within 0.1 of the limit of the current bracket
const EXT = 3.0; // extrapolate maximum 3 times the current bracket
const MAX = 20; // max 20 function evaluations per line search
const RATIO = 100; // maximum allowed slope ratio
const REALMIN = 2.2250738585072014e-308;

/** fmincg's settings beyond the common ones. */
export interface FmincgOptions extends OptimizeOptions {
  /** expected reduction of the first line search (the `red` of `length = [MaxIter red]`); default 1 */
  reduction?: number;
}

/** The course's progress line: `Iteration    1 | Cost: 3.287654e+00` (MATLAB's %4i and %4.6e). */
export function formatIteration(iteration: number, cost: number): string {
  return `Iteration ${String(iteration).padStart(4)} | Cost: ${formatExp(cost)}`;
}

/**
 * Minimizes f from x0 by the course's fmincg (a faithful port of `fmincg.m`; `maxIter` counts line
 * searches). Implements ex4 section 2.6, "Learning parameters using fmincg" (see [the course map](../../docs/course.md)).
 */
export function fmincg(f: Objective, x0: Float64Array, options: FmincgOptions = {}): OptimizeResult {
  return runToEnd(fmincgIterations(f, x0, options));
}

/**
 * fmincg as a generator that pauses after every iteration (after the progress callback), so that a caller can
 * let its event loop run between iterations: a Ctrl-C handler, a browser's rendering. `fmincg` runs it straight.
 * Its state at a pause (what it carries from one line search to the next: the point, its cost and gradient, the
 * direction, the slope and the next step) is enough to continue exactly.
 */
export function* fmincgIterations(f: Objective, x0: Float64Array, options: FmincgOptions = {}): Iterations {
  const length = options.maxIter ?? 100;
  const red = options.reduction ?? 1;
  const resume = options.resume;
  const n = x0.length;
  const X = startingPoint(x0, resume);
  const X0 = new Float64Array(n);
  let df0 = new Float64Array(n);
  let df1 = new Float64Array(n);
  let df2 = new Float64Array(n);
  const s = new Float64Array(n);
  const fX: number[] = resume ? [...resume.costHistory] : [];
  let evaluations = resume?.evaluations ?? 0;
  let stopReason: OptimizeResult['stopReason'] = 'max-iter';

  const evaluate = (into: Float64Array): number => {
    const r = f(X);
    evaluations++;
    into.set(r.grad);
    return r.cost;
  };
  const axpy = (alpha: number, v: Float64Array): void => {
    for (let k = 0; k < n; k++) X[k] += alpha * v[k];
  };

  let i = 0; // zero the run length counter
  let lsFailed = false; // no previous line search has failed
  let f1: number;
  let d1: number;
  let z1: number;
  if (resume !== undefined) {
    // where the stopped run was, after its last successful line search
    f1 = resumedNumber(resume, 'f1');
    df1.set(resumedVector(resume, 'df1', n));
    s.set(resumedVector(resume, 's', n));
    d1 = resumedNumber(resume, 'd1');
    z1 = resumedNumber(resume, 'z1');
    i = resumedNumber(resume, 'i', { integer: true, min: 0, max: Math.abs(length) });
  } else {
    f1 = evaluate(df1); // get function value and gradient
    i += length < 0 ? 1 : 0; // count epochs?!
    for (let k = 0; k < n; k++) s[k] = -df1[k]; // search direction is steepest
    d1 = -dot(s, s); // this is the slope
    z1 = red / (1 - d1); // initial step is red/(|s|+1)
  }
  let state: OptimizerState | undefined;

  while (i < Math.abs(length)) {
    i += length > 0 ? 1 : 0; // count iterations?!
    X0.set(X); // make a copy of current values
    const f0 = f1;
    df0.set(df1);
    axpy(z1, s); // begin line search
    let f2 = evaluate(df2);
    i += length < 0 ? 1 : 0;
    let d2 = dot(df2, s);
    let f3 = f1; // initialize point 3 equal to point 1
    let d3 = d1;
    let z3 = -z1;
    let M = length > 0 ? MAX : Math.min(MAX, -length - i);
    let success = false; // initialize quantities
    let limit = -1;
    while (true) {
      while ((f2 > f1 + z1 * RHO * d1 || d2 > -SIG * d1) && M > 0) {
        limit = z1; // tighten the bracket
        let z2: number;
        if (f2 > f1) {
          z2 = z3 - (0.5 * d3 * z3 * z3) / (d3 * z3 + f2 - f3); // quadratic fit
        } else {
          const A = (6 * (f2 - f3)) / z3 + 3 * (d2 + d3); // cubic fit
          const B = 3 * (f3 - f2) - z3 * (d3 + 2 * d2);
          z2 = (Math.sqrt(B * B - A * d2 * z3 * z3) - B) / A; // numerical error possible - ok!
        }
        if (Number.isNaN(z2) || !Number.isFinite(z2)) z2 = z3 / 2; // if we had a numerical problem then bisect
        z2 = Math.max(Math.min(z2, INT * z3), (1 - INT) * z3); // don't accept too close to limits
        z1 = z1 + z2; // update the step
        axpy(z2, s);
        f2 = evaluate(df2);
        M = M - 1;
        i += length < 0 ? 1 : 0;
        d2 = dot(df2, s);
        z3 = z3 - z2; // z3 is now relative to the location of z2
      }
      if (f2 > f1 + z1 * RHO * d1 || d2 > -SIG * d1) {
        break; // this is a failure
      } else if (d2 > SIG * d1) {
        success = true;
        break; // success
      } else if (M === 0) {
        break; // failure
      }
      const A = (6 * (f2 - f3)) / z3 + 3 * (d2 + d3); // make cubic extrapolation
      const B = 3 * (f3 - f2) - z3 * (d3 + 2 * d2);
      let z2 = (-d2 * z3 * z3) / (B + Math.sqrt(B * B - A * d2 * z3 * z3)); // num. error possible - ok!
      if (Number.isNaN(z2) || !Number.isFinite(z2) || z2 < 0) {
        // num prob or wrong sign?
        if (limit < -0.5) {
          z2 = z1 * (EXT - 1); // if we have no upper limit, extrapolate the maximum amount
        } else {
          z2 = (limit - z1) / 2; // otherwise bisect
        }
      } else if (limit > -0.5 && z2 + z1 > limit) {
        z2 = (limit - z1) / 2; // extrapolation beyond max? bisect
      } else if (limit < -0.5 && z2 + z1 > z1 * EXT) {
        z2 = z1 * (EXT - 1.0); // extrapolation beyond limit: set to limit
      } else if (z2 < -z3 * INT) {
        z2 = -z3 * INT;
      } else if (limit > -0.5 && z2 < (limit - z1) * (1.0 - INT)) {
        z2 = (limit - z1) * (1.0 - INT); // too close to limit?
      }
      f3 = f2; // set point 3 equal to point 2
      d3 = d2;
      z3 = -z2;
      z1 = z1 + z2; // update current estimates
      axpy(z2, s);
      f2 = evaluate(df2);
      M = M - 1;
      i += length < 0 ? 1 : 0;
      d2 = dot(df2, s);
    } // end of line search

    if (success) {
      // if line search succeeded
      f1 = f2;
      fX.push(f1);
      const more = options.onIteration?.({ iteration: i, cost: f1, evaluations, theta: X });
      // Polak-Ribiere direction
      const beta = (dot(df2, df2) - dot(df1, df2)) / dot(df1, df1);
      for (let k = 0; k < n; k++) s[k] = beta * s[k] - df2[k];
      const tmp = df1; // swap derivatives
      df1 = df2;
      df2 = tmp;
      d2 = dot(df1, s);
      if (d2 > 0) {
        // new slope must be negative
        for (let k = 0; k < n; k++) s[k] = -df1[k]; // otherwise use steepest direction
        d2 = -dot(s, s);
      }
      z1 = z1 * Math.min(RATIO, d1 / (d2 - REALMIN)); // slope ratio but max RATIO
      d1 = d2;
      lsFailed = false; // this line search did not fail
      if (yield* pause(more, options)) {
        stopReason = 'stopped';
        state = { x: Float64Array.from(X), vectors: { df1: Float64Array.from(df1), s: Float64Array.from(s) }, numbers: { f1, d1, z1, i }, costHistory: [...fX], evaluations };
        break;
      }
    } else {
      X.set(X0); // restore point from before failed line search
      f1 = f0;
      const t0 = df1;
      df1 = df0;
      df0 = t0;
      if (lsFailed || i > Math.abs(length)) {
        // line search failed twice in a row or we ran out of time, so we give up
        stopReason = lsFailed ? 'line-search-failed' : 'max-iter';
        break;
      }
      const tmp = df1; // swap derivatives
      df1 = df2;
      df2 = tmp;
      for (let k = 0; k < n; k++) s[k] = -df1[k]; // try steepest
      d1 = -dot(s, s);
      z1 = 1 / (1 - d1);
      lsFailed = true; // this line search failed
    }
  }
  return { theta: X, costHistory: fX, cost: f1, iterations: i, evaluations, stopReason, ...(state ? { state } : {}) };
}
