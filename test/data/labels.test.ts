import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { labelsToTargets, targetsToLabels, detectConvention, oneHot, digitOfLabel } from '../../src/data/labels.js';
import { ValueError } from '../../src/errors.js';

test('course labels 1..K map to output units 0..K-1, so label 10 (the digit 0) is the last unit', () => {
  assert.deepEqual(Array.from(labelsToTargets([1, 5, 10], 10, 'course')), [0, 4, 9]);
  assert.deepEqual(Array.from(labelsToTargets([0, 5, 9], 10, 'zero-based')), [0, 5, 9]);
  assert.equal(digitOfLabel(10, 'course'), 0);
  assert.equal(digitOfLabel(3, 'course'), 3);
});

test('labels and targets convert back and forth in both conventions', () => {
  fc.assert(
    fc.property(fc.integer({ min: 2, max: 12 }).chain((K) => fc.tuple(fc.constant(K), fc.array(fc.integer({ min: 0, max: K - 1 })))), ([K, t]) => {
      for (const c of ['course', 'zero-based'] as const) {
        assert.deepEqual(Array.from(labelsToTargets(targetsToLabels(t, c), K, c)), t);
      }
    }),
  );
});

test('a label out of range or not an integer is refused with its position', () => {
  assert.throws(() => labelsToTargets([1, 11], 10, 'course'), (e: unknown) => e instanceof ValueError && /label 2 is 11/.test(e.message));
  assert.throws(() => labelsToTargets([0], 10, 'course'), /1\.\.10/);
  assert.throws(() => labelsToTargets([1.5], 10, 'zero-based'), ValueError);
});

test('the convention is detected from the labels: a 0 means zero-based', () => {
  assert.equal(detectConvention([1, 2, 10], 10), 'course');
  assert.equal(detectConvention([0, 2, 9], 10), 'zero-based');
  assert.throws(() => detectConvention([0, 10], 10), /fits neither/);
});

test('oneHot has a single 1 per row, in the target’s column (np.eye(K)[y])', () => {
  const Y = oneHot([2, 0], 3);
  assert.deepEqual(Y.toRows(), [
    [0, 0, 1],
    [1, 0, 0],
  ]);
  assert.throws(() => oneHot([3], 3), ValueError);
});
