/**
 * The worked examples of the Oslo lecture and exercises (INF 5860, week 7), as expressions of the graph language.
 */
export interface GraphExample {
  name: string;
  /** where it comes from */
  source: string;
  expression: string;
  /** the inputs, as `--set` takes them */
  values: string;
}

/** Every worked example of the Oslo lecture and exercises, by name (`nnlearn graph --example NAME`). */
export const GRAPH_EXAMPLES: readonly GraphExample[] = [
  {
    name: 'relu-node',
    source: 'exercise 1: a ReLU node with input f = w0·x0 + w1·x1',
    expression: 'relu(w0*x0 + w1*x1)',
    values: 'x0=1,w0=0.5,x1=2,w1=1',
  },
  {
    name: 'sigmoid-neuron',
    source: 'lecture, "Forward and backward for a single neuron": w = [2, -3, -3], x = [-1, -2]',
    expression: 'sigmoid(w0*x0 + w1*x1 + w2)',
    values: 'w=[2,-3,-3],x=[-1,-2]',
  },
  {
    name: 'sigmoid-staged',
    source: 'lecture: the same neuron staged into the slide’s gates (*, +, *-1, exp, +1, 1/x)',
    expression: '1 / (1 + exp(-(w0*x0 + w1*x1 + w2)))',
    values: 'w=[2,-3,-3],x=[-1,-2]',
  },
  {
    name: 'tricky',
    source: 'lecture, "A more tricky example": f(x, y) = (x + σ(y)) / (σ(x) + (x + y)²), staged (1)-(8)',
    expression:
      'sigy = sigmoid(y); num = x + sigy; sigx = sigmoid(x); xpy = x + y; xpysqr = xpy^2; ' +
      'den = sigx + xpysqr; invden = 1 / den; f = num * invden; f',
    values: 'x=3,y=-4',
  },
];

/** The worked example of this name, or undefined. */
export function graphExample(name: string): GraphExample | undefined {
  return GRAPH_EXAMPLES.find((e) => e.name === name);
}
