import { extname } from 'node:path';
import { Command, Option } from 'commander';
import { UsageError } from '../../errors.js';
import { writeFileAtomic } from '../../data/files.js';
import { paramCount, thetaShapes } from '../../nn/params.js';
import { networkSvg } from '../../viz/network-svg.js';
import { jsonOption, type Io } from '../main.js';
import { MAX_UNITS, parseChoice, parseNumberList } from '../options.js';
import { checkOutputFile } from '../output.js';

interface DescribeFlags {
  layers: string;
  activation: string;
  output: string;
  out?: string;
  json?: boolean;
}

export function registerDescribe(program: Command, io: Io): void {
  program
    .command('describe')
    .description('the weight matrices of a network and their shapes, and a drawing of it with its bias units')
    .requiredOption('--layers <sizes>', 'layer sizes, inputs to outputs, e.g. 400,25,10 or 9,3,2,6')
    .addOption(new Option('--activation <g>', 'hidden units').choices(['sigmoid', 'tanh', 'relu']).default('sigmoid'))
    .addOption(new Option('--output <kind>', 'output layer').choices(['sigmoid', 'softmax']).default('sigmoid'))
    .option('--out <file>', 'draw the network: .svg, or .png')
    .addOption(jsonOption())
    .action(async (opts: DescribeFlags) => {
      const layers = parseNumberList('--layers', opts.layers, { integer: true, min: 1, max: MAX_UNITS });
      if (layers.length < 2) throw new UsageError(`--layers: "${opts.layers}" needs at least an input and an output size`);
      const activation = parseChoice('--activation', opts.activation, ['sigmoid', 'tanh', 'relu'] as const);
      const output = parseChoice('--output', opts.output, ['sigmoid', 'softmax'] as const);
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
        io.out(`${JSON.stringify({ layers, activation, output, matrices, parameters: paramCount(layers), ...(opts.out ? { picture: opts.out } : {}) })}\n`);
        return;
      }
      io.out(`Network ${layers.join('-')}: ${layers.length} layers (${layers.length - 2} hidden), ${activation} hidden units, ${output} output\n`);
      for (const mtx of matrices) io.out(`  ${mtx.name}: ${mtx.rows}×${mtx.cols}   from ${mtx.from} to ${mtx.to}\n`);
      io.out(`  ${paramCount(layers)} weights in all\n`);
      if (opts.out !== undefined) io.out(`Wrote ${opts.out}\n`);
    });
}
