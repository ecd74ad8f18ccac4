/**
 * nnlearn's Node-only API (`import … from 'nnlearn/node'`): files, the shipped digits, PNG pictures. The main
 * entry (`nnlearn`) stays free of Node modules so that it bundles for the browser.
 *
 * @module nnlearn/node
 */
export { readBytes, readMatFile, writeFileAtomic } from './data/files.js';
export { loadShippedDigits, shippedDigits, SHIPPED_DIGITS, SHIPPED_TEST_FRACTION, SHIPPED_SPLIT_SEED } from './data/shipped-digits.js';
export { rasterToPng, svgToPng } from './viz/png.js';
export { saveChart, saveRaster } from './viz/save.js';
export { readModelFile, writeModel, modelOutputFormat } from './nn/formats/files.js';
