/**
 * Where commands write: stdout for results (JSON with --json), stderr for progress and diagnostics. Injectable,
 * so that tests capture both; shared by every command (which import this, never the program that imports them).
 */
import { Option } from 'commander';
import { clipMiddle, escapeMatches } from '../format.js';

/** Where a command writes. */
export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  /** whether stderr is a terminal (progress is drawn in place then) */
  errIsTTY: boolean;
  /** the stream behind `err`, for the progress bar (which draws in place on a terminal) */
  errStream?: NodeJS.WriteStream;
}

export const processIo: Io = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  errIsTTY: Boolean(process.stderr.isTTY),
  errStream: process.stderr,
};

/**
 * A reader that closes the pipe early (`nnlearn predict … | head -1`) is normal use, not an error: the process
 * ends quietly with exit code 0 when stdout's reader has gone, and stops writing progress when stderr's has.
 * Node reports a closed pipe as an 'error' event on the stream, which would otherwise crash with a stack trace.
 */
export function endQuietlyOnClosedPipes(): void {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') process.exit(0);
    // anything else (a full disk behind `> out.txt`, an I/O error) is the command's failure, said on one line:
    // rethrown from this event, it was an uncaught exception with Node's stack trace
    process.stderr.write(`nnlearn: cannot write to stdout (${err.code ?? oneLine(err.message)})\n`);
    process.exit(1);
  });
  process.stderr.on('error', () => {
    // nowhere left to report it: progress and diagnostics are dropped, the work goes on
  });
}

/** A shared `--json` option. */
export function jsonOption(): Option {
  return new Option('--json', 'print the result as JSON on stdout');
}

/**
 * Text made safe for a terminal: control characters other than newlines and tabs (an escape sequence in a file
 * name given to --out, a NUL) are shown escaped, on stdout as on stderr.
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return escapeMatches(text, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g);
}

/** An Io whose every write is printable (see printable). */
export function printableIo(io: Io): Io {
  return { ...io, out: (t) => io.out(printable(t)), err: (t) => io.err(printable(t)) };
}

/** The longest message printed: past it, the middle is left out ("…"), as in a 1 MB expression's parse error. */
const MAX_MESSAGE = 600;

/** A message clipped to MAX_MESSAGE characters, keeping its start and its end (clipMiddle). */
export function clip(message: string, max = MAX_MESSAGE): string {
  return clipMiddle(message, max);
}

/**
 * A message as one printable line: control characters (a newline or a NUL in a file name, an escape sequence in
 * a corrupt file's text) are shown escaped, so that the message cannot break the terminal or the one-line promise.
 */
export function oneLine(message: string): string {
  // eslint-disable-next-line no-control-regex
  return escapeMatches(message.replace(/\n/g, '\\n'), /[\u0000-\u001f\u007f-\u009f]/g);
}

/**
 * An argument as a POSIX shell reads it back: as it is when made of characters no shell treats specially, else in
 * single quotes (a quote inside as '\''), so that a printed command pastes as it reads ("my runs/m 1.json" was two
 * arguments, "a;$(x)" ran a command). Quoting one word takes one line, not a library.
 */
export function shellWord(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`;
}
