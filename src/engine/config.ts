// What the engine is told to build and train. The spec language produces a NetworkConfig from a
// .nnspec file; the CLI, the training worker and the tests hand it to the engine.

export type ActivationName = 'linear' | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'softmax';

export const ACTIVATION_NAMES: readonly ActivationName[] = [
  'linear', 'sigmoid', 'tanh', 'relu', 'leaky_relu', 'softmax',
];

export type LossName = 'mse' | 'cross_entropy';

export const LOSS_NAMES: readonly LossName[] = ['mse', 'cross_entropy'];

export type OptimizerConfig =
  | { kind: 'sgd'; lr: number }
  | { kind: 'momentum'; lr: number; beta: number }
  | { kind: 'adam'; lr: number; beta1: number; beta2: number; eps: number };

export type InitConfig =
  | { kind: 'xavier' }
  | { kind: 'he' }
  | { kind: 'uniform'; a: number }
  | { kind: 'normal'; s: number }
  | { kind: 'zeros' };

export interface LayerConfig {
  name: string;
  size: number;
  /** null for the input layer only. */
  activation: ActivationName | null;
}

/** `from` takes this value when the weight is a unit's bias. */
export const BIAS = -1;

/**
 * One weight's identity, the same everywhere: the engine, the spec, the worker, the lenses and
 * the panel. `layer` indexes `NetworkConfig.layers` (1 or more: the layer the weight feeds),
 * `to` is the 0-based unit it feeds, `from` the 0-based unit of the layer before, or BIAS.
 */
export interface WeightId {
  layer: number;
  to: number;
  from: number;
}

/** A stable string for maps and messages: "2:0:-1" is the bias of unit 0 of layer 2. */
export function weightKey(id: WeightId): string {
  return `${id.layer}:${id.to}:${id.from}`;
}

export function parseWeightKey(key: string): WeightId {
  const [layer, to, from] = key.split(':').map(Number);
  return { layer, to, from };
}

export type GeneratorName = 'xor' | 'sine' | 'spiral' | 'circles' | 'gauss' | 'linear';

export type DataConfig =
  | {
      kind: 'generator';
      name: GeneratorName;
      /** Keys the file gave; the generator fills in its defaults. A range is [low, high]. */
      params: Record<string, number | [number, number]>;
    }
  | {
      kind: 'csv';
      /** Absolute path. */
      path: string;
      /** Input columns in unit order; undefined: every column not an output, in file order. */
      inputs?: string[];
      outputs: string[];
    }
  | {
      kind: 'table';
      /** One row per sample, already in unit order: the input units, then the output units. */
      inputs: number[][];
      targets: number[][];
    };

export interface NetworkConfig {
  name: string;
  layers: LayerConfig[];
  loss: LossName;
  optimizer: OptimizerConfig;
  batch: number;
  epochs: number;
  seed: number;
  shuffle: boolean;
  init: InitConfig;
  /** Fraction of rows held out for the validation loss; 0 for none. */
  validate: number;
  data: DataConfig;
  /** The weights the file writes; every other weight starts from `init` and `seed`. */
  initialWeights: { id: WeightId; value: number }[];
}

/** Defaults for statements a file leaves out (documented in the README). */
export const DEFAULTS = {
  loss: 'mse' as LossName,
  batch: 32,
  epochs: 100,
  seed: 1,
  shuffle: true,
  init: { kind: 'xavier' } as InitConfig,
  optimizer: { kind: 'sgd', lr: 0.1 } as OptimizerConfig,
  momentumBeta: 0.9,
  adam: { lr: 0.001, beta1: 0.9, beta2: 0.999, eps: 1e-8 },
  validate: 0,
};

/** Rows of samples in flat row-major buffers: inputs is n × nIn, targets is n × nOut. */
export interface Dataset {
  n: number;
  nIn: number;
  nOut: number;
  inputs: Float64Array;
  targets: Float64Array;
}

/** A unit as a file writes it: `h[2]`, or just `y` for a layer of one unit; `bias` for BIAS. */
export function unitName(layers: readonly { name: string; size: number }[], layer: number,
  unit: number): string {
  if (unit === BIAS) return 'bias';
  const { name, size } = layers[layer];
  return size === 1 ? name : `${name}[${unit + 1}]`;
}
