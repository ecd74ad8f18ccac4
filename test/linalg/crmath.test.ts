import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import * as cr from '../../src/linalg/crmath.js';
import { ulpDistance } from '../helpers.js';

// Correctly rounded values from mpmath at 300 bits (test/fixtures/gen-crmath.py): an independent reference.
const fixture = JSON.parse(readFileSync(new URL('../fixtures/crmath.json', import.meta.url), 'utf8')) as Record<
  'exp' | 'log' | 'log1p' | 'sin',
  [string, string][]
>;

for (const name of ['exp', 'log', 'log1p', 'sin'] as const) {
  test(`${name} is correctly rounded at every argument of the 300-bit reference table`, () => {
    const wrong: string[] = [];
    for (const [x, y] of fixture[name]) {
      const got = cr[name](Number(x));
      if (!Object.is(got, Number(y))) wrong.push(`${name}(${x}) = ${got}, expected ${y}`);
    }
    assert.deepEqual(wrong, []);
  });
}

test('sin(18) is the correctly rounded value that glibc and NumPy return (V8 is 1 ulp off)', () => {
  assert.equal(cr.sin(18), -0.7509872467716761);
});

test('exp and log stay within one ulp of the engine’s Math functions on random arguments', () => {
  fc.assert(
    fc.property(fc.double({ min: -700, max: 700, noNaN: true }), (x) => {
      assert.ok(ulpDistance(cr.exp(x), Math.exp(x)) <= 1);
    }),
    { numRuns: 2000 },
  );
  fc.assert(
    fc.property(fc.double({ min: 1e-300, max: 1e300, noNaN: true }), (x) => {
      assert.ok(ulpDistance(cr.log(x), Math.log(x)) <= 1);
    }),
    { numRuns: 2000 },
  );
});

test('special values follow IEEE 754: NaN, infinities, zero, overflow and underflow', () => {
  assert.ok(Number.isNaN(cr.exp(NaN)));
  assert.equal(cr.exp(Infinity), Infinity);
  assert.equal(cr.exp(-Infinity), 0);
  assert.equal(cr.exp(710), Infinity);
  assert.equal(cr.exp(-746), 0);
  assert.equal(cr.exp(0), 1);
  assert.equal(cr.log(0), -Infinity);
  assert.ok(Number.isNaN(cr.log(-1)));
  assert.equal(cr.log(Infinity), Infinity);
  assert.equal(cr.log(1), 0);
  assert.equal(cr.log1p(-1), -Infinity);
  assert.ok(Number.isNaN(cr.log1p(-2)));
  assert.equal(cr.log1p(1e-300), 1e-300);
  assert.ok(Number.isNaN(cr.sin(Infinity)));
  assert.equal(cr.sin(0), 0);
});

test('exp is monotonic and log inverts it to within an ulp', () => {
  fc.assert(
    fc.property(fc.double({ min: -50, max: 50, noNaN: true }), (x) => {
      const next = x + Math.abs(x) * 2 ** -52 + 5e-324;
      assert.ok(cr.exp(next) >= cr.exp(x));
      assert.ok(ulpDistance(cr.log(cr.exp(x)), x) <= 2 || Math.abs(cr.log(cr.exp(x)) - x) < 1e-15);
    }),
    { numRuns: 1000 },
  );
});
