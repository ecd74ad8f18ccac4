/**
 * nnlearn's Node-only API (`import … from 'nnlearn/node'`): data sets and models from files, the shipped digits,
 * PNG pictures, and threads. The main entry (`nnlearn`) stays free of Node modules so that it bundles for the
 * browser.
 *
 * Importing this module also gives training Node's worker threads: `network.trainAsync(X, y)` then evaluates on
 * every core (as `nnlearn train` does), unless `threads` says otherwise; and it gives the memory budget the
 * process's resident memory as its measure of what is in use, with no limit until `setMemoryLimit` sets one (the
 * CLI's default is half of the machine's memory; see ../memory.ts).
 *
 * @module nnlearn/node
 */
import { registerThreadPlatform } from './nn/fast/backend.js';
import { nodeThreadPlatform } from './nn/fast/threads-node.js';
import { setMemoryMeasure } from './memory.js';

registerThreadPlatform(nodeThreadPlatform);
setMemoryMeasure(() => process.memoryUsage.rss());

export { readBytes, readMatFile, writeFileAtomic } from './data/files.js';
export {
  loadDataset,
  loadInputs,
  loadTrainTest,
  loadMatData,
  loadModel,
  loadWeights,
  idxLabelsPath,
  targetsForModel,
  type LoadOptions,
  type TrainTestSpec,
} from './data/load.js';
export { loadShippedDigits, shippedDigits, isShippedDigits, SHIPPED_DIGITS, SHIPPED_TEST_FRACTION, SHIPPED_SPLIT_SEED } from './data/shipped-digits.js';
export { rasterToPng, svgToPng } from './viz/png.js';
export { saveChart, saveRaster } from './viz/save.js';
export { nodeThreadPlatform, defaultThreads } from './nn/fast/threads-node.js';
export { readModelFile, writeModel, modelOutputFormat, type LoadedModelFile } from './nn/formats/files.js';
