import { extname } from 'node:path';
import { Command, Option } from 'commander';
import { UsageError } from '../../errors.js';
import { writeFileAtomic } from '../../data/files.js';
import { paramCount, thetaShapes } from '../../nn/params.js';
import { networkSvg } from '../../viz/network-svg.js';
import { jsonOption, type Io } from '../main.js';
import { MAX_UNITS, parseChoice, parseNumberList } from '../options.js';
import { checkOutputFile } from '../output.js';
import { MODEL_HELP } from '../data.js';
import { readModelFile } from '../../nn/formats/files.js';
import { modelFormat } from '../../nn/formats/registry.js';
import type { LoadedModel } from '../../nn/formats/types.js';

interface DescribeFlags {
  layers?: string;
  model?: string;
  activation: string;
  output: string;
  out?: string;
  json?: boolean;
}

export function registerDescribe(program: Command, io: Io): void {
  program
    .command('describe')
    .description('the weight matrices of a network and their shapes, and a drawing of it with its bias units')
    .option('--layers <sizes>', 'layer sizes, inputs to outputs, e.g. 400,25,10 or 9,3,2,6')
    .option('--model <file>', `instead of --layers and the architecture, those of ${MODEL_HELP}`)
    .addOption(new Option('--activation <g>', 'hidden units').choices(['sigmoid', 'tanh', 'relu']).default('sigmoid'))
    .addOption(new Option('--output <kind>', 'output layer').choices(['sigmoid', 'softmax']).default('sigmoid'))
    .option('--out <file>', 'draw the network: .svg, or .png')
    .addOption(jsonOption())
    .action(async (opts: DescribeFlags, cmd: Command) => {
      const model = describedModel(opts, cmd);
      const layers = model?.network.sizes ?? parseNumberList('--layers', opts.layers ?? '', { integer: true, min: 1, max: MAX_UNITS });
      if (layers.length < 2) throw new UsageError(`--layers: "${opts.layers}" needs at least an input and an output size`);
      const activation = model?.network.activation ?? parseChoice('--activation', opts.activation, ['sigmoid', 'tanh', 'relu'] as const);
      const output = model?.network.output ?? parseChoice('--output', opts.output, ['sigmoid', 'softmax'] as const);
      const ext = opts.out === undefined ? undefined : extname(opts.out).toLowerCase();
      if (opts.out !== undefined) checkOutputFile('--out', opts.out, ['.svg', '.png']);
      const shapes = thetaShapes(layers);
      if (opts.out !== undefined) {
        const svg = networkSvg(layers, { activation, output });
        if (ext === '.svg') writeFileAtomic(opts.out, svg);
        else writeFileAtomic(opts.out, (await import('../../viz/png.js')).svgToPng(svg));
      }
      const matrices = shapes.map(([rows, cols], l) => ({
        name: `Theta${l + 1}`,
        rows,
        cols,
        from: `layer ${l + 1} (${layers[l]} units + bias)`,
        to: `layer ${l + 2} (${layers[l + 1]} units)`,
      }));
      if (opts.json) {
        const about = model === undefined ? {} : { model: modelFacts(model, opts.model ?? '') };
        io.out(`${JSON.stringify({ layers, activation, output, matrices, parameters: paramCount(layers), ...about, ...(opts.out ? { picture: opts.out } : {}) })}\n`);
        return;
      }
      io.out(`Network ${layers.join('-')}: ${layers.length} layers (${layers.length - 2} hidden), ${activation} hidden units, ${output} output\n`);
      for (const mtx of matrices) io.out(`  ${mtx.name}: ${mtx.rows}×${mtx.cols}   from ${mtx.from} to ${mtx.to}\n`);
      io.out(`  ${paramCount(layers)} weights in all\n`);
      if (model !== undefined) io.out(modelLine(modelFacts(model, opts.model ?? '')));
      if (opts.out !== undefined) io.out(`Wrote ${opts.out}\n`);
    });
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

interface ModelFacts {
  path: string;
  format: string;
  labels: string;
  inputScale: number | null;
  image: { height: number; width: number; order: string } | null;
}

function modelFacts(model: LoadedModel, path: string): ModelFacts {
  const net = model.network;
  return { path, format: model.format, labels: net.labels, inputScale: net.inputScale ?? null, image: net.image ?? null };
}

function modelLine(f: ModelFacts): string {
  const labels = f.labels === 'course' ? 'labels 1..K (the course\'s)' : 'labels 0..K-1';
  const scale = f.inputScale === null || f.inputScale === 1 ? '' : `, inputs divided by ${f.inputScale}`;
  const image = f.image === null ? '' : `, inputs are ${f.image.height}×${f.image.width} images (${f.image.order})`;
  return `  from ${f.path} (${modelFormat(f.format).title}): ${labels}${scale}${image}\n`;
}
