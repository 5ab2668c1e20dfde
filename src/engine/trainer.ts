// Trains a network on a data set one mini-batch at a time, and keeps what the displays show after
// each step: the loss, ∂E/∂w and Δw of every weight, and the gradient norm of every layer.
//
// An epoch walks the training rows in order, shuffled first (Fisher–Yates, "shuffle" stream of
// the seed) when shuffle is on, D = min(batch, n) rows at a time; the last mini-batch takes the
// rows left. A step's loss is the mean of the per-sample losses and every gradient is the same
// mean. All buffers are allocated here, once; a step allocates nothing.

import type { Dataset, NetworkConfig } from './config';
import { type CompiledPass, compilePass } from './compiled';
import type { Kernels } from './kernels';
import { type Loss, lossAndGradient, lossCode, lossMismatch, lossOnly } from './losses';
import { createNetwork, type Network, Workspace } from './network';
import { Optimizer } from './optimizers';
import { Random } from './random';

/** A step whose loss came out NaN or infinite; that step's update was not applied. */
export class DivergenceError extends Error {
  constructor(
    /** The 1-based number of the step that failed. */
    readonly step: number,
    /** Index into the config's layers of the first layer holding a non-finite value. */
    readonly layer: number,
    readonly layerName: string,
    loss: number,
  ) {
    super(`loss became ${loss} at step ${step}: layer \`${layerName}\` overflowed first`);
    this.name = 'DivergenceError';
  }
}

export interface TrainerOptions {
  kernels?: Kernels;
  /** Keep Δw and the per-layer gradient norms after each step (default true). */
  record?: boolean;
  /**
   * Train small networks through a pass generated for their shape (default true); false keeps
   * to the general path, which gives the same bits, only slower on small networks.
   */
  compile?: boolean;
}

export class Trainer {
  readonly network: Network;
  readonly config: NetworkConfig;
  /**
   * Keep what the displays read after a step. Δw and the layer norms are derived from the last
   * step's gradient when read, so this only matters for adam, whose Δw must be kept as it is
   * applied; false is bare speed.
   */
  record: boolean;
  readonly stepsPerEpoch: number;
  /** D: the configured batch size, capped at the number of training rows. */
  readonly batchSize: number;
  /** ∂E/∂w of the last step (mean over its mini-batch), params layout. */
  readonly dEdw: Float64Array;
  private readonly deltaBuffer: Float64Array;
  private readonly normBuffer: Float64Array;
  /** Whether deltaBuffer and normBuffer describe the last step. */
  private derivedFresh = false;
  /** Whether the compiled pass already wrote the last step's norms. */
  private normsFresh = false;

  private readonly train: Dataset;
  private readonly validation: Dataset | undefined;
  private readonly loss: Loss;
  private readonly optimizer: Optimizer;
  private readonly space: Workspace;
  /** The whole pass written out for this network, when it is small enough (compiled.ts). */
  private readonly compiled: CompiledPass | undefined;
  private evalSpace: Workspace | undefined;
  private readonly shuffleRng: Random;
  /** The order the current epoch visits the training rows in. */
  private readonly order: Int32Array;
  /** Position in `order` of the next mini-batch's first row. */
  private cursor = 0;
  /** Whether the current epoch has begun (shuffled, sums reset). */
  private epochStarted = false;
  private epochLossSum = 0;
  private epochRows = 0;
  private steps = 0;
  private epochs = 0;
  private lastStepLoss = NaN;

  constructor(config: NetworkConfig, train: Dataset, validation?: Dataset,
    options: TrainerOptions = {}) {
    this.network = createNetwork(config, options.kernels);
    this.config = config;
    this.record = options.record ?? true;
    const network = this.network;
    checkDataset(network, train, 'training');
    if (validation !== undefined) checkDataset(network, validation, 'validation');
    if (!Number.isInteger(config.batch) || config.batch < 1) {
      throw new RangeError(`batch must be a whole number, 1 or more (got ${config.batch})`);
    }
    const outputActivation = network.activations[network.sizes.length - 1];
    const mismatch = lossMismatch(config.loss, outputActivation);
    if (mismatch !== undefined) throw new RangeError(mismatch);

    this.train = train;
    this.validation = validation;
    this.loss = lossCode(config.loss);
    this.batchSize = Math.min(config.batch, train.n);
    this.stepsPerEpoch = Math.ceil(train.n / this.batchSize);
    const kernels = network.kernels;
    this.optimizer = new Optimizer(config.optimizer, network.paramCount, kernels);
    this.space = new Workspace(network, this.batchSize);
    this.compiled = options.compile === false ? undefined : compilePass(network, this.loss);
    this.dEdw = kernels.allocate(network.paramCount);
    this.deltaBuffer = kernels.allocate(network.paramCount);
    this.normBuffer = kernels.allocate(network.sizes.length - 1);
    this.shuffleRng = new Random(config.seed).stream('shuffle');
    this.order = new Int32Array(train.n);
    for (let row = 0; row < train.n; row++) this.order[row] = row;
  }

  /**
   * Δw = w(t+1) − w(t) of the last step, params layout (for adam, kept while `record` is on).
   * The buffer is reused: copy it to keep it past the next step.
   */
  get delta(): Float64Array {
    this.deriveRecords();
    return this.deltaBuffer;
  }

  /** Index l − 1 holds ‖∂E/∂(W_l, b_l)‖₂ of the last step. The buffer is reused. */
  get layerGradNorms(): Float64Array {
    this.deriveRecords();
    return this.normBuffer;
  }

  private deriveRecords(): void {
    if (this.derivedFresh) return;
    const ends = this.network.layerEnds, grad = this.dEdw;
    this.optimizer.fillDelta(grad, this.deltaBuffer, ends[ends.length - 1]);
    if (!this.normsFresh) {
      for (let l = 1; l < ends.length; l++) {
        let sumSquares = 0;
        for (let k = ends[l - 1]; k < ends[l]; k++) sumSquares += grad[k] * grad[k];
        this.normBuffer[l - 1] = Math.sqrt(sumSquares);
      }
    }
    this.derivedFresh = true;
  }

  /** Steps done. */
  get stepCount(): number {
    return this.steps;
  }

  /** Epochs completed. */
  get epoch(): number {
    return this.epochs;
  }

  /** The mean loss of the last step's mini-batch (NaN before the first step). */
  get lastLoss(): number {
    return this.lastStepLoss;
  }

  /**
   * Mean loss over the rows seen so far in the current epoch; after an epoch ends and before the
   * next step, that whole epoch's mean. NaN before the first step.
   */
  get epochLossSoFar(): number {
    return this.epochRows === 0 ? NaN : this.epochLossSum / this.epochRows;
  }

  /** One mini-batch step; returns that mini-batch's mean loss. Throws DivergenceError. */
  step(): number {
    this.beginEpochIfNeeded();
    const network = this.network, space = this.space, train = this.train;
    const cursor = this.cursor;
    const rows = Math.min(this.batchSize, train.n - cursor);
    let total: number;
    this.derivedFresh = false;
    this.normsFresh = this.compiled !== undefined && this.record;
    if (this.compiled !== undefined) {
      total = this.compiled(network.params, train.inputs, train.targets, this.order, cursor, rows,
        1 / rows, this.dEdw, this.record ? this.normBuffer : null);
    } else {
      gatherRows(train, this.order, cursor, rows, space.y[0], space.targets);
      network.forward(space, rows);
      const last = network.sizes.length - 1;
      total = lossAndGradient(this.loss, network.activations[last], space.z[last],
        space.y[last], space.targets, space.dEdz[last], rows, network.sizes[last], 1 / rows);
    }
    const loss = total / rows;
    if (!Number.isFinite(loss)) this.diverged(cursor, rows, loss);

    if (this.compiled === undefined) network.backward(space, rows, this.dEdw);
    this.optimizer.apply(network.params, this.dEdw, this.deltaBuffer,
      network.layerEnds[network.layerEnds.length - 1], this.record);

    this.steps++;
    this.lastStepLoss = loss;
    this.epochLossSum += total;
    this.epochRows += rows;
    if (cursor + rows >= train.n) {
      this.cursor = 0;
      this.epochStarted = false;
      this.epochs++;
    } else {
      this.cursor = cursor + rows;
    }
    return loss;
  }

  /**
   * Steps to the end of the current epoch (a whole epoch when one has not begun); returns the
   * epoch's mean training loss, Σ_batches D_b · loss_b / n.
   */
  runEpoch(): number {
    do this.step(); while (this.cursor !== 0);
    return this.epochLossSum / this.epochRows;
  }

  /** The training rows the next step will use, in order (begins the epoch if it has not begun). */
  upcomingRows(): Int32Array {
    this.beginEpochIfNeeded();
    const rows = Math.min(this.batchSize, this.train.n - this.cursor);
    return this.order.slice(this.cursor, this.cursor + rows);
  }

  /** Mean loss over the validation set, without updating; undefined without one. */
  validationLoss(): number | undefined {
    return this.validation === undefined ? undefined : this.evaluate(this.validation);
  }

  /** Mean per-sample loss over a data set, without updating. */
  evaluate(data: Dataset): number {
    checkDataset(this.network, data, 'evaluation');
    const space = this.evalSpace ??= new Workspace(this.network, this.batchSize);
    let total = 0;
    for (let start = 0; start < data.n; start += space.capacity) {
      const rows = Math.min(space.capacity, data.n - start);
      copyRange(data, start, rows, space.y[0], space.targets);
      total += this.forwardLoss(space, rows);
    }
    return total / data.n;
  }

  /** Mean loss over the given rows of a data set, without updating and without gradients. */
  lossFor(data: Dataset, rows: ArrayLike<number>): number {
    const space = this.spaceFor(data, rows);
    return this.forwardLoss(space, rows.length) / rows.length;
  }

  /** ∂E/∂w (mean over the given rows of a data set) and their mean loss, without updating. */
  gradientFor(data: Dataset, rows: ArrayLike<number>): { loss: number; dEdw: Float64Array } {
    const network = this.network;
    const space = this.spaceFor(data, rows);
    const count = rows.length;
    const last = network.sizes.length - 1;
    network.forward(space, count);
    const total = lossAndGradient(this.loss, network.activations[last], space.z[last],
      space.y[last], space.targets, space.dEdz[last], count, network.sizes[last], 1 / count);
    const dEdw = new Float64Array(network.paramCount);
    network.backward(space, count, dEdw);
    return { loss: total / count, dEdw };
  }

  /** A workspace holding the given rows of `data`: the evaluation one when they fit. */
  private spaceFor(data: Dataset, rows: ArrayLike<number>): Workspace {
    checkDataset(this.network, data, 'the given');
    if (rows.length < 1) throw new RangeError('no rows given');
    for (let k = 0; k < rows.length; k++) {
      const row = rows[k];
      if (!Number.isInteger(row) || row < 0 || row >= data.n) {
        throw new RangeError(`row ${row} is outside the data set's ${data.n} rows`);
      }
    }
    let space = this.evalSpace ??= new Workspace(this.network, this.batchSize);
    if (rows.length > space.capacity) space = new Workspace(this.network, rows.length);
    // An Int32Array like the training order keeps gatherRows monomorphic on the hot path.
    gatherRows(data, Int32Array.from(rows), 0, rows.length, space.y[0], space.targets);
    return space;
  }

  /** Forward pass and summed per-sample loss of the rows already in `space`. */
  private forwardLoss(space: Workspace, rows: number): number {
    const network = this.network;
    const last = network.sizes.length - 1;
    network.forward(space, rows);
    return lossOnly(this.loss, network.activations[last], space.z[last], space.y[last],
      space.targets, rows, network.sizes[last]);
  }

  private beginEpochIfNeeded(): void {
    if (this.epochStarted) return;
    if (this.config.shuffle) shuffle(this.order, this.shuffleRng);
    this.epochLossSum = 0;
    this.epochRows = 0;
    this.epochStarted = true;
  }

  /** Throws the DivergenceError for the batch at `cursor`, after finding where it overflowed. */
  private diverged(cursor: number, rows: number, loss: number): never {
    // The compiled pass keeps no per-layer values; the general forward pass gives the same ones.
    gatherRows(this.train, this.order, cursor, rows, this.space.y[0], this.space.targets);
    this.network.forward(this.space, rows);
    const layer = this.network.firstNonFiniteLayer(this.space, rows);
    throw new DivergenceError(this.steps + 1, layer, this.network.layers[layer].name, loss);
  }
}

/** Fisher–Yates, in place: each position from the end swaps with a uniform earlier one. */
function shuffle(order: Int32Array, rng: Random): void {
  for (let i = order.length - 1; i > 0; i--) {
    const j = uniformBelow(rng, i + 1);
    const swap = order[i];
    order[i] = order[j];
    order[j] = swap;
  }
}

const TWO_POW_32 = 4294967296;

/**
 * A uniform integer in [0, bound), without bias, by Lemire's multiply-and-reject: the high 32
 * bits of a 32-bit draw times `bound`, drawing again in the rare case the low bits fall in the
 * (2^32 mod bound) values that would favour some results. Avoiding a division per draw makes
 * a reshuffle cheap next to the small mini-batches it feeds.
 */
function uniformBelow(rng: Random, bound: number): number {
  // Beyond 2^21 the product no longer fits a double's 53 bits exactly.
  if (bound > 2097152) return rng.int(bound);
  let product = rng.nextUint32() * bound;
  let high = Math.floor(product / TWO_POW_32);
  let low = product - high * TWO_POW_32;
  if (low < bound) {
    const threshold = (TWO_POW_32 - bound) % bound;
    while (low < threshold) {
      product = rng.nextUint32() * bound;
      high = Math.floor(product / TWO_POW_32);
      low = product - high * TWO_POW_32;
    }
  }
  return high;
}

/** Copies rows order[first … first + count − 1] of `data` into the batch buffers. */
function gatherRows(data: Dataset, order: Int32Array, first: number, count: number,
  x: Float64Array, targets: Float64Array): void {
  const nIn = data.nIn, nOut = data.nOut, inputs = data.inputs, outputs = data.targets;
  for (let d = 0; d < count; d++) {
    const row = order[first + d];
    for (let i = 0, from = row * nIn, to = d * nIn; i < nIn; i++) x[to + i] = inputs[from + i];
    for (let k = 0, from = row * nOut, to = d * nOut; k < nOut; k++) {
      targets[to + k] = outputs[from + k];
    }
  }
}

/** Copies rows start … start + count − 1 of `data` into the batch buffers. */
function copyRange(data: Dataset, start: number, count: number, x: Float64Array,
  targets: Float64Array): void {
  const inputEnd = (start + count) * data.nIn, targetEnd = (start + count) * data.nOut;
  for (let k = start * data.nIn, to = 0; k < inputEnd; k++, to++) x[to] = data.inputs[k];
  for (let k = start * data.nOut, to = 0; k < targetEnd; k++, to++) {
    targets[to] = data.targets[k];
  }
}

function checkDataset(network: Network, data: Dataset, what: string): void {
  const nIn = network.sizes[0], nOut = network.outputSize;
  if (data.nIn !== nIn || data.nOut !== nOut) {
    throw new RangeError(`${what} data has ${data.nIn} input and ${data.nOut} output column(s); ` +
      `the network needs ${nIn} and ${nOut}`);
  }
  if (data.n < 1 && what === 'training') throw new RangeError('the training data has no rows');
}
