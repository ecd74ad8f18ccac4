import { extname } from 'node:path';
import { Command } from 'commander';
import { UsageError, ValueError } from '../../errors.js';
import { clipMiddle } from '../../format.js';
import { checkMemory } from '../../memory.js';
import { writeFileAtomic } from '../../data/files.js';
import { GRAPH_EXAMPLES, graphExample } from '../../graph/examples.js';
import { scalarNetworkCost } from '../../graph/network.js';
import { parseAssignments, parseGraph } from '../../graph/parse.js';
import { graphDot, graphSvg, nodeTitle } from '../../graph/render.js';
import { nnCostFunction } from '../../nn/cost.js';
import { debugInitializeWeights } from '../../nn/init.js';
import { unrollParams } from '../../nn/params.js';
import { jsonOption, oneLine, type Io } from '../io.js';
import { parseNumber } from '../options.js';
import { checkOutputFile } from '../output.js';

interface GraphFlags {
  set?: string;
  example?: string;
  lambda: string;
  out?: string;
  json?: boolean;
}

const DEBUG_NETWORK = 'debug-network';

export function registerGraph(program: Command, io: Io): void {
  program
    .command('graph')
    .description(
      'backpropagation on a computational graph of scalars: every node’s value and gradient, as on the lecture’s slides',
    )
    .argument('[expression]', 'e.g. "relu(w0*x0 + w1*x1)"; staged: "num = x + sigmoid(y); den = …; num / den"')
    .option('--set <values>', 'the inputs, e.g. x0=1,w0=0.5 or w=[2,-3,-3],x=[-1,-2] (w0, w1, …)')
    .option('--example <name>', `a worked example: ${[...GRAPH_EXAMPLES.map((e) => e.name), DEBUG_NETWORK].join(', ')}`)
    .option('--lambda <λ>', `regularization of the ${DEBUG_NETWORK} example`, '0')
    .option('--out <file>', 'draw the graph: .svg, .png or .dot')
    .addOption(jsonOption())
    .action(async (expression: string | undefined, opts: GraphFlags, cmd: Command) => {
      if (opts.example === DEBUG_NETWORK) {
        // the debug network is a table of gradients, not one expression to draw
        if (expression !== undefined || opts.set !== undefined || opts.out !== undefined) {
          throw new UsageError(`--example ${DEBUG_NETWORK} prints a table: it takes no expression, --set or --out`);
        }
        return debugNetwork(io, parseNumber('--lambda', opts.lambda, { min: 0 }), opts.json);
      }
      if (cmd.getOptionValueSource('lambda') === 'cli') throw new UsageError(`--lambda: only --example ${DEBUG_NETWORK} uses it`);
      const example = opts.example === undefined ? undefined : graphExample(opts.example);
      if (opts.example !== undefined && example === undefined) {
        throw new UsageError(`--example: "${opts.example}" is not one of ${[...GRAPH_EXAMPLES.map((e) => e.name), DEBUG_NETWORK].join(', ')}`);
      }
      if (example !== undefined && expression !== undefined) throw new UsageError('graph: give an expression or --example, not both');
      const src = example?.expression ?? expression;
      if (src === undefined) throw new UsageError('graph: give an expression (e.g. "relu(w0*x0 + w1*x1)") or --example NAME');
      const ext = opts.out === undefined ? undefined : extname(opts.out).toLowerCase();
      if (opts.out !== undefined) checkOutputFile('--out', opts.out, ['.svg', '.png', '.dot']);
      const values = inputValues(opts.set ?? example?.values ?? '');
      // a value or a gradient that is not a finite number is an error naming the node (a NonFiniteError)
      const g = parseGraph(src, values);
      const order = g.root.backward();
      const unused = [...values.keys()].filter((name) => !g.inputs.has(name));
      if (unused.length > 0) io.err(`nnlearn graph: --set gives ${clipMiddle(unused.join(', '), 80)}, which the expression does not use\n`);
      const gradients = Object.fromEntries([...g.inputs].map(([name, v]) => [name, v.grad]));
      if (opts.out !== undefined) {
        const title = example !== undefined ? `${example.name}: ${example.source}` : src;
        if (ext === '.dot') writeFileAtomic(opts.out, graphDot(g.root, title));
        else if (ext === '.svg') writeFileAtomic(opts.out, graphSvg(g.root, title));
        else writeFileAtomic(opts.out, await drawPng(graphSvg(g.root, title)));
      }
      if (opts.json) {
        io.out(
          `${JSON.stringify({
            expression: src,
            value: g.root.data,
            gradients,
            // a constant has no gradient (nothing asks for it)
            nodes: order.map((v) => ({ op: v.op, ...(v.label !== undefined ? { name: v.label } : {}), value: v.data, ...(v.op === 'const' ? {} : { grad: v.grad }) })),
            ...(opts.out ? { picture: opts.out } : {}),
          })}\n`,
        );
        return;
      }
      if (example !== undefined) io.out(`${example.name}: ${example.source}\n`);
      // the expression echoed on one line, clipped: it may be long, and hold tabs and newlines
      io.out(`f = ${oneLine(clipMiddle(src.replace(/\s+/g, ' ').trim(), 200))}\n\n`);
      io.out('node                     value        gradient\n');
      for (const v of order) io.out(`${nodeTitle(v).padEnd(20)} ${fixed(v.data)} ${v.op === 'const' ? '' : fixed(v.grad)}\n`);
      io.out(`\nf = ${g.root.data.toFixed(6)}\n`);
      for (const [name, grad] of Object.entries(gradients)) io.out(`∂f/∂${name} = ${grad.toFixed(6)}\n`);
      if (opts.out !== undefined) io.out(`Wrote ${opts.out}\n`);
    });
}

/** `--set`'s values; a bad one is a usage error, as a bad value of any flag is. */
function inputValues(text: string): Map<string, number> {
  try {
    return parseAssignments(text);
  } catch (e) {
    throw e instanceof ValueError ? new UsageError(e.message) : e;
  }
}

/** The most pixels a PNG drawing may have (at the renderer's zoom of 2): 64 million, 256 MB of RGBA. */
const MAX_PNG_PIXELS = 64e6;

/**
 * PNG bytes of a drawing (graphSvg's, whose size is on its first tag), refused before rendering if it would be
 * larger than MAX_PNG_PIXELS or than the memory budget allows: a long expression is a wide graph.
 */
async function drawPng(svg: string): Promise<Uint8Array> {
  const size = /^<svg[^>]* width="(\d+)" height="(\d+)"/.exec(svg);
  if (size === null) throw new Error('graphSvg wrote no size');
  const [width, height] = [Number(size[1]) * 2, Number(size[2]) * 2];
  const advice = 'draw it as .svg or .dot';
  if (width * height > MAX_PNG_PIXELS) {
    throw new ValueError(`--out: this graph drawn as PNG would be ${width}×${height} pixels, more than ${MAX_PNG_PIXELS / 1e6} million; ${advice}`);
  }
  // the renderer's RGBA pixels, then the encoder's rows and output
  checkMemory(`--out: a ${width}×${height} PNG of the graph`, 6 * width * height, advice);
  return (await import('../../viz/png.js')).svgToPng(svg);
}

function fixed(x: number): string {
  return x.toFixed(6).padStart(12);
}

/** The course's 3-5-3 debug network (checkNNGradients' weights and data) built from scalars, against nnCostFunction. */
function debugNetwork(io: Io, lambda: number, json?: boolean): void {
  const sizes = [3, 5, 3];
  const m = 5;
  const thetas = [debugInitializeWeights(5, 3), debugInitializeWeights(3, 5)];
  const X = debugInitializeWeights(m, 2);
  const targets = Int32Array.from({ length: m }, (_, i) => (i + 1) % 3);
  const params = unrollParams(thetas);
  const net = scalarNetworkCost(sizes, params, X, targets, lambda);
  const order = net.cost.backward();
  const [J, grad] = nnCostFunction(params, 3, 5, 3, X, Array.from(targets, (t) => t + 1), lambda);
  let maxDiff = 0;
  net.weights.forEach((w, i) => (maxDiff = Math.max(maxDiff, Math.abs(w.grad - grad[i]))));
  const result = { layers: sizes, lambda, nodes: order.length, scalarCost: net.cost.data, matrixCost: J, maxGradientDifference: maxDiff };
  if (json) {
    io.out(`${JSON.stringify({ ...result, scalarGradient: net.weights.map((w) => w.grad), matrixGradient: Array.from(grad) })}\n`);
    return;
  }
  io.out(`The 3-5-3 debug network from ${order.length} scalar nodes (λ = ${lambda}):\n`);
  io.out(`  J from the scalar graph:   ${net.cost.data.toPrecision(15)}\n`);
  io.out(`  J from nnCostFunction:     ${J.toPrecision(15)}\n`);
  io.out('  weight            scalar backprop   matrix backprop\n');
  net.weights.forEach((w, i) => io.out(`  ${(w.label ?? '').padEnd(16)} ${w.grad.toExponential(8).padStart(16)} ${grad[i].toExponential(8).padStart(16)}\n`));
  io.out(`  largest difference: ${maxDiff.toExponential(2)}\n`);
}
