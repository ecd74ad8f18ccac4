/**
 * The fast backend's generated sources: the committed wasm/products.ts is what scripts/gen-products.mjs writes (the
 * build compiles the generator's output, so a stale copy would mislead its readers), and the generated TypeScript
 * interface of the module (src/linalg/wasm/kernels.generated.ts) names exactly the module's exports.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { compiledModule } from '../../src/linalg/wasm/instance.js';
import { PANEL_ROW_BYTES, PANEL_UNITS } from '../../src/nn/fast/plan.js';
import { repoRoot } from '../helpers.js';

test('the committed wasm/products.ts is the output of scripts/gen-products.mjs', async () => {
  const gen = (await import(pathToFileURL(join(repoRoot, 'scripts', 'gen-products.mjs')).href)) as { productsSource: () => string };
  const committed = readFileSync(join(repoRoot, 'wasm', 'products.ts'), 'utf8');
  assert.ok(committed === gen.productsSource(), 'wasm/products.ts is stale: run node scripts/gen-products.mjs and commit it');
});

test('the panels of the sparse forward product: the generator and the plan agree on their shape', async () => {
  const gen = (await import(pathToFileURL(join(repoRoot, 'scripts', 'gen-products.mjs')).href)) as { PANEL_ROW_BYTES: number; panelUnits: (lanes: number) => number };
  assert.equal(gen.PANEL_ROW_BYTES, PANEL_ROW_BYTES);
  assert.equal(gen.panelUnits(2), PANEL_UNITS.f64);
  assert.equal(gen.panelUnits(4), PANEL_UNITS.f32);
  // the widest block fits a panel's row
  assert.ok(PANEL_UNITS.f64 * 8 <= PANEL_ROW_BYTES && PANEL_UNITS.f32 * 4 <= PANEL_ROW_BYTES);
});

test('the generated interface of the kernels names every export of the module, and only those', () => {
  const text = readFileSync(join(repoRoot, 'src', 'linalg', 'wasm', 'kernels.generated.ts'), 'utf8');
  const declared = [...text.matchAll(/^ {2}(\w+)[(:]/gm)].map((m) => m[1]).sort();
  for (const shared of [false, true]) {
    const exported = WebAssembly.Module.exports(compiledModule(shared))
      .map((e) => e.name)
      .sort();
    assert.deepEqual(declared, exported.includes('memory') ? exported : [...exported, 'memory'].sort());
  }
});
