// The messages that cross the worker boundary: what the host asks of the training worker, and what
// the worker reports back. Both sides import these types; every value is structured-clone safe.

import type { ActivationName, NetworkConfig, WeightId } from '../engine/config';

// ---------------------------------------------------------------------------------------------
// Series of buckets: how many steps (or epochs) are sent and kept without sending every one.
// ---------------------------------------------------------------------------------------------

/**
 * A run of consecutive indices (steps for the loss curve, epochs for the epoch curves) summarised
 * by min, max and mean. A bucket of one index has first === last and min === max === mean.
 * Two neighbours merge into one with the min of mins, the max of maxes, and the mean weighted by
 * how many indices each covers (last − first + 1).
 */
export interface Bucket {
  /** First index covered, 1-based (step 1 is the first mini-batch, epoch 1 the first pass). */
  first: number;
  /** Last index covered, inclusive. */
  last: number;
  min: number;
  max: number;
  mean: number;
}

// ---------------------------------------------------------------------------------------------
// Host → worker
// ---------------------------------------------------------------------------------------------

/** Sent once, first: build the network, load the data, then train (or wait, when paused). */
export interface StartMessage {
  type: 'start';
  /** Plain JSON, as `toConfig` makes it. */
  config: NetworkConfig;
  /** Mini-batch steps to run; `config.epochs × stepsPerEpoch` when left out. */
  totalSteps?: number;
  /** Load and report `ready`, then wait for `resume` or `stepOnce` instead of training. */
  startPaused?: boolean;
}

/** Stop taking steps after the current slice; the worker answers `paused`. */
export interface PauseMessage {
  type: 'pause';
}

/** Go on training after a pause (or after `startPaused`). */
export interface ResumeMessage {
  type: 'resume';
}

/** While paused: take exactly one mini-batch step, report it, and stay paused. */
export interface StepOnceMessage {
  type: 'stepOnce';
}

/** End the run: the worker sends its last progress, then `finished` with reason 'stopped'. */
export interface StopMessage {
  type: 'stop';
}

/**
 * Compare back-propagation with central differences on one mini-batch of the run's data. The
 * worker answers `gradientCheck` with the same `requestId`. Allowed in any state after `start`.
 */
export interface GradientCheckRequest {
  type: 'gradientCheck';
  requestId: number;
}

export type HostToWorker =
  | StartMessage
  | PauseMessage
  | ResumeMessage
  | StepOnceMessage
  | StopMessage
  | GradientCheckRequest;

// ---------------------------------------------------------------------------------------------
// Worker → host
// ---------------------------------------------------------------------------------------------

export interface LayerSummary {
  name: string;
  size: number;
  /** null for the input layer. */
  activation: ActivationName | null;
}

/** The network is built and the data loaded: what the run looks like before its first step. */
export interface ReadyMessage {
  type: 'ready';
  layers: LayerSummary[];
  /** How many weights (biases included) the network has: the length of every params array. */
  weightCount: number;
  /** The identity of each entry of `params`, `dEdw` and `delta`, in that order. */
  weightIds: WeightId[];
  /** The weights before the first step (transferred). */
  initialParams: Float64Array;
  stepsPerEpoch: number;
  /** The mini-batch size actually used: the file's `batch` capped at the training rows. */
  batchSize: number;
  totalSteps: number;
  rows: {
    /** Rows the trainer walks each epoch. */
    train: number;
    /** Rows held out for the validation loss; 0 when validation is off. */
    validation: number;
  };
  /** Whether the worker is waiting for `resume` (it was started paused). */
  paused: boolean;
}

/** The state after the last step taken. The arrays are fresh copies, transferred to the host. */
export interface StepState {
  /** Steps taken so far; the last one's number. */
  step: number;
  /** Epochs completed so far. */
  epoch: number;
  /** The last mini-batch's loss. */
  loss: number;
  /** Every weight after the step, in `weightIds` order. */
  params: Float64Array;
  /** ∂E/∂w of the last step, averaged over its mini-batch. */
  dEdw: Float64Array;
  /** Δw = w(t+1) − w(t) of the last step. */
  delta: Float64Array;
  /** The norm of ∂E/∂w over each layer's weights, as the engine reports it. */
  layerGradNorms: Float64Array;
  /** Steps a second over the recent past (0 when the step was a single `stepOnce`). */
  stepsPerSecond: number;
}

/**
 * What happened since the previous progress message. The worker sends at most about 30 a
 * second however fast the engine is; each message also proves the worker is alive.
 */
export interface ProgressMessage {
  type: 'progress';
  /** When the worker sent it, in milliseconds since the Unix epoch. */
  sentAt: number;
  /**
   * The mini-batch loss of every step since the previous message, in order, one bucket per step
   * while there are few and merged pairwise once there are more than the worker's bound (a few
   * hundred): consecutive buckets, the first starting right after the previous message's last.
   */
  loss: Bucket[];
  /** The mean training loss (row-weighted) of each epoch completed since the last message. */
  epochLoss: Bucket[];
  /** The validation loss at the end of each epoch completed since the last message, if any. */
  validationLoss: Bucket[];
  last: StepState;
}

/** The worker stopped taking steps (after `pause`); a `resume` or `stepOnce` goes on. */
export interface PausedMessage {
  type: 'paused';
  /** Steps taken so far. */
  step: number;
}

/** Sent when the worker starts training again after `resume`. */
export interface ResumedMessage {
  type: 'resumed';
  step: number;
}

/** The run ended: all its steps taken ('done') or a `stop` asked for ('stopped'). */
export interface FinishedMessage {
  type: 'finished';
  reason: 'done' | 'stopped';
  step: number;
  epoch: number;
  /** Seconds spent taking steps (pauses excluded). */
  trainingSeconds: number;
}

/** The loss turned NaN or infinite: the run stops at that step. */
export interface DivergenceFailure {
  kind: 'divergence';
  message: string;
  step: number;
  /** Index in `config.layers` of the first layer to overflow. */
  layer: number;
  layerName: string;
}

/** The data could not be loaded; the place is in the data file (1-based line and column). */
export interface DataFailure {
  kind: 'data';
  message: string;
  file: string;
  line: number;
  column: number;
}

/** Anything else the worker did not expect: a defect, reported with its stack. */
export interface InternalFailure {
  kind: 'internal';
  message: string;
  stack?: string;
}

export type WorkerFailure = DivergenceFailure | DataFailure | InternalFailure;

/** The run failed; the worker takes no more steps (it still answers gradient checks if it can). */
export interface ErrorMessage {
  type: 'error';
  error: WorkerFailure;
}

/** One weight where back-propagation and central differences disagree the most. */
export interface GradientCheckWorst {
  id: WeightId;
  /** ∂E/∂w by back-propagation. */
  analytic: number;
  /** ∂E/∂w by central differences. */
  numeric: number;
}

export interface GradientCheckOutcome {
  /** How many weights were compared. */
  checked: number;
  /** How many weights the network has (a large one has a sample of them checked). */
  total: number;
  maxRelativeError: number;
  worst?: GradientCheckWorst;
}

/** The answer to a `gradientCheck` request: the outcome, or why it could not run. */
export interface GradientCheckResultMessage {
  type: 'gradientCheck';
  requestId: number;
  result?: GradientCheckOutcome;
  error?: string;
}

export type WorkerToHost =
  | ReadyMessage
  | ProgressMessage
  | PausedMessage
  | ResumedMessage
  | FinishedMessage
  | ErrorMessage
  | GradientCheckResultMessage;

/** The most progress messages a second the worker sends; ~33 ms between two of them. */
export const MAX_PROGRESS_PER_SECOND = 30;

/** The most loss buckets in one progress message before neighbours are merged pairwise. */
export const MAX_BUCKETS_PER_MESSAGE = 256;
