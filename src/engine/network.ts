// A feed-forward network of dense layers: its parameters in one flat buffer, the map between a
// WeightId and its place in that buffer, and the forward and backward passes over a mini-batch.
//
// Parameter layout: for each layer l = 1 … L−1 in order, W_l (size_l × size_{l−1}, row-major,
// row j = the weights into unit j) and then b_l (size_l).

import { Activation, activate, activationCode, multiplyByDerivative } from './activations';
import { BIAS, type LayerConfig, type NetworkConfig, type WeightId, weightKey } from './config';
import { initLayerWeights } from './init';
import { type Kernels, jsKernels } from './kernels';
import { Random } from './random';

/**
 * The per-sample buffers of one pass over up to `capacity` rows, allocated once. Index l is
 * layer l; for layer 0 (the input) only `y` is used. A linear layer's z and y are one buffer.
 */
export class Workspace {
  /** z = W·x + b, rows × size_l. */
  readonly z: Float64Array[] = [];
  /** y = f(z), rows × size_l; y[0] holds the inputs of the batch. */
  readonly y: Float64Array[] = [];
  /** ∂E/∂z, rows × size_l; for the mini-batch mean loss, so each row carries a factor 1/rows. */
  readonly dEdz: Float64Array[] = [];
  /** The batch's targets, rows × size of the output layer. */
  readonly targets: Float64Array;

  constructor(network: Network, readonly capacity: number) {
    const kernels = network.kernels;
    const sizes = network.sizes;
    for (let l = 0; l < sizes.length; l++) {
      const length = l === 0 ? 0 : capacity * sizes[l];
      const z = kernels.allocate(length);
      this.z.push(z);
      this.y.push(l === 0 || network.activations[l] !== Activation.Linear
        ? kernels.allocate(capacity * sizes[l]) : z);
      this.dEdz.push(kernels.allocate(length));
    }
    this.targets = kernels.allocate(capacity * sizes[sizes.length - 1]);
  }
}

export class Network {
  readonly layers: readonly LayerConfig[];
  /** All weights and biases, flat, in the layout described at the top of this module. */
  readonly params: Float64Array;
  readonly paramCount: number;
  readonly kernels: Kernels;
  /** Units per layer. */
  readonly sizes: Int32Array;
  /** Activation code per layer (index 0, the input, is Linear). */
  readonly activations: Int32Array;
  /** Where W_l starts in params (index 0 unused). */
  readonly weightStarts: Int32Array;
  /** Where b_l starts in params (index 0 unused). */
  readonly biasStarts: Int32Array;
  /** Where layer l's parameters end; layerEnds[0] = 0, so layer l spans [ends[l−1], ends[l]). */
  readonly layerEnds: Int32Array;
  private predictSpace: Workspace | undefined;

  constructor(layers: readonly LayerConfig[], kernels: Kernels = jsKernels) {
    checkLayers(layers);
    this.layers = layers.map((layer) => ({ ...layer }));
    this.kernels = kernels;
    const count = layers.length;
    this.sizes = new Int32Array(count);
    this.activations = new Int32Array(count);
    this.weightStarts = new Int32Array(count);
    this.biasStarts = new Int32Array(count);
    this.layerEnds = new Int32Array(count);
    let offset = 0;
    for (let l = 0; l < count; l++) {
      const layer = layers[l];
      this.sizes[l] = layer.size;
      this.activations[l] = layer.activation === null
        ? Activation.Linear : activationCode(layer.activation);
      if (l > 0) {
        this.weightStarts[l] = offset;
        offset += layer.size * layers[l - 1].size;
        this.biasStarts[l] = offset;
        offset += layer.size;
      }
      this.layerEnds[l] = offset;
    }
    this.paramCount = offset;
    this.params = kernels.allocate(offset);
  }

  get outputSize(): number {
    return this.sizes[this.sizes.length - 1];
  }

  /** The index of a weight in params; throws RangeError for a weight this network lacks. */
  indexOf(id: WeightId): number {
    const { layer, to, from } = id;
    const count = this.layers.length;
    if (!Number.isInteger(layer) || layer < 1 || layer >= count) {
      throw new RangeError(`no weight ${weightKey(id)}: layer must be 1 to ${count - 1}`);
    }
    const size = this.sizes[layer], fanIn = this.sizes[layer - 1];
    const name = this.layers[layer].name, before = this.layers[layer - 1].name;
    if (!Number.isInteger(to) || to < 0 || to >= size) {
      throw new RangeError(
        `no weight ${weightKey(id)}: layer \`${name}\` has units 0 to ${size - 1}`);
    }
    if (from === BIAS) return this.biasStarts[layer] + to;
    if (!Number.isInteger(from) || from < 0 || from >= fanIn) {
      throw new RangeError(
        `no weight ${weightKey(id)}: layer \`${before}\` has units 0 to ${fanIn - 1}`);
    }
    return this.weightStarts[layer] + to * fanIn + from;
  }

  /** The WeightId at an index of params; throws RangeError outside 0 … paramCount − 1. */
  idAt(index: number): WeightId {
    if (!Number.isInteger(index) || index < 0 || index >= this.paramCount) {
      throw new RangeError(`no parameter at index ${index}: there are ${this.paramCount}`);
    }
    let layer = 1;
    while (index >= this.layerEnds[layer]) layer++;
    const bias = this.biasStarts[layer];
    if (index >= bias) return { layer, to: index - bias, from: BIAS };
    const fanIn = this.sizes[layer - 1];
    const offset = index - this.weightStarts[layer];
    return { layer, to: Math.floor(offset / fanIn), from: offset % fanIn };
  }

  /** Every WeightId, in params order. */
  weightIds(): WeightId[] {
    const ids: WeightId[] = [];
    for (let layer = 1; layer < this.layers.length; layer++) {
      const size = this.sizes[layer], fanIn = this.sizes[layer - 1];
      for (let to = 0; to < size; to++) {
        for (let from = 0; from < fanIn; from++) ids.push({ layer, to, from });
      }
      for (let to = 0; to < size; to++) ids.push({ layer, to, from: BIAS });
    }
    return ids;
  }

  /** The output layer's values for one sample. */
  predict(input: ArrayLike<number>): Float64Array {
    const nIn = this.sizes[0];
    if (input.length !== nIn) {
      throw new RangeError(`predict needs ${nIn} input value(s), got ${input.length}`);
    }
    const space = this.predictSpace ??= new Workspace(this, 1);
    const x = space.y[0];
    for (let i = 0; i < nIn; i++) x[i] = input[i];
    this.forward(space, 1);
    return space.y[space.y.length - 1].slice(0, this.outputSize);
  }

  /** z and y of every layer for the first `rows` samples whose inputs are in space.y[0]. */
  forward(space: Workspace, rows: number): void {
    const kernels = this.kernels, params = this.params, sizes = this.sizes;
    const z = space.z, y = space.y;
    for (let l = 1; l < sizes.length; l++) {
      kernels.forward(y[l - 1], params, this.weightStarts[l], this.biasStarts[l], z[l], rows,
        sizes[l - 1], sizes[l]);
      activate(this.activations[l], z[l], y[l], rows, sizes[l]);
    }
  }

  /**
   * Back-propagation: from ∂E/∂z of the output layer (already in space.dEdz) down to layer 1,
   * writing ∂E/∂w of every parameter into `dEdw` (params layout). The input layer's ∂E/∂x is
   * never needed, so it is not computed.
   */
  backward(space: Workspace, rows: number, dEdw: Float64Array): void {
    const kernels = this.kernels, params = this.params, sizes = this.sizes;
    const dEdz = space.dEdz, y = space.y;
    for (let l = sizes.length - 1; l >= 1; l--) {
      const nIn = sizes[l - 1], nOut = sizes[l];
      kernels.weightGradient(dEdz[l], y[l - 1], dEdw, this.weightStarts[l], this.biasStarts[l],
        rows, nIn, nOut);
      if (l > 1) {
        // ∂E/∂y of the layer below, then through its f' to ∂E/∂z, in the same buffer.
        kernels.inputGradient(dEdz[l], params, this.weightStarts[l], dEdz[l - 1], rows, nIn,
          nOut);
        multiplyByDerivative(this.activations[l - 1], space.z[l - 1], y[l - 1], dEdz[l - 1],
          rows, nIn);
      }
    }
  }

  /**
   * The first layer (1 or more) whose z or y over the first `rows` samples holds a NaN or an
   * infinity, or the output layer when none does.
   */
  firstNonFiniteLayer(space: Workspace, rows: number): number {
    for (let l = 1; l < this.sizes.length; l++) {
      const count = rows * this.sizes[l];
      if (!allFinite(space.z[l], count) || !allFinite(space.y[l], count)) return l;
    }
    return this.sizes.length - 1;
  }
}

function allFinite(values: Float64Array, count: number): boolean {
  for (let k = 0; k < count; k++) if (!Number.isFinite(values[k])) return false;
  return true;
}

/** Throws RangeError for layers the engine cannot build. */
function checkLayers(layers: readonly LayerConfig[]): void {
  if (layers.length < 2) throw new RangeError('a network needs at least two layers');
  layers.forEach((layer, l) => {
    if (!Number.isInteger(layer.size) || layer.size < 1) {
      throw new RangeError(`layer \`${layer.name}\` needs a whole number of units, 1 or more`);
    }
    if (l === 0 && layer.activation !== null) {
      throw new RangeError(`the input layer \`${layer.name}\` takes no activation`);
    }
    if (l > 0 && layer.activation === null) {
      throw new RangeError(`layer \`${layer.name}\` needs an activation`);
    }
    if (layer.activation === 'softmax' && l !== layers.length - 1) {
      throw new RangeError(`softmax is for the output layer only, not \`${layer.name}\``);
    }
  });
}

/**
 * A network with the config's layers, its weights drawn by `config.init` from the "init" stream
 * of `new Random(config.seed)` (see init.ts), biases 0, then `config.initialWeights` written
 * over their entries.
 */
export function createNetwork(config: NetworkConfig, kernels: Kernels = jsKernels): Network {
  const network = new Network(config.layers, kernels);
  const rng = new Random(config.seed).stream('init');
  for (let l = 1; l < network.sizes.length; l++) {
    initLayerWeights(config.init, rng, network.params, network.weightStarts[l],
      network.sizes[l - 1], network.sizes[l]);
  }
  for (const { id, value } of config.initialWeights) network.params[network.indexOf(id)] = value;
  return network;
}
