/**
 * The built page for the browser tests and the page probe: Vite's build of web/ into a temporary folder with the
 * model `npm run web:model` ships (784-64-10 ReLU/softmax, Adam, 25 epochs on digits:train; trained here the same
 * way) and the page's data (scripts/web-data.mjs), as `npm run build:web` makes web/dist.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { Network } from '../../src/nn/network.js';
import { modelToJson } from '../../src/nn/model.js';
import { shippedDigits } from '../../src/data/shipped-digits.js';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const CHROMIUM = '/usr/bin/chromium';
export const chromiumSkip = existsSync(CHROMIUM) ? false : `needs ${CHROMIUM} (Debian's chromium; .ci/run installs it)`;

export async function buildPage(out = mkdtempSync(join(tmpdir(), 'nnlearn-web-'))): Promise<string> {
  const train = shippedDigits('digits:train');
  if (train === undefined) throw new Error('the shipped digits are missing');
  const net = Network.random([784, 64, 10], { activation: 'relu', output: 'softmax', labels: 'zero-based', image: train.image, seed: 0 });
  const result = net.train(train.X, train.y, { optimizer: 'adam', batchSize: 64, maxIter: 25, lambda: 1, learningRate: 0.002, batchSeed: 0 });
  await build({ configFile: join(root, 'web', 'vite.config.ts'), logLevel: 'error', build: { outDir: out, emptyOutDir: true } });
  const meta = { data: 'digits:train', lambda: 1, maxIter: 25, optimizer: 'adam', trainAccuracy: result.trainAccuracy, costHistory: result.costHistory };
  writeFileSync(join(out, 'model.json'), JSON.stringify(modelToJson(net, meta)));
  // the page's digits, the model compressed, the sample digit
  execFileSync('node', [join(root, 'scripts', 'web-data.mjs')], { env: { ...process.env, NNLEARN_WEB_OUT: out }, stdio: 'ignore' });
  return out;
}
