/**
 * The `nnlearn` command line. Results go to stdout (JSON with --json), progress and diagnostics to stderr.
 * Errors are one line and an exit code, never a stack trace: 0 success, 1 bad input (a missing, corrupt or
 * ill-shaped file, a bad value), 2 wrong usage (unknown command or flag, a bad flag value).
 */
import { readFileSync } from 'node:fs';
import { constants, totalmem } from 'node:os';
import { formatBytes, parseSize, setMemoryLimit } from '../memory.js';
import { Command, CommanderError } from 'commander';
import { InterruptedError, NnlearnError, UsageError } from '../errors.js';
import { registerCost } from './commands/cost.js';
import { registerCheckGradients } from './commands/check-gradients.js';
import { registerTrain } from './commands/train.js';
import { registerPredict } from './commands/predict.js';
import { registerDisplay, registerHidden } from './commands/display.js';
import { registerLearningRates } from './commands/learning-rates.js';
import { registerSweep } from './commands/sweep.js';
import { registerExercise } from './commands/exercise.js';
import { registerDescribe } from './commands/describe.js';
import { registerGraph } from './commands/graph.js';
import { registerConvert } from './commands/convert.js';
import { clip, endQuietlyOnClosedPipes, oneLine, printableIo, processIo, type Io } from './io.js';
import { checkOutputsNotInputs } from './output.js';
import { registerThreadPlatform } from '../nn/fast/backend.js';
import { nodeThreadPlatform } from '../nn/fast/threads-node.js';

export type { Io } from './io.js';

export const EXIT_OK = 0;
export const EXIT_BAD_INPUT = 1;
export const EXIT_USAGE = 2;
export const EXIT_INTERRUPTED = 130;

const EXIT_CODES_HELP = `
Exit codes:
  0  success
  1  bad input: a missing, corrupt or ill-shaped file, a bad value in the data
  2  wrong usage: unknown command or flag, a bad flag value
  130  interrupted (Ctrl-C); train saves a checkpoint that --resume continues
  143, 129  stopped by SIGTERM or SIGHUP (kill, a closed terminal); train saves a checkpoint as for Ctrl-C`;

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** The least --max-memory: Node itself takes tens of megabytes. */
const MIN_MEMORY = 16 * 2 ** 20;

/** The default memory budget: half of the machine's memory (or of the container's, where it is limited). */
export function defaultMemoryLimit(): number {
  const constrained = process.constrainedMemory?.() ?? 0;
  return 0.5 * (constrained > 0 ? Math.min(constrained, totalmem()) : totalmem());
}

export function buildProgram(io: Io): Command {
  // the CLI runs on Node: its evaluations use worker threads
  registerThreadPlatform(nodeThreadPlatform);
  const program = new Command('nnlearn')
    .description('Neural-network learning by backpropagation: the Coursera ML exercise 4 and beyond.')
    .version(packageVersion(), '-V, --version')
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: io.out,
      writeErr: io.err,
      outputError: (str, write) => write(`nnlearn: ${clip(oneLine(str.replace(/^error: /, '').trim().replace(/\s*\n\s*/g, ' ')))}\n`),
    })
    .addHelpText('after', EXIT_CODES_HELP);
  registerExercise(program, io);
  registerCost(program, io);
  registerCheckGradients(program, io);
  registerTrain(program, io);
  registerPredict(program, io);
  registerDisplay(program, io);
  registerHidden(program, io);
  registerLearningRates(program, io);
  registerSweep(program, io);
  registerDescribe(program, io);
  registerGraph(program, io);
  registerConvert(program, io);
  // Checks every command shares: a flag given an empty value ("--data ''", often an unset shell variable) is a
  // usage error rather than a file named "" or the number 0.
  program.hook('preAction', (_program, action) => {
    for (const o of action.options) {
      const key = o.attributeName();
      if ((o.required || o.optional) && action.getOptionValueSource(key) === 'cli' && action.getOptionValue(key) === '') {
        throw new UsageError(`${o.long}: empty value`);
      }
    }
    // no output may overwrite an input (by device and inode, through links)
    checkOutputsNotInputs(action.opts(), action.args);
    // the memory budget every large allocation is checked against (src/memory.ts)
    const given = action.getOptionValue('maxMemory') as string | undefined;
    const limit = given === undefined ? defaultMemoryLimit() : parseSize(given);
    if (!(limit >= MIN_MEMORY)) throw new UsageError(`--max-memory: "${given}" is not a size of at least 16M (e.g. 512M, 4G)`);
    setMemoryLimit(limit, () => process.memoryUsage.rss());
  });
  for (const cmd of program.commands) {
    cmd.option('--max-memory <size>', `the most memory the command may use, e.g. 512M or 4G (default: half of this machine's, ${formatBytes(defaultMemoryLimit())})`);
    cmd.exitOverride().addHelpText('after', EXIT_CODES_HELP);
    cmd.configureOutput({
      writeOut: io.out,
      writeErr: io.err,
      outputError: (str, write) => write(`nnlearn ${cmd.name()}: ${clip(oneLine(str.replace(/^error: /, '').trim().replace(/\s*\n\s*/g, ' ')))}\n`),
    });
  }
  return program;
}

/** Runs the CLI on `argv` (without node and script) and returns the exit code. */
export async function main(argv: string[], given: Io = processIo): Promise<number> {
  if (given === processIo) endQuietlyOnClosedPipes();
  const io = printableIo(given);
  const program = buildProgram(io);
  if (argv.length === 0) {
    program.outputHelp();
    return EXIT_OK;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT_OK;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version end with code 0; everything else commander rejects is a usage error (already printed).
      return err.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    if (err instanceof InterruptedError) {
      io.err(`nnlearn: ${clip(oneLine(err.message))}\n`);
      return 128 + (constants.signals[err.signal as NodeJS.Signals] ?? EXIT_INTERRUPTED - 128);
    }
    if (err instanceof UsageError) {
      io.err(`nnlearn: ${clip(oneLine(err.message))}\n`);
      return EXIT_USAGE;
    }
    if (err instanceof NnlearnError) {
      io.err(`nnlearn: ${clip(oneLine(err.message))}\n`);
      return EXIT_BAD_INPUT;
    }
    // A bug, not the user's fault: still one line, with a way to get the details.
    const message = err instanceof Error ? err.message : String(err);
    io.err(`nnlearn: internal error: ${clip(oneLine(message))} (set NNLEARN_DEBUG=1 for details, and please report it)\n`);
    if (process.env.NNLEARN_DEBUG) io.err(`${err instanceof Error ? err.stack : ''}\n`);
    return EXIT_BAD_INPUT;
  }
}
