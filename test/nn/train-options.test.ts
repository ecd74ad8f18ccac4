/**
 * One validator for the library and the CLI: the same defaults (from the optimizer table), the same refusals, in
 * the same words after the option's name.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Network } from '../../src/nn/network.js';
import { resolveTraining, OptionError, type TrainOptions } from '../../src/nn/train-options.js';
import { OPTIMIZER_TABLE, describeSettings } from '../../src/optim/registry.js';
import { predict } from '../../src/nn/predict.js';
import { Matrix } from '../../src/linalg/matrix.js';
import { Random } from '../../src/random.js';
import { buildProgram } from '../../src/cli/main.js';
import { runCli } from '../helpers.js';

function toy(m = 40): { X: Matrix; y: Int32Array } {
  const rng = new Random(3);
  const X = rng.rand(m, 3);
  const y = Int32Array.from({ length: m }, (_, i) => 1 + (i % 3));
  return { X, y };
}

describe('defaults', () => {
  test('λ is 1 in the library as in the CLI and the course; each optimizer’s defaults come from the table', () => {
    const { X, y } = toy();
    const r = Network.random([3, 4, 3], { seed: 1 }).train(X, y, { maxIter: 2 });
    assert.equal(r.settings.lambda, 1);
    assert.equal(r.settings.optimizer, 'fmincg');
    for (const e of OPTIMIZER_TABLE) {
      const s = resolveTraining({ optimizer: e.name }, 100_000);
      assert.deepEqual(
        { maxIter: s.maxIter, batchSize: s.batchSize, learningRate: s.learningRate, momentum: s.momentum },
        e.defaults,
        e.name,
      );
    }
    assert.equal(describeSettings('adam', resolveTraining({ optimizer: 'adam' }, 60_000)), 'adam, batch 32, α 0.001, 10 epochs');
    assert.equal(describeSettings('fmincg', resolveTraining({}, 5000)), 'fmincg, full batch, 50 iterations');
    assert.equal(resolveTraining({ optimizer: 'gd', batchSize: 100 }, 60).batchSize, undefined, 'a batch as large as the data is the full batch');
    assert.equal(resolveTraining({ optimizer: 'gd', batchSize: 'full' }, 6000).batchSize, undefined);
  });

  test('--help lists every optimizer with its defaults, from the same table', async () => {
    let help = '';
    const program = buildProgram({ out: (t) => (help += t), err: () => {}, errIsTTY: false });
    program.commands.find((c) => c.name() === 'train')?.outputHelp();
    for (const e of OPTIMIZER_TABLE) assert.ok(help.includes(`${e.name.padEnd(9)} ${e.title}: ${describeSettings(e.name, e.defaults).slice(e.name.length + 2)}`), e.name);
  });
});

describe('the library refuses what the CLI refuses, with the same message', () => {
  const { X, y } = toy();
  const cases: [TrainOptions, string[], string][] = [
    [{ learningRate: 0.1 }, ['--learning-rate', '0.1'], 'fmincg finds its own step sizes by line search; the rate is for gd, momentum and adam'],
    [{ optimizer: 'lbfgs', batchSize: 10 }, ['--optimizer', 'lbfgs', '--batch-size', '10'], 'lbfgs works on the full batch; mini-batches are for gd, momentum and adam'],
    [{ optimizer: 'adam', momentum: 0.5 }, ['--optimizer', 'adam', '--momentum', '0.5'], 'only the momentum optimizer uses it, not adam'],
    [{ maxIter: -1 }, ['--max-iter', '-1'], 'must be at least 1, got -1'],
    [{ maxIter: 2.5 }, ['--max-iter', '2.5'], '"2.5" is not a whole number'],
    [{ lambda: -1 }, ['--lambda', '-1'], 'must be at least 0, got -1'],
    [{ optimizer: 'adam', learningRate: 0 }, ['--optimizer', 'adam', '--learning-rate', '0'], 'must be greater than 0, got 0'],
    [{ optimizer: 'gd', batchSize: 0 }, ['--optimizer', 'gd', '--batch-size', '0'], 'must be at least 1, got 0'],
    [{ optimizer: 'momentum', momentum: 1 }, ['--optimizer', 'momentum', '--momentum', '1'], 'must be at most 0.999999, got 1'],
  ];
  for (const [options, args, reason] of cases) {
    test(`${args.join(' ')}: ${reason}`, async () => {
      const net = Network.random([3, 4, 3], { seed: 1 });
      const before = Float64Array.from(net.params);
      assert.throws(
        () => net.train(X, y, options),
        (err: unknown) => err instanceof OptionError && err.message === `${err.option}: ${reason}`,
      );
      assert.deepEqual(net.params, before, 'nothing trained');
      const r = await runCli(['train', ...args, '--quiet']);
      assert.equal(r.code, 2);
      assert.match(r.stderr, new RegExp(`^nnlearn: --[a-z-]+: ${reason.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\n$`));
    });
  }
});

test('the course’s predict(Theta1, Theta2, X), and predict([Theta1, Theta2], X, labels)', () => {
  const T1 = new Matrix(2, 3, Float64Array.from([0, 5, -5, 0, -5, 5]));
  const T2 = new Matrix(2, 3, Float64Array.from([0, 5, -5, 0, -5, 5]));
  const X = new Matrix(2, 2, Float64Array.from([1, 0, 0, 1]));
  assert.deepEqual(Array.from(predict(T1, T2, X)), [1, 2]);
  assert.deepEqual(Array.from(predict([T1, T2], X)), [1, 2]);
  assert.deepEqual(Array.from(predict([T1, T2], X, 'zero-based')), [0, 1]);
  assert.throws(() => predict(T1, X as unknown as Matrix, undefined as unknown as Matrix), /give at least two Theta matrices and X/);
});

test('an option that is not one is refused, with the one a typo most likely meant', () => {
  const { X, y } = toy();
  const cases: [Record<string, unknown>, string][] = [
    [{ maxIters: 2 }, 'maxIters: not an option; did you mean maxIter?'],
    [{ lamda: 1 }, 'lamda: not an option; did you mean lambda?'],
    [{ learning_rate: 0.1 }, 'learning_rate: not an option; did you mean learningRate?'],
    [{ batchsize: 10 }, 'batchsize: not an option; did you mean batchSize?'],
    [{ optimzier: 'gd' }, 'optimzier: not an option; did you mean optimizer?'],
    [{ validation: { X, y, patiance: 3 } }, 'validation.patiance: not an option; did you mean validation.patience?'],
    [
      { epochs: 5 },
      'epochs: not an option; the options are lambda, maxIter, optimizer, learningRate, momentum, batchSize, batchSeed, validation, resume, onIteration, stopRequested, backend, threads, precision',
    ],
  ];
  for (const [options, message] of cases) {
    const net = Network.random([3, 4, 3], { seed: 1 });
    const before = Float64Array.from(net.params);
    assert.throws(() => net.train(X, y, options as TrainOptions), (err: unknown) => err instanceof OptionError && err.message === message, message);
    assert.deepEqual(net.params, before, 'nothing trained');
  }
  // every documented option is one (undefined values too: a spread of settings)
  const all: Required<Omit<TrainOptions, 'resume' | 'validation' | 'backend' | 'threads' | 'precision' | 'learningRate' | 'momentum' | 'batchSize'>> = {
    lambda: 1,
    maxIter: 2,
    optimizer: 'fmincg',
    batchSeed: 0,
    onIteration: () => undefined,
    stopRequested: () => false,
  };
  const r = Network.random([3, 4, 3], { seed: 1 }).train(X, y, { ...all, validation: { X, y, patience: 2 }, resume: undefined, backend: 'reference', precision: undefined });
  assert.equal(r.iterations, 2);
});
