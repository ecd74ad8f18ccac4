/**
 * Parsing and checking of command-line values: each bad value gets a one-line UsageError that names the flag.
 */
import { UsageError } from '../errors.js';

/** The most units a layer may have on the command line (a typo such as 1000000 is caught here). */
export const MAX_UNITS = 100_000;

export interface NumberRule {
  min?: number;
  max?: number;
  integer?: boolean;
  /** the lower bound is exclusive */
  positive?: boolean;
}

/**
 * A decimal number as people type it: 3, -0.5, .25, 1e-4. JavaScript's Number() also takes "0x10", "0b11",
 * "Infinity" and "" (as 0), none of which a user means as a learning rate.
 */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** Parses a number for `flag`, checking it against the rule. */
export function parseNumber(flag: string, text: string, rule: NumberRule = {}): number {
  const t = text.trim();
  const v = DECIMAL.test(t) ? Number(t) : NaN;
  if (!Number.isFinite(v)) throw new UsageError(`${flag}: "${text}" is not a number`);
  if (rule.integer && !Number.isInteger(v)) throw new UsageError(`${flag}: "${text}" is not a whole number`);
  if (rule.positive && !(v > 0)) throw new UsageError(`${flag}: must be greater than 0, got ${text}`);
  if (rule.min !== undefined && v < rule.min) throw new UsageError(`${flag}: must be at least ${rule.min}, got ${text}`);
  if (rule.max !== undefined && v > rule.max) throw new UsageError(`${flag}: must be at most ${rule.max}, got ${text}`);
  return v;
}

/** Parses a comma-separated list of numbers ("25" or "100,50"). */
export function parseNumberList(flag: string, text: string, rule: NumberRule = {}): number[] {
  const parts = text.split(',');
  if (parts.some((p) => p.trim() === '')) throw new UsageError(`${flag}: "${text}" is not a comma-separated list of numbers`);
  return parts.map((p) => parseNumber(flag, p, rule));
}

/** Checks that `value` is one of `choices`. */
export function parseChoice<T extends string>(flag: string, text: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(text)) {
    throw new UsageError(`${flag}: "${text}" is not one of ${choices.join(', ')}`);
  }
  return text as T;
}
