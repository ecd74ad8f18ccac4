/**
 * Progress of long work on stderr: a bar drawn in place (cli-progress) when stderr is a terminal, with the
 * iteration, the cost and the time left; plain lines otherwise, one per iteration, in the course's fmincg
 * format ("Iteration    12 | Cost: 4.563841e-01"; "Epoch" when the steps are epochs of mini-batches), so that logs and
 * pipes stay readable.
 */
import { createRequire } from 'node:module';
import { formatIteration } from '../optim/fmincg.js';
import type { Io } from './io.js';

export interface Progress {
  update(iteration: number, cost: number): void;
  stop(): void;
}

/**
 * cli-progress, loaded when a bar is first drawn: a run in a log, a pipe or with --quiet never draws one, and
 * loading it takes 15–20 ms of every command's start-up. (A CommonJS package: require is synchronous.)
 */
function barLibrary(): typeof import('cli-progress') {
  return createRequire(import.meta.url)('cli-progress') as typeof import('cli-progress');
}

const SILENT: Progress = { update: () => undefined, stop: () => undefined };

export function startProgress(io: Io, total: number, options: { label: string; quiet?: boolean; unit?: 'iterations' | 'epochs' }): Progress {
  if (options.quiet) return SILENT;
  if (io.errIsTTY && io.errStream !== undefined) {
    const { SingleBar, Presets } = barLibrary();
    const bar = new SingleBar(
      {
        stream: io.errStream,
        format: `${options.label} {bar} {value}/{total} | cost {cost} | {duration_formatted} elapsed, {eta_formatted} left`,
        hideCursor: true,
        clearOnComplete: false,
        etaBuffer: 20,
        fps: 10,
      },
      Presets.shades_classic,
    );
    bar.start(total, 0, { cost: '…' });
    return {
      update: (iteration, cost) => bar.update(iteration, { cost: cost.toExponential(4) }),
      stop: () => bar.stop(),
    };
  }
  return {
    update: (iteration, cost) => {
      const line = formatIteration(iteration, cost);
      io.err(`${options.label}: ${options.unit === 'epochs' ? line.replace('Iteration ', 'Epoch ') : line}\n`);
    },
    stop: () => undefined,
  };
}
