/**
 * A second Ctrl-C quits at once, whatever the run is doing. The first one asks training to stop at its next pause
 * with a checkpoint, but Node hears a signal only when its event loop runs: while one long evaluation blocks the
 * main thread (13 s an iteration on MNIST with 1,000 hidden units), a second Ctrl-C would wait for it too. Ctrl-C
 * goes to the terminal's whole process group, so a small guardian process in the group counts them, and ends
 * nnlearn (SIGKILL) at the second. It leaves with nnlearn (its IPC channel closes) and costs nothing meanwhile.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { BackendName } from '../nn/fast/evaluator.js';

/**
 * The work (examples × weights) of one evaluation of the whole training data from which a guardian is started: what
 * takes about 0.3 s on this project's machine, on the reference (3 ns an example-weight: ex4's 5,000 × 10,285 in
 * 148 ms) and on the SIMD kernels (0.1 ns on two threads, 0.15 on one: ex4 in 3.9 and 7.3 ms). Below it Node hears
 * the second Ctrl-C itself between two steps; and the guardian, a second Node process, costs about 0.15 s of a 2 s
 * run (its fork and start-up, on the cores training uses).
 */
export const GUARDED_WORK: Readonly<Record<BackendName, number>> = { reference: 1e8, wasm: 3e9 };

/**
 * Whether a run needs the guardian: when one evaluation of its `examples` (the training data, and the validation
 * data measured at every epoch's end) on a network of `weights` can block the main thread for long on `backend`.
 * Mini-batch runs count the whole data too: the cost on all of it is measured between two pauses.
 */
export function needsGuardian(examples: number, weights: number, backend: BackendName): boolean {
  return examples * weights >= GUARDED_WORK[backend];
}

const GUARDIAN = `
let seen = 0;
process.on('SIGINT', () => { if (++seen >= 2) { try { process.kill(PARENT, 'SIGKILL'); } catch {} process.exit(0); } });
process.on('SIGTERM', () => process.exit(0));
process.on('SIGHUP', () => process.exit(0));
process.on('disconnect', () => process.exit(0));
`;

/** Starts the guardian of this process; stop it with the returned function (it also ends when this process does). */
export function startGuardian(): () => void {
  let child: ChildProcess | undefined;
  try {
    child = spawn(process.execPath, ['-e', GUARDIAN.replace('PARENT', String(process.pid))], {
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
      detached: false,
    });
    child.on('error', () => undefined); // no guardian: the first Ctrl-C still works, the second waits for the pause
    child.unref();
    child.channel?.unref();
  } catch {
    return () => undefined;
  }
  return () => {
    if (child !== undefined && child.connected) child.disconnect();
  };
}
