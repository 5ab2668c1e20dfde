// The host's memory of a run: the loss curve and the epoch curves in a fixed number of buckets,
// and the last step's arrays. However long the run, it holds a bounded number of values.

import { BucketSeries } from './buckets';
import type { ProgressMessage, StepState } from './messages';

export interface HistoryOptions {
  /** Buckets kept for the per-step loss curve (even). */
  lossBuckets?: number;
  /** Buckets kept for each per-epoch curve (even). */
  epochBuckets?: number;
}

export const DEFAULT_HISTORY_BUCKETS = 4096;

export class TrainingHistory {
  /** The mini-batch loss by step. */
  readonly loss: BucketSeries;
  /** The mean training loss by epoch. */
  readonly epochLoss: BucketSeries;
  /** The validation loss by epoch (empty when validation is off). */
  readonly validationLoss: BucketSeries;
  private lastStep: StepState | undefined;

  constructor(options: HistoryOptions = {}) {
    this.loss = new BucketSeries(options.lossBuckets ?? DEFAULT_HISTORY_BUCKETS);
    this.epochLoss = new BucketSeries(options.epochBuckets ?? DEFAULT_HISTORY_BUCKETS);
    this.validationLoss = new BucketSeries(options.epochBuckets ?? DEFAULT_HISTORY_BUCKETS);
  }

  /** The state after the newest step received, or undefined before the first step. */
  get last(): StepState | undefined {
    return this.lastStep;
  }

  /** Takes in one progress message; the previous last step's arrays are let go. */
  apply(progress: ProgressMessage): void {
    this.loss.addAll(progress.loss);
    this.epochLoss.addAll(progress.epochLoss);
    this.validationLoss.addAll(progress.validationLoss);
    this.lastStep = progress.last;
  }

  clear(): void {
    this.loss.clear();
    this.epochLoss.clear();
    this.validationLoss.clear();
    this.lastStep = undefined;
  }
}
