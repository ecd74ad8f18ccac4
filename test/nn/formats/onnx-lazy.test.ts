/**
 * The ONNX schema (onnx-proto and protobufjs, 40–50 ms to load) is loaded in Node only when an ONNX model is read
 * or written: the registry of formats, which every command imports, does not load it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readModel, writeModelFiles } from '../../../src/nn/formats/registry.js';
import { Network } from '../../../src/nn/network.js';

const loaded = () => Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes('onnx-proto'));

test('the formats load without the ONNX schema, which comes with the first ONNX file', () => {
  const net = Network.random([4, 3, 2], { seed: 1 });
  const json = writeModelFiles(net, 'json').files[0].bytes;
  assert.equal(readModel(json).format, 'json');
  assert.equal(loaded(), false, 'JSON models need no ONNX schema');
  const onnx = writeModelFiles(net, 'onnx').files[0].bytes;
  assert.equal(loaded(), true);
  assert.equal(readModel(onnx, { source: 'm.onnx' }).format, 'onnx');
});
