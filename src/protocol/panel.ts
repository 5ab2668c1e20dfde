// The typed messages between the training panel's host side (src/extension/panel.ts) and its
// webview (webview/main.ts). Both bundles import this file; every value is plain JSON.

/** A run of consecutive steps of the loss curve, summarised (as the training history keeps it). */
export interface LossBucket {
  /** First step covered, 1-based. */
  first: number;
  /** Last step covered, inclusive. */
  last: number;
  min: number;
  max: number;
  mean: number;
}

export type SessionState = 'starting' | 'running' | 'paused' | 'finished' | 'stopped' | 'failed';

/** Which file's session the panel shows, and where it stands. */
export interface SessionStatus {
  /** The spec's file name, e.g. `tutorial.nnspec`. */
  fileName: string;
  state: SessionState;
  step: number;
  /** Steps the run will take in all; 0 until the worker is ready. */
  totalSteps: number;
  epoch: number;
  /** The last mini-batch's loss; undefined before the first step. */
  loss?: number;
  stepsPerSecond: number;
  /** The file was edited after the session started from it. */
  fileChanged: boolean;
  /** Why the run failed, when it did. */
  failure?: string;
}

/** The weight a lens click selected, with its latest numbers. */
export interface WeightDetails {
  /** `weightKey(id)`: "layer:to:from". */
  key: string;
  /** As the file writes it, e.g. `w_a: x -> h[1]` or `bias -> y`. */
  name: string;
  value: number;
  /** ∂E/∂w of the last step; undefined before the first step. */
  dEdw?: number;
  /** Δw of the last step; undefined before the first step. */
  delta?: number;
  /** The step these numbers are from; 0 before the first step. */
  step: number;
}

/** Host → webview. */
export type HostToPanel =
  /** Start over: a new session (or none), with its whole loss curve so far. */
  | { type: 'reset'; status?: SessionStatus; loss: LossBucket[]; digits: number }
  /**
   * A few times a second while training: the steps taken since the last message (appended to
   * the curve), where the session stands, and the selected weight's latest numbers.
   */
  | { type: 'update'; loss: LossBucket[]; status: SessionStatus; weight?: WeightDetails }
  /** A weight was selected (or, undefined, the selection cleared). */
  | { type: 'selection'; weight?: WeightDetails };

/** Webview → host. */
export type PanelToHost =
  /** The page has loaded (or reloaded) and wants the whole picture. */
  | { type: 'ready' }
  /** The chart grew wider than the points it keeps: send the whole curve again. */
  | { type: 'needLoss' };
