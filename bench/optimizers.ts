/**
 * `npm run bench:optimizers`: every optimizer on the ex4 network (400-25-10, λ = 1, the same initial weights) with
 * the same budgets of cost+gradient evaluations (each run stops at the first iteration that reaches the budget).
 * Prints the cost reached and the training accuracy; `--json` for scripts.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readMatFile } from '../src/data/files.js';
import { Network, type OptimizerName } from '../src/nn/network.js';
import { Random } from '../src/random.js';
import type { Matrix } from '../src/linalg/matrix.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const json = process.argv.includes('--json');
const dataPath = resolve(root, '..', 'shared', 'data', 'ex4data1_reconstructed.mat');
let X: Matrix;
let y: Float64Array;
let dataName = 'ex4data1_reconstructed.mat';
if (existsSync(dataPath)) {
  const d = readMatFile(dataPath);
  X = d.matrix('X');
  y = d.matrix('y').data;
} else {
  dataName = 'generated 5000×400';
  const rng = new Random(1);
  X = rng.rand(5000, 400);
  y = Float64Array.from({ length: 5000 }, (_, i) => 1 + (i % 10));
}

const budgets = [50, 100, 200];
const configs: { name: string; optimizer: OptimizerName; learningRate?: number }[] = [
  { name: 'fmincg (the course’s)', optimizer: 'fmincg' },
  { name: 'L-BFGS (Wolfe line search)', optimizer: 'lbfgs' },
  { name: 'gradient descent, α = 2', optimizer: 'gd', learningRate: 2 },
  { name: 'momentum, α = 0.5, μ = 0.9', optimizer: 'momentum', learningRate: 0.5 },
  { name: 'Adam, α = 0.01', optimizer: 'adam', learningRate: 0.01 },
];
const rows: { name: string; budget: number; evaluations: number; cost: number; trainAccuracy: number }[] = [];
for (const c of configs) {
  for (const budget of budgets) {
    const net = Network.random([400, 25, 10], { seed: 0 });
    let evaluations = 0;
    const r = net.train(X, y, {
      lambda: 1,
      maxIter: 100000,
      optimizer: c.optimizer,
      learningRate: c.learningRate,
      // every method on the full batch, so that an evaluation is the same work for all
      ...(c.learningRate !== undefined ? { batchSize: 'full' as const } : {}),
      onIteration: (info) => {
        evaluations = info.evaluations;
        return info.evaluations < budget;
      },
    });
    rows.push({ name: c.name, budget, evaluations, cost: r.cost, trainAccuracy: r.trainAccuracy });
    if (!json) process.stderr.write(`${c.name}, ${budget} evaluations: cost ${r.cost.toFixed(6)}\n`);
  }
}
if (json) {
  process.stdout.write(`${JSON.stringify({ data: dataName, rows })}\n`);
} else {
  const lines = [
    `Cost J(Θ) of the ex4 network (${dataName}, λ = 1, seed 0) after a budget of cost+gradient evaluations`,
    '',
    `| optimizer | ${budgets.map((b) => `${b} evaluations`).join(' | ')} |`,
    `| --- | ${budgets.map(() => '---:').join(' | ')} |`,
    ...configs.map((c) => `| ${c.name} | ${budgets.map((b) => {
      const r = rows.find((x) => x.name === c.name && x.budget === b);
      return r ? `${r.cost.toFixed(4)} (${r.trainAccuracy.toFixed(1)}%)` : '–';
    }).join(' | ')} |`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
