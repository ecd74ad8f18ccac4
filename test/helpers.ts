/**
 * Shared test helpers: the data in ../shared/data (skipped with a message when absent) and an in-process CLI.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';
import { main, type Io } from '../src/cli/main.js';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const sharedData = resolve(repoRoot, '..', 'shared', 'data');

/** The path of a file in ../shared/data, and the skip message to use when it is absent. */
export function shared(name: string): { path: string; skip: string | false } {
  const path = resolve(sharedData, name);
  return { path, skip: existsSync(path) ? false : `needs ../shared/data/${name}, which is absent` };
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in this process, capturing stdout and stderr. */
export async function runCli(args: string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: Io = { out: (t) => (stdout += t), err: (t) => (stderr += t), errIsTTY: false };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

/** Relative difference in norm, ‖a - b‖ / ‖b‖. */
export function relNormDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  let n = 0;
  for (let i = 0; i < b.length; i++) {
    d += (a[i] - b[i]) ** 2;
    n += b[i] ** 2;
  }
  return Math.sqrt(d) / Math.sqrt(n);
}

/** The distance between two doubles in units in the last place. */
export function ulpDistance(a: number, b: number): number {
  if (a === b) return 0;
  const buf = new DataView(new ArrayBuffer(16));
  buf.setFloat64(0, a);
  buf.setFloat64(8, b);
  const ia = buf.getBigInt64(0);
  const ib = buf.getBigInt64(8);
  const oa = ia < 0n ? -(ia & 0x7fffffffffffffffn) : ia;
  const ob = ib < 0n ? -(ib & 0x7fffffffffffffffn) : ib;
  return Number(oa > ob ? oa - ob : ob - oa);
}
