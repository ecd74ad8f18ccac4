/** The page's digits (web/public/digits.bin, written by scripts/web-data.mjs): training and test sets. */
import { Matrix } from '../../src/linalg/matrix.js';

export interface DigitSets {
  train: { X: Matrix; y: Int32Array };
  test: { X: Matrix; y: Int32Array };
}

export function parseDigits(buf: ArrayBuffer): DigitSets {
  const view = new DataView(buf);
  const nTrain = view.getUint32(0, true);
  const nTest = view.getUint32(4, true);
  const bytes = new Uint8Array(buf);
  const pixels = (offset: number, n: number) => {
    const X = new Matrix(n, 784);
    for (let i = 0; i < n * 784; i++) X.data[i] = bytes[8 + offset * 784 + i] / 255;
    return X;
  };
  const labelsAt = 8 + (nTrain + nTest) * 784;
  return {
    train: { X: pixels(0, nTrain), y: Int32Array.from(bytes.subarray(labelsAt, labelsAt + nTrain)) },
    test: { X: pixels(nTrain, nTest), y: Int32Array.from(bytes.subarray(labelsAt + nTrain, labelsAt + nTrain + nTest)) },
  };
}
