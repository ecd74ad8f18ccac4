/**
 * Hidden-unit activations and output layers, each with its forward and backward side by side (as micrograd
 * keeps them). The course's network is sigmoid throughout; the Oslo exercises use ReLU units, and the lecture
 * gives the softmax output with its multinomial cross-entropy.
 *
 *   sigmoid  a = 1/(1 + e^-z)      g'(z) = a(1 - a)
 *   tanh     a = tanh z            g'(z) = 1 - a²
 *   relu     a = max(0, z)         g'(z) = 1 if z > 0, else 0 (the kink at 0 takes the left derivative)
 *
 * Output layers, both with δ(L) = A - Y for their cost:
 *   sigmoid  independent units, J = -1/m Σ_i Σ_k [y log h + (1-y) log(1-h)]   (the course)
 *   softmax  h_k = e^{z_k} / Σ_j e^{z_j}, J = -1/m Σ_i log h_{t_i}            (the lecture)
 */
import { ValueError } from '../errors.js';
import { sigmoidScalar } from './sigmoid.js';
import { exp, log } from '../linalg/crmath.js';

/** A hidden-unit activation. */
export type Activation = 'sigmoid' | 'tanh' | 'relu';
/** An output layer with its cost. */
export type OutputKind = 'sigmoid' | 'softmax';

/** Every hidden-unit activation nnlearn knows. */
export const ACTIVATIONS: readonly Activation[] = ['sigmoid', 'tanh', 'relu'];
/** Every output layer nnlearn knows. */
export const OUTPUTS: readonly OutputKind[] = ['sigmoid', 'softmax'];

/** A network's kind: its hidden activation and its output layer. */
export interface Architecture {
  activation: Activation;
  output: OutputKind;
}

export const COURSE_ARCHITECTURE: Architecture = { activation: 'sigmoid', output: 'sigmoid' };

export function checkArchitecture(arch: Partial<Architecture>): Architecture {
  const activation = arch.activation ?? 'sigmoid';
  const output = arch.output ?? 'sigmoid';
  if (!ACTIVATIONS.includes(activation)) throw new ValueError(`unknown activation "${activation}" (expected ${ACTIVATIONS.join(', ')})`);
  if (!OUTPUTS.includes(output)) throw new ValueError(`unknown output "${output}" (expected ${OUTPUTS.join(', ')})`);
  return { activation, output };
}

/** a = g(z), element by element over z[0..n) into a (a may be z). */
export function activate(kind: Activation, z: Float64Array, a: Float64Array, n = z.length): void {
  switch (kind) {
    case 'sigmoid':
      for (let i = 0; i < n; i++) a[i] = sigmoidScalar(z[i]);
      return;
    case 'tanh':
      for (let i = 0; i < n; i++) a[i] = Math.tanh(z[i]);
      return;
    case 'relu':
      for (let i = 0; i < n; i++) a[i] = z[i] > 0 ? z[i] : 0;
      return;
  }
}

/** d *= g'(z), with g' written from a = g(z) where it can be (sigmoid, tanh) and from z otherwise (relu). */
export function activateBackward(kind: Activation, z: Float64Array, a: Float64Array, d: Float64Array, n = d.length): void {
  switch (kind) {
    case 'sigmoid':
      for (let i = 0; i < n; i++) d[i] *= a[i] * (1 - a[i]);
      return;
    case 'tanh':
      for (let i = 0; i < n; i++) d[i] *= 1 - a[i] * a[i];
      return;
    case 'relu':
      for (let i = 0; i < n; i++) if (!(z[i] > 0)) d[i] = 0;
      return;
  }
}

/**
 * Softmax of each row of Z (m×K) into H, computed from z - max(z) so that no exponential overflows; returns
 * nothing, fills `logSumExp[i]` = log Σ_k e^{z_ik} for the cost.
 */
export function softmaxRows(z: Float64Array, h: Float64Array, m: number, K: number, logSumExp: Float64Array): void {
  for (let i = 0; i < m; i++) {
    const row = i * K;
    let max = -Infinity;
    for (let k = 0; k < K; k++) if (z[row + k] > max) max = z[row + k];
    let sum = 0;
    for (let k = 0; k < K; k++) {
      const e = exp(z[row + k] - max);
      h[row + k] = e;
      sum += e;
    }
    for (let k = 0; k < K; k++) h[row + k] /= sum;
    logSumExp[i] = max + log(sum);
  }
}
