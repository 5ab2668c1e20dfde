// Training sessions, one per .nnspec file: each holds the spec text it started from and the
// TrainingRun (a worker thread) training it, and answers what the lenses, the status bar and
// the panel ask: the state, the last step, any weight's last update. The registry keeps them
// by document and tells everyone when one changes.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { weightKey, type NetworkConfig, type WeightId } from '../engine/config';
import type { SpecDocument } from '../spec/types';
import { TrainingRun, type RunFailure, type RunState } from '../training/client';
import type { ProgressMessage, StepState } from '../training/messages';
import type { WeightUpdate } from './lensText';
import type { Logger } from './log';

/** What a session was started from: the file, its text at that moment, and what it means. */
export interface SessionSource {
  uri: vscode.Uri;
  /** The text the session trains, whatever the file says later. */
  text: string;
  version: number;
  doc: SpecDocument;
  config: NetworkConfig;
}

export interface SessionOptions {
  /** Load, then wait for resume or step once instead of training. */
  startPaused?: boolean;
  /** Mini-batch steps to run instead of the spec's epochs. */
  totalSteps?: number;
}

export type SessionChange =
  | { kind: 'ready' }
  | { kind: 'progress'; progress: ProgressMessage }
  | { kind: 'state'; state: RunState }
  | { kind: 'failed'; failure: RunFailure };

/** Session states that still have a worker taking or waiting to take steps. */
const LIVE_STATES: readonly RunState[] = ['starting', 'running', 'paused'];

export class TrainingSession implements vscode.Disposable {
  readonly run: TrainingRun;
  readonly fileName: string;
  readonly startedAt = performance.now();
  private readonly changeEmitter = new vscode.EventEmitter<SessionChange>();
  /** Fires on ready, after each progress message, on each state change and on failure. */
  readonly onDidChange = this.changeEmitter.event;
  private indexByKey: Map<string, number> | undefined;
  /** Texts that count as the session's own: the one it started from, and any it applied. */
  private readonly ownTexts = new Set<string>();
  private changedAtVersion: { version: number; changed: boolean } | undefined;
  private stepOnceWhenPaused = false;
  private terminated = false;
  private disposed = false;

  constructor(readonly source: SessionSource, workerPath: string, private readonly log: Logger,
    options: SessionOptions = {}) {
    this.fileName = path.basename(source.uri.fsPath || source.uri.path);
    this.ownTexts.add(source.text);
    this.run = TrainingRun.start({
      config: source.config,
      workerPath,
      ...(options.totalSteps !== undefined ? { totalSteps: options.totalSteps } : {}),
      startPaused: options.startPaused === true,
    });
    this.run.onReady((info) => {
      this.indexByKey = new Map(info.weightIds.map((id, index) => [weightKey(id), index]));
      this.log.info(`${this.fileName}: ready, ${info.weightCount} weights, `
        + `${info.rows.train} rows, ${info.totalSteps} steps of ${info.batchSize} rows`);
      this.changeEmitter.fire({ kind: 'ready' });
    });
    this.run.onProgress((progress) => this.changeEmitter.fire({ kind: 'progress', progress }));
    this.run.onError((failure) => this.changeEmitter.fire({ kind: 'failed', failure }));
    this.run.onStateChange((state) => this.stateChanged(state));
  }

  get uri(): vscode.Uri {
    return this.source.uri;
  }

  get state(): RunState {
    return this.run.state;
  }

  /** Starting, running or paused: a worker still holds the run. */
  get isLive(): boolean {
    return LIVE_STATES.includes(this.run.state);
  }

  /** Steps taken so far. */
  get step(): number {
    return this.run.last?.step ?? 0;
  }

  /** The state after the last step received; undefined before the first. */
  get last(): StepState | undefined {
    return this.run.last;
  }

  /** The weights in the order of every array of `last`; undefined until the worker is ready. */
  get weightIds(): readonly WeightId[] | undefined {
    return this.run.info?.weightIds;
  }

  get totalSteps(): number {
    return this.run.info?.totalSteps ?? 0;
  }

  /** Whether the session has trained values to write into the file (and is not running). */
  get canApply(): boolean {
    return this.step > 0 && this.run.state !== 'running' && this.run.state !== 'starting';
  }

  /** Resolves with the final state once the run has ended (finished, stopped or failed). */
  whenFinished(): Promise<RunState> {
    return this.run.whenEnded();
  }

  /**
   * A weight's value, ∂E/∂w and Δw after the last step; before the first step, its starting
   * value with no gradient or update. Undefined when the run has no such weight, or before the
   * worker is ready.
   */
  weightUpdate(id: WeightId): WeightUpdate | undefined {
    const index = this.indexByKey?.get(weightKey(id));
    if (index === undefined) return undefined;
    const last = this.run.last;
    if (last) {
      return { value: last.params[index], dEdw: last.dEdw[index], delta: last.delta[index] };
    }
    const initial = this.run.info?.initialParams;
    return initial ? { value: initial[index], dEdw: 0, delta: 0 } : undefined;
  }

  /** Every weight with its value after the last step, for writing into the file. */
  trainedWeights(): { id: WeightId; value: number }[] {
    const ids = this.run.info?.weightIds;
    const params = this.run.last?.params ?? this.run.info?.initialParams;
    if (!ids || !params) return [];
    return ids.map((id, index) => ({ id, value: params[index] }));
  }

  /** Whether its worker can still answer a gradient check (it is kept idle after a run ends). */
  get canCheckGradients(): boolean {
    return !this.terminated && this.run.state !== 'failed';
  }

  /** Whether `document` now says something other than what this session trains. */
  isFileChanged(document: vscode.TextDocument): boolean {
    if (document.version === this.source.version) return false;
    const cached = this.changedAtVersion;
    if (cached && cached.version === document.version) return cached.changed;
    const changed = !this.ownTexts.has(document.getText());
    this.changedAtVersion = { version: document.version, changed };
    return changed;
  }

  /** After its trained weights were written into the file, that text still counts as its own. */
  adoptText(text: string): void {
    this.ownTexts.add(text);
    this.changedAtVersion = undefined;
  }

  pause(): void {
    this.run.pause();
  }

  resume(): void {
    this.run.resume();
  }

  /** One mini-batch step; a session still starting takes it as soon as it is ready. */
  stepOnce(): void {
    if (this.run.state === 'starting') this.stepOnceWhenPaused = true;
    else this.run.stepOnce();
  }

  /** Ends the run; resolves once the worker confirmed it or was terminated. */
  stop(): Promise<void> {
    return this.run.stop();
  }

  /** Ends the run at once, terminating its worker; the last step received stays readable. */
  terminate(): void {
    this.terminated = true;
    this.run.dispose();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.run.dispose();
    this.changeEmitter.dispose();
  }

  private stateChanged(state: RunState): void {
    const sinceStart = ((performance.now() - this.startedAt) / 1000).toFixed(2);
    this.log.info(`${this.fileName}: ${state} at step ${this.step} (${sinceStart} s after start)`);
    if (state === 'paused' && this.stepOnceWhenPaused) {
      this.stepOnceWhenPaused = false;
      this.run.stepOnce();
    }
    const finished = this.run.isEnded ? this.run.finished : undefined;
    if (finished) {
      const seconds = finished.trainingSeconds;
      const rate = seconds > 0 ? Math.round(finished.step / seconds) : 0;
      this.log.info(`${this.fileName}: ${finished.reason}, ${finished.step} steps, `
        + `${finished.epoch} epochs in ${seconds.toFixed(2)} s of training (${rate} steps/s)`);
    }
    this.changeEmitter.fire({ kind: 'state', state });
  }
}

export interface RegistryChange {
  session: TrainingSession;
  change: SessionChange | { kind: 'started' } | { kind: 'removed' };
}

/** Every file's session, by document URI; several files train at once, each on its own. */
export class SessionRegistry implements vscode.Disposable {
  private readonly sessions = new Map<string, TrainingSession>();
  private readonly subscriptions = new Map<TrainingSession, vscode.Disposable>();
  private readonly changeEmitter = new vscode.EventEmitter<RegistryChange>();
  readonly onDidChange = this.changeEmitter.event;
  private readonly closeSubscription: vscode.Disposable;

  constructor(private readonly workerPath: string, private readonly log: Logger) {
    // A closed file's ended session has nothing left to show; a live one trains on.
    this.closeSubscription = vscode.workspace.onDidCloseTextDocument((document) => {
      if (this.get(document.uri)?.isLive === false) this.remove(document.uri);
    });
  }

  get(uri: vscode.Uri): TrainingSession | undefined {
    return this.sessions.get(uri.toString());
  }

  all(): TrainingSession[] {
    return [...this.sessions.values()];
  }

  /** Starts a session for `source.uri`, ending and replacing the one it had. */
  start(source: SessionSource, options: SessionOptions = {}): TrainingSession {
    this.remove(source.uri);
    const session = new TrainingSession(source, this.workerPath, this.log, options);
    this.sessions.set(source.uri.toString(), session);
    this.subscriptions.set(session,
      session.onDidChange((change) => this.changeEmitter.fire({ session, change })));
    this.log.info(`${session.fileName}: session started${options.startPaused ? ' (paused)' : ''}`);
    this.changeEmitter.fire({ session, change: { kind: 'started' } });
    return session;
  }

  /** Ends the file's session, if any, terminating its worker. */
  remove(uri: vscode.Uri): void {
    const session = this.sessions.get(uri.toString());
    if (!session) return;
    this.sessions.delete(uri.toString());
    this.subscriptions.get(session)?.dispose();
    this.subscriptions.delete(session);
    session.dispose();
    this.changeEmitter.fire({ session, change: { kind: 'removed' } });
  }

  dispose(): void {
    this.closeSubscription.dispose();
    for (const session of this.sessions.values()) session.dispose();
    for (const subscription of this.subscriptions.values()) subscription.dispose();
    this.sessions.clear();
    this.subscriptions.clear();
    this.changeEmitter.dispose();
  }
}
