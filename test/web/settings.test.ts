/**
 * The playground's settings in the page's address, and the page's model file: what a link says is what the form
 * shows, bad values are named and left at their defaults; a model file keeps its whole history and reads back,
 * and the command line's model files show their cost history and origin.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DEFAULTS, settingsFromQuery, settingsToQuery, checkSettings, describe, type Settings } from '../../web/src/settings.js';
import { cannotRead, emptyHistory, imageOf, modelFile, readModelFile, type PageModel } from '../../web/src/model.js';
import { writeModelFiles } from '../../src/nn/formats/registry.js';

const bytes = (text: string) => new TextEncoder().encode(text);
import { Network } from '../../src/nn/network.js';
import { modelToJson } from '../../src/nn/model.js';
import { ACTIVATIONS, OUTPUTS } from '../../src/nn/activations.js';
import { OPTIMIZERS } from '../../src/nn/network.js';

test('no query: the course’s settings (25 sigmoid units, fmincg, λ = 1, 50 iterations); they write an empty query', () => {
  const { settings, problems } = settingsFromQuery('');
  assert.deepEqual(settings, DEFAULTS);
  assert.deepEqual(problems, []);
  assert.equal(settingsToQuery(DEFAULTS), '');
  assert.equal(describe(DEFAULTS), '784-25-10 sigmoid/sigmoid, fmincg, λ = 1, 50 iterations');
});

test('a link’s settings are read; bad ones are named and left at their defaults; unknown keys are ignored', () => {
  const { settings, problems } = settingsFromQuery('?hidden=30,20&activation=tanh&optimizer=adam&rate=0.01&batch=100&lambda=0.5&iterations=3&x=1');
  assert.deepEqual(settings, { ...DEFAULTS, hidden: [30, 20], activation: 'tanh', optimizer: 'adam', rate: 0.01, batch: 100, lambda: 0.5, iterations: 3 });
  assert.deepEqual(problems, []);
  const bad = settingsFromQuery('hidden=25,25,25,25&activation=swish&lambda=-1&iterations=1.5&rate=0&batch=-3&optimizer=sgd&hidden=1');
  assert.deepEqual(bad.settings, DEFAULTS);
  assert.equal(bad.problems.length, 7);
  assert.match(bad.problems.join(' | '), /hidden=25,25,25,25: one to 3 layers/);
  assert.match(bad.problems.join(' | '), /activation=swish: one of sigmoid, tanh, relu/);
  assert.equal(checkSettings({ ...DEFAULTS, hidden: [0] }), 'hidden=0: one to 3 layers of 1 to 400 units, e.g. 25 or 64,32');
});

test('any valid settings survive the round trip through the address', () => {
  const settings: fc.Arbitrary<Settings> = fc.record({
    hidden: fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 1, maxLength: 3 }),
    activation: fc.constantFrom(...ACTIVATIONS),
    output: fc.constantFrom(...OUTPUTS),
    optimizer: fc.constantFrom(...OPTIMIZERS),
    rate: fc.option(fc.double({ min: 1e-6, max: 100, noNaN: true }), { nil: undefined }),
    batch: fc.integer({ min: 0, max: 5000 }),
    lambda: fc.double({ min: 0, max: 1000, noNaN: true }),
    iterations: fc.integer({ min: 1, max: 2000 }),
  });
  fc.assert(
    fc.property(settings, (s) => {
      const back = settingsFromQuery(settingsToQuery(s));
      assert.deepEqual(back.problems, []);
      assert.deepEqual(back.settings, { ...s });
    }),
    { numRuns: 300 },
  );
});

function pageModel(): PageModel {
  const net = Network.random([784, 5, 10], { labels: 'zero-based', seed: 1 });
  const history = emptyHistory(2);
  for (let i = 1; i <= 4; i++) {
    history.iteration.push(i);
    history.cost.push(3 - i / 2);
    history.trainAccuracy.push(50 + i);
    history.testAccuracy.push(40 + i);
    history.gradientRms[0].push(0.01 * i);
    history.gradientRms[1].push(0.1 * i);
  }
  return { net, origin: 'trained on this page: 784-5-10', history, runs: [{ settings: { ...DEFAULTS, hidden: [5], iterations: 4 }, first: 1, last: 4, stopped: false, threads: 1 }] };
}

test('a page model file holds the network, the whole history and the runs, and reads back the same', async () => {
  const m = pageModel();
  const text = modelFile(m, { train: 54, test: 44 });
  const json = JSON.parse(text) as { meta: { costHistory: number[]; trainAccuracy: number; optimizer: string } };
  assert.deepEqual(json.meta.costHistory, m.history.cost, 'the command line’s key too');
  assert.equal(json.meta.optimizer, 'fmincg');
  const back = await readModelFile(bytes(text), 'saved.json');
  assert.deepEqual(Array.from(back.net.params), Array.from(m.net.params));
  assert.deepEqual(back.history, m.history);
  assert.deepEqual(back.runs, JSON.parse(JSON.stringify(m.runs)), 'as JSON keeps them (no undefined rate)');
  assert.match(back.origin, /^saved\.json: trained on this page: 784-5-10; 784-5-10 sigmoid\/sigmoid, fmincg, λ = 1, 4 iterations$/);
});

test('a command-line model file: its cost history is the curve, its meta the origin; no meta, no curve', async () => {
  const net = Network.random([784, 5, 10], { labels: 'zero-based', seed: 1 });
  const cli = JSON.stringify(modelToJson(net, { data: 'digits:train', optimizer: 'adam', lambda: 1, maxIter: 3, costHistory: [2, 1.5, 1.2] }));
  const m = await readModelFile(bytes(cli), 'model.json');
  assert.deepEqual(m.history.iteration, [1, 2, 3]);
  assert.deepEqual(m.history.cost, [2, 1.5, 1.2]);
  assert.deepEqual(m.history.testAccuracy, [null, null, null]);
  assert.equal(m.origin, 'model.json: trained by nnlearn on digits:train (adam, λ = 1, 3 iterations)');
  const bare = await readModelFile(bytes(JSON.stringify(modelToJson(net))), 'bare.json');
  assert.deepEqual(bare.history.cost, []);
  assert.equal(bare.origin, 'bare.json: no record of how it was trained');
  await assert.rejects(readModelFile(bytes('{"format":"nnlearn-model"}'), 'broken.json'), /broken\.json/);
});

test('how a network reads pictures: its own layout, 28×28 for 784 inputs, the course’s 20×20 by columns for 400; others refused', () => {
  assert.deepEqual(imageOf(new Network([784, 3, 10])), { height: 28, width: 28, order: 'row-major' });
  assert.deepEqual(imageOf(new Network([400, 3, 10])), { height: 20, width: 20, order: 'column-major' });
  assert.deepEqual(imageOf(new Network([400, 3, 10], undefined, { image: { height: 20, width: 20, order: 'row-major' } })), { height: 20, width: 20, order: 'row-major' });
  assert.deepEqual(imageOf(new Network([64, 3, 10])), { height: 8, width: 8, order: 'row-major' });
  assert.equal(imageOf(new Network([30, 3, 10])), undefined);
  assert.match(cannotRead(new Network([30, 3, 10])) ?? '', /30 inputs are not a picture/);
  assert.match(cannotRead(new Network([784, 3, 4])) ?? '', /4 outputs/);
  assert.equal(cannotRead(new Network([400, 25, 10])), undefined);
});

test('a TensorFlow.js model.json with its weights, an ONNX file and a MAT-file load as the page’s model too', async () => {
  const net = Network.random([784, 6, 10], { labels: 'zero-based', activation: 'relu', output: 'softmax', seed: 3, image: { height: 28, width: 28, order: 'row-major' } });
  const tfjs = writeModelFiles(net, 'tfjs');
  const weights = new Map(tfjs.files.slice(1).map((f) => [f.name, f.bytes] as const));
  const fromTfjs = await readModelFile(tfjs.files[0].bytes, 'model.json', weights);
  assert.deepEqual(fromTfjs.net.sizes, [784, 6, 10]);
  assert.deepEqual(Array.from(fromTfjs.net.params), Array.from(net.params, Math.fround));
  for (const format of ['onnx', 'mat'] as const) {
    const m = await readModelFile(writeModelFiles(net, format).files[0].bytes, `model.${format}`);
    assert.deepEqual(m.net.sizes, [784, 6, 10], format);
    assert.equal(cannotRead(m.net), undefined, format);
  }
  await assert.rejects(readModelFile(tfjs.files[0].bytes, 'model.json'), /weights/i, 'a model.json without its weight files says so');
});
