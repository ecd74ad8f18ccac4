/**
 * The package as a user gets it: `npm pack`, installed into an empty project with no network, gives the `nnlearn`
 * command and the typed imports of both entry points ('nnlearn' and 'nnlearn/node').
 *
 * Offline: the empty project's node_modules links nnlearn's direct dependencies to the ones this repository
 * installed (npm checks that each satisfies nnlearn's range, and keeps them), and `npm install --offline` runs with
 * an empty cache of its own, so that anything it would fetch from the registry fails the test instead.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { repoRoot } from './helpers.js';

const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { name: string; version: string; dependencies: Record<string, string> };

/** The newest modification time under a folder (of .ts files), to tell whether dist/ is older than src/. */
function newest(dir: string): number {
  let t = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) t = Math.max(t, newest(p));
    else if (entry.name.endsWith('.ts')) t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
}

/** dist/ as src/ is now: built by `npm ci` (the prepare script) and rebuilt here only when a source is newer. */
function ensureBuilt(): void {
  let built = 0;
  try {
    built = statSync(join(repoRoot, 'dist', 'index.js')).mtimeMs;
  } catch {
    // not built yet
  }
  if (newest(join(repoRoot, 'src')) > built) {
    execFileSync(process.execPath, [join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: repoRoot, stdio: 'pipe' });
  }
}

/** Links each of nnlearn's dependencies in `consumer`/node_modules to the one installed here. */
function linkDependencies(consumer: string): void {
  for (const name of Object.keys(pkg.dependencies)) {
    const link = join(consumer, 'node_modules', name);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(join(repoRoot, 'node_modules', name), link, 'dir');
  }
}

const CONSUMER_TS = `
import { Network, readModel, writeModelFiles, MODEL_FORMAT_NAMES, type LoadedModel, type ModelFormatName } from 'nnlearn';
import { readModelFile, shippedDigits, writeModel } from 'nnlearn/node';

const data = shippedDigits('digits:test');
if (data === undefined) throw new Error('no shipped digits');
const net: Network = Network.random([data.X.cols, 8, data.numLabels], { seed: 1, labels: data.labels, output: 'softmax' });
net.train(data.X, data.y, { maxIter: 3 });
const format: ModelFormatName = 'onnx';
const written: { files: string[] } = writeModel('model.onnx', net, { note: 'from the consumer' }, format);
const back: LoadedModel = readModelFile(written.files[0]);
const again = readModel(writeModelFiles(back.network, 'json').files[0].bytes);
const names: readonly string[] = MODEL_FORMAT_NAMES;
// the types are real, not any: a string is not a number
// @ts-expect-error numLabels is a number
const wrong: string = again.network.numLabels;
console.log(JSON.stringify({ sizes: back.network.sizes, format: back.format, names, wrong: typeof wrong }));
`;

test('npm pack installs into an empty project offline: the nnlearn command and typed imports of both entry points', { timeout: 600_000 }, (t) => {
  ensureBuilt();
  const work = mkdtempSync(join(tmpdir(), 'nnlearn-pack-'));
  try {
    const npm = (args: string[], cwd: string) => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_update_notifier: 'false' } });
    const packed = JSON.parse(npm(['pack', '--ignore-scripts', '--json', '--pack-destination', work], repoRoot)) as { filename: string; files: { path: string }[] }[];
    const files = packed[0].files.map((f) => f.path);
    for (const needed of ['bin/nnlearn.js', 'dist/index.js', 'dist/index.d.ts', 'dist/node.d.ts', 'dist/cli/main.js', 'LICENSE', 'README.md', 'package.json']) {
      assert.ok(files.includes(needed), `the tarball has ${needed}`);
    }
    assert.ok(!files.some((f) => f.startsWith('test/') || f.startsWith('node_modules/')), 'no tests or dependencies in the tarball');
    t.diagnostic(`${packed[0].filename}: ${files.length} files`);

    const consumer = join(work, 'consumer');
    mkdirSync(consumer);
    const tarball = `../${packed[0].filename}`;
    writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    linkDependencies(consumer);
    npm(['install', '--offline', '--cache', join(work, 'empty-cache'), '--ignore-scripts', '--no-audit', '--no-fund', tarball], consumer);
    const installed = JSON.parse(readFileSync(join(consumer, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    assert.deepEqual(Object.keys(installed.dependencies), [pkg.name]);

    // the command
    const nnlearn = join(consumer, 'node_modules', '.bin', 'nnlearn');
    const run = (args: string[]) => execFileSync(nnlearn, args, { cwd: consumer, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    assert.equal(run(['--version']).trim(), pkg.version);
    assert.deepEqual((JSON.parse(run(['describe', '--layers', '400,25,10', '--json'])) as { parameters: number }).parameters, 10285);

    // the typed imports, checked by tsc with the library's declarations (skipLibCheck off), then run
    writeFileSync(join(consumer, 'main.ts'), CONSUMER_TS);
    writeFileSync(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          skipLibCheck: false,
          outDir: 'out',
          types: ['node'],
          typeRoots: [join(repoRoot, 'node_modules', '@types')],
        },
        files: ['main.ts'],
      }),
    );
    execFileSync(process.execPath, [join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { cwd: consumer, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const out = JSON.parse(execFileSync(process.execPath, ['out/main.js'], { cwd: consumer, encoding: 'utf8' })) as { sizes: number[]; format: string; names: string[] };
    assert.deepEqual(out, { sizes: [784, 8, 10], format: 'onnx', names: ['json', 'tfjs', 'onnx', 'mat'], wrong: 'number' });
    // and the command reads what the library wrote
    const predicted = JSON.parse(run(['predict', '--model', 'model.onnx', '--data', 'digits:test', '--json'])) as { examples: number };
    assert.equal(predicted.examples, 2000);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
