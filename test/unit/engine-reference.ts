// A deliberately plain reference for the engine tests: the forward pass and the losses written
// straight from the format's formulas, one sample at a time with nested arrays, sharing no code
// with the engine. Only the documented parameter layout is assumed: for each layer l, W_l row by
// row (row j = the weights into unit j), then b_l.

import type { Dataset, LayerConfig, LossName, NetworkConfig } from '../../src/engine/config';

export interface ReferencePass {
  /** z[l][j] for l ≥ 1 (z[0] is empty). */
  z: number[][];
  /** y[l][j]; y[0] is the input. */
  y: number[][];
}

function applyActivation(name: string, z: number[]): number[] {
  switch (name) {
    case 'linear': return z.slice();
    case 'sigmoid': return z.map((v) => 1 / (1 + Math.exp(-v)));
    case 'tanh': return z.map((v) => Math.tanh(v));
    case 'relu': return z.map((v) => (v > 0 ? v : 0));
    case 'leaky_relu': return z.map((v) => (v >= 0 ? v : 0.01 * v));
    case 'softmax': {
      const max = Math.max(...z);
      const exps = z.map((v) => Math.exp(v - max));
      const sum = exps.reduce((a, b) => a + b, 0);
      return exps.map((e) => e / sum);
    }
    default: throw new Error(`unknown activation ${name}`);
  }
}

export function referenceForward(layers: readonly LayerConfig[], params: ArrayLike<number>,
  input: ArrayLike<number>): ReferencePass {
  const z: number[][] = [[]];
  const y: number[][] = [Array.from(input)];
  let offset = 0;
  for (let l = 1; l < layers.length; l++) {
    const fanIn = layers[l - 1].size, size = layers[l].size;
    const biasAt = offset + size * fanIn;
    const zl: number[] = [];
    for (let j = 0; j < size; j++) {
      let sum = 0;
      for (let i = 0; i < fanIn; i++) sum += params[offset + j * fanIn + i] * y[l - 1][i];
      zl.push(sum + params[biasAt + j]);
    }
    offset = biasAt + size;
    z.push(zl);
    y.push(applyActivation(layers[l].activation as string, zl));
  }
  return { z, y };
}

/** Per-sample loss from the output values and targets, straight from the definitions. */
export function referenceSampleLoss(loss: LossName, outputActivation: string, y: number[],
  r: number[]): number {
  if (loss === 'mse') return 0.5 * y.reduce((sum, v, k) => sum + (r[k] - v) ** 2, 0);
  if (outputActivation === 'softmax') return -y.reduce((sum, v, k) => sum + r[k] * Math.log(v), 0);
  return -y.reduce((sum, v, k) => sum + r[k] * Math.log(v) + (1 - r[k]) * Math.log(1 - v), 0);
}

export function referenceParamCount(layers: readonly LayerConfig[]): number {
  let count = 0;
  for (let l = 1; l < layers.length; l++) count += layers[l].size * (layers[l - 1].size + 1);
  return count;
}

/** Mean loss over the given rows. */
export function referenceLoss(config: NetworkConfig, params: ArrayLike<number>, data: Dataset,
  rows: readonly number[]): number {
  const output = config.layers[config.layers.length - 1].activation as string;
  let total = 0;
  for (const row of rows) {
    const input = Array.from(data.inputs.subarray(row * data.nIn, (row + 1) * data.nIn));
    const target = Array.from(data.targets.subarray(row * data.nOut, (row + 1) * data.nOut));
    const { y } = referenceForward(config.layers, params, input);
    total += referenceSampleLoss(config.loss, output, y[y.length - 1], target);
  }
  return total / rows.length;
}

/** ∂E/∂w by central differences of the reference loss, for every parameter. */
export function numericGradient(config: NetworkConfig, params: Float64Array, data: Dataset,
  rows: readonly number[], epsilon = 1e-5): Float64Array {
  const shifted = Float64Array.from(params);
  const gradient = new Float64Array(params.length);
  for (let k = 0; k < params.length; k++) {
    shifted[k] = params[k] + epsilon;
    const up = referenceLoss(config, shifted, data, rows);
    shifted[k] = params[k] - epsilon;
    const down = referenceLoss(config, shifted, data, rows);
    shifted[k] = params[k];
    gradient[k] = (up - down) / (2 * epsilon);
  }
  return gradient;
}

/**
 * Largest |a − n| / max(|a| + |n|, floor) over two gradients. The default floor stands for the
 * rounding noise of central differences (about 1e-11 here): below it, a gradient counts as 0.
 */
export function maxRelativeDifference(a: ArrayLike<number>, b: ArrayLike<number>,
  floor = 1e-4): number {
  let worst = 0;
  for (let k = 0; k < a.length; k++) {
    const error = Math.abs(a[k] - b[k]) / Math.max(Math.abs(a[k]) + Math.abs(b[k]), floor);
    if (!(error <= worst)) worst = error;
  }
  return worst;
}

/** A config with every field filled in; tests override what they are about. */
export function makeConfig(layers: LayerConfig[], overrides: Partial<NetworkConfig> = {}):
  NetworkConfig {
  return {
    name: 'test',
    layers,
    loss: 'mse',
    optimizer: { kind: 'sgd', lr: 0.1 },
    batch: 4,
    epochs: 1,
    seed: 1,
    shuffle: false,
    init: { kind: 'normal', s: 0.7 },
    validate: 0,
    data: { kind: 'table', inputs: [], targets: [] },
    initialWeights: [],
    ...overrides,
  };
}

/** Layers from a compact list: the input size, then [size, activation] per layer. */
export function layersOf(inputSize: number, ...rest: [number, string][]): LayerConfig[] {
  return [
    { name: 'in', size: inputSize, activation: null },
    ...rest.map(([size, activation], k) => ({
      name: k === rest.length - 1 ? 'out' : `h${k + 1}`,
      size,
      activation: activation as LayerConfig['activation'],
    })),
  ];
}

/**
 * n rows of inputs in [-1, 1] from a small linear congruential generator (independent of the
 * engine's Random); targets one-hot when `oneHot`, else in (0, 1).
 */
export function makeData(n: number, nIn: number, nOut: number, seed: number, oneHot = false):
  Dataset {
  let state = seed >>> 0;
  const next = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
  const inputs = new Float64Array(n * nIn);
  for (let k = 0; k < inputs.length; k++) inputs[k] = 2 * next() - 1;
  const targets = new Float64Array(n * nOut);
  for (let row = 0; row < n; row++) {
    if (oneHot) targets[row * nOut + Math.floor(next() * nOut)] = 1;
    else for (let k = 0; k < nOut; k++) targets[row * nOut + k] = 0.05 + 0.9 * next();
  }
  return { n, nIn, nOut, inputs, targets };
}
