// Writes the page's data into web/public (or $NNLEARN_WEB_OUT), compressed, for any static server to send as is:
//   digits.bin.gz  5,000 training and 1,000 test digits of the shipped set (the first of digits:train and
//                  digits:test): two uint32 counts, then 28×28 pixels as bytes (intensity·255, rounded), then the
//                  labels as bytes; gzip (0.98 MB instead of 4.7 MB). Fetched only when training or "See inside"
//                  needs it.
//   model.json.gz  the model that `npm run web:model` trained (model.json, the CLI's format), gzip (0.5 MB
//                  instead of 1.1 MB); model.json itself is removed, so that the page ships one copy.
//   sample.json    one digit (the first test digit) that the page reads as soon as it opens.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { shippedDigits } from '../dist/data/shipped-digits.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = process.env.NNLEARN_WEB_OUT ?? join(root, 'web', 'public');
mkdirSync(out, { recursive: true });
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
const digits = gzipSync(bytes, { level: 9 });
writeFileSync(join(out, 'digits.bin.gz'), digits);
rmSync(join(out, 'digits.bin'), { force: true });

const model = join(out, 'model.json');
if (existsSync(model)) {
  const gz = gzipSync(readFileSync(model), { level: 9 });
  writeFileSync(join(out, 'model.json.gz'), gz);
  rmSync(model);
  console.log(`web-data: model.json -> model.json.gz (${gz.length} bytes)`);
} else if (!existsSync(join(out, 'model.json.gz'))) {
  console.warn(`web-data: no model.json in ${out}; the page needs model.json.gz (npm run web:model trains it)`);
}

// a sample digit the page shows (and reads) as soon as it opens: the first test digit
const sample = { label: test.y[0], pixels: Array.from(test.X.data.subarray(0, 784), (v) => Math.round(v * 255)) };
writeFileSync(join(out, 'sample.json'), JSON.stringify(sample));
console.log(`web-data: ${nTrain} + ${nTest} digits -> ${join(out, 'digits.bin.gz')} (${digits.length} bytes, ${bytes.length} inflated), and sample.json`);
