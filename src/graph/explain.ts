/**
 * What went wrong at a node, in one line that names it: its staged or input name, else the sub-expression as it
 * was written (or, for a graph built in code, as the graph writes it), with the column where it was written and
 * the values of its inputs.
 *
 *   column 1: log(x) at x = 0 is -Infinity
 *   column 1: 1/0 is Infinity (division by 0)
 *   column 1: exp(1000) overflows to Infinity (numbers stop at 1.8e308)
 *   column 1: (-8)^(1/3) is undefined (a negative number to a fractional power)
 *   column 1: x^0.5 at x = 0 has no derivative (its slope is infinite there), so ∂f/∂x is undefined
 *   column 1: ∂f/∂x overflows to -Infinity through 1/x at x = 1e-170
 */
import { ValueError } from '../errors.js';
import { clipMiddle } from '../format.js';
import { GATES, type GateOp } from './gates.js';
import type { SourceSpan, Value } from './value.js';

/** How long a quoted sub-expression may be in a message; longer ones are clipped in the middle with "…". */
const NAME_LENGTH = 60;
/** How deep a graph built in code is written out before "…". */
const WRITE_DEPTH = 4;

/**
 * A node whose value, or whose gradient, is not a finite number: the node is `node`; for a gradient, `input` is
 * the input of `node` whose gradient overflowed (or is undefined) through it.
 */
export class NonFiniteError extends ValueError {
  constructor(
    readonly node: Value,
    readonly input?: Value,
  ) {
    super(input === undefined ? explainValue(node) : explainGradient(node, input));
    this.name = 'NonFiniteError';
  }
}

/** The name of a node in a message: its label, else its text as written, else the graph written out. */
function nodeName(v: Value): string {
  if (v.label !== undefined) return clipMiddle(v.label, NAME_LENGTH);
  if (v.span !== undefined) return written(v);
  return clipMiddle(writeGraph(v, WRITE_DEPTH), NAME_LENGTH);
}

/** A node as the subject of a message: a staged node is "name = its expression". */
function subject(v: Value): string {
  if (v.op === 'input') return v.label === undefined ? 'an input' : `input ${clipMiddle(v.label, NAME_LENGTH)}`;
  const text = v.span !== undefined ? written(v) : clipMiddle(writeGraph(v, WRITE_DEPTH, false), NAME_LENGTH);
  return v.label === undefined ? text : `${clipMiddle(v.label, NAME_LENGTH)} = ${text}`;
}

/** "column 5: " where the node was written, else nothing. */
function where(v: Value): string {
  return v.span === undefined ? '' : `column ${v.span.start + 1}: `;
}

/** " at x = 0, y = 2": the values of the node's inputs, leaving out constants (their text is their value). */
function at(v: Value): string {
  const shown = v.children.filter((c) => c.op !== 'const');
  return shown.length === 0 ? '' : ` at ${shown.map((c) => `${nodeName(c)} = ${c.data}`).join(', ')}`;
}

function explainValue(v: Value): string {
  if (v.op === 'input') return `${subject(v)} is ${v.data}: inputs must be finite numbers`;
  if (v.op === 'const') return `the constant ${v.data} is not a finite number`;
  const g = GATES[v.op];
  const why = g.domain?.(v.a?.data ?? 0, v.b?.data ?? 0, v.k);
  const what = Number.isNaN(v.data)
    ? `is undefined (${why || 'not a number'})`
    : why === undefined
      ? `overflows to ${v.data} (numbers stop at 1.8e308)`
      : `is ${v.data}${why === '' ? '' : ` (${why})`}`;
  return `${where(v)}${subject(v)}${at(v)} ${what}`;
}

function explainGradient(v: Value, input: Value): string {
  const name = nodeName(input);
  const d = `∂f/∂${/^[\p{L}_][\p{L}\p{N}_]*$/u.test(name) ? name : `(${name})`}`;
  if (GATES[v.op as GateOp].infiniteSlope?.(v.a?.data ?? 0, v.k)) {
    return `${where(v)}${subject(v)}${at(v)} has no derivative (its slope is infinite there), so ${d} is undefined`;
  }
  const what = Number.isNaN(input.grad) ? 'is undefined (an overflow)' : `overflows to ${input.grad}`;
  return `${where(v)}${d} ${what} through ${subject(v)}${at(v)}`;
}

/** The node's text as written in its expression, spaces collapsed, clipped in the middle. */
function written(v: Value): string {
  const { source, start, end } = v.span as SourceSpan;
  // a bounded slice first: the span may be most of a 1 MB expression
  const text = end - start > 4 * NAME_LENGTH ? `${source.slice(start, start + 2 * NAME_LENGTH)}…${source.slice(end - 2 * NAME_LENGTH, end)}` : source.slice(start, end);
  return clipMiddle(text.replace(/\s+/g, ' ').trim(), NAME_LENGTH);
}

/** A graph built in code written as an expression, `depth` gates deep ("…" below), labels as names. */
function writeGraph(v: Value, depth: number, useLabel = true): string {
  if (useLabel && v.label !== undefined) return v.label;
  if (v.op === 'input') return 'input';
  if (v.op === 'const') return String(v.data);
  if (depth === 0) return '…';
  const g = GATES[v.op];
  // a function's argument needs no parentheses; an operator's operand does where it binds less tightly, and the
  // right operand of − and ÷, the base of ^, and what a sign or 1/ applies to, where it binds as tightly
  const operand = (c: Value | null, tight: boolean): string => {
    if (c === null) return '';
    const text = writeGraph(c, depth - 1);
    const p = precedence(c);
    return g.precedence < 5 && (p < g.precedence || (tight && p === g.precedence)) ? `(${text})` : text;
  };
  return g.write(operand(v.a, g.arity === 1), operand(v.b, true), v.k);
}

function precedence(v: Value): number {
  if (v.label !== undefined || v.op === 'input') return 5;
  if (v.op === 'const') return v.data < 0 ? 3 : 5;
  return GATES[v.op].precedence;
}
