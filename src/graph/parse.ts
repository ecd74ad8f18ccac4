/**
 * A small expression language for computational graphs:
 *
 *   program := (name '=' expr ';')* expr          staged intermediates, as the lecture stages its examples
 *   expr    := term (('+' | '-') term)*
 *   term    := unary (('*' | '/') unary)*
 *   unary   := '-' unary | power
 *   power   := primary (('^' | '**') unary)?      the exponent must be a number
 *   primary := number | name | name '(' expr (',' expr)* ')' | '(' expr ')'
 *
 * Functions: exp, log, sigmoid, tanh, relu, max(a, b). A division whose numerator is the number 1 is the
 * slides' reciprocal gate (1/x). Names are the staged intermediates or the inputs, which must be given values;
 * each input is one node however often it appears, so its gradient collects every use. Errors point at the column.
 */
import { ValueError } from '../errors.js';
import { Value } from './value.js';

/** An expression parsed into a graph: its value, its inputs and its named intermediates. */
export interface ParsedGraph {
  /** the expression's value node */
  root: Value;
  /** the inputs, by name, in order of first use */
  inputs: Map<string, Value>;
  /** the staged intermediates, by name */
  staged: Map<string, Value>;
}

type Token =
  | { kind: 'num'; value: number; col: number }
  | { kind: 'name'; value: string; col: number }
  | { kind: 'op'; value: string; col: number }
  | { kind: 'end'; col: number };

const FUNCTIONS = new Set(['exp', 'log', 'sigmoid', 'tanh', 'relu', 'max']);

export class ParseError extends ValueError {
  constructor(
    readonly column: number,
    why: string,
    source: string,
  ) {
    super(`column ${column}: ${why} in "${source}"`);
  }
}

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const col = i + 1;
    const num = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(src.slice(i));
    if (num) {
      tokens.push({ kind: 'num', value: Number(num[0]), col });
      i += num[0].length;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (name) {
      tokens.push({ kind: 'name', value: name[0], col });
      i += name[0].length;
      continue;
    }
    if (src.startsWith('**', i)) {
      tokens.push({ kind: 'op', value: '^', col });
      i += 2;
      continue;
    }
    if ('+-*/^(),;='.includes(c)) {
      tokens.push({ kind: 'op', value: c, col });
      i++;
      continue;
    }
    throw new ParseError(col, `unexpected character "${c}"`, src);
  }
  tokens.push({ kind: 'end', col: src.length + 1 });
  return tokens;
}

/** How deeply an expression may nest (far more than any hand-written one; the graph itself may be any size). */
export const MAX_NESTING = 500;

/** Parses `src` into a graph, with the inputs' values taken from `values` (every input name must be there). */
export function parseGraph(src: string, values: ReadonlyMap<string, number>): ParsedGraph {
  const tokens = tokenize(src);
  let p = 0;
  const inputs = new Map<string, Value>();
  const staged = new Map<string, Value>();
  const peek = () => tokens[p];
  const fail = (why: string, t: Token = peek()): never => {
    throw new ParseError(t.col, why, src);
  };
  const isOp = (v: string) => {
    const t = peek();
    return t.kind === 'op' && t.value === v;
  };
  const expectOp = (v: string) => {
    if (!isOp(v)) fail(`expected "${v}"${describe(peek())}`);
    p++;
  };

  const expr = (): Value => {
    let left = term();
    while (isOp('+') || isOp('-')) {
      const op = (tokens[p++] as { value: string }).value;
      const right = term();
      left = op === '+' ? left.add(right) : left.sub(right);
    }
    return left;
  };
  const term = (): Value => {
    let left = unary();
    while (isOp('*') || isOp('/')) {
      const op = (tokens[p++] as { value: string }).value;
      const right = unary();
      if (op === '*') left = left.mul(right);
      else left = left.op === 'const' && left.data === 1 ? right.recip() : left.div(right);
    }
    return left;
  };
  // Every level of nesting (parentheses, function calls, signs, exponents) passes through unary(): bounding its
  // depth bounds the parser's recursion, so a hostile "((((…" fails with a message instead of a stack overflow.
  let depth = 0;
  const unary = (): Value => {
    if (++depth > MAX_NESTING) fail(`nested more than ${MAX_NESTING} levels deep`);
    try {
      if (isOp('-')) {
        p++;
        const v = unary();
        return v.op === 'const' ? Value.const(-v.data) : v.neg();
      }
      return power();
    } finally {
      depth--;
    }
  };
  const power = (): Value => {
    const base = primary();
    if (isOp('^')) {
      const at = tokens[p++];
      const e = unary();
      if (e.op !== 'const') fail('the exponent must be a number', at);
      // a number to a number's power is a number (so 2^3^2 works)
      return base.op === 'const' ? Value.const(base.data ** e.data) : base.pow(e.data);
    }
    return base;
  };
  const primary = (): Value => {
    const t = peek();
    if (t.kind === 'num') {
      p++;
      return Value.const(t.value);
    }
    if (t.kind === 'name') {
      p++;
      if (isOp('(')) {
        if (!FUNCTIONS.has(t.value)) fail(`unknown function "${t.value}" (functions: ${[...FUNCTIONS].join(', ')})`, t);
        p++;
        const args = [expr()];
        while (isOp(',')) {
          p++;
          args.push(expr());
        }
        expectOp(')');
        const want = t.value === 'max' ? 2 : 1;
        if (args.length !== want) fail(`${t.value} takes ${want} argument${want > 1 ? 's' : ''}, got ${args.length}`, t);
        switch (t.value) {
          case 'exp':
            return args[0].exp();
          case 'log':
            return args[0].log();
          case 'sigmoid':
            return args[0].sigmoid();
          case 'tanh':
            return args[0].tanh();
          case 'relu':
            return args[0].relu();
          default:
            return args[0].max(args[1]);
        }
      }
      const s = staged.get(t.value);
      if (s !== undefined) return s;
      let v = inputs.get(t.value);
      if (v === undefined) {
        const value = values.get(t.value);
        if (value === undefined) fail(`"${t.value}" has no value (give it with --set ${t.value}=…)`, t);
        v = Value.input(value as number, t.value);
        inputs.set(t.value, v);
      }
      return v;
    }
    if (isOp('(')) {
      p++;
      const v = expr();
      expectOp(')');
      return v;
    }
    return fail(`expected a number, a name or "("${describe(t)}`);
  };

  // staged statements: name = expr ;
  while (peek().kind === 'name' && tokens[p + 1].kind === 'op' && (tokens[p + 1] as { value: string }).value === '=') {
    const name = peek() as { value: string; col: number; kind: 'name' };
    if (FUNCTIONS.has(name.value)) fail(`"${name.value}" is a function, not a name to assign`, name);
    p += 2;
    const v = expr();
    expectOp(';');
    // a staged name labels its node; a bare input or constant gets a node of its own so that the label shows
    const node = v.op === 'input' || v.op === 'const' || v.label !== undefined ? v.mul(1) : v;
    node.label = name.value;
    staged.set(name.value, node);
  }
  const root = expr();
  if (peek().kind !== 'end') fail(`unexpected${describe(peek())}`);
  return { root, inputs, staged };
}

function describe(t: Token): string {
  if (t.kind === 'end') return ' at the end';
  return `, found "${t.kind === 'num' ? t.value : t.value}"`;
}

/**
 * Input values from the CLI's `--set`: `x0=1,w0=0.5`, and vectors `w=[2,-3,-3]` that name w0, w1, w2.
 */
export function parseAssignments(text: string): Map<string, number> {
  const out = new Map<string, number>();
  const re = /\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(\[[^\]]*\]|[^,]*)\s*(,|$)/y;
  let i = 0;
  while (i < text.length) {
    re.lastIndex = i;
    const m = re.exec(text);
    if (m === null || m[0].length === 0) throw new ValueError(`--set: cannot read "${text.slice(i)}" (expected name=number or name=[a,b,…], comma-separated)`);
    const [, name, raw] = m;
    if (raw.startsWith('[')) {
      const items = raw.slice(1, -1).split(',');
      items.forEach((s, k) => out.set(`${name}${k}`, number(`${name}${k}`, s)));
    } else {
      out.set(name, number(name, raw));
    }
    i = re.lastIndex;
  }
  return out;
}

function number(name: string, s: string): number {
  const v = s.trim() === '' ? NaN : Number(s);
  if (!Number.isFinite(v)) throw new ValueError(`--set: ${name}: "${s.trim()}" is not a number`);
  return v;
}
