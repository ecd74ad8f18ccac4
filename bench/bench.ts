/**
 * `npm run bench`: the cost+gradient of the ex4 network (5000×400 data, 400-25-10, λ = 1) on every backend,
 * against the notebook's own NumPy code measured in the same run, and a whole training process (200 fmincg
 * iterations) against the same training by a NumPy/SciPy script (bench/peer/nn_numpy.py).
 *
 * Every configuration is checked against the reference before it is timed. Timings are reported, never
 * asserted. Options: --json, --reps N (evaluations timed per configuration, default 40), --iters N (default 200).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readMatFile } from '../src/data/files.js';
import { writeMat } from '../src/data/mat.js';
import { labelsToTargets } from '../src/data/labels.js';
import { Matrix } from '../src/linalg/matrix.js';
import { wasmFlavor } from '../src/linalg/wasm/instance.js';
import { costFunction } from '../src/nn/cost.js';
import { createEvaluator, type CostEvaluator } from '../src/nn/fast/evaluator.js';
import { createThreadedEvaluator, defaultThreads } from '../src/nn/fast/threads-node.js';
import { randInitializeNetwork } from '../src/nn/init.js';
import { paramCount, unrollParams } from '../src/nn/params.js';
import { Random } from '../src/random.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const json = argv.includes('--json');
const flag = (name: string, dflt: number) => {
  const i = argv.indexOf(name);
  return i >= 0 ? Number(argv[i + 1]) : dflt;
};
const reps = flag('--reps', 40);
const iters = flag('--iters', 200);
const log = (s: string) => {
  if (!json) process.stderr.write(`${s}\n`);
};

// ---- data: the rebuilt ex4 set, or generated data of the same shape and sparsity
const tmp = mkdtempSync(join(tmpdir(), 'nnlearn-bench-'));
const dataPath = resolve(root, '..', 'shared', 'data', 'ex4data1_reconstructed.mat');
const weightsPath = resolve(root, '..', 'shared', 'data', 'ex4weights.mat');
let X: Matrix;
let y: Float64Array;
let dataFile = dataPath;
let weightsFile = weightsPath;
let dataName = 'ex4data1_reconstructed.mat';
if (existsSync(dataPath) && existsSync(weightsPath)) {
  const d = readMatFile(dataPath);
  X = d.matrix('X');
  y = d.matrix('y').data;
} else {
  dataName = 'generated 5000×400, 52% zeros';
  const rng = new Random(1);
  X = rng.rand(5000, 400);
  for (let i = 0; i < X.data.length; i++) X.data[i] = X.data[i] < 0.52 ? 0 : X.data[i];
  y = Float64Array.from({ length: 5000 }, (_, i) => 1 + (i % 10));
  dataFile = join(tmp, 'data.mat');
  writeFileSync(dataFile, writeMat({ X, y: new Matrix(5000, 1, y) }));
  weightsFile = join(tmp, 'weights.mat');
  const [T1, T2] = randInitializeNetwork([400, 25, 10], { rng: 7 });
  writeFileSync(weightsFile, writeMat({ Theta1: T1, Theta2: T2 }));
}
const sizes = [400, 25, 10];
const w = readMatFile(weightsFile);
const params = unrollParams([w.matrix('Theta1'), w.matrix('Theta2')]);
const targets = labelsToTargets(y, 10, 'course');
const lambda = 1;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
function relNorm(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  let n = 0;
  for (let i = 0; i < b.length; i++) {
    d += (a[i] - b[i]) ** 2;
    n += b[i] ** 2;
  }
  return Math.sqrt(d / n);
}

// ---- the reference, then each fast configuration: checked, then timed
const ref = costFunction(sizes, params, X, targets, lambda);
interface Row {
  name: string;
  ms: number;
  costRelDiff: number;
  gradRelDiff: number;
}
const rows: Row[] = [];
function time(ev: CostEvaluator, n: number): number {
  const grad = new Float64Array(paramCount(sizes));
  for (let i = 0; i < 3; i++) ev.evaluate(params, lambda, grad);
  const ts: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    ev.evaluate(params, lambda, grad);
    ts.push(performance.now() - t);
  }
  return median(ts);
}
async function measure(name: string, make: () => CostEvaluator | Promise<CostEvaluator>, n: number, tol: number): Promise<void> {
  const ev = await make();
  const grad = new Float64Array(paramCount(sizes));
  const J = ev.evaluate(params, lambda, grad);
  const costRelDiff = Math.abs(J - ref.cost) / ref.cost;
  const gradRelDiff = relNorm(grad, ref.grad);
  if (!(costRelDiff <= tol && gradRelDiff <= tol)) {
    ev.close();
    throw new Error(`${name}: disagrees with the reference (cost ${costRelDiff}, gradient ${gradRelDiff}; allowed ${tol}); not timed`);
  }
  const ms = time(ev, n);
  ev.close();
  rows.push({ name, ms, costRelDiff, gradRelDiff });
  log(`${name.padEnd(28)} ${ms.toFixed(2).padStart(8)} ms`);
}

const cores = defaultThreads();
log(`data: ${dataName}; ${cpus()[0]?.model ?? 'unknown CPU'}, ${cores} cores, Node ${process.version}, wasm build: ${wasmFlavor()}`);
await measure('reference (TypeScript)', () => createEvaluator(sizes, X, targets, { backend: 'reference' }), Math.max(5, Math.floor(reps / 8)), 0);
for (const threads of [1, 2]) {
  for (const precision of ['f64', 'f32'] as const) {
    const name = `wasm ${precision}, ${threads} thread${threads > 1 ? 's' : ''}`;
    await measure(
      name,
      () => (threads === 1 ? createEvaluator(sizes, X, targets, { precision }) : createThreadedEvaluator(sizes, X, targets, threads, { precision })),
      reps,
      precision === 'f64' ? 1e-10 : 1e-4,
    );
  }
}

// ---- the NumPy peer, in the same run
function python(args: string[]): string | undefined {
  try {
    return execFileSync('python3', [join(root, 'bench', 'peer', 'nn_numpy.py'), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch {
    return undefined;
  }
}
let numpy: { notebook: number; tuned: number; cost: number; version: string } | undefined;
const version = (() => {
  try {
    return execFileSync('python3', ['-c', 'import numpy, scipy; print(numpy.__version__, scipy.__version__)'], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
})();
if (version !== undefined) {
  const out = python(['time', dataFile, weightsFile, String(reps)]);
  if (out !== undefined) {
    const r = JSON.parse(out) as { notebook: number; tuned: number; cost: number };
    numpy = { ...r, version };
    if (Math.abs(r.cost - ref.cost) / ref.cost > 1e-12) throw new Error(`the NumPy peer's cost ${r.cost} differs from ours ${ref.cost}`);
    log(`${'NumPy, the notebook’s code'.padEnd(28)} ${r.notebook.toFixed(2).padStart(8)} ms`);
    log(`${'NumPy, tuned'.padEnd(28)} ${r.tuned.toFixed(2).padStart(8)} ms`);
  }
} else {
  log('python3 with NumPy and SciPy not found: no peer measured');
}

// ---- end to end: the whole training process, from the same initial weights
const init = join(tmp, 'init.mat');
const [I1, I2] = randInitializeNetwork(sizes, { rng: 0 });
writeFileSync(init, writeMat({ Theta1: I1, Theta2: I2 }));
function wall(cmd: string, args: string[]): { seconds: number; stdout: string } {
  const t = performance.now();
  const r = spawnSync(cmd, args, { encoding: 'utf8', cwd: tmp });
  const seconds = (performance.now() - t) / 1000;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return { seconds, stdout: r.stdout };
}
const nnlearnArgs = [join(root, 'bin', 'nnlearn.js'), 'train', '--data', dataFile, '--init', init, '--max-iter', String(iters), '--lambda', '1', '--quiet', '--json', '--out', join(tmp, 'model.json')];
const runs = [0, 1, 2, 3, 4].map(() => wall('node', nnlearnArgs));
const ours = JSON.parse(runs[0].stdout) as { cost: number; costHistory: number[] };
const oursSeconds = median(runs.map((r) => r.seconds));
log(`${`nnlearn train, ${iters} iterations`.padEnd(28)} ${oursSeconds.toFixed(2).padStart(8)} s (process), final cost ${ours.cost.toFixed(6)}`);
let peerTrain: { seconds: number; cost: number; history50: number } | undefined;
if (version !== undefined) {
  const pruns = [0, 1, 2, 3, 4].map(() => wall('python3', [join(root, 'bench', 'peer', 'nn_numpy.py'), 'train', dataFile, init, String(iters)]));
  const theirs = JSON.parse(pruns[0].stdout) as { cost: number; costHistory: number[] };
  let history50 = 0;
  for (let i = 0; i < Math.min(50, theirs.costHistory.length, ours.costHistory.length); i++) {
    history50 = Math.max(history50, Math.abs(ours.costHistory[i] - theirs.costHistory[i]) / theirs.costHistory[i]);
  }
  peerTrain = { seconds: median(pruns.map((r) => r.seconds)), cost: theirs.cost, history50 };
  log(`${`NumPy/SciPy script, ${iters} it.`.padEnd(28)} ${peerTrain.seconds.toFixed(2).padStart(8)} s (process), final cost ${theirs.cost.toFixed(6)}`);
}

// ---- report
const np = numpy?.notebook;
const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${cores} cores; Node ${process.version}; wasm build ${wasmFlavor()}${numpy ? `; NumPy/SciPy ${numpy.version}` : ''}`;
if (json) {
  process.stdout.write(
    `${JSON.stringify({
      machine,
      data: dataName,
      evaluations: rows.map((r) => ({ ...r, ratioToNumpy: np ? r.ms / np : null })),
      numpy: numpy ?? null,
      endToEnd: {
        iterations: iters,
        nnlearnSeconds: oursSeconds,
        nnlearnCost: ours.cost,
        numpySeconds: peerTrain?.seconds ?? null,
        numpyCost: peerTrain?.cost ?? null,
        ratio: peerTrain ? oursSeconds / peerTrain.seconds : null,
        finalCostRelDiff: peerTrain ? Math.abs(ours.cost - peerTrain.cost) / peerTrain.cost : null,
        first50MaxRelDiff: peerTrain?.history50 ?? null,
      },
    })}\n`,
  );
} else {
  const lines = [
    `Cost and gradient of the ex4 network (${dataName}, 400-25-10, λ = 1); ${machine}`,
    '',
    '| configuration | ms per evaluation | × NumPy (notebook) | agreement with the reference |',
    '| --- | ---: | ---: | --- |',
    ...rows.map(
      (r) =>
        `| ${r.name} | ${r.ms.toFixed(2)} | ${np ? (r.ms / np).toFixed(2) : '–'} | cost ${r.costRelDiff.toExponential(1)}, gradient ${r.gradRelDiff.toExponential(1)} |`,
    ),
    ...(numpy
      ? [
          `| NumPy, the notebook’s code | ${numpy.notebook.toFixed(2)} | 1.00 | (peer) |`,
          `| NumPy, tuned (z2 once, no copies) | ${numpy.tuned.toFixed(2)} | ${(numpy.tuned / numpy.notebook).toFixed(2)} | (peer) |`,
        ]
      : []),
    '',
    `Whole process, ${iters} fmincg iterations from the same initial weights:`,
    '',
    '| process | seconds | final cost |',
    '| --- | ---: | ---: |',
    `| nnlearn train | ${oursSeconds.toFixed(2)} | ${ours.cost.toFixed(6)} |`,
    ...(peerTrain ? [`| NumPy/SciPy script (nn_numpy.py) | ${peerTrain.seconds.toFixed(2)} | ${peerTrain.cost.toFixed(6)} |`] : []),
    ...(peerTrain
      ? [
          '',
          `ratio ${(oursSeconds / peerTrain.seconds).toFixed(2)}; final costs differ by ${(Math.abs(ours.cost - peerTrain.cost) / peerTrain.cost).toExponential(1)} (relative); the first 50 costs by at most ${peerTrain.history50.toExponential(1)}`,
        ]
      : []),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
