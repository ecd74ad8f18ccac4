/**
 * `nnlearn describe`: a network's weight matrices and their shapes, with a drawing of it (--layers), or a saved
 * model's summary (--model, in any format nnlearn reads): its layers, parameters, units, labels, inputs, and how
 * it was trained and how well (the record nnlearn train keeps in the model).
 */
import { extname } from 'node:path';
import { Command, Option } from 'commander';
import { UsageError } from '../../errors.js';
import { writeFileAtomic } from '../../data/files.js';
import { paramCount, thetaShapes } from '../../nn/params.js';
import { readModelFile } from '../../nn/formats/files.js';
import { modelFormat } from '../../nn/formats/registry.js';
import type { LoadedModel } from '../../nn/formats/types.js';
import { networkSvg } from '../../viz/network-svg.js';
import { jsonOption, shellWord, type Io } from '../io.js';
import { MODEL_HELP } from '../data.js';
import { MAX_UNITS, parseChoice, parseNumberList } from '../options.js';
import { checkOutputFile } from '../output.js';

interface DescribeFlags {
  layers?: string;
  model?: string;
  activation: string;
  output: string;
  out?: string;
  json?: boolean;
}

/** The model --model names (refusing --layers and a typed architecture beside it), or undefined for --layers. */
function describedModel(opts: DescribeFlags, cmd: Command): LoadedModel | undefined {
  if (opts.model === undefined) {
    if (opts.layers === undefined) throw new UsageError('describe: give --layers (the sizes) or --model (a model file)');
    return undefined;
  }
  for (const flag of ['layers', 'activation', 'output'] as const) {
    if (cmd.getOptionValueSource(flag) === 'cli') throw new UsageError(`--${flag}: --model gives it`);
  }
  return readModelFile(opts.model);
}

/** What a model's record says of its training, as lines. */
function trainingLines(meta: Record<string, unknown>, path: string): string[] {
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const pct = (v: unknown) => (typeof v === 'number' ? `${v.toFixed(2)}%` : undefined);
  const settings = meta.settings as { summary?: string; lambda?: number } | undefined;
  const how = [settings?.summary, settings?.lambda !== undefined ? `λ = ${settings.lambda}` : undefined].filter(Boolean).join(', ');
  const examples = typeof meta.examples === 'number' ? ` (${meta.examples} examples)` : '';
  const lines = [`Trained${str(meta.nnlearn) ? ` by nnlearn ${str(meta.nnlearn)}` : ''} on ${str(meta.data) ?? 'unknown data'}${examples}${how ? `: ${how}` : ''}`];
  const results = [
    pct(meta.trainAccuracy) && `training accuracy ${pct(meta.trainAccuracy)}`,
    pct(meta.testAccuracy) && `test accuracy ${pct(meta.testAccuracy)}${str(meta.test) ? ` (${str(meta.test)})` : ''}`,
    typeof meta.cost === 'number' && `final cost ${meta.cost.toFixed(6)}`,
  ].filter(Boolean);
  if (results.length > 0) lines.push(`  ${results.join(', ')}`);
  if (meta.flags !== undefined) lines.push(`  rerun it: nnlearn train --like ${shellWord(path)}`);
  return lines;
}

/** A saved model's summary: its network, its inputs and labels, and the record of its run when it has one. */
function describeModel(model: LoadedModel, path: string, io: Io, json: boolean, picture: string | undefined): void {
  const net = model.network;
  const meta = model.meta !== undefined && 'flags' in model.meta ? model.meta : undefined;
  const shapes = thetaShapes(net.sizes);
  if (json) {
    io.out(
      `${JSON.stringify({
        model: path,
        format: model.format,
        layers: net.sizes,
        parameters: paramCount(net.sizes),
        activation: net.activation,
        output: net.output,
        labels: net.labels,
        image: net.image ?? null,
        inputScale: net.inputScale ?? null,
        matrices: shapes.map(([rows, cols], l) => ({ name: `Theta${l + 1}`, rows, cols })),
        training: meta ?? null,
        ...(picture !== undefined ? { picture } : {}),
      })}\n`,
    );
    return;
  }
  const K = net.numLabels;
  const hidden = net.sizes.length - 2;
  io.out(
    `Model ${path} (${modelFormat(model.format).title}): ${net.sizes.join('-')}, ${hidden} hidden layer${hidden === 1 ? '' : 's'} of ${net.activation} units, ` +
      `${net.output} output, ${net.labels === 'course' ? `the course’s labels 1..${K}` : `labels 0..${K - 1}`}\n`,
  );
  shapes.forEach(([rows, cols], l) => io.out(`  Theta${l + 1}: ${rows}×${cols}\n`));
  io.out(`  ${paramCount(net.sizes)} weights in all\n`);
  if (net.image !== undefined) {
    const scale = net.inputScale !== undefined && net.inputScale !== 1 ? `, raw values divided by ${net.inputScale}` : '';
    io.out(`  inputs: ${net.image.height}×${net.image.width} images, ${net.image.order}${scale}\n`);
  }
  if (meta === undefined) io.out('No record of its training (a model from elsewhere, or from an nnlearn that did not record it)\n');
  else for (const line of trainingLines(meta, path)) io.out(`${line}\n`);
  if (picture !== undefined) io.out(`Wrote ${picture}\n`);
}

export function registerDescribe(program: Command, io: Io): void {
  program
    .command('describe')
    .description('the weight matrices of a network and their shapes, and a drawing of it with its bias units; or a saved model’s summary')
    .option('--layers <sizes>', 'layer sizes, inputs to outputs, e.g. 400,25,10 or 9,3,2,6')
    .option('--model <file>', `a saved model (${MODEL_HELP}): its layers, units, labels, inputs, and how it was trained`)
    .addOption(new Option('--activation <g>', 'hidden units').choices(['sigmoid', 'tanh', 'relu']).default('sigmoid'))
    .addOption(new Option('--output <kind>', 'output layer').choices(['sigmoid', 'softmax']).default('sigmoid'))
    .option('--out <file>', 'draw the network: .svg, or .png')
    .addOption(jsonOption())
    .action(async (opts: DescribeFlags, cmd: Command) => {
      if (opts.out !== undefined) checkOutputFile('--out', opts.out, ['.svg', '.png']);
      const model = describedModel(opts, cmd);
      const layers = model?.network.sizes ?? parseNumberList('--layers', opts.layers ?? '', { integer: true, min: 1, max: MAX_UNITS });
      if (layers.length < 2) throw new UsageError(`--layers: "${opts.layers}" needs at least an input and an output size`);
      const activation = model?.network.activation ?? parseChoice('--activation', opts.activation, ['sigmoid', 'tanh', 'relu'] as const);
      const output = model?.network.output ?? parseChoice('--output', opts.output, ['sigmoid', 'softmax'] as const);
      if (opts.out !== undefined) {
        const svg = networkSvg(layers, { activation, output });
        if (extname(opts.out).toLowerCase() === '.svg') writeFileAtomic(opts.out, svg);
        else writeFileAtomic(opts.out, (await import('../../viz/png.js')).svgToPng(svg));
      }
      if (model !== undefined) {
        describeModel(model, opts.model as string, io, opts.json === true, opts.out);
        return;
      }
      const matrices = thetaShapes(layers).map(([rows, cols], l) => ({
        name: `Theta${l + 1}`,
        rows,
        cols,
        from: `layer ${l + 1} (${layers[l]} units + bias)`,
        to: `layer ${l + 2} (${layers[l + 1]} units)`,
      }));
      if (opts.json) {
        io.out(`${JSON.stringify({ layers, activation, output, matrices, parameters: paramCount(layers), ...(opts.out ? { picture: opts.out } : {}) })}\n`);
        return;
      }
      io.out(`Network ${layers.join('-')}: ${layers.length} layers (${layers.length - 2} hidden), ${activation} hidden units, ${output} output\n`);
      for (const mtx of matrices) io.out(`  ${mtx.name}: ${mtx.rows}×${mtx.cols}   from ${mtx.from} to ${mtx.to}\n`);
      io.out(`  ${paramCount(layers)} weights in all\n`);
      if (opts.out !== undefined) io.out(`Wrote ${opts.out}\n`);
    });
}
