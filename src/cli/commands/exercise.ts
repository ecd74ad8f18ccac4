import { join } from 'node:path';
import { Command } from 'commander';
import { NnlearnError, UsageError } from '../../errors.js';
import { selectRows, type Dataset } from '../../data/dataset.js';
import { formatExp } from '../../format.js';
import { checkNNGradients } from '../../nn/gradcheck.js';
import { Network } from '../../nn/network.js';
import { sigmoidGradient } from '../../nn/sigmoid.js';
import { Random } from '../../random.js';
import { displayData, hiddenUnitsRaster } from '../../viz/raster.js';
import { saveRaster } from '../../viz/save.js';
import * as E from '../expected.js';
import { jsonOption, type Io } from '../io.js';
import { loadDataset, loadWeights, targetsForModel } from '../data.js';
import { targetsToLabels } from '../../data/labels.js';
import { parseNumber } from '../options.js';
import { checkOutputFolder, ensureFolder, newRunFolder } from '../output.js';
import { startProgress } from '../progress.js';
import { addBackendOptions, parseBackend, prepareEvaluator, type BackendChoice, type BackendFlags } from '../backend.js';

/** One part of the exercise: what the documents expect beside what we computed. */
export interface ExercisePart {
  name: string;
  expected: string;
  computed: string;
  /** true or false when there is a printed value to compare with; null when the part was skipped or has none */
  agrees: boolean | null;
  /** why a part was skipped, or what its comparison means */
  note?: string;
}

interface ExerciseFlags extends BackendFlags {
  data?: string;
  weights?: string;
  seed: string;
  outDir?: string;
  json?: boolean;
  quiet?: boolean;
}

const relDiff = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
const f6 = (x: number) => x.toFixed(6);

/** NumPy's repr of a short float array: 8 decimals, trailing zeros dropped. */
function numpyArray(v: ArrayLike<number>): string {
  return `[${Array.from(v, (x) => String(Number(x.toFixed(8)))).join(' ')}]`;
}

export function compareCost(name: string, expected: number, computed: number): ExercisePart {
  return {
    name,
    expected: `about ${f6(expected)}`,
    computed: f6(computed),
    agrees: relDiff(computed, expected) <= E.COST_RELATIVE_TOLERANCE,
    note: `relative difference ${relDiff(computed, expected).toExponential(1)}; the documents' "about" allows ${E.COST_RELATIVE_TOLERANCE.toExponential(0)}`,
  };
}

function skipped(name: string, expected: string, why: string): ExercisePart {
  return { name, expected, computed: 'skipped', agrees: null, note: why };
}

/**
 * Runs every part of ex4 in the notebook's order and returns what each expected and computed. Pictures go to
 * `outDir`. Without the course's data and weights, the parts that need them are skipped and the data parts run
 * on the shipped digits.
 */
export async function runExercise(
  options: { data?: Dataset; weights?: Network; weightsPath?: string; seed: number; outDir: string; backend: BackendChoice },
  progress: (label: string) => { update(i: number, cost: number): void; stop(): void },
): Promise<ExercisePart[]> {
  const parts: ExercisePart[] = [];
  const course = options.data !== undefined;
  const data = options.data ?? loadDataset('digits:train');
  const weights = options.weights;
  const why = 'needs the course’s ex4weights.mat (--weights) and ex4data1.mat (--data)';

  // 1.1 Visualizing the data: 100 random examples.
  {
    const image = data.image ?? { height: 20, width: 20, order: 'column-major' as const };
    const rows = new Random(options.seed).permutation(data.X.rows).subarray(0, Math.min(100, data.X.rows));
    const raster = displayData(selectRows(data, rows, data.source).X, image);
    const path = join(options.outDir, 'data.png');
    await saveRaster(raster, path);
    const side = 1 + 10 * (image.width + 1);
    parts.push({
      name: 'display the data',
      expected: `100 random ${image.height}×${image.width} digits in a ${side}×${side} grid`,
      computed: `${path} (${raster.width}×${raster.height})`,
      agrees: raster.width === side && raster.height === side,
      note: course ? 'the course’s data, drawn column-major as displayData does' : 'the shipped digits (the course’s data was not given)',
    });
  }

  // 1.3 Feedforward and cost function, 1.4 regularized cost function.
  const fits = weights !== undefined && options.data !== undefined && weights.sizes[0] === data.X.cols;
  if (fits && weights !== undefined) {
    parts.push(compareCost('feedforward cost (λ = 0)', E.COST_LAMBDA_0, weights.cost(data.X, data.y, 0).cost));
    parts.push(compareCost('regularized cost (λ = 1)', E.COST_LAMBDA_1, weights.cost(data.X, data.y, 1).cost));
  } else {
    parts.push(skipped('feedforward cost (λ = 0)', `about ${f6(E.COST_LAMBDA_0)}`, why));
    parts.push(skipped('regularized cost (λ = 1)', `about ${f6(E.COST_LAMBDA_1)}`, why));
  }

  // 2.1 Sigmoid gradient: data-independent, must match the printed digits.
  {
    const g = sigmoidGradient(E.SIGMOID_GRADIENT_INPUT);
    parts.push({
      name: 'sigmoid gradient at [-1 -0.5 0 0.5 1]',
      expected: numpyArray(E.SIGMOID_GRADIENT_PRINTED),
      computed: numpyArray(g),
      agrees: Array.from(g).every((v, i) => Number(v.toFixed(8)) === E.SIGMOID_GRADIENT_PRINTED[i]),
      note: 'must match every printed digit',
    });
  }

  // 2.2 Random initialization.
  const sizes = [data.X.cols, 25, data.numLabels];
  const initial = Network.random(sizes, { seed: options.seed, labels: data.labels, image: data.image });
  {
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of initial.params) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    const shapes = initial.thetas.map((t, l) => `Theta${l + 1} ${t.shape}`).join(', ');
    const expectedShapes = `Theta1 25×${sizes[0] + 1}, Theta2 ${sizes[2]}×26`;
    parts.push({
      name: 'random initialization',
      expected: `${expectedShapes}, uniform in [-${E.INIT_EPSILON}, ${E.INIT_EPSILON}]`,
      computed: `${shapes}, values in [${lo.toFixed(4)}, ${hi.toFixed(4)}] (seed ${options.seed})`,
      agrees: shapes === expectedShapes && lo >= -E.INIT_EPSILON && hi <= E.INIT_EPSILON && lo < 0 && hi > 0,
    });
  }

  // 2.4 Gradient checking: every row of the printed table, and the relative difference.
  {
    const r = checkNNGradients(0);
    let matching = 0;
    E.GRADCHECK_TABLE.forEach(([num, ana], i) => {
      if (formatExp(r.numerical[i], 8) === num && formatExp(r.analytic[i], 8) === ana) matching++;
    });
    const rows = E.GRADCHECK_TABLE.length;
    parts.push({
      name: 'gradient check (λ = 0)',
      expected: `the printed ${rows}-row table; relative difference < ${E.GRADCHECK_LIMIT} (printed ${E.GRADCHECK_PRINTED})`,
      computed: `${matching} of ${r.numerical.length} rows match every digit; relative difference ${r.relativeDifference.toExponential(5)}`,
      agrees: matching === rows && r.numerical.length === rows && r.relativeDifference < E.GRADCHECK_LIMIT,
      note: 'run `nnlearn check-gradients` to see the table',
    });
  }

  // 2.5 Regularized neural networks: the check with λ = 3, then the cost of the course's weights at λ = 3.
  {
    const r = checkNNGradients(3);
    parts.push({
      name: 'regularized gradient check (λ = 3)',
      expected: `relative difference < ${E.GRADCHECK_LIMIT}`,
      computed: `relative difference ${r.relativeDifference.toExponential(5)}`,
      agrees: r.relativeDifference < E.GRADCHECK_LIMIT,
    });
  }
  if (fits && weights !== undefined) {
    parts.push(compareCost('cost at λ = 3', E.COST_LAMBDA_3, weights.cost(data.X, data.y, 3).cost));
  } else {
    parts.push(skipped('cost at λ = 3', `about ${f6(E.COST_LAMBDA_3)}`, why));
  }

  // 2.6 Learning parameters with fmincg (MaxIter 50, λ = 1), then the training accuracy.
  const net = new Network(initial.sizes, Float64Array.from(initial.params), { labels: data.labels, image: data.image });
  const evaluator = await prepareEvaluator(net.sizes, data.X, data.y, net.labels, options.backend);
  const bar = progress('training');
  let result;
  try {
    result = net.train(data.X, data.y, {
      lambda: E.TRAIN_LAMBDA,
      maxIter: E.TRAIN_MAX_ITER,
      backend: evaluator,
      onIteration: ({ iteration, cost }) => bar.update(iteration, cost),
    });
  } finally {
    bar.stop();
    evaluator.close();
  }
  const firstCost = result.costHistory[0];
  parts.push({
    name: `training (fmincg, ${E.TRAIN_MAX_ITER} iterations, λ = ${E.TRAIN_LAMBDA})`,
    expected: 'the cost falls',
    computed: `cost ${f6(firstCost)} after iteration 1, ${f6(result.cost)} after ${result.iterations}`,
    agrees: result.cost < firstCost,
  });
  const acc = result.trainAccuracy;
  parts.push({
    name: 'training set accuracy',
    expected: `about ${E.TRAIN_ACCURACY}% (may vary by about ${E.TRAIN_ACCURACY_TOLERANCE}%)`,
    computed: `${acc.toFixed(2)}%`,
    agrees: course ? Math.abs(acc - E.TRAIN_ACCURACY) <= E.TRAIN_ACCURACY_TOLERANCE : null,
    note: course
      ? `agrees within ${E.TRAIN_ACCURACY_TOLERANCE} percentage point`
      : 'on the shipped digits, which are not the course’s: no printed value to compare with',
  });

  // 3 Visualizing the hidden layer.
  {
    const image = data.image ?? { height: 20, width: 20, order: 'column-major' as const };
    const raster = hiddenUnitsRaster(net.thetas[0], image);
    const path = join(options.outDir, 'hidden.png');
    await saveRaster(raster, path);
    const side = 1 + 5 * (image.width + 1);
    parts.push({
      name: 'hidden-layer picture',
      expected: `25 hidden units as ${image.height}×${image.width} images in a ${side}×${side} grid`,
      computed: `${path} (${raster.width}×${raster.height})`,
      agrees: raster.width === side && raster.height === side,
    });
  }
  return parts;
}

export function registerExercise(program: Command, io: Io): void {
  const cmd = program
    .command('exercise')
    .description(
      'walk through every part of ex4 as the notebook does, printing what the documents expect beside what is ' +
        'computed; without the course’s files, the parts it can on the shipped digits',
    )
    .option('--data <file.mat>', 'the course’s ex4data1.mat (X 5000×400, y)')
    .option('--weights <file.mat>', 'the course’s ex4weights.mat (Theta1 25×401, Theta2 10×26)')
    .option('--seed <s>', 'seed of the random choices (displayed digits, initial weights)', '0')
    .option('--out-dir <folder>', 'where the pictures go (default: a new folder under ./nnlearn-out)')
    .addOption(jsonOption())
    .option('--quiet', 'no progress on stderr');
  addBackendOptions(cmd).action(async (opts: ExerciseFlags) => {
      const seed = parseNumber('--seed', opts.seed, { integer: true, min: 0, max: 0xffffffff });
      if (opts.outDir !== undefined) checkOutputFolder('--out-dir', opts.outDir);
      const backend = parseBackend(opts);
      if (opts.weights !== undefined && opts.data === undefined) {
        throw new UsageError('exercise: --weights needs --data too (the costs are computed on the course’s data)');
      }
      const weights = opts.weights === undefined ? undefined : loadWeights(opts.weights, 'course');
      const loaded = opts.data === undefined ? undefined : loadDataset(opts.data, { numLabels: weights?.numLabels });
      if (weights !== undefined && loaded !== undefined && weights.sizes[0] !== loaded.X.cols) {
        throw new UsageError(`exercise: ${opts.data} has ${loaded.X.cols} columns but ${opts.weights} expects ${weights.sizes[0]} inputs`);
      }
      // the notebook's digits 0..9 with the course's weights: read across conventions with a note, as cost and
      // predict do (the exercise refused them, naming no file)
      const data =
        weights !== undefined && loaded !== undefined && loaded.labels !== weights.labels
          ? {
              ...loaded,
              labels: weights.labels,
              y: targetsToLabels(targetsForModel(loaded, weights, opts.weights as string, (text) => io.err(`nnlearn: ${text}\n`)), weights.labels),
            }
          : loaded;
      const outDir = opts.outDir !== undefined ? ensureFolder(opts.outDir) : newRunFolder('exercise');
      const parts = await runExercise({ data, weights, seed, outDir, backend }, (label) =>
        startProgress(io, E.TRAIN_MAX_ITER, { label, quiet: opts.quiet }),
      );
      const differing = parts.filter((p) => p.agrees === false).map((p) => p.name);
      const fail = () => {
        // A part that differs from the documents is a failure a script must see: exit 1, after the report.
        if (differing.length > 0) throw new NnlearnError(`exercise: ${differing.length} part(s) differ from the documents: ${differing.join('; ')}`);
      };
      if (opts.json) {
        io.out(`${JSON.stringify({ parts, outDir })}\n`);
        fail();
        return;
      }
      parts.forEach((p, i) => {
        const verdict = p.agrees === true ? 'agrees' : p.agrees === false ? 'DIFFERS' : p.computed === 'skipped' ? 'skipped' : 'no comparison';
        io.out(`${String(i + 1).padStart(2)}. ${p.name}: ${verdict}\n`);
        io.out(`    expected  ${p.expected}\n`);
        io.out(`    computed  ${p.computed}\n`);
        if (p.note) io.out(`    (${p.note})\n`);
      });
      const counted = parts.filter((p) => p.agrees !== null);
      const agreeing = counted.filter((p) => p.agrees).length;
      const skippedCount = parts.filter((p) => p.computed === 'skipped').length;
      io.out(`\n${agreeing} of ${counted.length} compared parts agree`);
      io.out(skippedCount > 0 ? `; ${skippedCount} skipped (${why()})\n` : '\n');
      io.out(`Pictures in ${outDir}\n`);
      fail();
    });
}

function why(): string {
  return 'give --data ex4data1.mat --weights ex4weights.mat to run them';
}
