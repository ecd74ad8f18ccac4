/**
 * `npm run bench:defaults`: every optimizer with no setting but its name, as a new user runs it: on the shipped
 * digits (the default network, 784-25-10) and, when ../shared/data/mnist is there, on full MNIST with the command a
 * Keras user types first (`--hidden 300 --output softmax --optimizer adam`, with sigmoid and with ReLU units).
 * Prints the test accuracy, the settings in force and the time, as a Markdown table for the README.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OPTIMIZERS } from '../src/optim/registry.js';
import { machine } from './machine.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const mnist = resolve(root, '..', 'shared', 'data', 'mnist');
const tmp = mkdtempSync(join(tmpdir(), 'nnlearn-defaults-'));
const onlyDigits = process.argv.includes('--digits');

interface Row {
  data: string;
  command: string;
  settings: string;
  testAccuracy: number;
  seconds: number;
}

function train(data: string, args: string[]): Row {
  const t = performance.now();
  const r = spawnSync(process.execPath, [join(root, 'bin', 'nnlearn.js'), 'train', ...args, '--out', join(tmp, 'm.json'), '--json', '--quiet'], { encoding: 'utf8' });
  const seconds = (performance.now() - t) / 1000;
  if (r.status !== 0) throw new Error(`nnlearn train ${args.join(' ')}: ${r.stderr}`);
  const s = JSON.parse(r.stdout) as { testAccuracy: number; settings: { summary: string; lambda: number } };
  const shown = args.filter((a) => !a.includes('/shared/data/mnist'));
  process.stderr.write(`${data}: ${shown.join(' ')}: ${s.testAccuracy.toFixed(2)}% in ${seconds.toFixed(1)} s\n`);
  return { data, command: shown.join(' '), settings: `${s.settings.summary}, λ ${s.settings.lambda}`, testAccuracy: s.testAccuracy, seconds };
}

const rows: Row[] = [];
for (const o of OPTIMIZERS) rows.push(train('shipped digits', ['--optimizer', o]));
if (!onlyDigits && existsSync(join(mnist, 'train-images-idx3-ubyte.gz'))) {
  const files = ['--data', join(mnist, 'train-images-idx3-ubyte.gz'), '--test', join(mnist, 't10k-images-idx3-ubyte.gz')];
  rows.push(train('MNIST', [...files, '--hidden', '300', '--output', 'softmax', '--optimizer', 'adam']));
  rows.push(train('MNIST', [...files, '--hidden', '300', '--output', 'softmax', '--optimizer', 'adam', '--activation', 'relu']));
  for (const o of OPTIMIZERS) rows.push(train('MNIST', [...files, '--optimizer', o]));
}

const host = machine();
console.log(`Measured ${host.date.slice(0, 10)} on ${host.cpu} (${host.cores} cores), Node ${host.node}; whole \`nnlearn train\` processes\n`);
console.log('| data | flags | settings in force | test accuracy | seconds |');
console.log('| --- | --- | --- | ---: | ---: |');
for (const r of rows) console.log(`| ${r.data} | \`${r.command}\` | ${r.settings} | ${r.testAccuracy.toFixed(2)}% | ${r.seconds.toFixed(1)} |`);
