/**
 * nnlearn's public API.
 *
 * The course's names (camelCase of ex4's Octave functions) are the faithful front: sigmoid, sigmoidGradient,
 * randInitializeWeights, debugInitializeWeights, nnCostFunction, computeNumericalGradient, checkNNGradients,
 * predict, fmincg. Behind them: matrices and kernels, MAT-files, label conventions, a Network object and the
 * optimizers, and model files in every format nnlearn reads and writes (nnlearn JSON, MAT, ONNX, TensorFlow.js).
 * Browser-safe: nothing here imports a Node module (Node's files are in `nnlearn/node`).
 *
 * @module nnlearn
 */
export { NnlearnError, FormatError, ShapeError, ValueError, UsageError, DivergenceError } from './errors.js';
/** The memory budget (none unless set; `nnlearn/node` measures the process's memory) and its refusal. */
export { MemoryError, setMemoryLimit, memoryAvailable } from './memory.js';
export { Random } from './random.js';

export { Matrix } from './linalg/matrix.js';
export {
  matmul,
  matmulABt,
  matmulAtB,
  affineABt,
  affineAtB,
  matmulSkipBias,
  map,
  colSums,
  rowSums,
  sumSquares,
  pairwiseSum,
} from './linalg/kernels.js';
/** Correctly rounded exp, log, log1p and sin (the reference backend's, so that every engine computes the same bits). */
export * as crmath from './linalg/crmath.js';

export { MatFile, readMat, writeMat, type MatClass, type MatVariableInfo, type WriteMatOptions } from './data/mat.js';
export {
  labelsToTargets,
  targetsToLabels,
  detectConvention,
  oneHot,
  digitOfLabel,
  digitTargets,
  type LabelConvention,
} from './data/labels.js';

export { sigmoid, sigmoidGradient, sigmoidScalar, sigmoidGradientScalar } from './nn/sigmoid.js';
export { crossEntropyTerm, logSigmoid } from './nn/cross-entropy.js';
export {
  thetaShapes,
  paramCount,
  rollParams,
  unrollParams,
  sizesOfThetas,
  type UnrollOrder,
} from './nn/params.js';
export {
  randInitializeWeights,
  randInitializeNetwork,
  debugInitializeWeights,
  initEpsilon,
  type InitOptions,
} from './nn/init.js';
export {
  nnCostFunction,
  costFunction,
  forward,
  Workspace,
  type CostResult,
  type CostOptions,
  type NnCostOptions,
} from './nn/cost.js';
export { backpropLoop } from './nn/backprop-loop.js';
export {
  computeNumericalGradient,
  checkNNGradients,
  type GradientCheck,
  type CheckOptions,
  type ScalarCost,
} from './nn/gradcheck.js';
export { predict, predictTargets, accuracy } from './nn/predict.js';
export { Network, type NetworkOptions } from './nn/network.js';
export {
  resolveTraining,
  OptionError,
  DEFAULT_LAMBDA,
  DEFAULT_PATIENCE,
  MAX_ITERATIONS,
  type TrainOptions,
  type ResolvedTraining,
} from './nn/train-options.js';
export { type TrainResult, type TrainState } from './nn/training.js';
export { diagnoseRun, chanceAccuracy, type RunAdvice, type Suggestion } from './nn/diagnose.js';
export {
  OPTIMIZER_TABLE,
  OPTIMIZERS,
  optimizerEntry,
  describeSettings,
  type OptimizerName,
  type OptimizerEntry,
  type OptimizerSettings,
} from './optim/registry.js';
export {
  registerThreadPlatform,
  availableThreads,
  resolveBackend,
  startWorkers,
  openEvaluator,
  type BackendChoice,
  type ThreadPlatform,
  type OpenOptions,
} from './nn/fast/backend.js';
export type { ThreadSpawner, ThreadHandle, WorkerPool } from './nn/fast/threaded.js';
export type { StochasticOptions, UpdateRule } from './optim/first-order.js';
export type { BackendName, CostEvaluator } from './nn/fast/evaluator.js';
export type { Precision } from './nn/fast/partition.js';
export { modelToJson, modelFromJson, modelToMat, networkFromMat, type ModelJson } from './nn/model.js';
export {
  MODEL_FORMATS,
  MODEL_FORMAT_NAMES,
  MODEL_FILE_EXTENSIONS,
  modelFormat,
  formatOfFileName,
  detectModelFormat,
  readModel,
  writeModelFiles,
} from './nn/formats/registry.js';
export type { ModelFormat, ModelFormatName, ModelFile, ModelMeta, LoadedModel, ReadModelOptions } from './nn/formats/types.js';
export { networkToOnnx } from './nn/formats/onnx-write.js';
export { networkToTfjs, TFJS_WEIGHTS_FILE, type TfjsNnlearnMetadata } from './nn/formats/tfjs-write.js';
export { tfjsWeightPaths } from './nn/formats/tfjs-read.js';

export { fmincg, fmincgIterations, formatIteration, type FmincgOptions } from './optim/fmincg.js';
export { gradientDescent, gradientDescentIterations, type GradientDescentOptions } from './optim/gradient-descent.js';
export { runToEnd, type Objective, type OptimizeOptions, type OptimizeResult, type Optimizer, type IterationInfo, type Iterations, type OptimizerState } from './optim/types.js';

export { SparseRows, density, sparseAffineABt, sparseAffineAtB, SPARSE_DENSITY_THRESHOLD } from './linalg/sparse.js';
export { splitDataset, selectRows, squareImage, type Dataset, type Inputs, type FileIdentity, type ImageShape } from './data/dataset.js';
export { parseIdx, idxImages, idxLabels, isGzip, type IdxArray, type IdxOptions } from './data/idx.js';
export { confusionMatrix, classMetrics, type ClassMetrics } from './nn/confusion.js';
export { displayData, hiddenUnitsRaster, toGreyBytes, magnify, type Raster } from './viz/raster.js';
export { costChart, sweepChart, confusionChart, type CostSeries, type SweepRow } from './viz/charts.js';
export { chartToSvg } from './viz/render.js';

export { Value, topologicalOrder, type Op, type SourceSpan } from './graph/value.js';
export { NonFiniteError } from './graph/explain.js';
export { parseGraph, parseAssignments, ParseError, type ParsedGraph } from './graph/parse.js';
export { GRAPH_EXAMPLES, graphExample, type GraphExample } from './graph/examples.js';
export { graphSvg, graphDot } from './graph/render.js';
export { scalarNetworkCost, type ScalarNetwork } from './graph/network.js';
export { networkSvg } from './viz/network-svg.js';
export { lbfgs, lbfgsIterations, type LbfgsOptions } from './optim/lbfgs.js';
export { momentum, momentumIterations, type MomentumOptions } from './optim/momentum.js';
export { adam, adamIterations, type AdamOptions, type AdamStepper } from './optim/adam.js';
export { ACTIVATIONS, OUTPUTS, type Activation, type OutputKind, type Architecture } from './nn/activations.js';
export {
  parseCsv,
  parseCsvTable,
  splitLabels,
  CsvParser,
  scalePixels,
  labelColumnProblem,
  oneHotColumns,
  type CsvTable,
  type CsvData,
  type CsvLimits,
  type SplitOptions,
  type LabelColumn,
} from './data/csv.js';
