/**
 * The API reference: `npm run docs` (TypeDoc over both entry points) builds with every public export documented.
 * TypeDoc's notDocumented validation with treatWarningsAsErrors makes an export without a doc comment, a broken
 * {@link}, or a public type that is not exported fail the build, and so this test. Offline: TypeDoc reads the
 * sources and writes HTML, nothing else.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './helpers.js';

test('npm run docs builds the API reference with no undocumented export and the course map linked', { timeout: 300_000 }, (t) => {
  const config = JSON.parse(readFileSync(join(repoRoot, 'typedoc.json'), 'utf8')) as {
    entryPoints: string[];
    validation: { notDocumented: boolean };
    treatWarningsAsErrors: boolean;
  };
  assert.deepEqual(config.entryPoints, ['src/index.ts', 'src/node.ts']);
  assert.equal(config.validation.notDocumented, true);
  assert.equal(config.treatWarningsAsErrors, true);
  const scripts = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  assert.equal(scripts.docs, 'typedoc');

  const out = mkdtempSync(join(tmpdir(), 'nnlearn-docs-'));
  try {
    const r = spawnSync(process.execPath, [join(repoRoot, 'node_modules', 'typedoc', 'bin', 'typedoc'), '--out', out], { cwd: repoRoot, encoding: 'utf8' });
    const warnings = `${r.stdout}${r.stderr}`.split('\n').filter((l) => /warning|error/i.test(l));
    t.diagnostic(warnings.length === 0 ? 'no warnings' : warnings.slice(0, 5).join('\n'));
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    assert.deepEqual(warnings, []);
    assert.ok(existsSync(join(out, 'index.html')));
    // a course function's page names its section of ex4 and links the course map
    const page = readFileSync(join(out, 'functions', 'nnlearn.nnCostFunction.html'), 'utf8');
    assert.match(page, /ex4 sections 1\.3/);
    assert.match(page, /href="[^"]*course[^"]*"/);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
