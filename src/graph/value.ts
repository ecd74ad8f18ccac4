/**
 * Scalar values that record the computational graph that made them, for backpropagation by the chain rule
 * (the Oslo lecture on computational graphs; the same design as Karpathy's micrograd). Each gate's forward and
 * backward stand side by side in gates.ts: forward computes `data` from the inputs, backward adds the node's
 * gradient times the local derivative to each input's gradient.
 *
 * Gradients accumulate (`+=`): a value used twice receives both contributions, as the lecture stresses for the
 * tricky example's `dx += …`. `backward()` orders the graph without recursion (an explicit stack), so a chain of a
 * million nodes works.
 *
 * Nothing here is silently infinite or undefined: a node whose value is not a finite number (1/0, log 0, exp 1000,
 * (−8)^(1/3)) is never made, and a gradient that overflows stops `backward()`; both throw a NonFiniteError that
 * names the node (explain.ts).
 */
import { ValueError } from '../errors.js';
import { NonFiniteError } from './explain.js';
import { GATES, type GateOp, type Op } from './gates.js';

export type { Op } from './gates.js';

/** Where a node was written: characters [start, end) of the expression it was parsed from. */
export interface SourceSpan {
  readonly source: string;
  readonly start: number;
  readonly end: number;
}

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
  /** where the node was written, for a node parsed from an expression (parseGraph): errors quote it */
  span: SourceSpan | undefined = undefined;

  /** Throws a NonFiniteError if `data` is not a finite number. */
  constructor(data: number, op: Op = 'input', a: Value | null = null, b: Value | null = null, k = 0, label?: string) {
    this.data = data;
    this.op = op;
    this.a = a;
    this.b = b;
    this.k = k;
    this.label = label;
    if (!Number.isFinite(data)) throw new NonFiniteError(this);
  }

  /** An input of the graph (a leaf whose gradient is wanted), with a name for drawings. */
  static input(data: number, label?: string): Value {
    return new Value(data, 'input', null, null, 0, label);
  }

  /** A constant leaf. It receives no gradient: nothing asks for it, and it may overflow where the inputs' do not. */
  static const(data: number): Value {
    return new Value(data, 'const');
  }

  // ---- forward: each operation's value, from the gate table (gates.ts), where its backward stands beside it

  /** this + o */
  add(o: Value | number): Value {
    return gate('add', this, lift(o));
  }
  /** this - o */
  sub(o: Value | number): Value {
    return gate('sub', this, lift(o));
  }
  /** this · o */
  mul(o: Value | number): Value {
    return gate('mul', this, lift(o));
  }
  /** this / o */
  div(o: Value | number): Value {
    return gate('div', this, lift(o));
  }
  /** this^k for a constant k */
  pow(k: number): Value {
    if (!Number.isFinite(k)) throw new ValueError(`pow needs a finite constant exponent, got ${k}`);
    return gate('pow', this, null, k);
  }
  /** -this */
  neg(): Value {
    return gate('neg', this);
  }
  /** e^this */
  exp(): Value {
    return gate('exp', this);
  }
  /** The natural logarithm of this. */
  log(): Value {
    return gate('log', this);
  }
  /** 1 / this */
  recip(): Value {
    return gate('recip', this);
  }
  /** 1 / (1 + e^-this) */
  sigmoid(): Value {
    return gate('sigmoid', this);
  }
  /** tanh(this) */
  tanh(): Value {
    return gate('tanh', this);
  }
  /** max(0, this); the gradient at 0 is 0. */
  relu(): Value {
    return gate('relu', this);
  }
  /** max(this, o); the gradient goes to the larger (to this on a tie). */
  max(o: Value | number): Value {
    return gate('max', this, lift(o));
  }

  /** The inputs of this node (0, 1 or 2). */
  get children(): Value[] {
    return this.a === null ? [] : this.b === null ? [this.a] : [this.a, this.b];
  }

  /**
   * Sets every gradient in the graph below this node to 0, this node's to 1, and backpropagates in reverse
   * topological order. Returns the nodes in topological order (inputs first). Throws a NonFiniteError, naming the
   * gate, where a gradient overflows or a gate has no derivative (an infinite slope).
   */
  backward(): Value[] {
    const order = topologicalOrder(this);
    for (const v of order) v.grad = 0;
    this.grad = 1;
    for (let i = order.length - 1; i >= 0; i--) {
      const v = order[i];
      if (v.a === null) continue; // an input or a constant
      const [ga, gb] = GATES[v.op as GateOp].backward(v.grad, v.data, v.a.data, v.b === null ? 0 : v.b.data, v.k);
      accumulate(v, v.a, ga);
      if (v.b !== null) accumulate(v, v.b, gb);
    }
    return order;
  }
}

function lift(v: Value | number): Value {
  return typeof v === 'number' ? Value.const(v) : v;
}

/** The node of gate `op` on a (and b, or the exponent k). */
function gate(op: GateOp, a: Value, b: Value | null = null, k = 0): Value {
  return new Value(GATES[op].forward(a.data, b === null ? 0 : b.data, k), op, a, b, k);
}

/** Adds node v's contribution to an input's gradient (constants take none); an overflow is an error naming v. */
function accumulate(v: Value, input: Value, contribution: number): void {
  if (input.op === 'const') return;
  input.grad += contribution;
  if (!Number.isFinite(input.grad)) throw new NonFiniteError(v, input);
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
