/**
 * `nnlearn convert M --to OUT [--format json|mat|onnx|tfjs]`: a model from any format nnlearn reads into any it
 * writes (src/nn/formats), with what the target cannot hold said on stderr.
 */
import { Command, Option } from 'commander';
import { formatOfFileName, MODEL_FORMAT_NAMES, modelFormat } from '../../nn/formats/registry.js';
import { modelOutputFormat, readModelFile, writeModel } from '../../nn/formats/files.js';
import { jsonOption, type Io } from '../io.js';
import { MODEL_HELP } from '../data.js';
import { labelsOption, parseLabels } from '../options.js';
import { checkNotInputs, checkOutputFile, checkOutputFolder } from '../output.js';

interface ConvertFlags {
  to: string;
  format?: string;
  labels: string;
  json?: boolean;
}

export function registerConvert(program: Command, io: Io): void {
  program
    .command('convert')
    .description('write a model in another format: nnlearn JSON, a MAT-file, ONNX or a TensorFlow.js layers model, from any of them')
    .argument('<model>', MODEL_HELP)
    .requiredOption('--to <out>', 'where to write: a .json, .mat or .onnx file (the format from its name), or a folder with --format tfjs')
    .addOption(new Option('--format <name>', 'the format to write (json, mat, onnx; tfjs writes OUT/model.json and OUT/weights.bin)').choices(MODEL_FORMAT_NAMES))
    .addOption(labelsOption('the label convention of a model that records none (default: course for a MAT-file, zero-based for ONNX and TF.js)'))
    .addOption(jsonOption())
    .action((path: string, opts: ConvertFlags) => {
      const labels = parseLabels(opts.labels);
      const target = modelOutputFormat(opts.to, opts.format, '--to');
      // checked before reading: a folder format takes a folder (or its model.json), a file format a file
      if (target.folder && formatOfFileName(opts.to) === undefined) checkOutputFolder('--to', opts.to);
      else checkOutputFile('--to', opts.to);
      const model = readModelFile(path, { labels });
      const net = model.network;
      // a TF.js model is several files: none that this writes may be one it was read from
      const written = writeModel(opts.to, net, model.meta, target.name, (paths) => checkNotInputs('--to', paths, model.files));
      const summary = {
        from: { path, format: model.format },
        to: { path: opts.to, format: written.format, files: written.files },
        layers: net.sizes,
        activation: net.activation,
        output: net.output,
        labels: net.labels,
        ...(net.inputScale !== undefined ? { inputScale: net.inputScale } : {}),
        losses: written.losses,
      };
      for (const loss of written.losses) io.err(`nnlearn convert: note: ${loss}\n`);
      if (opts.json) {
        io.out(`${JSON.stringify(summary)}\n`);
        return;
      }
      io.out(`Read ${path} (${modelFormat(model.format).title}): ${net.sizes.join('-')}, ${net.activation} hidden units, ${net.output} output, ${net.labels} labels\n`);
      io.out(`Wrote ${written.files.join(' and ')} (${target.title})\n`);
    });
}
