/**
 * Scalar values that record the computational graph that made them, for backpropagation by the chain rule
 * (the Oslo lecture on computational graphs; the same design as Karpathy's micrograd). Each operation keeps its
 * forward and its backward side by side: forward computes `data` from the inputs, backward adds the node's
 * gradient times the local derivative to each input's gradient.
 *
 * Gradients accumulate (`+=`): a value used twice receives both contributions, as the lecture stresses for the
 * tricky example's `dx += …`. `backward()` orders the graph without recursion (an explicit stack), so a chain of a
 * million nodes works.
 */
import { ValueError } from '../errors.js';

/** The operation that made a Value. */
export type Op =
  | 'input'
  | 'const'
  | 'add'
  | 'sub'
  | 'mul'
  | 'div'
  | 'pow'
  | 'neg'
  | 'exp'
  | 'log'
  | 'recip'
  | 'sigmoid'
  | 'tanh'
  | 'relu'
  | 'max';

/** A scalar with the graph that made it: `data` forward, `grad` after `backward()`. */
export class Value {
  data: number;
  grad = 0;
  readonly op: Op;
  readonly a: Value | null;
  readonly b: Value | null;
  /** the exponent of a `pow` node */
  readonly k: number;
  /** a name to show: an input's name, or a staged intermediate's (`num`, `invden`, …) */
  label: string | undefined;

  constructor(data: number, op: Op = 'input', a: Value | null = null, b: Value | null = null, k = 0, label?: string) {
    this.data = data;
    this.op = op;
    this.a = a;
    this.b = b;
    this.k = k;
    this.label = label;
  }

  /** An input of the graph (a leaf whose gradient is wanted), with a name for drawings. */
  static input(data: number, label?: string): Value {
    return new Value(data, 'input', null, null, 0, label);
  }

  /** A constant leaf. */
  static const(data: number): Value {
    return new Value(data, 'const');
  }

  // ---- forward: each operation's value; its backward is in `backwardStep` below, case by case

  /** this + o */
  add(o: Value | number): Value {
    const b = lift(o);
    return new Value(this.data + b.data, 'add', this, b);
  }
  /** this - o */
  sub(o: Value | number): Value {
    const b = lift(o);
    return new Value(this.data - b.data, 'sub', this, b);
  }
  /** this · o */
  mul(o: Value | number): Value {
    const b = lift(o);
    return new Value(this.data * b.data, 'mul', this, b);
  }
  /** this / o */
  div(o: Value | number): Value {
    const b = lift(o);
    return new Value(this.data / b.data, 'div', this, b);
  }
  /** this^k for a constant k */
  pow(k: number): Value {
    if (!Number.isFinite(k)) throw new ValueError(`pow needs a finite constant exponent, got ${k}`);
    return new Value(this.data ** k, 'pow', this, null, k);
  }
  /** -this */
  neg(): Value {
    return new Value(-this.data, 'neg', this);
  }
  /** e^this */
  exp(): Value {
    return new Value(Math.exp(this.data), 'exp', this);
  }
  /** The natural logarithm of this. */
  log(): Value {
    return new Value(Math.log(this.data), 'log', this);
  }
  /** 1 / this */
  recip(): Value {
    return new Value(1 / this.data, 'recip', this);
  }
  /** 1 / (1 + e^-this) */
  sigmoid(): Value {
    return new Value(1 / (1 + Math.exp(-this.data)), 'sigmoid', this);
  }
  /** tanh(this) */
  tanh(): Value {
    return new Value(Math.tanh(this.data), 'tanh', this);
  }
  /** max(0, this) */
  relu(): Value {
    return new Value(this.data > 0 ? this.data : 0, 'relu', this);
  }
  /** max(this, o); the gradient goes to the larger (to this on a tie). */
  max(o: Value | number): Value {
    const b = lift(o);
    return new Value(Math.max(this.data, b.data), 'max', this, b);
  }

  /** The inputs of this node (0, 1 or 2). */
  get children(): Value[] {
    return this.a === null ? [] : this.b === null ? [this.a] : [this.a, this.b];
  }

  /**
   * Sets every gradient in the graph below this node to 0, this node's to 1, and backpropagates in reverse
   * topological order. Returns the nodes in topological order (inputs first).
   */
  backward(): Value[] {
    const order = topologicalOrder(this);
    for (const v of order) v.grad = 0;
    this.grad = 1;
    for (let i = order.length - 1; i >= 0; i--) backwardStep(order[i]);
    return order;
  }
}

function lift(v: Value | number): Value {
  return typeof v === 'number' ? Value.const(v) : v;
}

/**
 * One node's backward: the local derivative of its output with respect to each input, times the node's
 * gradient, added (+=) to the input's gradient.
 */
function backwardStep(v: Value): void {
  const g = v.grad;
  const a = v.a;
  const b = v.b;
  switch (v.op) {
    case 'input':
    case 'const':
      return;
    case 'add': // add gate: distributes the gradient
      a!.grad += g;
      b!.grad += g;
      return;
    case 'sub':
      a!.grad += g;
      b!.grad -= g;
      return;
    case 'mul': // mul gate: each input gets the other input times the gradient
      a!.grad += b!.data * g;
      b!.grad += a!.data * g;
      return;
    case 'div':
      a!.grad += g / b!.data;
      b!.grad += (-a!.data / (b!.data * b!.data)) * g;
      return;
    case 'pow':
      a!.grad += v.k * a!.data ** (v.k - 1) * g;
      return;
    case 'neg':
      a!.grad -= g;
      return;
    case 'exp': // d e^x = e^x
      a!.grad += v.data * g;
      return;
    case 'log':
      a!.grad += g / a!.data;
      return;
    case 'recip': // d(1/x) = -1/x²
      a!.grad += (-1 / (a!.data * a!.data)) * g;
      return;
    case 'sigmoid': // dσ = (1 - σ)σ
      a!.grad += (1 - v.data) * v.data * g;
      return;
    case 'tanh':
      a!.grad += (1 - v.data * v.data) * g;
      return;
    case 'relu':
      a!.grad += (a!.data > 0 ? 1 : 0) * g;
      return;
    case 'max': // max gate: routes the gradient to the larger input
      if (a!.data >= b!.data) a!.grad += g;
      else b!.grad += g;
      return;
  }
}

/** Every node reachable from `root`, inputs before the nodes that use them; iterative, so any depth works. */
export function topologicalOrder(root: Value): Value[] {
  const order: Value[] = [];
  const visited = new Set<Value>();
  // explicit stack of (node, whether its children are done)
  const stack: [Value, boolean][] = [[root, false]];
  while (stack.length > 0) {
    const top = stack.pop() as [Value, boolean];
    const [v, expanded] = top;
    if (expanded) {
      order.push(v);
      continue;
    }
    if (visited.has(v)) continue;
    visited.add(v);
    stack.push([v, true]);
    if (v.b !== null && !visited.has(v.b)) stack.push([v.b, false]);
    if (v.a !== null && !visited.has(v.a)) stack.push([v.a, false]);
  }
  return order;
}
