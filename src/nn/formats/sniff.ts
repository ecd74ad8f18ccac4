/**
 * Looking at bytes before reading them: two formats (nnlearn's JSON and TensorFlow.js's model.json) are JSON, so
 * detection parses the text once and both detectors, and then the reader, share the result.
 */

import { FormatError } from '../../errors.js';
import { parseJsonFile } from '../../data/json.js';

const parsed = new WeakMap<Uint8Array, unknown>();
const NOT_JSON = Symbol('not JSON');

/** Whether the first byte that is not white space (after a UTF-8 byte-order mark) is `{`. */
export function startsLikeJsonObject(bytes: Uint8Array): boolean {
  let i = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0a || bytes[i] === 0x0d)) i++;
  return bytes[i] === 0x7b;
}

/** The JSON object in `bytes` (UTF-8), or undefined when they are not one; parsed once per byte array. */
export function jsonObjectOf(bytes: Uint8Array): Record<string, unknown> | undefined {
  if (!startsLikeJsonObject(bytes)) return undefined;
  let value = parsed.get(bytes);
  if (value === undefined) {
    try {
      value = parseJsonFile(new TextDecoder().decode(bytes), 'the model');
    } catch (err) {
      // a memory or size refusal is the answer; bad JSON is only "not this format"
      if (!(err instanceof FormatError) || !/not valid JSON/.test(err.message)) throw err;
      value = NOT_JSON;
    }
    parsed.set(bytes, value);
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
