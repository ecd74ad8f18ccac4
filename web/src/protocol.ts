/** The messages between the page and its worker (./train-worker.ts). */
import type { Activation, OutputKind } from '../../src/nn/activations.js';
import type { TrainState } from '../../src/nn/network.js';
import type { ImageShape } from '../../src/data/dataset.js';
import type { LabelConvention } from '../../src/data/labels.js';
import type { Settings } from './settings.js';

/** A network as plain data (it crosses to the worker by structured clone). */
export interface ModelSpec {
  sizes: number[];
  params: Float64Array;
  activation: Activation;
  output: OutputKind;
  labels: LabelConvention;
  /** how the network reads a picture (the page's digits are brought to this layout) */
  image: ImageShape;
}

export type PageMessage =
  /** the page's digits, compressed as fetched */
  | { type: 'digits'; bytes: ArrayBuffer }
  /** train a new network (from: undefined) or go on from a model, with the optimizer's state when it was stopped */
  | { type: 'train'; settings: Settings; seed: number; from?: { model: ModelSpec; state?: TrainState } }
  /** accuracies on the page's digits */
  | { type: 'evaluate'; model: ModelSpec }
  | { type: 'stop' };

export type WorkerMessage =
  | { type: 'digits-ready'; train: number; test: number }
  | { type: 'started'; threads: number; backend: string }
  | {
      type: 'progress';
      /** the optimizer's count in this run (a resumed run goes on from where it stopped) */
      iteration: number;
      cost: number;
      trainAccuracy: number;
      testAccuracy: number;
      /** RMS of ∂J/∂Θ(l) per layer, averaged over the iteration's evaluations */
      gradientRms: number[];
      /** the first layer's weights, a few times a second */
      theta1?: Float64Array;
    }
  | {
      type: 'done';
      params: Float64Array;
      iterations: number;
      stopped: boolean;
      stopReason: string;
      state?: TrainState;
      trainAccuracy: number;
      testAccuracy: number;
    }
  | { type: 'evaluated'; trainAccuracy: number; testAccuracy: number; testPredicted: Int32Array }
  | { type: 'error'; message: string };
