/**
 * Issue 13's failures that need files made at run time, pipes or a shell: outputs that are inputs (by any path),
 * readers that close the pipe, names too long once the temporary name is added, temporary files of killed
 * writes, faults at save time, escape sequences in file names, `<(cat w.mat)`, raw pixels in a MAT-file, and
 * --num-labels against the shipped digits. Each gives a correct result or a one-line error naming the problem.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, linkSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeMat } from '../../src/data/mat.js';
import { shippedDigits } from '../../src/data/shipped-digits.js';
import { Matrix } from '../../src/linalg/matrix.js';
import { Random } from '../../src/random.js';
import { buildMat, mi, mx } from '../data/mat-builder.js';
import { repoRoot, runCli } from '../helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'nnlearn-hardening-cli-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const bin = join(repoRoot, 'bin', 'nnlearn.js');
const built = existsSync(join(repoRoot, 'dist', 'index.js')) ? false : 'needs the build in dist/ (npm install runs it)';

/** 30 examples of 4 features, labels 1..3, as a MAT-file. */
function smallData(name: string): string {
  const rng = new Random(5);
  const file = join(tmp, name);
  writeFileSync(file, writeMat({ X: rng.rand(30, 4), y: new Matrix(30, 1, Float64Array.from({ length: 30 }, (_, i) => 1 + (i % 3))) }));
  return file;
}
const small = smallData('small.mat');
const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const quick = ['--hidden', '3', '--max-iter', '3', '--quiet'];

describe('an output is never an input', () => {
  const dir = join(tmp, 'same');
  mkdirSync(dir);
  const data = smallData('same/d.mat');
  const before = sha(data);

  test('train --data d.mat --out d.mat, or a link to it (symbolic or hard), is refused and the data kept', async () => {
    symlinkSync(data, join(dir, 'symlink.mat'));
    linkSync(data, join(dir, 'hardlink.mat'));
    for (const [input, out] of [
      [data, data],
      [data, join(dir, 'symlink.mat')],
      [data, join(dir, 'hardlink.mat')],
      [join(dir, 'symlink.mat'), data],
    ]) {
      const r = await runCli(['train', '--data', input, '--out', out, ...quick]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /^nnlearn: --out: ".*\.mat" is the --data file ".*\.mat": an output must never overwrite an input; give another name\n$/);
    }
    assert.equal(sha(data), before, 'the data is whole');
  });

  test('--init, predict --data and convert’s input are inputs too', async () => {
    const model = join(dir, 'm.json');
    assert.equal((await runCli(['train', '--data', data, '--out', model, ...quick])).code, 0);
    const csv = join(dir, 'd.csv');
    writeFileSync(csv, 'label,a,b,c,d\n1,0.1,0.2,0.3,0.4\n2,0.4,0.3,0.2,0.1\n');
    const cases: [string[], RegExp][] = [
      [['train', '--data', data, '--init', model, '--out', model, '--max-iter', '2', '--quiet'], /--out: ".*m\.json" is the --init file/],
      [['predict', '--model', model, '--data', csv, '--out', csv], /--out: ".*d\.csv" is the --data file/],
      [['convert', model, '--to', model], /--to: ".*m\.json" is the input file ".*m\.json": an output must never overwrite an input/],
    ];
    for (const [args, message] of cases) {
      const modelBefore = sha(model);
      const r = await runCli(args);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, message);
      assert.equal(sha(model), modelBefore);
    }
  });
});

/** Runs the CLI with its stdout's reader gone before anything is written (`… | head -1` that has exited). */
function withClosedStdout(args: string[], cwd = repoRoot): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [bin, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.destroy(); // the reading end closed: every write to stdout fails with EPIPE
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((done) => child.on('close', (code) => done({ code, stderr })));
}

describe('a reader that closes the pipe early', { skip: built }, () => {
  test('train, check-gradients, graph and predict end quietly with exit code 0 (once a 25-line EPIPE trace)', async () => {
    const model = join(tmp, 'epipe.json');
    for (const args of [
      ['train', '--data', small, '--out', model, ...quick],
      ['check-gradients'],
      ['graph', 'x*y', '--set', 'x=1,y=2'],
      ['predict', '--model', model, '--data', small],
    ]) {
      const r = await withClosedStdout(args);
      assert.equal(r.code, 0, `${args[0]}: ${r.stderr}`);
      assert.doesNotMatch(r.stderr, /EPIPE|Error|\n\s+at /, args[0]);
    }
    assert.ok(existsSync(model), 'the model was written before the summary that could not be');
  });
});

test('stdout on a full disk (/dev/full) ends the command with one line and exit code 1 (once a Node stack trace)', { skip: built || (existsSync('/dev/full') ? false : 'no /dev/full') }, () => {
  const model = join(tmp, 'full.json');
  for (const args of [['train', '--data', small, '--out', model, ...quick], ['describe', '--model', model], ['predict', '--model', model, '--data', small, '--json']]) {
    const full = openSync('/dev/full', 'w');
    try {
      const r = spawnSync(process.execPath, [bin, ...args], { cwd: repoRoot, stdio: ['ignore', full, 'pipe'], encoding: 'utf8' });
      assert.equal(r.status, 1, `${args[0]}: ${r.stderr}`);
      // (after whatever else the command said on stderr)
      assert.match(r.stderr, /(^|\n)nnlearn: cannot write to stdout \(ENOSPC\)\n$/, args[0]);
      assert.doesNotMatch(r.stderr, /\n\s+at /, args[0]);
    } finally {
      closeSync(full);
    }
  }
  assert.ok(existsSync(model), 'the model was written before the summary that could not be');
});

/** Whether this file system refuses names over 255 bytes (ext4, xfs, tmpfs, APFS: all do). */
function nameMax255(): boolean {
  try {
    closeSync(openSync(join(tmp, 'n'.repeat(256)), 'w'));
    unlinkSync(join(tmp, 'n'.repeat(256)));
    return false;
  } catch {
    return true;
  }
}

describe('names too long', { skip: nameMax255() ? false : 'the temporary folder takes names longer than 255 bytes' }, () => {
  test('an --out name too long once the temporary name is added is refused before any work', async () => {
    // 245 characters fit a name, not the temporary one written first (".name.<pid>.<12 hex>.tmp")
    const r = await runCli(['train', '--data', small, '--out', join(tmp, `${'m'.repeat(240)}.json`), ...quick]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^nnlearn: --out: ".*m{240}\.json": the name is too long \(with the temporary name written first\)\n$/);
  });

  test('… and so is one whose checkpoint would be (it once lost the run at the first Ctrl-C)', async () => {
    // 225 + ".json" fits with its temporary name; 225 + ".checkpoint.json" does not
    const r = await runCli(['train', '--data', small, '--out', join(tmp, `${'c'.repeat(225)}.json`), ...quick]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^nnlearn: --out: ".*c{225}\.checkpoint\.json" \(the checkpoint named after it\): the name is too long/);
    assert.deepEqual(readdirSync(tmp).filter((n) => n.includes('c'.repeat(225))), [], 'nothing left behind');
  });
});

test('a killed write’s temporary file is removed by the next write there; a live writer’s is kept', async () => {
  const dir = join(tmp, 'stale');
  mkdirSync(dir);
  const gone = spawnSync(process.execPath, ['-e', '']).pid as number; // a process that has ended
  const stale = join(dir, `.m.json.${gone}.0123456789ab.tmp`);
  const live = join(dir, `.m.json.${process.pid}.ba9876543210.tmp`);
  writeFileSync(stale, 'half a model');
  writeFileSync(live, 'a model being written');
  const r = await runCli(['train', '--data', small, '--out', join(dir, 'm.json'), ...quick]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(existsSync(stale), false, 'the killed writer’s leftover is removed');
  assert.equal(existsSync(live), true, 'a live writer’s is not');
  assert.deepEqual(readdirSync(dir).sort(), ['.m.json.' + process.pid + '.ba9876543210.tmp', 'm.json']);
});

describe('a fault at save time loses no run', () => {
  /** Runs `args` in this process; when stderr shows iteration 2, `fault` breaks where the outputs go. */
  async function runWithFault(args: string[], fault: () => void, env: Record<string, string> = {}) {
    const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
    Object.assign(process.env, env);
    let stderr = '';
    let done = false;
    try {
      const { main } = await import('../../src/cli/main.js');
      let stdout = '';
      const code = await main(args, {
        out: (t) => (stdout += t),
        err: (t) => {
          stderr += t;
          if (!done && /(Iteration|Epoch) +2 \|/.test(stderr)) {
            done = true;
            fault();
          }
        },
        errIsTTY: false,
      });
      return { code, stdout, stderr };
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  }
  const args = ['train', '--data', small, '--hidden', '3', '--max-iter', '6'];

  test('periodic checkpoints that cannot be written go to the temporary folder; the run is kept there', async () => {
    const outDir = join(tmp, 'fault-dir');
    const breakIt = () => {
      rmSync(outDir, { recursive: true });
      writeFileSync(outDir, 'a file where the folder was');
    };
    // a checkpoint at every pause (NNLEARN_CHECKPOINT_SECONDS=0)
    const r = await runWithFault([...args, '--out-dir', outDir], breakIt, { NNLEARN_CHECKPOINT_SECONDS: '0' });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /could not save the periodic checkpoint \(.*checkpoint\.json: cannot be written \(E[A-Z]+\)\); saved .*nnlearn-\d+-checkpoint\.json instead; training goes on/);
    const m = /the run is kept in (\S+nnlearn-\d+-checkpoint\.json) \(up to iteration (\d+)\): nnlearn train --resume \S+ finishes it\n$/.exec(r.stderr);
    assert.ok(m !== null, r.stderr);
    assert.equal(r.stderr.trim().split('\n').filter((l) => l.startsWith('nnlearn: ') && !l.includes('periodic')).length, 1, r.stderr);
    // where it was meant to go is a folder again: the kept run finishes, as the run never stopped does
    rmSync(outDir);
    try {
      const resumed = await runCli(['train', '--resume', m[1], '--quiet']);
      assert.equal(resumed.code, 0, resumed.stderr);
      const straight = await runCli([...args, '--out-dir', join(tmp, 'fault-straight'), '--quiet']);
      assert.equal(straight.code, 0, straight.stderr);
      const thetas = (f: string) => (JSON.parse(readFileSync(f, 'utf8')) as { thetas: unknown }).thetas;
      assert.deepEqual(thetas(join(outDir, 'model.json')), thetas(join(tmp, 'fault-straight', 'model.json')));
    } finally {
      rmSync(m[1], { force: true });
    }
  });

  test('a model that cannot be written where asked is saved in the temporary folder, and the message says so', async () => {
    const folder = join(tmp, 'fault-out');
    mkdirSync(folder);
    const r = await runWithFault([...args, '--out', join(folder, 'm.json')], () => {
      rmSync(folder, { recursive: true });
      writeFileSync(folder, 'a file where the folder was');
    });
    assert.equal(r.code, 1, r.stderr);
    const m = /^nnlearn: .*m\.json: cannot be written \(E[A-Z]+\); the trained model is saved in (\S+nnlearn-model-\d+\.json) instead\n$/m.exec(r.stderr);
    assert.ok(m !== null, r.stderr);
    try {
      const saved = JSON.parse(readFileSync(m[1], 'utf8')) as { format: string; layers: number[] };
      assert.equal(saved.format, 'nnlearn-model');
      assert.deepEqual(saved.layers, [4, 3, 3]);
    } finally {
      rmSync(m[1], { force: true });
    }
  });
});

test('an escape sequence in a file name is shown escaped, on stdout as on stderr', async () => {
  const name = join(tmp, '\u001b[31mred\u001b[0m.json');
  const r = await runCli(['train', '--data', small, '--out', name, ...quick]);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(existsSync(name), 'the file has the name asked for');
  assert.match(r.stdout, /Wrote .*\\u001b\[31mred\\u001b\[0m\.json/);
  assert.ok(!(r.stdout + r.stderr).includes('\u001b'), 'no escape character reaches the terminal');
  const missing = await runCli(['predict', '--model', join(tmp, '\u001b]0;title\u0007.json'), '--data', small]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /\\u001b\]0;title\\u0007\.json: no such file/);
  assert.ok([...missing.stderr].every((c) => c === '\n' || c.charCodeAt(0) >= 0x20), 'no control character but the newline');
});

const bash = spawnSync('bash', ['-c', 'true']).status === 0;
test('a pipe given for a file (`--weights <(cat w.mat)` through bash) is read once', { skip: built || (bash ? false : 'needs bash') }, () => {
  const weights = join(tmp, 'w.mat');
  const rng = new Random(2);
  writeFileSync(weights, writeMat({ Theta1: rng.rand(3, 5), Theta2: rng.rand(3, 4) }));
  const model = join(tmp, 'pipe-model.json');
  assert.equal(spawnSync(process.execPath, [bin, 'train', '--data', small, '--out', model, ...quick]).status, 0);
  for (const [command, expected] of [
    [`cost --weights <(cat '${weights}') --data <(cat '${small}')`, /^Cost at parameters \(loaded from \/dev\/fd\/\d+\), lambda = 0: \d+\.\d{6}\n$/],
    [`predict --model <(cat '${model}') --data '${small}'`, /^Accuracy: \d+\.\d\d% \(30 examples of /],
    [`hidden --weights <(cat '${weights}') --out '${join(tmp, 'pipe-hidden.png')}'`, /^Wrote .*pipe-hidden\.png/],
  ] as const) {
    const r = spawnSync('bash', ['-c', `node '${bin}' ${command}`], { encoding: 'utf8' });
    assert.equal(r.status, 0, `${command}: ${r.stderr}`);
    assert.match(r.stdout, expected);
  }
});

test('raw 0–255 pixels in a MAT-file are scaled as the same IDX images are (once 88.64% against 91.15%)', async () => {
  const d = shippedDigits('digits:test');
  assert.ok(d !== undefined);
  const n = 300;
  const pixels = Uint8Array.from(d.X.data.subarray(0, n * 784), (v) => Math.round(v * 255));
  // IDX images and labels, as MNIST ships them
  const idx = join(tmp, 'raw-images-idx3-ubyte');
  const header = Buffer.alloc(16);
  header.writeUInt32BE(0x0803, 0);
  header.writeUInt32BE(n, 4);
  header.writeUInt32BE(28, 8);
  header.writeUInt32BE(28, 12);
  writeFileSync(idx, Buffer.concat([header, pixels]));
  const labels = Buffer.alloc(8);
  labels.writeUInt32BE(0x0801, 0);
  labels.writeUInt32BE(n, 4);
  writeFileSync(join(tmp, 'raw-labels-idx1-ubyte'), Buffer.concat([labels, Uint8Array.from(d.y.subarray(0, n))]));
  // the same pixels in MAT-files (as scipy.io.savemat writes an n×784 array: X stored column by column), as
  // doubles and as uint8
  const values = new Array<number>(n * 784);
  for (let i = 0; i < n; i++) for (let j = 0; j < 784; j++) values[j * n + i] = pixels[i * 784 + j];
  const y = Array.from(d.y.subarray(0, n));
  const mat = (name: string, cls: number, type: number) => {
    const file = join(tmp, name);
    writeFileSync(file, buildMat([{ name: 'X', cls, dims: [n, 784], type, values }, { name: 'y', cls: mx.DOUBLE, dims: [n, 1], type: mi.DOUBLE, values: y }]));
    return file;
  };
  const model = join(tmp, 'digits-model.json');
  assert.equal((await runCli(['train', '--hidden', '10', '--max-iter', '15', '--out', model, '--quiet'])).code, 0);
  const accuracy = async (data: string) => {
    const r = await runCli(['predict', '--model', model, '--data', data, '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '', 'no note: the inputs are scaled as the model’s were');
    return (JSON.parse(r.stdout) as { accuracy: number }).accuracy;
  };
  const expected = await accuracy(idx);
  assert.ok(expected > 0.5, `a trained model: ${expected}`);
  assert.equal(await accuracy(mat('raw-double.mat', mx.DOUBLE, mi.DOUBLE)), expected);
  assert.equal(await accuracy(mat('raw-uint8.mat', mx.UINT8, mi.UINT8)), expected);
});

test('--num-labels 3 with the shipped digits (labels 0..9) is refused, not ignored', async () => {
  const r = await runCli(['train', '--num-labels', '3', ...quick, '--out', join(tmp, 'k3.json')]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /^nnlearn: digits:train: label \d \(example \d+\) is not one of the 3 classes asked for \(zero-based labels 0\.\.2\)\n$/);
});

test('a message about a huge value is clipped to one readable line (once a 1 MB expression repeated whole)', async () => {
  const r = await runCli(['train', '--hidden', `1,${'9'.repeat(1_000_000)}`, '--out', join(tmp, 'clip.json')]);
  assert.equal(r.code, 2, r.stderr.slice(0, 200));
  assert.equal(r.stderr.trim().split('\n').length, 1);
  assert.ok(r.stderr.length <= 700, `${r.stderr.length} characters`);
  assert.match(r.stderr, /^nnlearn: --hidden: .*…/);
});
