/**
 * Parsing and checking of command-line values: each bad value gets a one-line UsageError that names the flag.
 */
import { Option } from 'commander';
import { UsageError } from '../errors.js';
import { parseDecimal } from '../format.js';
import { numberProblem, type NumberRule } from '../nn/train-options.js';

export type { NumberRule } from '../nn/train-options.js';

/** The most units a layer may have on the command line (a typo such as 1000000 is caught here). */
export const MAX_UNITS = 100_000;

/** Parses a number for `flag`, checking it against the rule. */
export function parseNumber(flag: string, text: string, rule: NumberRule = {}): number {
  const v = parseDecimal(text);
  // the library's wording (train-options.ts), so that a flag and its option are refused alike
  const why = numberProblem(v, rule, text);
  if (why !== undefined) throw new UsageError(`${flag}: ${why}`);
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

/** The values of --labels: a label convention (src/data/labels.ts), or auto (what the data or the model records). */
export const LABEL_CHOICES = ['auto', 'course', 'zero-based'] as const;
export type LabelChoice = (typeof LABEL_CHOICES)[number];

/** The --labels option of every command that takes labels or a model, with that command's help text. */
export function labelsOption(help: string): Option {
  return new Option('--labels <convention>', help).choices(LABEL_CHOICES).default('auto');
}

/** A --labels value, checked. */
export function parseLabels(text: string): LabelChoice {
  return parseChoice('--labels', text, LABEL_CHOICES);
}
