/**
 * JSON from files a user can edit or forge (models, checkpoints, TF.js model.json): parsed only after a scan has
 * checked what parsing would build. JSON.parse of a text holding one array of 134,217,727 zeros does not throw: V8
 * stops the process ("Fatal JavaScript invalid size error", 20 s and 2.9 GB in). The scan counts every array's
 * elements, so that such a text is refused with a line instead, and the memory the parse needs is checked against
 * the budget first. A UTF-8 byte-order mark is accepted, as everywhere nnlearn reads text.
 */
import { FormatError } from '../errors.js';
import { checkMemory, memoryAdvice } from '../memory.js';

/**
 * The longest array nnlearn reads from JSON: far more than any row of weights (a layer of 100,000 units) or any
 * checkpoint vector of a network that fits the memory (32 million parameters), and far less than V8's limit.
 */
export const MAX_JSON_ARRAY = 2 ** 25;

/** What parsing a JSON text costs, about: the string (UTF-16) and 16 bytes a number or a token. */
function parseCost(length: number, tokens: number): number {
  return 2 * length + 16 * tokens;
}

/**
 * Counts the elements of every array of a JSON text without building anything; throws a FormatError naming the
 * longest when one is longer than MAX_JSON_ARRAY. Returns the number of elements in all (for the memory check).
 * The text need not be valid JSON: JSON.parse still checks it.
 */
function scanJson(text: string, source: string, maxArray = MAX_JSON_ARRAY): number {
  const counts: number[] = []; // one per open array or object (-1 for an object)
  let tokens = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // an escape: skip the next character
      else if (c === 0x22) inString = false;
      continue;
    }
    const top = counts.length - 1;
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) continue;
    if (c === 0x5d || c === 0x7d) {
      counts.pop();
      continue;
    }
    if (c === 0x2c) {
      if (top >= 0 && counts[top] >= 0) {
        if (++counts[top] > maxArray) {
          throw new FormatError(`${source}: an array of more than ${maxArray} elements (at character ${i}), more than nnlearn reads from JSON`);
        }
      }
      continue;
    }
    if (c === 0x3a) continue;
    // the start of a value: the first element of an empty array counts it as 1
    if (top >= 0 && counts[top] === 0) counts[top] = 1;
    tokens++;
    if (c === 0x5b) counts.push(0);
    else if (c === 0x7b) counts.push(-1);
    else if (c === 0x22) inString = true;
    else {
      // a number or a literal: skip to its end
      while (i + 1 < text.length && !/[\s,\]}:]/.test(text[i + 1])) i++;
    }
  }
  return tokens;
}

/** Parses a JSON text from a file after the scan and the memory check; `source` names the file in errors. */
export function parseJsonFile(text: string, source: string): unknown {
  const t = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const tokens = scanJson(t, source);
  checkMemory(`${source} (JSON of ${tokens} values)`, parseCost(t.length, tokens), memoryAdvice('a smaller file'));
  try {
    return JSON.parse(t) as unknown;
  } catch (err) {
    throw new FormatError(`${source}: not valid JSON (${(err as Error).message})`);
  }
}
