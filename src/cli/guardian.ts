/**
 * A second Ctrl-C quits at once, whatever the run is doing. The first one asks training to stop at its next pause
 * with a checkpoint, but Node hears a signal only when its event loop runs: while one long evaluation blocks the
 * main thread (13 s an iteration on MNIST with 1,000 hidden units), a second Ctrl-C would wait for it too. Ctrl-C
 * goes to the terminal's whole process group, so a small guardian process in the group counts them, and ends
 * nnlearn (SIGKILL) at the second. It leaves with nnlearn (its IPC channel closes) and costs nothing meanwhile.
 */
import { spawn, type ChildProcess } from 'node:child_process';

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
