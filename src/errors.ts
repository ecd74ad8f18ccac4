/**
 * Typed errors. Every error a user can cause carries a message that names the problem (the file, the variable,
 * the shapes) and what was expected; the CLI prints that message on one line and exits non-zero.
 */

/** Base class of every error nnlearn throws on purpose. */
export class NnlearnError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A file or stream is not in the format it claims (corrupt, truncated, unsupported). */
export class FormatError extends NnlearnError {}

/** Shapes that do not fit together (matrix products, layer sizes, data against a network). */
export class ShapeError extends NnlearnError {}

/** A value out of its domain: NaN where a number is needed, a label out of range, a negative size. */
export class ValueError extends NnlearnError {}

/** Wrong use of the command line: unknown flag, missing argument, bad combination. */
export class UsageError extends NnlearnError {}

/**
 * Training diverged: the cost became NaN or infinite, or grew far above where it started. Names the iteration and
 * what to try.
 */
export class DivergenceError extends ValueError {
  readonly iteration: number;
  constructor(iteration: number, message: string) {
    super(message);
    this.name = 'DivergenceError';
    this.iteration = iteration;
  }
}

/**
 * A signal ended a long run (Ctrl-C, `kill`, a closed terminal) and what could be saved was saved; the CLI exits
 * with 128 + the signal's number, as a shell reports it (130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP).
 */
export class InterruptedError extends NnlearnError {
  /** the signal's name: SIGINT, SIGTERM or SIGHUP */
  readonly signal: string;
  constructor(message: string, signal = 'SIGINT') {
    super(message);
    this.signal = signal;
  }
}
