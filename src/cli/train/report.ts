/**
 * What `nnlearn train` leaves behind: the model (with the record of its run), the pictures (hidden units, the
 * cost curves), the summary on stdout (or --json), and a line of advice on stderr when the run ended badly.
 * Files are written before anything is printed, so that a reader who closes the pipe early loses nothing.
 */
import { basename, join } from 'node:path';
import { writeFileAtomic } from '../../data/files.js';
import type { ImageShape } from '../../data/dataset.js';
import { MemoryError } from '../../memory.js';
import { labelsToTargets } from '../../data/labels.js';
import { modelToJson } from '../../nn/model.js';
import { writeModel } from '../../nn/formats/files.js';
import { chanceAccuracy, diagnoseRun, type RunAdvice } from '../../nn/diagnose.js';
import { describeSettings, iterationUnit } from '../../optim/registry.js';
import type { ResolvedTraining } from '../../nn/train-options.js';
import { backendName } from '../../nn/fast/evaluator.js';
import { costChart } from '../../viz/charts.js';
import { hiddenUnitsRaster } from '../../viz/raster.js';
import { saveChart, saveRaster } from '../../viz/save.js';
import type { SavedFlags } from '../checkpoint.js';
import { shellWord, type Io } from '../io.js';
import { FLAG_OF, type TrainPlan } from './plan.js';
import { dataRecord, nnlearnVersion } from './record.js';
import type { Session } from './session.js';

/** The summary of a run: what --json prints, and what the model's record holds beside its flags. */
export function runSummary(s: Session, plan: TrainPlan) {
  const { result, net, data } = s;
  // on the kernels, unless the run trained on the reference (the same labels: see Network.predictUnits)
  const testAccuracy = data.test === undefined ? null : net.accuracy(data.test.X, data.test.y, { backend: backendName(s.evaluator) });
  return {
    trainAccuracy: result.trainAccuracy,
    testAccuracy,
    cost: result.cost,
    costHistory: result.costHistory,
    iterations: result.iterations,
    evaluations: result.evaluations,
    stopReason: result.stopReason,
    layers: net.sizes,
    activation: net.activation,
    output: net.output,
    lambda: result.settings.lambda,
    optimizer: result.settings.optimizer,
    settings: { ...result.settings, summary: describeSettings(result.settings.optimizer, result.settings) },
    backend: s.evaluator.backend,
    threads: s.evaluator.threads,
    precision: s.evaluator.precision,
    seed: plan.network.init === undefined ? plan.network.seed : null,
    init: plan.network.init ?? null,
    data: data.train.source,
    test: data.test?.source ?? null,
    examples: data.fit.X.rows,
    validationExamples: data.validation?.X.rows ?? 0,
    validationHistory: result.validationHistory ?? null,
    bestIteration: result.bestIteration ?? null,
    testExamples: data.test?.X.rows ?? 0,
    seconds: s.seconds,
  };
}

export type RunSummary = ReturnType<typeof runSummary>;

/** The model's `meta`: the record of the run (flags to rerun it, the data's identity, the version) and its results. */
export function modelMeta(summary: RunSummary, s: Session, flags: SavedFlags): Record<string, unknown> {
  return {
    nnlearn: nnlearnVersion(),
    flags,
    datasets: { train: dataRecord(s.data.train), test: dataRecord(s.data.test) },
    ...summary,
  };
}

/** Writes the model and pictures the plan asks for; returns the files written. */
export async function writeOutputs(s: Session, plan: TrainPlan, meta: Record<string, unknown>, io: Io): Promise<string[]> {
  const { net, result } = s;
  const written: string[] = [];
  const out = plan.outputs.out;
  if (out !== undefined) {
    // the format its extension says (src/nn/formats); every one keeps the record (a MAT-file as nnlearn_meta)
    const { files, losses } = writeModel(out, net, meta);
    written.push(...files);
    for (const lost of losses) io.err(`nnlearn: ${out}: ${lost}\n`);
  }
  if (s.outDir !== undefined) {
    const model = join(s.outDir, 'model.json');
    writeFileAtomic(model, `${JSON.stringify(modelToJson(net, meta))}\n`);
    written.push(model);
    // a picture the memory budget refuses (the run's memory has grown since it started) is left out with a line:
    // it once failed the command after the model was written, and said the model was saved elsewhere "instead"
    const draw = async (file: string, how: () => Promise<void>) => {
      try {
        await how();
        written.push(file);
      } catch (err) {
        if (!(err instanceof MemoryError)) throw err;
        io.err(`nnlearn: ${file} not drawn: ${err.message}\n`);
      }
    };
    if (net.image !== undefined && net.sizes.length > 2) {
      const hiddenPng = join(s.outDir, 'hidden.png');
      await draw(hiddenPng, () => saveRaster(hiddenUnitsRaster(net.thetas[0], net.image as ImageShape), hiddenPng, 4));
    }
    const series = [{ name: 'training', costs: result.costHistory }];
    if (result.validationHistory !== undefined) series.push({ name: 'validation (no penalty)', costs: result.validationHistory });
    const chart = costChart(series, {
      title: 'Cost during training',
      subtitle: `${basename(s.data.train.source)}, layers ${net.sizes.join('-')}, ${settingsInForce(result.settings, s.evaluator.precision)}`,
      seriesTitle: 'data',
      ...(result.bestIteration !== undefined && result.bestIteration > 0 ? { marker: { iteration: result.bestIteration, label: 'kept' } } : {}),
    });
    for (const name of ['cost.png', 'cost.svg']) await draw(join(s.outDir, name), () => saveChart(chart, join(s.outDir as string, name)));
  }
  return written;
}

/** Advice on a run that ended badly (near chance, or still falling steeply), or undefined. */
export function adviceFor(s: Session): RunAdvice | undefined {
  const { result, net, data } = s;
  const targets = labelsToTargets(data.fit.y, net.numLabels, net.labels);
  return diagnoseRun({ ...result, chance: chanceAccuracy(targets, net.numLabels) });
}

/** The advice as one line, with the flags to change. */
export function adviceLine(a: RunAdvice): string {
  const tries = a.suggestions.map((t) => `${FLAG_OF[t.option]} ${t.value}`);
  return `nnlearn: ${a.problem}; try ${tries.join(', or ')}\n`;
}

/**
 * The settings in force as the summary line and the cost picture state them: "adam, batch 32, α 0.001, 10 epochs,
 * λ = 1, float32". The precision is named when it is not float64: the same run in float32 ends elsewhere (fmincg
 * on the shipped digits: 0.480213 against 0.463146), and --like once carried it over unseen.
 */
function settingsInForce(settings: ResolvedTraining, precision: string): string {
  return `${describeSettings(settings.optimizer, settings)}, λ = ${settings.lambda}${precision === 'f32' ? ', float32' : ''}`;
}

/** The summary on stdout, as the course prints it, with the settings in force. */
export function printSummary(io: Io, summary: RunSummary, s: Session, written: string[], plan: TrainPlan): void {
  const { result, data } = s;
  const unit = iterationUnit(result.settings);
  io.out(`Training Set Accuracy: ${result.trainAccuracy.toFixed(2)}% (${data.fit.X.rows} examples of ${data.fit.source})\n`);
  if (data.test !== undefined && summary.testAccuracy !== null) {
    io.out(`Test Set Accuracy: ${summary.testAccuracy.toFixed(2)}% (${data.test.X.rows} examples of ${data.test.source})\n`);
  }
  const how = settingsInForce(result.settings, s.evaluator.precision);
  if (result.bestIteration !== undefined && result.bestIteration > 0) {
    const why = result.stopReason === 'early-stopped' ? 'stopped early: ' : '';
    io.out(
      `Final cost: ${result.cost.toFixed(6)} at ${unit.slice(0, -1)} ${result.bestIteration}, the best on the validation data, whose weights are kept ` +
        `(${why}${result.iterations} ${unit} in ${s.seconds.toFixed(1)} s; ${how})\n`,
    );
  } else {
    io.out(`Final cost: ${result.cost.toFixed(6)} after ${result.iterations} ${unit} (${s.seconds.toFixed(1)} s; ${how})\n`);
  }
  if (written.length > 0) io.out(`Wrote ${written.join(', ')}\n`);
  const model = s.outDir !== undefined ? join(s.outDir, 'model.json') : plan.outputs.out;
  if (data.test !== undefined && model !== undefined && plan.data.holdout === undefined) {
    io.out(`Check it: nnlearn predict --model ${shellWord(model)} --data ${shellWord(data.test.source)}\n`);
  }
}
