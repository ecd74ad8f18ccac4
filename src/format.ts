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
