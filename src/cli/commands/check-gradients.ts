import { Command } from 'commander';
import { formatExp } from '../../format.js';
import { checkNNGradients } from '../../nn/gradcheck.js';
import { jsonOption, type Io } from '../main.js';
import { parseNumber } from '../options.js';

/** NumPy's way of printing a float64 array element in scientific notation (sign column, 8 digits). */
function npExp(x: number): string {
  const s = formatExp(x, 8);
  return x < 0 || Object.is(x, -0) ? s : ` ${s}`;
}

export function registerCheckGradients(program: Command, io: Io): void {
  program
    .command('check-gradients')
    .description("compare backpropagation with numerical gradients on the course's 3-5-3 debug network (ex4 2.4)")
    .option('--lambda <λ>', 'regularization parameter', '0')
    .addOption(jsonOption())
    .action((opts: { lambda: string; json?: boolean }) => {
      const lambda = parseNumber('--lambda', opts.lambda, { min: 0 });
      const r = checkNNGradients(lambda);
      if (opts.json) {
        io.out(
          `${JSON.stringify({
            layers: r.sizes,
            lambda,
            numerical: Array.from(r.numerical),
            analytic: Array.from(r.analytic),
            relativeDifference: r.relativeDifference,
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
