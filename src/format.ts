/**
 * Number formatting shared by the CLI and the optimizers' progress lines.
 */

/** C's `%.{digits}e`: mantissa, then an exponent of at least two digits (`1.234500e-03`). */
export function formatExp(x: number, digits = 6): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
  const [mant, exp] = x.toExponential(digits).split('e');
  const e = Number(exp);
  return `${mant}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
}

/**
 * A decimal number as people and spreadsheets write it: 3, -0.5, .25, 1e-4. JavaScript's Number() also takes
 * "0x10", "0b11", "Infinity" and "" (as 0), none of which is meant as a number in a flag or a data file.
 * NaN when `text` is not one.
 */
export function parseDecimal(text: string): number {
  const t = text.trim();
  return DECIMAL.test(t) ? Number(t) : NaN;
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/**
 * `text` cut to at most `max` characters around its middle, with "…" where it was cut: an echo of the input in a
 * message stays readable whatever the input's size (a 1 MB expression, a long field). Never splits a surrogate pair.
 */
export function clipMiddle(text: string, max = 60): string {
  if (text.length <= max) return text;
  const head = Math.ceil((max - 1) / 2);
  const tail = max - 1 - head;
  return `${text.slice(0, avoidSplit(text, head))}…${text.slice(avoidSplit(text, text.length - tail))}`;
}

/**
 * The part of `text` around `index` (0-based): that character and `radius` either side, with "…" where it was cut: a
 * message that gives a column shows the input near it rather than all of it.
 */
export function excerpt(text: string, index: number, radius = 30): string {
  const from = avoidSplit(text, Math.max(0, index - radius));
  const to = avoidSplit(text, Math.min(text.length, index + 1 + radius));
  return `${from > 0 ? '…' : ''}${text.slice(from, to)}${to < text.length ? '…' : ''}`;
}

/** `at`, moved back one if it falls between the halves of a surrogate pair. */
function avoidSplit(text: string, at: number): number {
  const c = text.charCodeAt(at);
  return at > 0 && c >= 0xdc00 && c <= 0xdfff ? at - 1 : at;
}

/** The characters of `text` that `unsafe` matches (a global pattern) written as `\uXXXX` escapes, as JSON writes them. */
export function escapeMatches(text: string, unsafe: RegExp): string {
  return text.replace(unsafe, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
