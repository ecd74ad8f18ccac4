import { Command, Option } from 'commander';
import { UsageError } from '../../errors.js';
import { rowsOf } from '../../data/dataset.js';
import { Random } from '../../random.js';
import { displayData, hiddenUnitsRaster } from '../../viz/raster.js';
import { saveRaster } from '../../viz/save.js';
import { jsonOption, type Io } from '../io.js';
import { DATA_HELP, loadInputs, loadModel, MODEL_HELP, parseLabelColumn } from '../data.js';
import { parseChoice, parseNumber } from '../options.js';
import type { ImageShape } from '../../data/dataset.js';
import { checkOutputFile } from '../output.js';

interface DisplayFlags {
  data: string;
  count: string;
  seed: string;
  first?: boolean;
  order?: string;
  labelsFile?: string;
  labelColumn?: string;
  scale: string;
  out: string;
  json?: boolean;
}

function orderOption(): Option {
  return new Option('--order <order>', 'how a row unrolls an image (default: column-major for .mat, row-major for IDX)').choices([
    'row-major',
    'column-major',
  ]);
}

function withOrder(image: ImageShape | undefined, order: string | undefined, n: number, source: string): ImageShape {
  const side = Math.round(Math.sqrt(n));
  const base = image ?? (side * side === n ? { height: side, width: side, order: 'column-major' as const } : undefined);
  if (base === undefined) {
    // a CSV of pixels alone whose first column was taken for labels: one more column would be a square
    const more = Math.round(Math.sqrt(n + 1)) ** 2 === n + 1 ? ' (if the file has no label column: --label-column none)' : '';
    throw new UsageError(`${source}: rows of ${n} values are not square images; nothing to draw${more}`);
  }
  return order === undefined ? base : { ...base, order: parseChoice('--order', order, ['row-major', 'column-major'] as const) };
}

export function registerDisplay(program: Command, io: Io): void {
  program
    .command('display')
    .description("draw examples as a grid of images, as the course's displayData (ex4 part 1.1)")
    .requiredOption('--data <file>', `the images: ${DATA_HELP}`)
    .option('--count <m>', 'how many examples', '100')
    .option('--seed <s>', 'pick the examples at random with this seed (NumPy permutation)', '0')
    .addOption(new Option('--first', 'take the first examples instead of a random choice').conflicts('seed'))
    .addOption(orderOption())
    .option('--labels-file <file>', 'the IDX labels file, when it is not beside the images (labels are not needed)')
    .option('--label-column <c>', 'a CSV file’s label column, left out of the pictures: first, last, a number, none (default: a header’s "label" column, or the first)')
    .option('--scale <k>', 'magnify each pixel k times', '1')
    .requiredOption('--out <file.png>', 'the picture to write')
    .addOption(jsonOption())
    .action(async (opts: DisplayFlags) => {
      const count = parseNumber('--count', opts.count, { integer: true, min: 1 });
      const seed = parseNumber('--seed', opts.seed, { integer: true, min: 0, max: 0xffffffff });
      const scale = parseNumber('--scale', opts.scale, { integer: true, min: 1, max: 32 });
      checkOutputFile('--out', opts.out, ['.png']);
      const labelColumn = opts.labelColumn === undefined ? undefined : parseLabelColumn(opts.labelColumn);
      // only the images are drawn: data without labels (IDX images alone, a CSV of pixels) is fine
      const data = loadInputs(opts.data, { labelsFile: opts.labelsFile, labelColumn, labelsOptional: true });
      const image = withOrder(data.image, opts.order, data.X.cols, data.source);
      const m = Math.min(count, data.X.rows);
      // The course: `rand_indices = randperm(m); sel = X(rand_indices(1:100), :)`.
      const rows = opts.first ? Int32Array.from({ length: m }, (_, i) => i) : new Random(seed).permutation(data.X.rows).subarray(0, m);
      const raster = displayData(rowsOf(data.X, rows), image);
      await saveRaster(raster, opts.out, scale, 'a smaller --scale or --count');
      const result = { out: opts.out, width: raster.width * scale, height: raster.height * scale, count: m, image, rows: Array.from(rows, (r) => r + 1) };
      if (opts.json) io.out(`${JSON.stringify(result)}\n`);
      else io.out(`Wrote ${opts.out} (${result.width}×${result.height}, ${m} images of ${image.height}×${image.width})\n`);
    });
}

interface HiddenFlags {
  model?: string;
  weights?: string;
  order?: string;
  scale: string;
  out: string;
  json?: boolean;
}

export function registerHidden(program: Command, io: Io): void {
  program
    .command('hidden')
    .description("draw the hidden units: each row of Theta1 without its bias as an image (ex4 part 3)")
    .option('--model <file>', MODEL_HELP)
    .option('--weights <file.mat>', 'the same as --model, for the course’s ex4weights.mat')
    .addOption(orderOption())
    .option('--scale <k>', 'magnify each pixel k times', '1')
    .requiredOption('--out <file.png>', 'the picture to write')
    .addOption(jsonOption())
    .action(async (opts: HiddenFlags) => {
      const path = opts.model ?? opts.weights;
      if (path === undefined) throw new UsageError('hidden: give --model or --weights');
      if (opts.model !== undefined && opts.weights !== undefined) throw new UsageError('hidden: give --model or --weights, not both');
      const scale = parseNumber('--scale', opts.scale, { integer: true, min: 1, max: 32 });
      checkOutputFile('--out', opts.out, ['.png']);
      const net = loadModel(path);
      if (net.sizes.length < 3) throw new UsageError(`${path}: the network has no hidden layer to draw`);
      const image = withOrder(net.image, opts.order, net.sizes[0], path);
      const raster = hiddenUnitsRaster(net.thetas[0], image);
      await saveRaster(raster, opts.out, scale, 'a smaller --scale');
      const result = { out: opts.out, width: raster.width * scale, height: raster.height * scale, units: net.sizes[1], image };
      if (opts.json) io.out(`${JSON.stringify(result)}\n`);
      else io.out(`Wrote ${opts.out} (${result.width}×${result.height}, ${net.sizes[1]} hidden units of ${image.height}×${image.width})\n`);
    });
}
