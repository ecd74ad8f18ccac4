// The first-order optimizers' updates (src/optim: Adam, momentum, gradient descent), two weights per SIMD
// instruction. Each is the same arithmetic as its JavaScript loop, operation for operation (multiplies and adds
// kept apart, never fused), so that the weights come out bit for bit the same: only faster (the divisions and the
// square root take most of an Adam step, and f64x2 does two at a time).

/**
 * Adam's update of n weights (Kingma & Ba, 2015, Algorithm 1): m = b1·m + (1-b1)·g, v = b2·v + ((1-b2)·g)·g,
 * θ -= (α·(m/c1)) / (√(v/c2) + ε), with c1 = 1 - b1^t and c2 = 1 - b2^t given.
 */
export function adamStep(theta: usize, grad: usize, m: usize, v: usize, n: i32, b1: f64, b2: f64, alpha: f64, eps: f64, c1: f64, c2: f64): void {
  const B1 = f64x2.splat(b1);
  const B2 = f64x2.splat(b2);
  const O1 = f64x2.splat(1 - b1);
  const O2 = f64x2.splat(1 - b2);
  const A = f64x2.splat(alpha);
  const E = f64x2.splat(eps);
  const C1 = f64x2.splat(c1);
  const C2 = f64x2.splat(c2);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const o = <usize>i << 3;
    const g = v128.load(grad + o);
    const mk = f64x2.add(f64x2.mul(B1, v128.load(m + o)), f64x2.mul(O1, g));
    const vk = f64x2.add(f64x2.mul(B2, v128.load(v + o)), f64x2.mul(f64x2.mul(O2, g), g));
    v128.store(m + o, mk);
    v128.store(v + o, vk);
    const step = f64x2.div(f64x2.mul(A, f64x2.div(mk, C1)), f64x2.add(f64x2.sqrt(f64x2.div(vk, C2)), E));
    v128.store(theta + o, f64x2.sub(v128.load(theta + o), step));
  }
  for (; i < n; i++) {
    const o = <usize>i << 3;
    const g = load<f64>(grad + o);
    const mk = b1 * load<f64>(m + o) + (1 - b1) * g;
    const vk = b2 * load<f64>(v + o) + (1 - b2) * g * g;
    store<f64>(m + o, mk);
    store<f64>(v + o, vk);
    store<f64>(theta + o, load<f64>(theta + o) - (alpha * (mk / c1)) / (Math.sqrt(vk / c2) + eps));
  }
}
