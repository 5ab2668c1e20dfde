// The training worker's entry (bundled to dist/worker.js): it loads the data, trains the network
// in short slices so that pause and stop are seen promptly, and reports what each step did in
// batched progress messages, at most about 30 a second however fast the engine runs.

import * as os from 'node:os';
import { parentPort, type MessagePort } from 'node:worker_threads';
import type { NetworkConfig } from '../engine/config';
import { DataError, loadData, type LoadedData } from '../engine/data/load';
import { gradientCheck } from '../engine/gradcheck';
import { DivergenceError, Trainer } from '../engine/trainer';
import { BucketAccumulator } from './buckets';
import {
  MAX_BUCKETS_PER_MESSAGE,
  MAX_PROGRESS_PER_SECOND,
  type GradientCheckOutcome,
  type HostToWorker,
  type ProgressMessage,
  type StartMessage,
  type WorkerFailure,
  type WorkerToHost,
} from './messages';

/** How long one slice of steps runs before the worker yields to read its messages. */
const SLICE_MS = 25;

/** The shortest time between two progress messages while running. */
const PROGRESS_INTERVAL_MS = 1000 / MAX_PROGRESS_PER_SECOND;

/** How often, within a slice, the clock is read: about every this many milliseconds of steps. */
const CLOCK_CHECK_MS = 0.5;

/** The most steps between two reads of the clock, however fast a step is. */
const MAX_STEPS_BETWEEN_CLOCK_CHECKS = 4096;

type WorkerState = 'idle' | 'running' | 'paused' | 'ended';

/** One run in this thread: the trainer, the accumulators for the next message, the pacing. */
class TrainingLoop {
  private state: WorkerState = 'idle';
  private config: NetworkConfig | undefined;
  private data: LoadedData | undefined;
  private trainer: Trainer | undefined;
  private totalSteps = 0;

  private readonly lossBuckets = new BucketAccumulator(MAX_BUCKETS_PER_MESSAGE);
  private readonly epochLossBuckets = new BucketAccumulator(MAX_BUCKETS_PER_MESSAGE);
  private readonly validationBuckets = new BucketAccumulator(MAX_BUCKETS_PER_MESSAGE);
  /** Epochs whose loss has been added to `epochLossBuckets`. */
  private epochsReported = 0;
  /** Steps taken in the epoch under way. */
  private stepsInEpoch = 0;

  private stepsSinceProgress = 0;
  private trainingMsSinceProgress = 0;
  private lastProgressAt = 0;
  private trainingMs = 0;
  private stepsBetweenClockChecks = 1;
  private sliceScheduled = false;

  constructor(private readonly port: MessagePort) {}

  handle(message: HostToWorker): void {
    try {
      switch (message.type) {
        case 'start':
          this.start(message);
          return;
        case 'pause':
          if (this.state === 'running') {
            this.state = 'paused';
            this.postProgress();
            this.post({ type: 'paused', step: this.trainer?.stepCount ?? 0 });
          }
          return;
        case 'resume':
          if (this.state === 'paused') {
            this.state = 'running';
            this.post({ type: 'resumed', step: this.trainer?.stepCount ?? 0 });
            this.scheduleSlice();
          }
          return;
        case 'stepOnce':
          if (this.state === 'paused') this.stepOnce();
          return;
        case 'stop':
          if (this.state === 'running' || this.state === 'paused') this.finish('stopped');
          return;
        case 'gradientCheck':
          this.answerGradientCheck(message.requestId);
          return;
      }
    } catch (error) {
      this.failInternally(error);
    }
  }

  private start(message: StartMessage): void {
    if (this.state !== 'idle') return;
    const config = message.config;
    this.config = config;
    try {
      this.data = loadData(config);
    } catch (error) {
      if (error instanceof DataError) {
        this.fail({ kind: 'data', message: error.message, file: error.file, line: error.line,
          column: error.column });
        return;
      }
      throw error;
    }

    const { train, validation } = this.data;
    const trainer = new Trainer(config, train, validation, { record: true });
    this.trainer = trainer;
    this.totalSteps = message.totalSteps ?? config.epochs * trainer.stepsPerEpoch;

    const initialParams = trainer.network.params.slice();
    this.post({
      type: 'ready',
      layers: config.layers.map(({ name, size, activation }) => ({ name, size, activation })),
      weightCount: initialParams.length,
      weightIds: trainer.network.weightIds(),
      initialParams,
      stepsPerEpoch: trainer.stepsPerEpoch,
      batchSize: trainer.batchSize,
      totalSteps: this.totalSteps,
      rows: { train: train.n, validation: validation?.n ?? 0 },
      paused: message.startPaused === true,
    }, [initialParams.buffer]);

    this.lastProgressAt = performance.now();
    if (this.totalSteps <= 0) {
      this.finish('done');
    } else if (message.startPaused) {
      this.state = 'paused';
    } else {
      this.state = 'running';
      this.scheduleSlice();
    }
  }

  private scheduleSlice(): void {
    if (this.sliceScheduled) return;
    this.sliceScheduled = true;
    // setImmediate runs after the messages already queued, so a pause or stop is seen between
    // two slices, at most one slice late.
    setImmediate(() => {
      this.sliceScheduled = false;
      try {
        this.runSlice();
      } catch (error) {
        this.failInternally(error);
      }
    });
  }

  /** Steps for about SLICE_MS, then a progress message if one is due, then yields. */
  private runSlice(): void {
    const trainer = this.trainer;
    if (this.state !== 'running' || !trainer) return;

    const sliceStart = performance.now();
    // End the slice when the next progress message is due, so messages keep their pace.
    const sliceEnd = Math.min(sliceStart + SLICE_MS, this.lastProgressAt + PROGRESS_INTERVAL_MS);
    let stepsThisSlice = 0;
    let untilClockCheck = this.stepsBetweenClockChecks;
    let now = sliceStart;
    while (trainer.stepCount < this.totalSteps) {
      if (!this.takeStep(trainer)) return;
      stepsThisSlice++;
      if (--untilClockCheck === 0) {
        now = performance.now();
        if (now >= sliceEnd) break;
        untilClockCheck = this.stepsBetweenClockChecks;
      }
    }
    now = performance.now();

    const sliceMs = now - sliceStart;
    this.trainingMs += sliceMs;
    this.trainingMsSinceProgress += sliceMs;
    // Read the clock about every CLOCK_CHECK_MS: often enough to end a slice on time, rarely
    // enough that reading it costs nothing next to the steps.
    const stepsPerMs = stepsThisSlice / Math.max(sliceMs, 1e-3);
    this.stepsBetweenClockChecks = Math.min(MAX_STEPS_BETWEEN_CLOCK_CHECKS,
      Math.max(1, Math.floor(stepsPerMs * CLOCK_CHECK_MS)));

    if (trainer.stepCount >= this.totalSteps) {
      this.finish('done');
      return;
    }
    if (now - this.lastProgressAt >= PROGRESS_INTERVAL_MS) this.postProgress();
    this.scheduleSlice();
  }

  /** One mini-batch and its bookkeeping; false when the run diverged (and has been ended). */
  private takeStep(trainer: Trainer): boolean {
    let loss: number;
    try {
      loss = trainer.step();
    } catch (error) {
      if (!(error instanceof DivergenceError)) throw error;
      this.postProgress();
      this.fail({ kind: 'divergence', message: error.message, step: error.step,
        layer: error.layer, layerName: error.layerName });
      return false;
    }

    this.lossBuckets.add(trainer.stepCount, loss);
    this.stepsSinceProgress++;
    this.stepsInEpoch++;
    if (trainer.epoch > this.epochsReported) this.reportEpoch(trainer);
    return true;
  }

  /**
   * The mean training loss of the epoch just ended (or, when a run ends within an epoch, of the
   * rows it saw), and the validation loss at its end.
   */
  private reportEpoch(trainer: Trainer): void {
    this.epochsReported++;
    this.epochLossBuckets.add(this.epochsReported, trainer.epochLossSoFar);
    const validationLoss = trainer.validationLoss();
    if (validationLoss !== undefined) {
      this.validationBuckets.add(this.epochsReported, validationLoss);
    }
    this.stepsInEpoch = 0;
  }

  private stepOnce(): void {
    const trainer = this.trainer;
    if (!trainer) return;
    const started = performance.now();
    if (!this.takeStep(trainer)) return;
    this.trainingMs += performance.now() - started;
    // One step says nothing of the speed of a run.
    this.trainingMsSinceProgress = 0;
    if (trainer.stepCount >= this.totalSteps) {
      this.finish('done');
      return;
    }
    this.postProgress();
  }

  /** Sends what happened since the last message, if any step was taken since. */
  private postProgress(): void {
    const trainer = this.trainer;
    if (!trainer || this.stepsSinceProgress === 0) return;
    const stepsPerSecond = this.trainingMsSinceProgress > 0
      ? (this.stepsSinceProgress * 1000) / this.trainingMsSinceProgress
      : 0;
    // Fresh copies: the engine reuses its buffers, and the copies' memory moves to the host.
    const params = trainer.network.params.slice();
    const dEdw = trainer.dEdw.slice();
    const delta = trainer.delta.slice();
    const layerGradNorms = trainer.layerGradNorms.slice();
    const progress: ProgressMessage = {
      type: 'progress',
      sentAt: performance.timeOrigin + performance.now(),
      loss: this.lossBuckets.take(),
      epochLoss: this.epochLossBuckets.take(),
      validationLoss: this.validationBuckets.take(),
      last: {
        step: trainer.stepCount,
        epoch: trainer.epoch,
        loss: trainer.lastLoss,
        params, dEdw, delta, layerGradNorms,
        stepsPerSecond,
      },
    };
    this.post(progress, [params.buffer, dEdw.buffer, delta.buffer, layerGradNorms.buffer]);
    this.stepsSinceProgress = 0;
    this.trainingMsSinceProgress = 0;
    this.lastProgressAt = performance.now();
  }

  private finish(reason: 'done' | 'stopped'): void {
    const trainer = this.trainer;
    if (!trainer) return;
    // A run that ends within an epoch reports the rows it saw as one more epoch, as the
    // command line does; a stopped run's partial epoch is not an epoch.
    if (reason === 'done' && this.stepsInEpoch > 0) this.reportEpoch(trainer);
    this.postProgress();
    this.state = 'ended';
    this.post({
      type: 'finished', reason, step: trainer.stepCount, epoch: this.epochsReported,
      trainingSeconds: this.trainingMs / 1000,
    });
  }

  private answerGradientCheck(requestId: number): void {
    if (!this.config || !this.data) {
      this.post({ type: 'gradientCheck', requestId, error: 'the run has no data loaded' });
      return;
    }
    try {
      const result = gradientCheck(this.config, this.data.train);
      const outcome: GradientCheckOutcome = {
        checked: result.checked,
        total: result.total,
        maxRelativeError: result.maxRelativeError,
        ...(result.worst ? {
          worst: { id: result.worst.id, analytic: result.worst.analytic,
            numeric: result.worst.numeric },
        } : {}),
      };
      this.post({ type: 'gradientCheck', requestId, result: outcome });
    } catch (error) {
      this.post({ type: 'gradientCheck', requestId, error: describe(error) });
    }
  }

  private fail(error: WorkerFailure): void {
    this.state = 'ended';
    this.post({ type: 'error', error });
  }

  private failInternally(error: unknown): void {
    this.fail({
      kind: 'internal',
      message: describe(error),
      ...(error instanceof Error && error.stack ? { stack: error.stack } : {}),
    });
  }

  private post(message: WorkerToHost, transfer: ArrayBuffer[] = []): void {
    this.port.postMessage(message, transfer);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The editor's threads come first: on Linux a thread has its own nice value, and priority 0 in
 * os.setPriority means the calling thread, so this lowers only the training thread. Where that is
 * not allowed, training simply runs at the normal priority.
 */
function yieldToTheEditor(): void {
  try {
    os.setPriority(0, TRAINING_NICENESS);
  } catch {
    // Not permitted on this system; nothing else to do.
  }
}

const TRAINING_NICENESS = 10;

if (parentPort) {
  yieldToTheEditor();
  const loop = new TrainingLoop(parentPort);
  parentPort.on('message', (message: HostToWorker) => loop.handle(message));
}
