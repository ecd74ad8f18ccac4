/**
 * `nnlearn train`: the flags, then the three parts of a run, each in its own module: the plan (../train/plan.ts:
 * every flag checked before any work), the session (../train/session.ts: data, network, training, Ctrl-C), and
 * the report (../train/report.ts: model, pictures, summary, advice).
 */
import { Command, Option } from 'commander';
import { ACTIVATIONS, OUTPUTS } from '../../nn/activations.js';
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FormatError, NnlearnError, UsageError } from '../../errors.js';
import { startsLikeJsonObject } from '../../nn/formats/sniff.js';
import { readText, writeFileAtomic } from '../../data/files.js';
import { modelToJson } from '../../nn/model.js';
import { OPTIMIZERS, optimizerDefaultsHelp } from '../../optim/registry.js';
import { DEFAULT_LAMBDA, DEFAULT_PATIENCE } from '../../nn/train-options.js';
import { parseCheckpoint } from '../checkpoint.js';
import { jsonOption, shellWord, type Io } from '../io.js';
import { DATA_HELP } from '../data.js';
import { addBackendOptions } from '../backend.js';
import { labelsOption } from '../options.js';
import { maxThreads } from '../../nn/fast/backend.js';
import { checkOutputsNotInputs, sameFile } from '../output.js';
import { planTraining, type TrainFlags, type TrainPlan } from '../train/plan.js';
import { checkpointPath, runSession, type Session } from '../train/session.js';
import { checkRecordedFlags, fileChanges, likeFlags, nnlearnVersion, readModelRecord, recordFlags, recordOutputs } from '../train/record.js';
import { adviceFor, adviceLine, modelMeta, printSummary, runSummary, writeOutputs, type RunSummary } from '../train/report.js';

function trainCommand(program: Command): Command {
  const cmd = program
    .command('train')
    .description(
      'train a network from random weights (or --init) and report its accuracy (ex4 part 2.6); with no --data, ' +
        'on the 10,000 shipped MNIST digits (8,000 to train, 2,000 held out)',
    )
    .option('--data <file>', `training data: ${DATA_HELP} (default: digits:train)`)
    .option('--test <file>', 'held-out data to report test accuracy on (default with no --data: digits:test)')
    .addOption(new Option('--holdout <fraction>', 'hold out this fraction of --data as the test set (a seeded split)').conflicts('test'))
    .option('--split-seed <s>', 'seed of the --holdout and --validation splits (default 0)')
    .option('--labels-file <file>', 'the IDX labels file, when it is not beside the images')
    .option('--label-column <c>', 'a CSV file’s label column: first, last, a number (1 = first), or auto (default: a header’s "label" column, else the first)')
    .option('--hidden <sizes>', 'hidden layer sizes, e.g. 25 or 100,50 (default 25)')
    .option('--lambda <λ>', `regularization parameter (default ${DEFAULT_LAMBDA})`)
    .option('--max-iter <n>', 'iterations: fmincg and lbfgs line searches, or epochs of mini-batches (default: the optimizer’s, below)')
    .option('--seed <s>', 'seed of the random initial weights (NumPy-compatible) and of the mini-batch order (default 0)')
    .option(
      '--epsilon <ε>',
      'initial weights uniform in [-ε, ε]: a number, "sqrt6" for √6/√(L_in+L_out), or "he" (default: 0.12, the course’s; "he" for relu)',
    )
    .addOption(new Option('--activation <g>', 'hidden units').choices(ACTIVATIONS).default('sigmoid'))
    .addOption(new Option('--output <kind>', 'output layer: independent sigmoids (the course) or softmax').choices(OUTPUTS).default('sigmoid'))
    .addOption(
      new Option('--init <model>', 'start from the weights of a model (ex4weights.mat, or any model file nnlearn reads) instead of random ones; they set the layer sizes').conflicts([
        'hidden',
        'seed',
        'epsilon',
      ]),
    )
    .addOption(new Option('--optimizer <name>', 'optimizer (its defaults below)').choices(OPTIMIZERS).default('fmincg'))
    .option('--learning-rate <α>', 'the step of gd, momentum and adam (default: the optimizer’s)')
    .option('--momentum <μ>', 'momentum’s μ (--optimizer momentum; default 0.9)')
    .option('--batch-size <n>', 'examples per mini-batch for gd, momentum and adam, or "full" (default: the optimizer’s)')
    .option('--validation <fraction>', 'hold out this fraction of the training data for early stopping')
    .option('--patience <n>', `early stopping: iterations without a better validation cost (default ${DEFAULT_PATIENCE})`)
    .addOption(labelsOption('label convention of y'))
    .option('--num-labels <K>', 'number of classes (default: what the labels imply, or the --init weights’ outputs)')
    .option('--out <file>', 'save the trained model to this file: .json, .mat with Theta1…ThetaL, or .onnx (nnlearn convert writes TensorFlow.js)')
    .option(
      '--out-dir <folder>',
      'write model.json and the pictures (hidden.png, cost.png, cost.svg) here (default: a new folder under ' +
        './nnlearn-out, unless --out is given)',
    )
    .option(
      '--checkpoint <file>',
      'where the run is saved for --resume, every minute and on Ctrl-C or kill (default: checkpoint.json in the run’s ' +
        'folder, or beside --out named after it, e.g. model.checkpoint.json)',
    )
    .option('--resume <checkpoint>', 'continue an interrupted run from its checkpoint, with its settings')
    .option('--like <model.json>', 'rerun the run recorded in a model that nnlearn train wrote; flags given here change it')
    .addOption(jsonOption())
    .option('--quiet', 'no progress on stderr')
    .addHelpText('after', `\nOptimizers and their defaults (every one trains a good model with no other flag):\n${optimizerDefaultsHelp()}`);
  addBackendOptions(cmd);
  // --resume runs the interrupted run's own settings: any other setting would be silently ignored or would change
  // the result, so it is refused (--json and --quiet only change what is shown).
  const resume = cmd.options.find((o) => o.long === '--resume');
  resume?.conflicts(cmd.options.map((o) => o.attributeName()).filter((k) => !['resume', 'json', 'quiet'].includes(k)));
  return cmd;
}

/**
 * A failure to write the outputs (a full disk, a name the file system refuses) loses no run: the error names the
 * checkpoint saved on the way, kept, or the model written to the system's temporary folder instead.
 */
function keepTheRun(err: unknown, session: Session, meta: Record<string, unknown>): unknown {
  if (!(err instanceof NnlearnError)) return err;
  const c = session.checkpoint;
  if (c !== undefined) {
    return new NnlearnError(`${err.message}; the run is kept in ${c.path} (up to iteration ${c.iteration}): nnlearn train --resume ${c.path} finishes it`);
  }
  const fallback = join(tmpdir(), `nnlearn-model-${process.pid}.json`);
  try {
    writeFileAtomic(fallback, `${JSON.stringify(modelToJson(session.net, meta))}\n`);
    return new NnlearnError(`${err.message}; the trained model is saved in ${fallback} instead`);
  } catch {
    return new NnlearnError(`${err.message}; the trained model could not be saved anywhere (the system's temporary folder too)`);
  }
}

/**
 * A new run never overwrites another run's checkpoint: one left where this run would save its own (the same --out
 * or --out-dir again after a Ctrl-C, a kill or a crash) is that run, to resume or to remove, not to lose silently.
 * (A resumed run saves where the run it continues did: that checkpoint is its own, or a copy's.)
 */
function keepOtherRuns(plan: TrainPlan): void {
  const o = plan.outputs;
  if (o.out === undefined && o.outDir === undefined && o.checkpoint === undefined) return; // a new folder of its own
  const file = checkpointPath(plan, o.outDir);
  if (!existsSync(file)) return;
  throw new UsageError(`${file} holds the checkpoint of an interrupted run: go on with nnlearn train --resume ${shellWord(file)}, or remove it to start anew`);
}

/**
 * Reads a checkpoint: JSON, so refused by its first bytes when they start no JSON object (a pipe or a device such
 * as /dev/zero was once read up to the memory limit first).
 */
function readCheckpoint(path: string): ReturnType<typeof parseCheckpoint> {
  const accept = (head: Uint8Array) => {
    if (!startsLikeJsonObject(head)) throw new FormatError(`${path}: not an nnlearn checkpoint (it does not start as JSON does)`);
  };
  return parseCheckpoint(readText(path, { accept }), path);
}

export function registerTrain(program: Command, io: Io): void {
  const cmd = trainCommand(program);
  cmd.action(async (given: TrainFlags) => {
    const typedKeys = (Object.keys(given) as (keyof TrainFlags)[]).filter((k) => cmd.getOptionValueSource(k) === 'cli');
    const typed = Object.fromEntries(typedKeys.map((k) => [k, given[k]])) as Partial<TrainFlags>;
    // --resume: the interrupted run's own settings and the optimizer's state; --like: a model's recorded settings
    const checkpoint = given.resume === undefined ? undefined : readCheckpoint(given.resume);
    const record = given.like === undefined ? undefined : readModelRecord(given.like);
    let flags: TrainFlags = given;
    let isSet = (k: keyof TrainFlags) => typedKeys.includes(k);
    if (checkpoint !== undefined) {
      flags = { ...given, ...checkRecordedFlags(checkpoint.flags, cmd, given.resume as string, true) };
      isSet = (k) => checkpoint.flags[k] !== undefined;
      // the run goes on with the threads it had (another count sums in another order: not the same run)
      const threads = Number(checkpoint.flags.threads);
      if (threads > maxThreads()) {
        throw new UsageError(`--resume: the interrupted run used ${threads} threads, more than this machine runs (${maxThreads()}); resume it where it started`);
      }
    } else if (record !== undefined) {
      flags = likeFlags(given, checkRecordedFlags(record.flags, cmd, given.like as string), typed);
      isSet = (k) => typedKeys.includes(k) || record.flags[k] !== undefined;
      if (record.version !== undefined && record.version !== nnlearnVersion()) {
        io.err(`nnlearn: ${given.like} was trained by nnlearn ${record.version}, this is ${nnlearnVersion()}: the run may not end the same\n`);
      }
    }
    // the recorded settings of --resume and --like name inputs too (the hook saw only the typed flags)
    checkOutputsNotInputs({ ...flags, resume: given.resume, like: given.like });
    const plan = planTraining(flags, isSet);
    if (checkpoint === undefined) keepOtherRuns(plan);
    const session = await runSession(plan, io, {
      resume: checkpoint?.state,
      resumeData: checkpoint?.data,
      record: (data, settings, outDir) => ({ ...recordFlags(plan, data, settings), ...recordOutputs(plan, outDir) }),
    });
    if (record !== undefined && typed.data === undefined) {
      for (const change of fileChanges(record.file, session.data.train.file)) io.err(`nnlearn: ${change}: the run will not be the same\n`);
    }
    let summary: RunSummary;
    let meta: Record<string, unknown>;
    try {
      // (the test accuracy: a failure there must not lose the trained weights either)
      summary = runSummary(session, plan);
      meta = modelMeta(summary, session, recordFlags(plan, session.data, session.result.settings));
    } catch (err) {
      throw keepTheRun(err, session, {});
    }
    let written: string[];
    try {
      written = await writeOutputs(session, plan, meta, io);
    } catch (err) {
      throw keepTheRun(err, session, meta);
    }
    // the run's outputs are written: its checkpoint has done its work
    if (session.checkpoint !== undefined) rmSync(session.checkpoint.path, { force: true });
    // … and so has the one it resumed from, when it is the run's own (left there, it would stop the next run)
    const own = checkpointPath(plan, session.outDir);
    if (given.resume !== undefined && sameFile(own, given.resume)) rmSync(own, { force: true });
    const advice = adviceFor(session);
    if (advice !== undefined) io.err(adviceLine(advice));
    if (plan.json) {
      io.out(`${JSON.stringify({ ...summary, outDir: session.outDir ?? null, files: written, advice: advice ?? null })}\n`);
      return;
    }
    printSummary(io, summary, session, written, plan);
  });
}
