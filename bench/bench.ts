/**
 * `npm run bench`: nnlearn against the tools a user would pick instead, measured side by side in one run, on this
 * machine (named in the report with the date, the load and the peers' versions).
 *
 * 1. The ex4 network's cost and gradient (5000×400 data, 400-25-10 sigmoid, λ = 1) on every fast configuration,
 *    each first checked against the float64 reference, timed in rounds that alternate with two NumPy peers kept
 *    running beside it: the notebook's literal code, and the code a NumPy user who hoists the loop invariants
 *    would write ([1 X] and Y built once), with OpenBLAS free to choose its kernels for this CPU. Each
 *    configuration's bound (its multiply-adds at the machine's measured SIMD rate) is stated beside it.
 * 2. The whole `nnlearn train --max-iter 200` process (ex4, the same initial weights) against a NumPy/SciPy script
 *    doing the same training (fmincg on the hoisted cost), alternately.
 * 3. Full MNIST (where ../shared/data/mnist holds the four .gz files), the recipe 784-300-10, ReLU, softmax, Adam,
 *    batch 128, λ = 2 on the weights only, against PyTorch on the CPU with the same recipe where
 *    `/usr/bin/python3 -c "import torch"` works: the whole process (reading the .gz files included), the time per
 *    epoch, and the time to 98% test accuracy.
 *
 * Timings are reported, never asserted. Options: --json; --rounds N (default 5); --reps N (evaluations per
 * timing, default 30); --iters N (default 200); --epochs N (MNIST, default 10); --precision f32|f64 (MNIST's,
 * default f32); --no-mnist; --quick (fewer rounds and epochs, to try the bench itself).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { readMatFile } from '../src/data/files.js';
import { writeMat } from '../src/data/mat.js';
import { labelsToTargets } from '../src/data/labels.js';
import { Matrix } from '../src/linalg/matrix.js';
import { wasmFlavor } from '../src/linalg/wasm/instance.js';
import { costFunction } from '../src/nn/cost.js';
import { createEvaluator, type CostEvaluator } from '../src/nn/fast/evaluator.js';
import { createThreadedEvaluator } from '../src/nn/fast/threads-node.js';
import { randInitializeNetwork } from '../src/nn/init.js';
import { paramCount, unrollParams } from '../src/nn/params.js';
import { Random } from '../src/random.js';
import { boundSeconds, multiplyAdds, peakRate } from './bound.js';
import { load, machine, peerEnv, peers } from './machine.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const json = argv.includes('--json');
const quick = argv.includes('--quick');
const flag = (name: string, dflt: number) => {
  const i = argv.indexOf(name);
  return i >= 0 ? Number(argv[i + 1]) : dflt;
};
const rounds = flag('--rounds', quick ? 2 : 5);
const reps = flag('--reps', quick ? 10 : 30);
const iters = flag('--iters', 200);
const epochs = flag('--epochs', quick ? 2 : 10);
const mnistPrecision = argv.includes('--precision') ? argv[argv.indexOf('--precision') + 1] : 'f32';
const log = (s: string) => {
  if (!json) process.stderr.write(`${s}\n`);
};
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const h = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[h] : (s[h - 1] + s[h]) / 2;
};
const relNorm = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let d = 0;
  let n = 0;
  for (let i = 0; i < b.length; i++) {
    d += (a[i] - b[i]) ** 2;
    n += b[i] ** 2;
  }
  return Math.sqrt(d / n);
};
const numpyScript = join(root, 'bench', 'peer', 'nn_numpy.py');
const torchScript = join(root, 'bench', 'peer', 'mnist_torch.py');
const bin = join(root, 'bin', 'nnlearn.js');

// ---- the machine, the peers, and this machine's SIMD rate
const host = machine();
const loadBefore = load();
const { env, removed } = peerEnv();
const peer = peers(numpyScript, env);
const rate = await peakRate(root);
log(`${host.cpu} (${host.simd}), ${host.cores} cores; ${host.date}; load ${loadBefore.toFixed(2)}`);
log(`Node ${host.node}, wasm build ${wasmFlavor()}; peers: ${peer.numpy ? `NumPy ${peer.numpy.numpy} (${peer.numpy.blas})` : 'no NumPy'}, ${peer.torch ? `PyTorch ${peer.torch}` : 'no PyTorch'}`);
log(`SIMD rate per thread: ${(rate.f64x2 / 1e9).toFixed(2)} G f64x2 and ${(rate.f32x4 / 1e9).toFixed(2)} G f32x4 multiply-adds/s`);

// ---- 1. ex4: data (the rebuilt ex4 set, or generated data of its shape and sparsity) and the reference
const tmp = mkdtempSync(join(tmpdir(), 'nnlearn-bench-'));
const shared = resolve(root, '..', 'shared', 'data');
let dataFile = join(shared, 'ex4data1_reconstructed.mat');
let weightsFile = join(shared, 'ex4weights.mat');
let dataName = 'ex4data1_reconstructed.mat';
let X: Matrix;
let y: Float64Array;
if (existsSync(dataFile) && existsSync(weightsFile)) {
  const d = readMatFile(dataFile);
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
const ref = costFunction(sizes, params, X, targets, lambda);
let nnz = 0;
for (const v of X.data) if (v !== 0) nnz++;
const work = multiplyAdds(sizes, X.rows, nnz);

interface Config {
  name: string;
  threads: number;
  precision: 'f64' | 'f32';
  ev: CostEvaluator;
  tol: number;
  times: number[];
  costRelDiff: number;
  gradRelDiff: number;
}
const configs: Config[] = [];
for (const threads of [1, 2]) {
  for (const precision of ['f64', 'f32'] as const) {
    const ev = threads === 1 ? createEvaluator(sizes, X, targets, { precision }) : await createThreadedEvaluator(sizes, X, targets, threads, { precision });
    const grad = new Float64Array(paramCount(sizes));
    const J = ev.evaluate(params, lambda, grad);
    const c: Config = { name: `wasm ${precision}, ${threads} thread${threads > 1 ? 's' : ''}`, threads, precision, ev, tol: precision === 'f64' ? 1e-10 : 1e-4, times: [], costRelDiff: Math.abs(J - ref.cost) / ref.cost, gradRelDiff: relNorm(grad, ref.grad) };
    if (!(c.costRelDiff <= c.tol && c.gradRelDiff <= c.tol)) throw new Error(`${c.name}: disagrees with the reference (cost ${c.costRelDiff}, gradient ${c.gradRelDiff}; allowed ${c.tol}); not timed`);
    configs.push(c);
  }
}
const referenceEv = createEvaluator(sizes, X, targets, { backend: 'reference' });
function timeEvaluator(ev: CostEvaluator, n: number): number {
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

/** The NumPy peer, kept running: each request times n evaluations of one variant and answers the median. */
class NumpyPeer {
  private readonly child = spawn('python3', [numpyScript, 'serve', dataFile, weightsFile], { env, stdio: ['pipe', 'pipe', 'inherit'] });
  private readonly lines = createInterface({ input: this.child.stdout })[Symbol.asyncIterator]();
  async next(): Promise<Record<string, number | boolean>> {
    const r = await this.lines.next();
    if (r.done) throw new Error('the NumPy peer stopped');
    return JSON.parse(r.value as string) as Record<string, number | boolean>;
  }
  async time(variant: 'notebook' | 'tuned', n: number): Promise<number> {
    this.child.stdin.write(`${variant} ${n}\n`);
    return (await this.next()).ms as number;
  }
  close(): void {
    this.child.stdin.end();
    this.child.kill();
  }
}
let numpy: NumpyPeer | undefined;
let numpyCost: number | undefined;
if (peer.numpy !== undefined) {
  numpy = new NumpyPeer();
  const hello = await numpy.next();
  numpyCost = hello.cost as number;
  if (Math.abs(numpyCost - ref.cost) / ref.cost > 1e-12) throw new Error(`the NumPy peer's cost ${numpyCost} differs from the reference ${ref.cost}`);
}
const numpyTimes = { notebook: [] as number[], tuned: [] as number[] };
const referenceMs = timeEvaluator(referenceEv, Math.max(3, Math.floor(reps / 6)));
for (let r = 0; r < rounds; r++) {
  for (const c of configs) c.times.push(timeEvaluator(c.ev, reps));
  if (numpy !== undefined) {
    numpyTimes.tuned.push(await numpy.time('tuned', reps));
    numpyTimes.notebook.push(await numpy.time('notebook', reps));
  }
  log(`round ${r + 1}/${rounds}: ${configs.map((c) => `${c.name} ${c.times[r].toFixed(2)}`).join(', ')}${numpy ? `; NumPy tuned ${numpyTimes.tuned[r].toFixed(2)}, notebook ${numpyTimes.notebook[r].toFixed(2)}` : ''} ms`);
}
numpy?.close();
for (const c of configs) c.ev.close();
const tunedMs = numpy ? median(numpyTimes.tuned) : undefined;
const notebookMs = numpy ? median(numpyTimes.notebook) : undefined;
const evaluations = configs.map((c) => {
  const ms = median(c.times);
  const boundMs = 1000 * boundSeconds(work, c.precision, c.threads, rate);
  return { name: c.name, ms, boundMs, ofBound: boundMs / ms, vsTuned: tunedMs ? ms / tunedMs : null, vsNotebook: notebookMs ? ms / notebookMs : null, costRelDiff: c.costRelDiff, gradRelDiff: c.gradRelDiff };
});

// ---- 2. ex4: the whole training process, alternately with the NumPy/SciPy script
const init = join(tmp, 'init.mat');
const [I1, I2] = randInitializeNetwork(sizes, { rng: 0 });
writeFileSync(init, writeMat({ Theta1: I1, Theta2: I2 }));
function wall(cmd: string, args: string[], childEnv: NodeJS.ProcessEnv = process.env, cwd = tmp): { seconds: number; stdout: string } {
  const t = performance.now();
  const r = spawnSync(cmd, args, { encoding: 'utf8', cwd, env: childEnv, maxBuffer: 64 * 2 ** 20 });
  const seconds = (performance.now() - t) / 1000;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return { seconds, stdout: r.stdout };
}
const trainArgs = [bin, 'train', '--data', dataFile, '--init', init, '--max-iter', String(iters), '--lambda', '1', '--quiet', '--json', '--out', join(tmp, 'model.json')];
const ourRuns: number[] = [];
const peerRuns: number[] = [];
let ours: { cost: number; costHistory: number[] } | undefined;
let theirs: { cost: number; costHistory: number[] } | undefined;
for (let r = 0; r < rounds; r++) {
  const a = wall('node', trainArgs);
  ourRuns.push(a.seconds);
  ours ??= JSON.parse(a.stdout) as { cost: number; costHistory: number[] };
  if (peer.numpy !== undefined) {
    const b = wall('python3', [numpyScript, 'train', dataFile, init, String(iters)], env);
    peerRuns.push(b.seconds);
    theirs ??= JSON.parse(b.stdout) as { cost: number; costHistory: number[] };
  }
  log(`train round ${r + 1}/${rounds}: nnlearn ${a.seconds.toFixed(2)} s${peerRuns.length > r ? `, NumPy/SciPy ${peerRuns[r].toFixed(2)} s` : ''}`);
}
let history50 = 0;
if (ours !== undefined && theirs !== undefined) {
  for (let i = 0; i < Math.min(50, theirs.costHistory.length, ours.costHistory.length); i++) {
    history50 = Math.max(history50, Math.abs(ours.costHistory[i] - theirs.costHistory[i]) / theirs.costHistory[i]);
  }
}
const endToEnd = {
  iterations: iters,
  nnlearnSeconds: median(ourRuns),
  nnlearnCost: ours?.cost ?? NaN,
  numpySeconds: peerRuns.length > 0 ? median(peerRuns) : null,
  numpyCost: theirs?.cost ?? null,
  first50MaxRelDiff: theirs ? history50 : null,
};

// ---- 3. full MNIST against PyTorch
interface MnistSide {
  wholeSeconds: number[];
  wholeAccuracy: number;
  epochSeconds: number[];
  testAccuracy: number[];
  readSeconds: number;
}
const mnistDir = join(shared, 'mnist');
const mnistFiles = ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'];
const haveMnist = !argv.includes('--no-mnist') && mnistFiles.every((f) => existsSync(join(mnistDir, f)));
/** The documented command: whole MNIST with the recipe, through the CLI. */
const mnistCommand = [
  'train', '--data', join(mnistDir, mnistFiles[0]), '--test', join(mnistDir, mnistFiles[2]), '--hidden', '300', '--activation', 'relu', '--output', 'softmax',
  '--optimizer', 'adam', '--batch-size', '128', '--lambda', '2', '--max-iter', String(epochs), '--precision', mnistPrecision, '--threads', '2',
];
let mnist: { nnlearn: MnistSide; torch?: MnistSide; command: string } | undefined;
// PyTorch (Debian's build) keeps this environment: its older OpenBLAS does not know every new CPU, and left to
// choose it may fall back to generic kernels (several times slower); a setting that suits it is its best.
const torchEnv = process.env;
if (haveMnist) {
  const ourSide: MnistSide = { wholeSeconds: [], wholeAccuracy: NaN, epochSeconds: [], testAccuracy: [], readSeconds: NaN };
  const torchSide: MnistSide | undefined = peer.torch ? { wholeSeconds: [], wholeAccuracy: NaN, epochSeconds: [], testAccuracy: [], readSeconds: NaN } : undefined;
  const mnistRounds = quick ? 1 : 2;
  for (let r = 0; r < mnistRounds; r++) {
    const a = wall('node', [bin, ...mnistCommand, '--quiet', '--json', '--out', join(tmp, 'mnist.json')]);
    ourSide.wholeSeconds.push(a.seconds);
    ourSide.wholeAccuracy = (JSON.parse(a.stdout) as { testAccuracy: number }).testAccuracy;
    if (torchSide !== undefined) {
      const b = wall('/usr/bin/python3', [torchScript, mnistDir, String(epochs), '2'], torchEnv);
      torchSide.wholeSeconds.push(b.seconds);
      torchSide.wholeAccuracy = (JSON.parse(b.stdout) as { testAccuracy: number[] }).testAccuracy[0];
    }
    log(`MNIST whole process ${r + 1}/${mnistRounds}: nnlearn ${a.seconds.toFixed(1)} s${torchSide ? `, PyTorch ${torchSide.wholeSeconds[r].toFixed(1)} s` : ''}`);
  }
  // per epoch, with the test accuracy after each (not counted in the epochs' times)
  const a = JSON.parse(wall('node', ['--import', 'tsx', join(root, 'bench', 'mnist.ts'), mnistDir, String(epochs), '2', mnistPrecision], process.env, root).stdout) as MnistSide;
  Object.assign(ourSide, { epochSeconds: a.epochSeconds, testAccuracy: a.testAccuracy, readSeconds: a.readSeconds });
  if (torchSide !== undefined) {
    const b = JSON.parse(wall('/usr/bin/python3', [torchScript, mnistDir, String(epochs), '2', '--every-epoch'], torchEnv).stdout) as MnistSide;
    Object.assign(torchSide, { epochSeconds: b.epochSeconds, testAccuracy: b.testAccuracy, readSeconds: b.readSeconds });
  }
  mnist = { nnlearn: ourSide, torch: torchSide, command: `nnlearn ${mnistCommand.join(' ').replaceAll(mnistDir, 'mnist')}` };
}
const loadAfter = load();

// ---- report
const to98 = (s: MnistSide) => {
  const e = s.testAccuracy.findIndex((a) => a >= 98);
  return e < 0 ? null : { epochs: e + 1, seconds: s.epochSeconds.slice(0, e + 1).reduce((x, y) => x + y, 0) };
};
const report = {
  machine: { ...host, load: [loadBefore, loadAfter], wasm: wasmFlavor(), simdRate: rate },
  peers: { ...peer, environmentRemoved: removed },
  data: dataName,
  referenceMs,
  numpy: numpy ? { notebookMs, tunedMs } : null,
  evaluations,
  endToEnd,
  mnist: mnist
    ? {
        command: mnist.command,
        epochs,
        precision: mnistPrecision,
        nnlearn: { ...mnist.nnlearn, wholeMedian: median(mnist.nnlearn.wholeSeconds), to98: to98(mnist.nnlearn) },
        torch: mnist.torch ? { ...mnist.torch, wholeMedian: median(mnist.torch.wholeSeconds), to98: to98(mnist.torch) } : null,
      }
    : null,
};
if (json) {
  process.stdout.write(`${JSON.stringify(report)}\n`);
} else {
  const f = (x: number | null | undefined, d = 2) => (x === null || x === undefined || Number.isNaN(x) ? '–' : x.toFixed(d));
  const lines = [
    `Measured ${host.date} on ${host.cpu} (${host.simd}), ${host.cores} cores, ${host.memoryGiB} GiB; load average ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after.`,
    `Node ${host.node} (V8 ${host.v8}), wasm build ${wasmFlavor()}; ${peer.numpy ? `NumPy ${peer.numpy.numpy}, SciPy ${peer.numpy.scipy} (${peer.numpy.blas}), Python ${peer.numpy.python}` : 'no NumPy peer'}; ${peer.torch ? `PyTorch ${peer.torch} (CPU, with ${peer.torchBlas})` : 'no PyTorch peer'}.`,
    `The peers ran with ${removed.length > 0 ? `${removed.join(' and ')} removed from their environment (OpenBLAS picks its own kernels)` : 'OpenBLAS choosing its own kernels'}. SIMD multiply-add rate per thread, measured: ${f(rate.f64x2 / 1e9)} G f64x2/s, ${f(rate.f32x4 / 1e9)} G f32x4/s.`,
    '',
    `Cost and gradient of the ex4 network (${dataName}, 400-25-10, λ = 1; ${nnz} non-zeros, ${(work.first + work.rest) / 1e6} M multiply-adds), median of ${rounds} rounds of ${reps}, alternating with NumPy:`,
    '',
    '| configuration | ms | × NumPy (hoisted) | × NumPy (notebook) | bound ms | of bound | agreement with the reference |',
    '| --- | ---: | ---: | ---: | ---: | ---: | --- |',
    ...evaluations.map((e) => `| ${e.name} | ${f(e.ms)} | ${f(e.vsTuned)} | ${f(e.vsNotebook)} | ${f(e.boundMs)} | ${(100 * e.ofBound).toFixed(0)}% | cost ${e.costRelDiff.toExponential(1)}, gradient ${e.gradRelDiff.toExponential(1)} |`),
    ...(numpy ? [`| NumPy f64, hoisted ([1 X] and Y once) | ${f(tunedMs)} | 1.00 | ${f(tunedMs! / notebookMs!)} | | | (peer) |`, `| NumPy f64, the notebook’s code | ${f(notebookMs)} | ${f(notebookMs! / tunedMs!)} | 1.00 | | | (peer) |`] : []),
    `| reference (TypeScript, 1 thread) | ${f(referenceMs)} | ${f(tunedMs ? referenceMs / tunedMs : null)} | ${f(notebookMs ? referenceMs / notebookMs : null)} | | | (the reference) |`,
    '',
    `Whole process, ${iters} fmincg iterations from the same initial weights, median of ${rounds} runs each, alternating:`,
    '',
    '| process | seconds | final cost |',
    '| --- | ---: | ---: |',
    `| nnlearn train | ${f(endToEnd.nnlearnSeconds)} | ${f(endToEnd.nnlearnCost, 6)} |`,
    ...(endToEnd.numpySeconds !== null ? [`| NumPy/SciPy script (bench/peer/nn_numpy.py, hoisted cost) | ${f(endToEnd.numpySeconds)} | ${f(endToEnd.numpyCost, 6)} |`] : []),
    ...(endToEnd.numpySeconds !== null ? ['', `ratio ${f(endToEnd.nnlearnSeconds / endToEnd.numpySeconds)}; the first 50 costs differ by at most ${(endToEnd.first50MaxRelDiff ?? NaN).toExponential(1)} (relative)`] : []),
  ];
  if (report.mnist !== null) {
    const m = report.mnist;
    const row = (name: string, s: typeof m.nnlearn) =>
      `| ${name} | ${f(s.wholeMedian, 1)} | ${f(s.wholeAccuracy)}% | ${f(median(s.epochSeconds))} | ${s.to98 ? `${f(s.to98.seconds, 1)} s (epoch ${s.to98.epochs})` : `not in ${epochs} epochs (best ${f(Math.max(...s.testAccuracy))}%)`} | ${f(s.readSeconds)} |`;
    lines.push(
      '',
      `Full MNIST, 784-300-10 ReLU/softmax, Adam, batch 128, λ = 2 on the weights, ${epochs} epochs, 2 threads (nnlearn ${m.precision}):`,
      '',
      '| | whole process s | test accuracy | s per epoch (median) | training time to 98% test | reading the .gz s |',
      '| --- | ---: | ---: | ---: | ---: | ---: |',
      row('nnlearn', m.nnlearn),
      ...(m.torch ? [row(`PyTorch ${peer.torch}`, m.torch), '', `whole process: ratio ${f(m.nnlearn.wholeMedian / m.torch.wholeMedian)}`] : []),
      '',
      `nnlearn's command: ${m.command}`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}
