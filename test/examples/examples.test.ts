/**
 * The examples run as a user runs them (`npx tsx examples/…`), and every TypeScript snippet in the README's
 * Library section is part of one of them, so that what the README shows is code that runs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, shared } from '../helpers.js';

const ex4 = shared('ex4data1_reconstructed.mat');
const weights = shared('ex4weights.mat');
const mnist = shared('mnist/train-images-idx3-ubyte.gz');

function runExample(name: string, args: string[]): string {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join('examples', name), ...args], { cwd: repoRoot, encoding: 'utf8' });
  assert.equal(r.status, 0, `${name}: ${r.stderr}`);
  return r.stdout;
}

test('examples/course-steps.ts prints the course’s numbers', { skip: ex4.skip || weights.skip, timeout: 300_000 }, () => {
  const out = runExample('course-steps.ts', [ex4.path, weights.path]);
  assert.match(out, /lambda = 0: 0\.287653\n/);
  assert.match(out, /lambda = 1: 0\.383794\n/);
  assert.match(out, /Accuracy of the given weights: 97\.52%/);
  assert.match(out, /Sigmoid gradient: 0\.19661193 0\.23500371 0\.25000000 0\.23500371 0\.19661193/);
  assert.match(out, /Initial Theta1 is 25×401/);
  assert.match(out, /lambda = 0: relative difference 2\.40441e-11/);
  const acc = Number(/Training Set Accuracy: ([\d.]+)%/.exec(out)?.[1]);
  assert.ok(acc > 94 && acc < 97, `training accuracy ${acc}`);
});

test('examples/mnist-idx.ts trains on MNIST from its IDX files', { skip: mnist.skip, timeout: 300_000 }, () => {
  const out = runExample('mnist-idx.ts', [join(shared('mnist').path), '1', '6000']);
  assert.match(out, /Trained with adam, batch 32, α 0\.001, 1 epochs, λ = 1/);
  const acc = Number(/Test Set Accuracy: ([\d.]+)% \(10000 images\)/.exec(out)?.[1]);
  assert.ok(acc > 85, `test accuracy ${acc}`);
});

test('examples/custom-network.ts trains, saves and reads back a model', { timeout: 300_000 }, () => {
  const out = runExample('custom-network.ts', [join(mkdtempSync(join(tmpdir(), 'nnlearn-example-')), 'model.json')]);
  assert.match(out, /784-64-32-10 \(tanh, softmax\): 5 epochs/);
  const acc = Number(/Test Set Accuracy: ([\d.]+)%/.exec(out)?.[1]);
  assert.ok(acc > 88, `test accuracy ${acc}`);
  assert.match(out, /it predicts the same labels/);
});

test('every TypeScript snippet in the README’s Library section is code from examples/', () => {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const library = readme.slice(readme.indexOf('\n## Library'), readme.indexOf('\n## ', readme.indexOf('\n## Library') + 1));
  const snippets = [...library.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
  assert.ok(snippets.length >= 3, `the Library section shows ${snippets.length} snippets`);
  const squash = (s: string) => s.replace(/\s+/g, ' ').trim();
  const examples = readdirSync(join(repoRoot, 'examples')).map((f) => squash(readFileSync(join(repoRoot, 'examples', f), 'utf8')));
  for (const snippet of snippets) {
    // a snippet may leave lines out ("// …"): each of its runs of lines must appear in one example, in order
    const parts = snippet.split(/^\s*\/\/ ….*$/m).map(squash).filter((p) => p !== '');
    assert.ok(
      examples.some((e) => {
        let from = 0;
        return parts.every((p) => (from = e.indexOf(p, from)) >= 0);
      }),
      `README snippet not found in examples/:\n${snippet}`,
    );
  }
});
