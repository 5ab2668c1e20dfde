// The host's handle on one training run: it starts the worker thread, sends it commands, keeps
// the bounded history of what it reports, and turns a crashed or silent worker into an error.
// Plain Node: the editor adapts it, nothing here knows of VS Code.

import { Worker } from 'node:worker_threads';
import type { NetworkConfig } from '../engine/config';
import { TrainingHistory, type HistoryOptions } from './history';
import type {
  FinishedMessage,
  GradientCheckOutcome,
  HostToWorker,
  ProgressMessage,
  ReadyMessage,
  StepState,
  WorkerFailure,
  WorkerToHost,
} from './messages';

export type RunState = 'starting' | 'running' | 'paused' | 'finished' | 'stopped' | 'failed';

/** The states a run never leaves. */
export const ENDED_STATES: readonly RunState[] = ['finished', 'stopped', 'failed'];

/** The worker ended without finishing: it threw, or its thread exited. */
export interface CrashFailure {
  kind: 'crashed';
  message: string;
  /** The thread's exit code, when it exited. */
  exitCode?: number;
  stack?: string;
}

/** The worker sent nothing for `stuckAfterMs` while it should have been training. */
export interface StuckFailure {
  kind: 'stuck';
  message: string;
  /** Milliseconds since the worker's last message. */
  silentMs: number;
}

/** Everything that can end a run in 'failed'. */
export type RunFailure = WorkerFailure | CrashFailure | StuckFailure;

/** What the run looks like, known once the worker is ready. */
export type RunInfo = Omit<ReadyMessage, 'type' | 'paused'>;

export interface StartOptions {
  config: NetworkConfig;
  /** Absolute path of the bundled worker (`dist/worker.js`). */
  workerPath: string;
  /** Mini-batch steps to run; the config's epochs × steps per epoch when left out. */
  totalSteps?: number;
  /** Wait after loading until `resume()` or `stepOnce()`. */
  startPaused?: boolean;
  /** A starting or running worker silent this long is stuck. Default 10 000 ms. */
  stuckAfterMs?: number;
  /** How long `stop()` waits for the worker's answer before terminating it. Default 5 000 ms. */
  stopTimeoutMs?: number;
  history?: HistoryOptions;
}

export interface Disposable {
  dispose(): void;
}

/** Subscribes a listener; dispose the result to unsubscribe. */
export type Event<T> = (listener: (value: T) => void) => Disposable;

export const DEFAULT_STUCK_AFTER_MS = 10_000;
export const DEFAULT_STOP_TIMEOUT_MS = 5_000;

/** A small event source: listeners run in the order they subscribed; one throwing spares others. */
class Emitter<T> {
  private listeners = new Set<(value: T) => void>();

  readonly event: Event<T> = (listener) => {
    const entry = (value: T): void => listener(value);
    this.listeners.add(entry);
    return { dispose: () => this.listeners.delete(entry) };
  };

  fire(value: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch (error) {
        // A listener's defect must not break the run's bookkeeping; it still surfaces.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}

/**
 * One training run in its own worker thread. Create it with `TrainingRun.start`. The state moves
 * starting → running ⇄ paused → finished | stopped | failed, each change as the worker confirms
 * it. Once ended, the worker is kept idle (not holding the process open) so gradient checks
 * still work, until `dispose()` terminates it.
 */
export class TrainingRun {
  readonly history: TrainingHistory;
  private readonly worker: Worker;
  private readonly stuckAfterMs: number;
  private readonly stopTimeoutMs: number;
  private currentState: RunState = 'starting';
  private runInfo: RunInfo | undefined;
  private runFailure: RunFailure | undefined;
  private finishedMessage: FinishedMessage | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  private lastMessageAt = performance.now();
  private disposed = false;
  private workerExited = false;
  private nextRequestId = 1;
  private readonly pendingChecks = new Map<number, {
    resolve: (outcome: GradientCheckOutcome) => void;
    reject: (error: Error) => void;
  }>();
  private readonly endWaiters: (() => void)[] = [];

  private readonly progressEmitter = new Emitter<ProgressMessage>();
  private readonly stateEmitter = new Emitter<RunState>();
  private readonly errorEmitter = new Emitter<RunFailure>();
  private readonly readyEmitter = new Emitter<RunInfo>();

  /** After each progress message, once `history` and `last` hold it. */
  readonly onProgress: Event<ProgressMessage> = this.progressEmitter.event;
  /** After each change of `state`. */
  readonly onStateChange: Event<RunState> = this.stateEmitter.event;
  /** When the run fails, once, before the state turns 'failed'. */
  readonly onError: Event<RunFailure> = this.errorEmitter.event;
  /** When the worker has built the network and loaded the data. */
  readonly onReady: Event<RunInfo> = this.readyEmitter.event;

  private constructor(options: StartOptions) {
    this.history = new TrainingHistory(options.history);
    this.stuckAfterMs = options.stuckAfterMs ?? DEFAULT_STUCK_AFTER_MS;
    this.stopTimeoutMs = options.stopTimeoutMs ?? DEFAULT_STOP_TIMEOUT_MS;
    this.worker = new Worker(options.workerPath);
    this.worker.on('message', (message: WorkerToHost) => this.receive(message));
    this.worker.on('error', (error: Error) => {
      this.fail({ kind: 'crashed', message: `the training worker threw: ${error.message}`,
        stack: error.stack });
    });
    this.worker.on('messageerror', (error: Error) => {
      this.fail({ kind: 'internal',
        message: `a message from the worker was unreadable: ${error.message}` });
    });
    this.worker.on('exit', (exitCode: number) => {
      this.workerExited = true;
      if (!this.isEnded && !this.disposed) {
        this.fail({ kind: 'crashed', exitCode,
          message: `the training worker exited (code ${exitCode}) before the run ended` });
      }
      this.rejectPendingChecks('the training worker has exited');
    });
    this.armWatchdog();
    this.post({
      type: 'start',
      config: options.config,
      ...(options.totalSteps !== undefined ? { totalSteps: options.totalSteps } : {}),
      ...(options.startPaused ? { startPaused: true } : {}),
    });
  }

  /** Starts a worker on `options.workerPath` and sends it the run. */
  static start(options: StartOptions): TrainingRun {
    return new TrainingRun(options);
  }

  get state(): RunState {
    return this.currentState;
  }

  /** Whether the run is finished, stopped or failed. */
  get isEnded(): boolean {
    return ENDED_STATES.includes(this.currentState);
  }

  /** Layers, weight ids, steps per epoch and total steps; undefined until the worker is ready. */
  get info(): RunInfo | undefined {
    return this.runInfo;
  }

  /** The state after the newest step received; undefined before the first step. */
  get last(): StepState | undefined {
    return this.history.last;
  }

  /** Why the run failed, when it did. */
  get failure(): RunFailure | undefined {
    return this.runFailure;
  }

  /** Whether the worker thread is still there (an ended run keeps it idle until disposed). */
  get workerAlive(): boolean {
    return !this.workerExited;
  }

  /** How the run ended, when the worker reported it ('done' or 'stopped'). */
  get finished(): FinishedMessage | undefined {
    return this.finishedMessage;
  }

  /** Ask the worker to stop taking steps; the state turns 'paused' when it has. */
  pause(): void {
    if (this.currentState === 'running' || this.currentState === 'starting') {
      this.post({ type: 'pause' });
    }
  }

  /** Ask a paused worker to go on; the state turns 'running' when it does. */
  resume(): void {
    if (this.currentState === 'paused') this.post({ type: 'resume' });
  }

  /** While paused: one mini-batch step, reported by one progress message; stays paused. */
  stepOnce(): void {
    if (this.currentState === 'paused') this.post({ type: 'stepOnce' });
  }

  /**
   * Ends the run: resolves once the worker has sent its last progress and confirmed the stop
   * (state 'stopped'), or has ended otherwise. A worker that does not answer within the stop
   * timeout is terminated and the run counts as stopped.
   */
  stop(): Promise<void> {
    if (this.isEnded) return Promise.resolve();
    this.post({ type: 'stop' });
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        if (!this.isEnded) {
          this.setState('stopped');
          void this.worker.terminate();
        }
      }, this.stopTimeoutMs);
      this.endWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Resolves with the run's final state, once it has ended. Never rejects. */
  whenEnded(): Promise<RunState> {
    if (this.isEnded) return Promise.resolve(this.currentState);
    return new Promise((resolve) => this.endWaiters.push(() => resolve(this.currentState)));
  }

  /** Compares back-propagation with central differences on one mini-batch, in the worker. */
  runGradientCheck(): Promise<GradientCheckOutcome> {
    if (this.disposed || this.workerExited) {
      return Promise.reject(new Error('the training worker has exited'));
    }
    const requestId = this.nextRequestId++;
    // An ended run's worker is unreferenced; hold the process open while the answer is due.
    this.worker.ref();
    return new Promise((resolve, reject) => {
      this.pendingChecks.set(requestId, { resolve, reject });
      this.post({ type: 'gradientCheck', requestId });
    });
  }

  /** Terminates the worker and lets go of every listener. A running run ends as 'stopped'. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.clearWatchdog();
    if (!this.isEnded) this.setState('stopped');
    this.rejectPendingChecks('the training run was disposed');
    void this.worker.terminate();
    this.progressEmitter.clear();
    this.stateEmitter.clear();
    this.errorEmitter.clear();
    this.readyEmitter.clear();
  }

  private receive(message: WorkerToHost): void {
    if (this.disposed) return;
    this.lastMessageAt = performance.now();
    switch (message.type) {
      case 'ready': {
        const { type: _type, paused, ...info } = message;
        this.runInfo = info;
        this.readyEmitter.fire(info);
        if (!this.isEnded) this.setState(paused ? 'paused' : 'running');
        return;
      }
      case 'progress':
        this.history.apply(message);
        this.progressEmitter.fire(message);
        return;
      case 'paused':
        if (!this.isEnded) this.setState('paused');
        return;
      case 'resumed':
        if (!this.isEnded) this.setState('running');
        return;
      case 'finished':
        this.finishedMessage = message;
        if (!this.isEnded) this.setState(message.reason === 'done' ? 'finished' : 'stopped');
        return;
      case 'error':
        this.fail(message.error);
        return;
      case 'gradientCheck': {
        const pending = this.pendingChecks.get(message.requestId);
        if (!pending) return;
        this.pendingChecks.delete(message.requestId);
        if (this.pendingChecks.size === 0 && this.isEnded) this.worker.unref();
        if (message.result) pending.resolve(message.result);
        else pending.reject(new Error(message.error ?? 'the gradient check failed'));
        return;
      }
    }
  }

  /** Reports the failure once; a worker that can no longer be trusted is terminated. */
  private fail(failure: RunFailure): void {
    if (this.isEnded || this.disposed) return;
    this.runFailure = failure;
    this.errorEmitter.fire(failure);
    this.setState('failed');
    if (failure.kind === 'crashed' || failure.kind === 'stuck' || failure.kind === 'internal') {
      this.rejectPendingChecks(failure.message);
      void this.worker.terminate();
    }
  }

  private setState(state: RunState): void {
    if (state === this.currentState) return;
    this.currentState = state;
    if (this.isEnded) {
      this.clearWatchdog();
      // An idle worker must not keep the process alive; dispose() still terminates it.
      if (this.pendingChecks.size === 0) this.worker.unref();
    } else if (state === 'paused') {
      this.clearWatchdog();
    } else {
      this.armWatchdog();
    }
    this.stateEmitter.fire(state);
    if (this.isEnded) {
      for (const wake of this.endWaiters.splice(0)) wake();
    }
  }

  /** While starting or running, a silence longer than `stuckAfterMs` fails the run. */
  private armWatchdog(): void {
    this.clearWatchdog();
    this.lastMessageAt = performance.now();
    const check = (): void => {
      const silentMs = performance.now() - this.lastMessageAt;
      if (silentMs >= this.stuckAfterMs) {
        this.watchdog = undefined;
        this.fail({
          kind: 'stuck', silentMs,
          message: `the training worker sent nothing for ${Math.round(silentMs)} ms`,
        });
        return;
      }
      this.watchdog = setTimeout(check, this.stuckAfterMs - silentMs);
      this.watchdog.unref();
    };
    this.watchdog = setTimeout(check, this.stuckAfterMs);
    this.watchdog.unref();
  }

  private clearWatchdog(): void {
    if (this.watchdog !== undefined) clearTimeout(this.watchdog);
    this.watchdog = undefined;
  }

  private rejectPendingChecks(reason: string): void {
    for (const pending of this.pendingChecks.values()) pending.reject(new Error(reason));
    this.pendingChecks.clear();
  }

  private post(message: HostToWorker): void {
    if (this.disposed || this.workerExited) return;
    this.worker.postMessage(message);
  }
}
