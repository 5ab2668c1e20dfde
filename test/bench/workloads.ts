// The three networks the benchmark trains, each with the rows it trains on. Our engine and the
// peer library of each workload read the same rows and the same learning rate from here.

import {
  DEFAULTS, type Dataset, type GeneratorName, type LayerConfig, type NetworkConfig,
} from '../../src/engine/config';
import { GENERATORS, withDefaults, type GeneratorParams } from '../../src/engine/data/generators';
import { Random } from '../../src/engine/random';

export type WorkloadId = 'W1' | 'W2' | 'W3';

export const WORKLOAD_IDS: readonly WorkloadId[] = ['W1', 'W2', 'W3'];

export interface Workload {
  id: WorkloadId;
  /** One line for the table: shape, activations, loss, batch, rows. */
  title: string;
  config: NetworkConfig;
  rows: Dataset;
  /** Plain SGD's learning rate, shared with the peer. */
  lr: number;
}

function layer(name: string, size: number, activation: LayerConfig['activation']): LayerConfig {
  return { name, size, activation };
}

/** Rows from a built-in generator, exactly as a spec's `data` statement would make them. */
function generated(name: GeneratorName, given: GeneratorParams, seed: number,
  outputSize: number): Dataset {
  const info = GENERATORS[name];
  return info.generate(withDefaults(info, given), new Random(seed).stream('data'), outputSize);
}

/**
 * The guide's network: 1 input, 2 sigmoid hidden units, 1 linear output, mse, SGD lr 0.5,
 * batch 4, on 64 rows of sin(x) over −3..3, starting from the weights the guide writes.
 */
function guideNetwork(): Workload {
  const lr = 0.5;
  const params: GeneratorParams = { samples: 64, range: [-3, 3] };
  const config: NetworkConfig = {
    name: 'tutorial',
    layers: [layer('x', 1, null), layer('h', 2, 'sigmoid'), layer('y', 1, 'linear')],
    loss: 'mse',
    optimizer: { kind: 'sgd', lr },
    batch: 4,
    epochs: 3000,
    seed: 7,
    // Off here because no peer reshuffles between passes: like is timed against like.
    shuffle: false,
    init: DEFAULTS.init,
    validate: 0,
    data: { kind: 'generator', name: 'sine', params },
    initialWeights: [
      { id: { layer: 1, to: 0, from: 0 }, value: 0.15 },
      { id: { layer: 1, to: 1, from: 0 }, value: -0.27 },
      { id: { layer: 1, to: 0, from: -1 }, value: 0 },
      { id: { layer: 1, to: 1, from: -1 }, value: 0 },
      { id: { layer: 2, to: 0, from: 0 }, value: 0.4 },
      { id: { layer: 2, to: 0, from: 1 }, value: 0.45 },
      { id: { layer: 2, to: 0, from: -1 }, value: 0 },
    ],
  };
  const rows = generated('sine', params, config.seed, 1);
  return { id: 'W1', title: '1-2-1 sigmoid/linear, mse, batch 4, 64 rows', config, rows, lr };
}

/** Two-armed spiral: 2 inputs, two tanh layers of 16, one sigmoid output, mse, batch 32. */
function spiralNetwork(): Workload {
  const lr = 0.1;
  const params: GeneratorParams = { samples: 1024, classes: 2 };
  const config: NetworkConfig = {
    name: 'spiral',
    layers: [
      layer('x', 2, null), layer('h1', 16, 'tanh'), layer('h2', 16, 'tanh'),
      layer('y', 1, 'sigmoid'),
    ],
    loss: 'mse',
    optimizer: { kind: 'sgd', lr },
    batch: 32,
    epochs: 100,
    seed: 11,
    shuffle: false,
    init: { kind: 'xavier' },
    validate: 0,
    data: { kind: 'generator', name: 'spiral', params },
    initialWeights: [],
  };
  const rows = generated('spiral', params, config.seed, 1);
  return { id: 'W2', title: '2-16-16-1 tanh/sigmoid, mse, batch 32, 1024 rows', config, rows, lr };
}

const PIXELS = 784;
const CLASSES = 10;

/**
 * Rows shaped like small images: inputs uniform in [0, 1), a class label drawn uniformly, both
 * from a seeded stream so every run trains on the same rows. Targets are one-hot.
 */
export function randomImageRows(count: number, seed: number): Dataset {
  const rng = new Random(seed).stream('bench-rows');
  const rows: Dataset = {
    n: count,
    nIn: PIXELS,
    nOut: CLASSES,
    inputs: new Float64Array(count * PIXELS),
    targets: new Float64Array(count * CLASSES),
  };
  for (let row = 0; row < count; row++) {
    for (let i = 0; i < PIXELS; i++) rows.inputs[row * PIXELS + i] = rng.next();
    rows.targets[row * CLASSES + rng.int(CLASSES)] = 1;
  }
  return rows;
}

/** 784-128-64-10 relu/relu/softmax with cross-entropy, batch 64, on 8192 random rows. */
function imageNetwork(): Workload {
  const lr = 0.01;
  const seed = 3;
  const rows = randomImageRows(8192, seed);
  const config: NetworkConfig = {
    name: 'images',
    layers: [
      layer('x', PIXELS, null), layer('h1', 128, 'relu'), layer('h2', 64, 'relu'),
      layer('y', CLASSES, 'softmax'),
    ],
    loss: 'cross_entropy',
    optimizer: { kind: 'sgd', lr },
    batch: 64,
    epochs: 1,
    seed,
    shuffle: false,
    init: { kind: 'he' },
    validate: 0,
    // The rows are handed to the trainer directly; no spec statement could name them.
    data: { kind: 'table', inputs: [], targets: [] },
    initialWeights: [],
  };
  return {
    id: 'W3', title: '784-128-64-10 relu/softmax, cross-entropy, batch 64, 8192 rows',
    config, rows, lr,
  };
}

export function makeWorkload(id: WorkloadId): Workload {
  const workload = id === 'W1' ? guideNetwork() : id === 'W2' ? spiralNetwork() : imageNetwork();
  // Every step then trains exactly `batch` rows, so rows trained = steps × batch.
  if (workload.rows.n % workload.config.batch !== 0) {
    throw new Error(`${id}: ${workload.rows.n} rows do not split into batches of ` +
      `${workload.config.batch}`);
  }
  return workload;
}

/** Row `row` of a flat row-major buffer with `width` columns, as a plain array. */
export function rowOf(values: Float64Array, width: number, row: number): number[] {
  return Array.from(values.subarray(row * width, (row + 1) * width));
}
