/**
 * A small expression language for computational graphs:
 *
 *   program := (name '=' expr ';')* expr          staged intermediates, as the lecture stages its examples
 *   expr    := term (('+' | '-') term)*
 *   term    := unary (('*' | '/') unary)*
 *   unary   := '-' unary | power
 *   power   := primary (('^' | '**') unary)?      the exponent: a number, or an expression of numbers (1/3)
 *   primary := number | name | name '(' expr (',' expr)* ')' | '(' expr ')'
 *
 * Functions: exp, log, sigmoid, tanh, relu, max(a, b). A division whose numerator is the number 1 is the
 * slides' reciprocal gate (1/x). Names are the staged intermediates or the inputs, which must be given values;
 * each input is one node however often it appears, so its gradient collects every use. Numbers are decimal, as
 * the flags' (parseDecimal: 3, .25, 1e-4; no 0x10, inf or NaN). Errors point at the column and quote the expression
 * near it; a node whose value is not a finite number is an error that names it as written (explain.ts).
 */
import { ValueError } from '../errors.js';
import { clipMiddle, escapeMatches, excerpt, parseDecimal } from '../format.js';
import { NonFiniteError } from './explain.js';
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

/** A token and where it is: characters [start, end) of the expression. */
type Token = (
  | { kind: 'num'; value: number }
  | { kind: 'name'; value: string }
  | { kind: 'op'; value: string }
  | { kind: 'end' }
) & { start: number; end: number };

const FUNCTIONS = new Set(['exp', 'log', 'sigmoid', 'tanh', 'relu', 'max']);

/** How a number literal is written: decimal, as every flag and data file (parseDecimal), with no sign of its own. */
const NUMBER = /(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/y;
/** What may not follow a number directly: "0x10", "2e", "1.5.2" and "2x" are one bad number, not two tokens. */
const WORD = /[A-Za-z0-9_.]+/y;
const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
/** Names that read as numbers in other languages, refused so that none is taken for an input. */
const NOT_NUMBERS = /^(?:inf|infinity|nan)$/i;
const HOW_NUMBERS = 'numbers are decimal and finite: 3, 0.5, .25, 1e-4';

/** Text in quotes with every control character escaped (JSON.stringify leaves U+007F–U+009F and U+2028/9 as they are). */
const quoted = (text: string) => escapeMatches(JSON.stringify(text), /[\u007f-\u009f\u2028\u2029]/g);

/** A name or a piece of the expression quoted in a message: at most 40 characters, control characters escaped. */
const quote = (text: string) => quoted(clipMiddle(text, 40));

export class ParseError extends ValueError {
  constructor(
    readonly column: number,
    why: string,
    source: string,
  ) {
    // the expression near the column, not all of it: it may be a megabyte
    super(`column ${column}: ${why} in ${quoted(excerpt(source, column - 1))}`);
  }
}

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const at = (re: RegExp): string | undefined => {
    re.lastIndex = i;
    return re.exec(src)?.[0];
  };
  while (i < src.length) {
    // \s takes in a byte-order mark (U+FEFF) and every Unicode space
    if (/\s/.test(src[i])) {
      i++;
      continue;
    }
    const start = i;
    const num = at(NUMBER);
    if (num !== undefined) {
      i += num.length;
      const rest = at(WORD) ?? '';
      // the scanner finds where the literal ends; parseDecimal, shared with the flags, says what it is
      const value = rest === '' ? parseDecimal(num) : NaN;
      if (Number.isNaN(value)) throw new ParseError(start + 1, `${quote(num + rest)} is not a number (${HOW_NUMBERS})`, src);
      if (!Number.isFinite(value)) throw new ParseError(start + 1, `${quote(num)} is too large (numbers stop at 1.8e308)`, src);
      tokens.push({ kind: 'num', value, start, end: i });
      continue;
    }
    const name = at(NAME);
    if (name !== undefined) {
      if (NOT_NUMBERS.test(name)) throw new ParseError(start + 1, `${quote(name)} is not a number here (${HOW_NUMBERS})`, src);
      i += name.length;
      tokens.push({ kind: 'name', value: name, start, end: i });
      continue;
    }
    if (src.startsWith('**', i)) {
      i += 2;
      tokens.push({ kind: 'op', value: '^', start, end: i });
      continue;
    }
    if ('+-*/^(),;='.includes(src[i])) {
      i++;
      tokens.push({ kind: 'op', value: src[i - 1], start, end: i });
      continue;
    }
    const c = String.fromCodePoint(src.codePointAt(i) as number);
    throw new ParseError(start + 1, `unexpected character ${quoted(c)}`, src);
  }
  tokens.push({ kind: 'end', start: src.length, end: src.length });
  return tokens;
}

/** How deeply an expression may nest (far more than any hand-written one; the graph itself may be any size). */
export const MAX_NESTING = 500;

/**
 * Parses `src` into a graph, with the inputs' values taken from `values` (every input name must be there). A node
 * whose value is not a finite number is a NonFiniteError naming it as written, with its column.
 */
export function parseGraph(src: string, values: ReadonlyMap<string, number>): ParsedGraph {
  const tokens = tokenize(src);
  let p = 0;
  const inputs = new Map<string, Value>();
  const staged = new Map<string, Value>();
  // the nodes that depend on no input: an exponent may be any of them (2^(1/3), k = 2; x^k)
  const constant = new Set<Value>();
  const peek = () => tokens[p];
  const fail = (why: string, t: Token = peek()): never => {
    throw new ParseError(t.start + 1, why, src);
  };
  const isOp = (v: string) => {
    const t = peek();
    return t.kind === 'op' && t.value === v;
  };
  const expectOp = (v: string) => {
    if (!isOp(v)) fail(`expected "${v}"${describe(peek(), src)}`);
    p++;
  };
  /**
   * The node that `make` builds from the tokens since `from`, which it has just read: marked with where it was
   * written, and constant if its inputs are. A value that is not finite is reported as written.
   */
  const node = (from: Token, make: () => Value): Value => {
    const span = { source: src, start: from.start, end: tokens[p - 1].end };
    let v: Value;
    try {
      v = make();
    } catch (e) {
      if (e instanceof NonFiniteError && e.input === undefined && e.node.span === undefined) {
        e.node.span = span;
        throw new NonFiniteError(e.node);
      }
      throw e;
    }
    v.span ??= span;
    if (v.children.every((c) => constant.has(c))) constant.add(v);
    return v;
  };

  const expr = (): Value => {
    const from = peek();
    let left = term();
    while (isOp('+') || isOp('-')) {
      const op = (tokens[p++] as { value: string }).value;
      const right = term();
      const l = left;
      left = node(from, () => (op === '+' ? l.add(right) : l.sub(right)));
    }
    return left;
  };
  const term = (): Value => {
    const from = peek();
    let left = unary();
    while (isOp('*') || isOp('/')) {
      const op = (tokens[p++] as { value: string }).value;
      const right = unary();
      const l = left;
      // a division of the number 1 is the slides' reciprocal gate (1/x)
      left = node(from, () => (op === '*' ? l.mul(right) : l.op === 'const' && l.data === 1 ? right.recip() : l.div(right)));
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
        const from = tokens[p++];
        const v = unary();
        return node(from, () => (v.op === 'const' ? Value.const(-v.data) : v.neg()));
      }
      return power();
    } finally {
      depth--;
    }
  };
  const power = (): Value => {
    const from = peek();
    const base = primary();
    if (isOp('^')) {
      const at = tokens[p++];
      const e = unary();
      if (!constant.has(e)) fail('the exponent must be a number (an expression of numbers, without inputs)', at);
      // a number to a number's power is a number (so 2^3^2 works)
      return node(from, () => (base.op === 'const' ? Value.const(base.pow(e.data).data) : base.pow(e.data)));
    }
    return base;
  };
  const primary = (): Value => {
    const t = peek();
    if (t.kind === 'num') {
      p++;
      return node(t, () => Value.const(t.value));
    }
    if (t.kind === 'name') {
      p++;
      if (isOp('(')) return call(t);
      const s = staged.get(t.value);
      if (s !== undefined) return s;
      let v = inputs.get(t.value);
      if (v === undefined) {
        const value = values.get(t.value);
        if (value === undefined) fail(`${quote(t.value)} has no value (give it with --set ${clipMiddle(t.value, 40)}=…)`, t);
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
    return fail(`expected a number, a name or "("${describe(t, src)}`);
  };
  const call = (t: Token & { kind: 'name' }): Value => {
    if (!FUNCTIONS.has(t.value)) fail(`unknown function ${quote(t.value)} (functions: ${[...FUNCTIONS].join(', ')})`, t);
    p++;
    const args = [expr()];
    while (isOp(',')) {
      p++;
      args.push(expr());
    }
    expectOp(')');
    const want = t.value === 'max' ? 2 : 1;
    if (args.length !== want) fail(`${t.value} takes ${want} argument${want > 1 ? 's' : ''}, got ${args.length}`, t);
    const [a, b] = args;
    return node(t, () => {
      switch (t.value) {
        case 'exp':
          return a.exp();
        case 'log':
          return a.log();
        case 'sigmoid':
          return a.sigmoid();
        case 'tanh':
          return a.tanh();
        case 'relu':
          return a.relu();
        default:
          return a.max(b);
      }
    });
  };

  // staged statements: name = expr ;
  while (peek().kind === 'name' && tokens[p + 1].kind === 'op' && (tokens[p + 1] as { value: string }).value === '=') {
    const name = peek() as Token & { kind: 'name' };
    if (FUNCTIONS.has(name.value)) fail(`"${name.value}" is a function, not a name to assign`, name);
    if (staged.has(name.value)) fail(`${quote(name.value)} is staged twice`, name);
    if (inputs.has(name.value)) fail(`${quote(name.value)} is an input, used before this line stages it`, name);
    p += 2;
    const v = stagedExpr(name.value);
    expectOp(';');
    // a staged name labels its node; a bare input or constant gets a node of its own so that the label shows
    let labelled = v;
    if (v.op === 'input' || v.op === 'const' || v.label !== undefined) {
      labelled = v.mul(1);
      labelled.span = v.span;
      if (constant.has(v)) constant.add(labelled);
    }
    labelled.label = name.value;
    staged.set(name.value, labelled);
  }
  const root = expr();
  if (peek().kind !== 'end') fail(`unexpected${describe(peek(), src)}`);
  return { root, inputs, staged };

  /** The expression a staged name stands for; if its own value is not finite, the error names it by the name. */
  function stagedExpr(name: string): Value {
    const from = peek();
    try {
      return expr();
    } catch (e) {
      const span = e instanceof NonFiniteError && e.input === undefined ? e.node.span : undefined;
      // the failing node is the whole statement if it starts where the statement does and ends before its ";"
      if (span === undefined || span.start !== from.start || span.end !== tokens[p - 1].end || !isOp(';')) throw e;
      (e as NonFiniteError).node.label = name;
      throw new NonFiniteError((e as NonFiniteError).node);
    }
  }
}

/** ", found "x"": the token as written. */
function describe(t: Token, src: string): string {
  return t.kind === 'end' ? ' at the end' : `, found ${quote(src.slice(t.start, t.end))}`;
}

/**
 * Input values from the CLI's `--set`: `x0=1,w0=0.5`, and vectors `w=[2,-3,-3]` that name w0, w1, w2. The numbers
 * are decimal, as in the expression and every flag; a name given twice is an error, not the last one winning.
 */
export function parseAssignments(text: string): Map<string, number> {
  const out = new Map<string, number>();
  const re = /\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(\[[^\]]*\]|[^,]*)\s*(,|$)/y;
  const vectors = new Map<string, string>(); // w0 → w, for the message when w0 is also given alone
  const set = (name: string, raw: string, vector?: string) => {
    const v0 = vectors.get(name) ?? vector;
    if (out.has(name)) throw new ValueError(`--set: ${quote(name)} is given twice${v0 === undefined ? '' : ` (${v0}=[…] names ${v0}0, ${v0}1, …)`}`);
    if (vector !== undefined) vectors.set(name, vector);
    const v = parseDecimal(raw);
    if (Number.isNaN(v)) throw new ValueError(`--set: ${clipMiddle(name, 40)}: ${quote(raw.trim())} is not a number (${HOW_NUMBERS})`);
    if (!Number.isFinite(v)) throw new ValueError(`--set: ${clipMiddle(name, 40)}: ${quote(raw.trim())} is too large (numbers stop at 1.8e308)`);
    out.set(name, v);
  };
  let i = 0;
  while (i < text.length) {
    re.lastIndex = i;
    const m = re.exec(text);
    if (m === null || m[0].length === 0) {
      throw new ValueError(`--set: cannot read ${quote(text.slice(i, i + 80))} at character ${i + 1} (expected name=number or name=[a,b,…], comma-separated)`);
    }
    const [, name, raw] = m;
    if (raw.startsWith('[')) raw.slice(1, -1).split(',').forEach((s, k) => set(`${name}${k}`, s, name));
    else set(name, raw);
    i = re.lastIndex;
  }
  return out;
}
