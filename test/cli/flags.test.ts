/**
 * Every flag of every command is validated: a bad value (wrong type, out of range, empty), a flag that cannot go
 * with another, or an output that cannot be written gets one line and exit code 2 before any work is done, and
 * nothing a user types leads to an internal error, a stack trace or a hang.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Option } from 'commander';
import { buildProgram } from '../../src/cli/main.js';
import { writeMat } from '../../src/data/mat.js';
import { Matrix } from '../../src/linalg/matrix.js';
import { Random } from '../../src/random.js';
import { runCli } from '../helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'nnlearn-flags-'));
const missing = join(tmp, 'missing.mat');
const aFile = join(tmp, 'a-file.txt');
writeFileSync(aFile, 'not a folder\n');

/** A small data set: 30 examples of 4 features, labels 1..3. */
const small = join(tmp, 'small.mat');
{
  const rng = new Random(5);
  const X = rng.rand(30, 4);
  const y = new Matrix(30, 1, Float64Array.from({ length: 30 }, (_, i) => 1 + (i % 3)));
  writeFileSync(small, writeMat({ X, y }));
}

const program = buildProgram({ out: () => {}, err: () => {}, errIsTTY: false });
const takesValue = (o: Option) => o.required || o.optional;

/** Flags that name files to read: a hostile value there is a missing or unreadable file (exit 1), not a usage error. */
const INPUT_FILES = new Set(['--data', '--test', '--weights', '--init', '--resume', '--model', '--labels-file']);
/** Numeric flags without a default (the others are recognised by their numeric default). */
const NUMERIC = new Set([
  '--holdout', '--learning-rate', '--batch-size', '--validation', '--num-labels', '--threads', '--epsilon',
  '--lambda', '--max-iter', '--seed', '--momentum', '--patience', '--split-seed', '--label-column',
]);
const isNumeric = (o: Option) =>
  NUMERIC.has(o.long ?? '') || (typeof o.defaultValue === 'string' && /^[-\d.,e]+$/.test(o.defaultValue) && o.argChoices === undefined);

/** What makes a command stop early once its flags are checked: a data file that does not exist. */
function stopper(command: string, flag: string): string[] {
  if (flag === '--resume') return ['--quiet']; // --resume takes no other setting
  const args: string[] = [];
  const has = (f: string) => program.commands.find((c) => c.name() === command)?.options.some((o) => o.long === f);
  if (has('--data') && flag !== '--data') args.push('--data', missing);
  if ((command === 'predict' || (command === 'hidden' && flag !== '--weights')) && flag !== '--model') args.push('--model', missing);
  if ((command === 'display' || command === 'hidden') && flag !== '--out') args.push('--out', join(tmp, 'grid.png'));
  if (command === 'describe' && flag !== '--layers' && flag !== '--model') args.push('--layers', '2,2');
  if (command === 'convert' && flag !== '--to') args.push('--to', join(tmp, 'converted.onnx'));
  if (command === 'convert') args.push(missing); // the model to convert
  if (command === 'cost' && flag !== '--weights') args.push('--weights', missing);
  if (has('--quiet')) args.push('--quiet');
  return args;
}

async function expectOneLine(args: string[]): Promise<{ code: number; stderr: string }> {
  const r = await runCli(args);
  const what = JSON.stringify(args);
  assert.ok([0, 1, 2].includes(r.code), `${what}: exit code ${r.code}`);
  assert.doesNotMatch(r.stderr, /internal error|\n\s+at /, `${what}: ${r.stderr}`);
  assert.ok(r.stderr.trim().split('\n').length <= 1, `${what}: more than one line: ${r.stderr}`);
  return r;
}

const HOSTILE = ['', 'abc', '-1', 'NaN', 'Infinity', '1e999', '0x10', '1,,2', 'a\u0000b', 'a\nb', '/', aFile, missing, '0', '99999999999'];
const NOT_A_NUMBER = ['abc', 'NaN', 'Infinity', '1e999', '0x10', 'a\u0000b'];

describe('flag values', () => {
  for (const cmd of program.commands) {
    test(`${cmd.name()}: every flag given hostile values answers with one line and exit code 0, 1 or 2`, async () => {
      let cases = 0;
      for (const o of cmd.options.filter(takesValue)) {
        for (const v of HOSTILE) {
          const r = await expectOneLine([cmd.name(), o.long as string, v, ...stopper(cmd.name(), o.long as string)]);
          cases++;
          if (v === '') {
            assert.equal(r.code, 2, `${cmd.name()} ${o.long} "": ${r.stderr}`);
            assert.ok(r.stderr.includes(o.long as string), `${cmd.name()} ${o.long} "": the message names the flag: ${r.stderr}`);
          } else if (NOT_A_NUMBER.includes(v) && isNumeric(o)) {
            assert.equal(r.code, 2, `${cmd.name()} ${o.long} ${v}: ${r.stderr}`);
            assert.ok(r.stderr.includes(o.long as string), `${cmd.name()} ${o.long} ${v}: the message names the flag: ${r.stderr}`);
          } else if (o.argChoices !== undefined && !o.argChoices.includes(v)) {
            assert.equal(r.code, 2, `${cmd.name()} ${o.long} ${v}: ${r.stderr}`);
          } else if (INPUT_FILES.has(o.long as string) && v !== '') {
            assert.equal(r.code, 1, `${cmd.name()} ${o.long} ${v}: ${r.stderr}`);
          }
        }
      }
      assert.ok(cmd.options.filter(takesValue).length === 0 || cases > 0);
    });
  }

  test('an empty value is a usage error, not a file named "" or the number 0', async () => {
    for (const args of [['train', '--data', ''], ['train', '--lambda', ''], ['graph', 'x', '--set', '']]) {
      const r = await runCli(args);
      assert.equal(r.code, 2);
      assert.equal(r.stderr, `nnlearn: ${args[args.length - 2]}: empty value\n`);
    }
  });

  test('a control character in a file name is shown escaped, so the message stays on one line', async () => {
    const r = await runCli(['predict', '--model', 'a\nb\u001b[2J.json', '--data', missing]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'nnlearn: a\\nb\\u001b[2J.json: no such file\n');
  });

  test('numbers are decimal: hexadecimal, binary and Infinity are refused, exponents accepted, and one past a double called out of range', async () => {
    for (const v of ['0x10', '0b1', 'Infinity', '1_000']) {
      const r = await runCli(['check-gradients', '--lambda', v]);
      assert.equal(r.code, 2, v);
      assert.match(r.stderr, new RegExp(`--lambda: "${v}" is not a number`));
    }
    for (const v of ['1e400', '-1e309']) {
      const r = await runCli(['train', '--lambda', v]);
      assert.equal(r.code, 2, v);
      assert.equal(r.stderr, `nnlearn: --lambda: "${v}" is out of range (numbers stop at about ±1.8e308)\n`);
    }
    const r = await runCli(['check-gradients', '--lambda', '1e-1', '--json']);
    assert.equal(r.code, 0, r.stderr);
  });

  test('an output name that is an extension alone (--out .json) is refused as such', async () => {
    for (const [args, name] of [
      [['train', '--out', '.json'], '.json'],
      [['display', '--data', 'digits:test', '--out', '.png'], '.png'],
    ] as const) {
      const r = await runCli([...args]);
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stderr, `nnlearn: --out: "${name}" has no name before its extension (e.g. model${name})\n`);
    }
  });

  test('a --checkpoint that is the model file the run writes is refused before any work', async () => {
    for (const [args, ck] of [
      [['--out', 'q.json'], 'q.json'],
      [['--out-dir', 'r10'], join('r10', 'model.json')],
    ] as const) {
      const r = await runCli(['train', ...args, '--checkpoint', ck]);
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stderr, `nnlearn: --checkpoint: "${ck}" is the model file this run writes; give the checkpoint a name of its own\n`);
    }
  });

  test('sizes beyond what can be allocated are refused by the flag, not by the allocator', async () => {
    let r = await runCli(['train', '--data', small, '--hidden', '1000000', '--quiet']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--hidden: must be at most 100000/);
    r = await runCli(['train', '--data', small, '--hidden', '100000,100000', '--quiet']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /layers \[4, 100000, 100000, 3\] have \d+ weights, more than nnlearn allocates/);
    r = await runCli(['train', '--data', small, '--num-labels', '20000', '--quiet']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--num-labels: must be at most 10000/);
  });
});

const init = join(tmp, 'init.mat');
writeFileSync(init, writeMat({ Theta1: new Random(1).rand(3, 5), Theta2: new Random(2).rand(3, 4) }));

describe('flag combinations', () => {
  const checkpoint = join(tmp, 'checkpoint.json');
  writeFileSync(checkpoint, '{}');
  const cases: [string[], RegExp][] = [
    [['train', '--data', small, '--init', init, '--hidden', '5'], /--init .* cannot be used with option '--hidden/],
    [['train', '--data', small, '--init', init, '--seed', '3'], /--init .* cannot be used with option '--seed/],
    [['train', '--data', small, '--init', init, '--num-labels', '5'], /--num-labels: .*init\.mat has 3 outputs, not 5/],
    [['train', '--data', small, '--holdout', '0.2', '--test', small], /--holdout .* cannot be used with option '--test/],
    [['train', '--resume', checkpoint, '--hidden', '5'], /--resume .* cannot be used with option '--hidden/],
    [['train', '--resume', checkpoint, '--threads', '1'], /--resume .* cannot be used with option '--threads/],
    [['train', '--data', small, '--learning-rate', '0.1'], /--learning-rate: fmincg finds its own step sizes/],
    [['train', '--data', small, '--optimizer', 'lbfgs', '--batch-size', '10'], /--batch-size: lbfgs works on the full batch/],
    [['train', '--data', small, '--optimizer', 'adam', '--momentum', '0.5'], /--momentum: only the momentum optimizer uses it, not adam/],
    [['train', '--data', small, '--patience', '3'], /--patience: early stopping needs --validation/],
    [['train', '--data', small, '--split-seed', '3'], /--split-seed: only --holdout and --validation split the data/],
    [['train', '--backend', 'reference', '--threads', '2'], /--backend reference runs in float64 on one thread/],
    [['train', '--data', small, '--labels-file', small], /--labels-file: .*small\.mat is not an IDX images file/],
    [['train', '--labels-file', small], /--labels-file: give the images with --data/],
    [['sweep', '--data', small, '--holdout', '0.2', '--test', small], /--holdout .* cannot be used with option '--test/],
    [['sweep', '--data', small, '--test', small, '--split-seed', '2'], /--split-seed: only --holdout splits the data/],
    [['display', '--data', small, '--first', '--seed', '2', '--out', join(tmp, 'g.png')], /--first' cannot be used with option '--seed/],
    [['hidden', '--model', init, '--weights', init, '--out', join(tmp, 'h.png')], /give --model or --weights, not both/],
    [['graph', 'x', '--example', 'tricky'], /give an expression or --example, not both/],
    [['graph', '--example', 'debug-network', '--out', join(tmp, 'g.svg')], /debug-network prints a table: it takes no expression, --set or --out/],
    [['graph', 'x*y', '--set', 'x=1,y=2', '--lambda', '1'], /--lambda: only --example debug-network uses it/],
    [['exercise', '--weights', init], /--weights needs --data too/],
  ];
  test('flags that cannot go together are refused with one line naming both, exit code 2', async () => {
    for (const [args, message] of cases) {
      const r = await expectOneLine(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message, args.join(' '));
    }
  });
});

describe('outputs', () => {
  test('an output that cannot be written is refused before any work, naming the flag', async () => {
    const cases: [string[], RegExp][] = [
      [['train', '--data', small, '--out', join(aFile, 'model.json')], /--out: cannot write ".*a-file\.txt\/model\.json": .*a-file\.txt is a file, not a folder/],
      [['train', '--data', small, '--out', tmp], /--out: ".*" must end in \.json, \.mat or \.onnx/],
      [['train', '--data', small, '--out-dir', aFile], /--out-dir: ".*a-file\.txt" is a file, not a folder/],
      [['train', '--data', small, '--checkpoint', join(aFile, 'c.json')], /--checkpoint: cannot write/],
      [['exercise', '--out-dir', join(aFile, 'x')], /--out-dir: cannot write/],
      [['display', '--data', small, '--out', join(aFile, 'g.png')], /--out: cannot write/],
      [['predict', '--model', init, '--data', small, '--out', join(aFile, 'c.png')], /--out: cannot write/],
      [['learning-rates', '--data', small, '--out', join(aFile, 'r.png')], /--out: cannot write/],
      [['sweep', '--data', small, '--holdout', '0.3', '--out', join(aFile, 's.png')], /--out: cannot write/],
      [['describe', '--layers', '9,3,2,6', '--out', join(aFile, 'n.svg')], /--out: cannot write/],
      [['graph', 'x*y', '--set', 'x=1,y=2', '--out', join(aFile, 'g.svg')], /--out: cannot write/],
    ];
    for (const [args, message] of cases) {
      const r = await expectOneLine(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message, args.join(' '));
    }
  });

  test('a refused run leaves nothing behind; a good one leaves only its outputs, no temporary files', async () => {
    const dir = join(tmp, 'outputs');
    mkdirSync(dir);
    const refused = await runCli(['train', '--data', small, '--out', join(dir, 'model.txt'), '--quiet']);
    assert.equal(refused.code, 2);
    assert.deepEqual(readdirSync(dir), []);
    const r = await runCli(['train', '--data', small, '--hidden', '3', '--max-iter', '3', '--out', join(dir, 'model.json'), '--out-dir', join(dir, 'run'), '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(readdirSync(dir).sort(), ['model.json', 'run']);
    assert.deepEqual(readdirSync(join(dir, 'run')).sort(), ['cost.png', 'cost.svg', 'hidden.png', 'model.json']);
  });
});
