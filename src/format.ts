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
