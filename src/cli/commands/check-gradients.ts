import { Command, Option } from 'commander';
import { ACTIVATIONS, OUTPUTS } from '../../nn/activations.js';
import { UsageError } from '../../errors.js';
import { formatExp } from '../../format.js';
import { checkNNGradients } from '../../nn/gradcheck.js';
import { jsonOption, type Io } from '../io.js';
import { parseChoice, parseNumber, parseNumberList } from '../options.js';

/** NumPy's way of printing a float64 array element in scientific notation (sign column, 8 digits). */
function npExp(x: number): string {
  const s = formatExp(x, 8);
  return x < 0 || Object.is(x, -0) ? s : ` ${s}`;
}

interface CheckFlags {
  lambda: string;
  layers: string;
  m: string;
  activation: string;
  output: string;
  json?: boolean;
}

export function registerCheckGradients(program: Command, io: Io): void {
  program
    .command('check-gradients')
    .description("compare backpropagation with numerical gradients on the course's debug network (ex4 2.4), or any other")
    .option('--lambda <λ>', 'regularization parameter', '0')
    .option('--layers <sizes>', 'layer sizes of the debug network, inputs to outputs', '3,5,3')
    .option('--m <examples>', 'debug examples', '5')
    .addOption(new Option('--activation <g>', 'hidden units').choices(ACTIVATIONS).default('sigmoid'))
    .addOption(new Option('--output <kind>', 'output layer').choices(OUTPUTS).default('sigmoid'))
    .addOption(jsonOption())
    .action((opts: CheckFlags) => {
      const lambda = parseNumber('--lambda', opts.lambda, { min: 0 });
      const layers = parseNumberList('--layers', opts.layers, { integer: true, min: 1, max: 1000 });
      if (layers.length < 2) throw new UsageError(`--layers: "${opts.layers}" needs at least an input and an output size`);
      if (layers.reduce((n, s, i) => (i + 1 < layers.length ? n + (s + 1) * layers[i + 1] : n), 0) > 20000) {
        throw new UsageError('--layers: the numerical gradient takes two cost evaluations per weight; keep it under 20000 weights');
      }
      const m = parseNumber('--m', opts.m, { integer: true, min: 1, max: 10000 });
      const activation = parseChoice('--activation', opts.activation, ACTIVATIONS);
      const output = parseChoice('--output', opts.output, OUTPUTS);
      const r = checkNNGradients(lambda, { layers, m, activation, output });
      if (opts.json) {
        io.out(
          `${JSON.stringify({
            layers: r.sizes,
            activation,
            output,
            lambda,
            numerical: Array.from(r.numerical),
            analytic: Array.from(r.analytic),
            relativeDifference: r.relativeDifference,
            minAbsHiddenZ: Number.isFinite(r.minAbsHiddenZ) ? r.minAbsHiddenZ : null,
          })}\n`,
        );
        return;
      }
      const rows = Array.from(r.numerical, (v, i) => `[${npExp(v)} ${npExp(r.analytic[i])}]`);
      io.out(`[${rows.join('\n ')}]\n`);
      io.out('The above two columns you get should be very similar.\n');
      io.out('(Left-Your Numerical Gradient, Right-Analytical Gradient)\n\n');
      io.out('If your backpropagation implementation is correct, then\n');
      io.out('the relative difference will be small (less than 1e-9).\n');
      io.out(`Relative Difference: ${r.relativeDifference.toExponential(5).replace(/e([+-])(\d)$/, 'e$10$2')}\n`);
    });
}
