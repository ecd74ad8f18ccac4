/**
 * Every signal that ends a training run saves it (issue 13): SIGTERM (kill, a CI's timeout) and SIGHUP (a closed
 * terminal) checkpoint as Ctrl-C does, with exit codes 143 and 129; `--resume` ends bit-identical to a run never
 * stopped, on the thread count the checkpoint records, from any folder; two runs in one folder keep a checkpoint
 * each; a checkpoint edited, forged or read with other data is refused; and a second Ctrl-C ends the run at once,
 * even while one evaluation blocks the main thread.
 *
 * The runs are real processes (bin/nnlearn.js) stopped by real signals once their progress shows training
 * under way. No clock: a hang is the test runner's timeout.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { shippedDigits } from '../../src/data/shipped-digits.js';
import { maxThreads } from '../../src/nn/fast/backend.js';
import { repoRoot, runCli } from '../helpers.js';

const bin = join(repoRoot, 'bin', 'nnlearn.js');
const skip = existsSync(join(repoRoot, 'dist', 'index.js')) ? false : 'needs the build in dist/ (npm install runs it)';

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/**
 * Runs `nnlearn args` in `cwd`; once stderr shows iteration `at` (training under way), calls `stop` with the
 * child's pid (a signal to send). Resolves when the process has ended.
 */
function runStopped(args: string[], cwd: string, at: number, stop: (pid: number) => unknown, detached = false): Promise<Ended> {
  const child = spawn(process.execPath, [bin, ...args], { cwd, detached, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  let stopped = false;
  const line = new RegExp(`(Iteration|Epoch) +${at} \\|`);
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (!stopped && line.test(stderr)) {
      stopped = true;
      void stop(child.pid as number);
    }
  });
  return new Promise((done) => child.on('close', (code, signal) => done({ code, signal, stderr })));
}

/** Runs `nnlearn args` in `cwd` to its end. */
function run(args: string[], cwd: string): Promise<Ended> {
  return runStopped(args, cwd, Number.NaN, () => undefined);
}

/** A model file's weights. */
const thetas = (file: string) => (JSON.parse(readFileSync(file, 'utf8')) as { thetas: number[][][] }).thetas;
const recorded = (file: string) => (JSON.parse(readFileSync(file, 'utf8')) as { meta: { flags: Record<string, string> } }).meta.flags;

interface CheckpointJson {
  flags: Record<string, string | boolean>;
  data: unknown;
  state: { numbers: Record<string, number> };
  checksum: string;
}

/**
 * A copy of a checkpoint with `edit` applied, written to `to`; resealed (its SHA-256 recomputed, as a forger
 * would) unless `reseal` is false. The checksum is the SHA-256 of JSON.stringify({flags, data, state}).
 */
function edited(from: string, to: string, edit: (c: CheckpointJson) => void, reseal = true): string {
  const c = JSON.parse(readFileSync(from, 'utf8')) as CheckpointJson;
  edit(c);
  if (reseal) c.checksum = createHash('sha256').update(JSON.stringify({ flags: c.flags, data: c.data, state: c.state })).digest('hex');
  writeFileSync(to, JSON.stringify(c));
  return to;
}

describe('signals and checkpoints', { skip }, () => {
  const cwd = mkdtempSync(join(tmpdir(), 'nnlearn-signals-'));
  const elsewhere = mkdtempSync(join(tmpdir(), 'nnlearn-elsewhere-'));
  // 1,000 shipped digits as a CSV, given by a relative path: the checkpoint must record where it is
  const data = 'digits.csv';
  // 3 threads, more than a 2-core machine has: the sums' order (and so the last bits) depends on the count; 1,000
  // iterations (a few seconds) so that a run signalled at its third is still training when the signal comes
  const args = ['train', '--data', data, '--hidden', '8', '--max-iter', '1000', '--threads', '3'];
  let straight: Ended;
  let term: Ended;
  let hup: Ended;

  before(async () => {
    const d = shippedDigits('digits:train');
    assert.ok(d !== undefined);
    const rows = ['label,' + Array.from({ length: 784 }, (_, j) => `p${j}`).join(',')];
    for (let i = 0; i < 1000; i++) rows.push(`${d.y[i]},${Array.from(d.X.data.subarray(i * 784, (i + 1) * 784), (v) => Math.round(v * 255)).join(',')}`);
    writeFileSync(join(cwd, data), `${rows.join('\n')}\n`);
    // two runs in one folder, stopped by SIGTERM and SIGHUP, beside the same run never stopped
    [straight, term, hup] = await Promise.all([
      run([...args, '--out', 'straight.json', '--quiet'], cwd),
      runStopped([...args, '--out', 'a.json'], cwd, 3, (pid) => process.kill(pid, 'SIGTERM')),
      runStopped([...args, '--out', 'b.json'], cwd, 3, (pid) => process.kill(pid, 'SIGHUP')),
    ]);
  });
  after(() => {
    rmSync(cwd, { recursive: true, force: true });
    rmSync(elsewhere, { recursive: true, force: true });
  });

  test('SIGTERM and SIGHUP stop training with a checkpoint each (exit codes 143 and 129), two runs in one folder', () => {
    assert.equal(straight.code, 0, straight.stderr);
    assert.equal(term.code, 143, term.stderr);
    assert.equal(hup.code, 129, hup.stderr);
    assert.match(term.stderr, /SIGTERM: stopping after this step to save a checkpoint/);
    assert.match(term.stderr, /interrupted at iteration \d+; saved a\.checkpoint\.json; go on with: nnlearn train --resume a\.checkpoint\.json/);
    assert.match(hup.stderr, /interrupted at iteration \d+; saved b\.checkpoint\.json; go on with: nnlearn train --resume b\.checkpoint\.json/);
    for (const name of ['a.checkpoint.json', 'b.checkpoint.json']) assert.ok(existsSync(join(cwd, name)), `${name} is kept`);
    assert.ok(!existsSync(join(cwd, 'a.json')) && !existsSync(join(cwd, 'b.json')), 'no model from a stopped run');
    const a = JSON.parse(readFileSync(join(cwd, 'a.checkpoint.json'), 'utf8')) as CheckpointJson;
    assert.equal(a.flags.threads, '3', 'the thread count is recorded');
    assert.equal(a.flags.data, join(cwd, data), 'the data by its absolute path');
  });

  test('a new run that would overwrite an interrupted run’s checkpoint is refused, naming how to resume it', async () => {
    const r = await runCli([...args.map((v) => (v === data ? join(cwd, data) : v)), '--out', join(cwd, 'a.json')]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /a\.checkpoint\.json holds the checkpoint of an interrupted run: go on with nnlearn train --resume .*a\.checkpoint\.json, or remove it to start anew/);
  });

  test('a second run naming a running run’s checkpoint is refused; a claim left by a killed process is taken over', async () => {
    const abs = args.map((v) => (v === data ? join(cwd, data) : v));
    let second: Awaited<ReturnType<typeof runCli>> | undefined;
    let first = 0;
    const stopped = await runStopped([...args, '--out', 'c.json'], cwd, 3, async (pid) => {
      first = pid;
      second = await runCli([...abs, '--out', join(cwd, 'c.json')]);
      process.kill(pid, 'SIGTERM');
    });
    assert.equal(stopped.code, 143, stopped.stderr);
    assert.equal(second?.code, 2, second?.stderr);
    assert.equal(second?.stderr, `nnlearn: ${join(cwd, 'c.checkpoint.json')} is the checkpoint of a run still going (process ${first}); give this run its own --out, --out-dir or --checkpoint\n`);
    assert.ok(!existsSync(join(cwd, 'c.checkpoint.json.lock')), 'the interrupted run let go of its claim');
    // a claim whose process has ended (kill -9 leaves one): the next run takes it over, and lets go of it
    const gone = spawn(process.execPath, ['-e', '']);
    const pid = gone.pid as number;
    await new Promise((done) => gone.on('close', done));
    writeFileSync(join(cwd, 'd.checkpoint.json.lock'), `${pid}\n`);
    const r = await runCli([...abs.map((v) => (v === '1000' ? '2' : v)), '--out', join(cwd, 'd.json'), '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!existsSync(join(cwd, 'd.checkpoint.json.lock')));
  });

  test('an edited checkpoint is refused; a forged one is checked whole (ranges, thread count, shapes, data)', async () => {
    const from = join(cwd, 'a.checkpoint.json');
    const resume = async (file: string) => runCli(['train', '--resume', file, '--quiet']);
    // λ edited: the checksum no longer matches
    let r = await resume(edited(from, join(elsewhere, 'lambda.json'), (c) => (c.flags.lambda = '3'), false));
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /lambda\.json: the checkpoint was changed after it was written \(its SHA-256 does not match\)/);
    // resealed with fmincg's counter at -1e6 (it once ran forever)
    r = await resume(edited(from, join(elsewhere, 'i.json'), (c) => (c.state.numbers.i = -1e6)));
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /the state to resume has i = -1000000, where this run allows a whole number from 0 to 1000/);
    // more threads than this machine runs: refused rather than resumed on another count (other sums, other bits)
    const threads = maxThreads() + 1;
    r = await resume(edited(from, join(elsewhere, 'threads.json'), (c) => (c.flags.threads = String(threads))));
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`--resume: the interrupted run used ${threads} threads, more than this machine runs \\(${threads - 1}\\); resume it where it started`));
    // no flags.hidden (once an internal error): the default 25 units do not fit the state's 8
    r = await resume(edited(from, join(elsewhere, 'hidden.json'), (c) => delete c.flags.hidden));
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /^nnlearn: the state to resume has 6370 parameters, not 19885\n$/);
    // no flags.lambda (once an internal error): the default, λ = 1, is the recorded one, so the run goes on
    r = await resume(
      edited(from, join(elsewhere, 'no-lambda.json'), (c) => {
        delete c.flags.lambda;
        c.flags.out = join(elsewhere, 'no-lambda-model.json');
      }),
    );
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(thetas(join(elsewhere, 'no-lambda-model.json')), thetas(join(cwd, 'straight.json')));
  });

  test('a resume on other data (the same name, one pixel changed) is refused', async () => {
    const file = join(cwd, data);
    const original = readFileSync(file, 'utf8');
    try {
      writeFileSync(file, original.replace(/\n(\d),0,/, '\n$1,1,'));
      const r = await runCli(['train', '--resume', join(cwd, 'a.checkpoint.json'), '--quiet']);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /--resume: .*digits\.csv is not the file the run used \(\d+ bytes, SHA-256 [0-9a-f]{12}…; now \d+ bytes, [0-9a-f]{12}…\)/);
    } finally {
      writeFileSync(file, original);
    }
  });

  test('--resume ends bit-identical to the run never stopped, on the recorded threads, from another folder too', async () => {
    const [a, b] = await Promise.all([
      run(['train', '--resume', 'a.checkpoint.json', '--quiet'], cwd),
      // from another folder: the data and the outputs are where the run recorded them
      run(['train', '--resume', join(cwd, 'b.checkpoint.json'), '--quiet'], elsewhere),
    ]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    const expected = thetas(join(cwd, 'straight.json'));
    assert.deepEqual(thetas(join(cwd, 'a.json')), expected, 'SIGTERM, resumed: bit-identical weights');
    assert.deepEqual(thetas(join(cwd, 'b.json')), expected, 'SIGHUP, resumed elsewhere: bit-identical weights');
    for (const m of ['a.json', 'b.json']) assert.equal(recorded(join(cwd, m)).threads, '3', `${m} ran on the recorded 3 threads`);
    // the finished runs' checkpoints have done their work
    assert.ok(!existsSync(join(cwd, 'a.checkpoint.json')) && !existsSync(join(cwd, 'b.checkpoint.json')));
  });

  test('a run in its own folder (--out-dir) resumes with the command it printed, to the same weights', async () => {
    const stopped = await runStopped([...args, '--out-dir', 'folder-run'], cwd, 3, (pid) => process.kill(pid, 'SIGTERM'));
    assert.equal(stopped.code, 143, stopped.stderr);
    const command = /go on with: nnlearn (train --resume \S+)/.exec(stopped.stderr);
    assert.ok(command !== null, stopped.stderr);
    const resumed = await run(command[1].split(' '), cwd);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.deepEqual(thetas(join(cwd, 'folder-run', 'model.json')), thetas(join(cwd, 'straight.json')));
    assert.ok(!existsSync(join(cwd, 'folder-run', 'checkpoint.json')), 'the checkpoint has done its work');
  });

  test('Adam stopped within an epoch: a forged epoch of 1e9 or a fractional batch position is refused', async () => {
    const adam = ['train', '--data', data, '--hidden', '8', '--optimizer', 'adam', '--batch-size', '50', '--max-iter', '200'];
    const stopped = await runStopped([...adam, '--out', 'adam.json'], cwd, 1, (pid) => process.kill(pid, 'SIGTERM'));
    assert.equal(stopped.code, 143, stopped.stderr);
    const from = join(cwd, 'adam.checkpoint.json');
    let r = await runCli(['train', '--resume', edited(from, join(elsewhere, 'iter.json'), (c) => (c.state.numbers.iter = 1e9)), '--quiet']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /the state to resume has iter = 1000000000, where this run allows a whole number from 0 to 200/);
    r = await runCli(['train', '--resume', edited(from, join(elsewhere, 'batch.json'), (c) => (c.state.numbers.batch = 2.5)), '--quiet']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /the state to resume has batch = 2\.5, where this run allows a whole number from 0 to 999/);
  });

  test('the second Ctrl-C ends the run at once (SIGKILL from the guardian) while an evaluation blocks', async () => {
    const dir = join(cwd, 'ctrl-c');
    mkdirSync(dir);
    // the reference backend evaluates on the main thread: seconds an evaluation, during which Node hears no signal
    // (gd on full batches: one evaluation an iteration, no pause within it)
    const args = ['train', '--backend', 'reference', '--hidden', '300', '--optimizer', 'gd', '--batch-size', 'full', '--learning-rate', '0.1', '--max-iter', '50', '--out', 'x.json'];
    const ended = await runStopped(
      args,
      dir,
      1,
      async (pid) => {
        // Ctrl-C goes to the terminal's process group: nnlearn and its guardian
        process.kill(-pid, 'SIGINT');
        await new Promise((r) => setTimeout(r, 200)); // two Ctrl-Cs, not one that the kernel merges
        process.kill(-pid, 'SIGINT');
      },
      true,
    );
    assert.equal(ended.signal, 'SIGKILL', `ended with code ${ended.code}: ${ended.stderr}`);
    assert.ok(!existsSync(join(dir, 'x.json')), 'no model');
  });
});
