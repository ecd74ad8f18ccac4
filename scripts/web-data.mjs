// Writes web/public/digits.bin for the page: 5,000 training and 1,000 test digits of the shipped set (the first of
// digits:train and digits:test), 28×28 pixels as bytes (intensity·255, rounded) after a header of two uint32
// counts, then the labels as bytes. A compact stand-in for the mnist package's 21 MB of JSON. Also sample.json: one
// digit the page reads as soon as it opens.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { shippedDigits } from '../dist/data/shipped-digits.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const train = shippedDigits('digits:train');
const test = shippedDigits('digits:test');
const nTrain = 5000;
const nTest = 1000;
const bytes = new Uint8Array(8 + (nTrain + nTest) * 785);
const view = new DataView(bytes.buffer);
view.setUint32(0, nTrain, true);
view.setUint32(4, nTest, true);
let o = 8;
for (const [set, n] of [[train, nTrain], [test, nTest]]) {
  for (let i = 0; i < n * 784; i++) bytes[o++] = Math.round(set.X.data[i] * 255);
}
for (const [set, n] of [[train, nTrain], [test, nTest]]) for (let i = 0; i < n; i++) bytes[o++] = set.y[i];
const out = join(process.env.NNLEARN_WEB_OUT ?? join(root, 'web', 'public'), 'digits.bin');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, bytes);
// a sample digit the page shows (and reads) as soon as it opens: the first test digit
const sample = { label: test.y[0], pixels: Array.from(test.X.data.subarray(0, 784), (v) => Math.round(v * 255)) };
writeFileSync(join(dirname(out), 'sample.json'), JSON.stringify(sample));
console.log(`web-data: ${nTrain} + ${nTest} digits -> ${out} (${bytes.length} bytes), and sample.json`);
