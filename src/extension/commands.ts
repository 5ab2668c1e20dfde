// The commands a user runs on a .nnspec file: train, pause, resume, step once, stop, apply the
// trained weights, reset to the file's weights, run a gradient check, show the panel, and reveal
// a weight in it. Each finds its file from its argument (a URI from a lens or the editor title)
// or from the focused editor, and tells the user what went wrong in words they can act on.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { BIAS, type NetworkConfig, type WeightId } from '../engine/config';
import { formatDiagnostic, parseSpec, toConfig, weightName, writeBack } from '../spec';
import type { SpecDocument, SpecLayer } from '../spec/types';
import { formatCount, formatNumber } from '../protocol/format';
import { TrainingRun } from '../training/client';
import type { GradientCheckOutcome } from '../training/messages';
import type { SpecDiagnostics } from './diagnostics';
import { describeError, type Logger } from './log';
import type { TrainingPanel } from './panel';
import type { SessionOptions, SessionRegistry, TrainingSession } from './sessions';
import { lineChanges } from './textChange';

/** Gradients agree when the largest relative error is at most this (as `nnspec gradcheck`). */
export const GRADIENT_CHECK_TOLERANCE = 1e-6;

/** A stop that takes longer than this shows a progress notification the user can cancel. */
const STOP_PROGRESS_DELAY_MS = 300;

/**
 * What a caller (a test, a keybinding) may pass to Train Network after the file's URI:
 * `restart` answers the question asked when the file is already training; `steps` runs that
 * many mini-batch steps instead of the spec's epochs; `paused` starts without taking a step.
 */
export interface TrainOptions {
  restart?: boolean;
  steps?: number;
  paused?: boolean;
}

/** A file that checked clean: the text checked, what it says, and the network to train. */
interface CheckedSpec {
  text: string;
  doc: SpecDocument;
  config: NetworkConfig;
}

export interface CommandContext {
  sessions: SessionRegistry;
  diagnostics: SpecDiagnostics;
  panel: TrainingPanel;
  log: Logger;
  workerPath: string;
  /** The last .nnspec editor that had the focus. */
  focusedUri: () => vscode.Uri | undefined;
}

export function registerCommands(context: CommandContext): vscode.Disposable[] {
  const commands = new Commands(context);
  const register = (id: string, handler: (...args: unknown[]) => unknown): vscode.Disposable =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await handler(...args);
      } catch (error) {
        context.log.error(`${id} failed`, error);
        void vscode.window.showErrorMessage(`Backprop Lens: ${id.replace('backpropLens.', '')} `
          + `failed: ${messageOf(error)}. Output ▸ Backprop Lens has the details.`);
        return undefined;
      }
    });
  return [
    register('backpropLens.train', (...args) => commands.train(args)),
    register('backpropLens.pause', (...args) => commands.pause(args)),
    register('backpropLens.resume', (...args) => commands.resume(args)),
    register('backpropLens.stepOnce', (...args) => commands.stepOnce(args)),
    register('backpropLens.stop', (...args) => commands.stop(args)),
    register('backpropLens.applyTrainedWeights', (...args) => commands.applyTrainedWeights(args)),
    register('backpropLens.resetToFileWeights', (...args) => commands.resetToFileWeights(args)),
    register('backpropLens.gradientCheck', (...args) => commands.gradientCheck(args)),
    register('backpropLens.showPanel', (...args) => commands.showPanel(args)),
    register('backpropLens.revealWeight', (...args) => commands.revealWeight(args)),
  ];
}

class Commands {
  constructor(private readonly context: CommandContext) {}

  private get sessions(): SessionRegistry {
    return this.context.sessions;
  }

  private get log(): Logger {
    return this.context.log;
  }

  /**
   * Trains the file; a file already training is restarted only when the user agrees. True when
   * a session started. (Results of commands run from the palette cross to the workbench: plain
   * values only.)
   */
  async train(args: unknown[]): Promise<boolean> {
    const document = await this.targetDocument(args);
    if (!document) return false;
    const options = trainOptions(args);
    const existing = this.sessions.get(document.uri);
    if (existing?.isLive) {
      const restart = options.restart ?? await askRestart(existing);
      if (!restart) return false;
      this.log.info(`${existing.fileName}: restarting at the user's request`);
    }
    return this.startSession(document, {
      ...(options.steps !== undefined ? { totalSteps: options.steps } : {}),
      startPaused: options.paused === true,
    }) !== undefined;
  }

  pause(args: unknown[]): void {
    this.sessionFor(args)?.pause();
  }

  resume(args: unknown[]): void {
    this.sessionFor(args)?.resume();
  }

  /** One mini-batch step; without a live session, a paused one starts from the file first. */
  async stepOnce(args: unknown[]): Promise<void> {
    let session = this.sessionFor(args);
    if (!session || !session.isLive) {
      const document = await this.targetDocument(args);
      if (!document) return;
      session = this.startSession(document, { startPaused: true });
    }
    session?.stepOnce();
  }

  /** Stops the run; a worker slow to answer shows a progress the user can cancel. */
  async stop(args: unknown[]): Promise<void> {
    const session = this.sessionFor(args);
    if (!session || !session.isLive) return;
    const stopping = session.stop();
    const stoppedQuickly = await Promise.race([
      stopping.then(() => true),
      delay(STOP_PROGRESS_DELAY_MS).then(() => false),
    ]);
    if (stoppedQuickly) return;
    await vscode.window.withProgress({
      location: vscode.ProgressLocation.Notification,
      title: `Stopping the training of ${session.fileName}…`,
      cancellable: true,
    }, (_progress, token) => new Promise<void>((resolve) => {
      void stopping.then(resolve);
      token.onCancellationRequested(() => {
        this.log.warn(`${session.fileName}: stop cancelled by the user; terminating the worker`);
        session.terminate();
        resolve();
      });
    }));
  }

  /**
   * Writes the session's trained values into the file as one edit (one undo restores the old
   * text): numbers change in place, weights the file does not write yet are added.
   */
  async applyTrainedWeights(args: unknown[]): Promise<boolean> {
    const session = this.sessionFor(args);
    if (!session || session.step === 0) {
      void vscode.window.showInformationMessage('Nothing is trained yet: run Train Network first.');
      return false;
    }
    if (!session.canApply) {
      void vscode.window.showInformationMessage(
        `${session.fileName} is still training: pause or stop it, then apply its weights.`);
      return false;
    }

    const document = await vscode.workspace.openTextDocument(session.uri);
    const text = document.getText();
    const { doc, diagnostics } = parseSpec(text);
    const problem = diagnostics.find((diagnostic) => diagnostic.severity === 'error');
    if (problem) {
      void vscode.window.showErrorMessage(`Cannot write the weights into a file with problems: `
        + `${formatDiagnostic(session.fileName, problem)}`);
      return false;
    }

    // A weight the file's network no longer has (its shape was edited) cannot be written.
    const values = session.trainedWeights().filter((entry) => existsIn(doc.layers, entry.id));
    const updated = writeBack(text, doc, values);
    if (updated === text) {
      void vscode.window.showInformationMessage(
        `${session.fileName} already holds the trained weights.`);
      return true;
    }

    // One edit of many small changes: one undo takes it back, and the lenses on the lines stay.
    const edit = new vscode.WorkspaceEdit();
    for (const change of lineChanges(text, updated)) {
      edit.replace(document.uri, new vscode.Range(document.positionAt(change.start),
        document.positionAt(change.end)), change.text, {
        label: 'Apply Trained Weights', needsConfirmation: false,
      });
    }
    const applied = await vscode.workspace.applyEdit(edit);
    if (applied) {
      session.adoptText(document.getText());
      this.log.info(`${session.fileName}: wrote ${values.length} trained weights `
        + `from step ${session.step}`);
    } else {
      this.log.warn(`${session.fileName}: the editor refused the edit that writes the weights`);
    }
    return applied;
  }

  /** A new session from the file's current text, running if the old one was, paused if not. */
  async resetToFileWeights(args: unknown[]): Promise<boolean> {
    const document = await this.targetDocument(args);
    if (!document) return false;
    const previous = this.sessions.get(document.uri);
    const wasRunning = previous?.state === 'running' || previous?.state === 'starting';
    return this.startSession(document, { startPaused: !wasRunning }) !== undefined;
  }

  /**
   * Compares back-propagation with central differences on one mini-batch, in a worker: the
   * session's own when it trains the file as it is now, a short-lived one otherwise.
   */
  async gradientCheck(args: unknown[]): Promise<GradientCheckOutcome | undefined> {
    const document = await this.targetDocument(args);
    if (!document) return undefined;
    const fileName = baseName(document.uri);
    const session = this.sessions.get(document.uri);

    let temporary: TrainingRun | undefined;
    let run: TrainingRun;
    let doc: SpecDocument;
    if (session && session.canCheckGradients && !session.isFileChanged(document)) {
      run = session.run;
      doc = session.source.doc;
    } else {
      const checked = this.checkedConfig(document);
      if (!checked) return undefined;
      temporary = TrainingRun.start({
        config: checked.config, workerPath: this.context.workerPath, startPaused: true,
      });
      run = temporary;
      doc = checked.doc;
    }

    const started = performance.now();
    try {
      const outcome = await vscode.window.withProgress({
        location: vscode.ProgressLocation.Notification,
        title: `Gradient check of ${fileName}`,
        cancellable: true,
      }, (_progress, token) => new Promise<GradientCheckOutcome | undefined>((resolve, reject) => {
        token.onCancellationRequested(() => resolve(undefined));
        run.runGradientCheck().then(resolve, reject);
      }));
      const milliseconds = (performance.now() - started).toFixed(0);
      if (!outcome) {
        this.log.info(`${fileName}: gradient check cancelled after ${milliseconds} ms`);
        return undefined;
      }
      const worst = outcome.worst ? ` at ${weightName(doc, outcome.worst.id)}` : '';
      const summary = `largest relative error ${formatNumber(outcome.maxRelativeError, 3)}${worst} `
        + `over ${formatCount(outcome.checked)}`
        + (outcome.total > outcome.checked ? ` of ${formatCount(outcome.total)}` : '') + ' weights';
      this.log.info(`${fileName}: gradient check ${summary} in ${milliseconds} ms`);
      if (outcome.maxRelativeError <= GRADIENT_CHECK_TOLERANCE) {
        void vscode.window.showInformationMessage(
          `Gradient check of ${fileName} passed: ${summary} (at most 1e−6).`);
      } else {
        void vscode.window.showWarningMessage(
          `Gradient check of ${fileName} failed: ${summary}, above 1e−6.`);
      }
      return outcome;
    } catch (error) {
      this.log.error(`${fileName}: the gradient check could not run`, error);
      void vscode.window.showErrorMessage(
        `The gradient check of ${fileName} could not run: ${messageOf(error)}`);
      return undefined;
    } finally {
      temporary?.dispose();
    }
  }

  showPanel(args: unknown[]): void {
    const session = this.sessionFor(args) ?? this.context.panel.shownSession;
    this.context.panel.show(session);
  }

  /** From a weight's lens: the panel comes forward with that weight selected. */
  async revealWeight(args: unknown[]): Promise<void> {
    const [uri, key] = args;
    if (!(uri instanceof vscode.Uri) || typeof key !== 'string') return;
    const session = this.sessions.get(uri);
    if (session) {
      this.context.panel.reveal(session, key);
      return;
    }
    const document = await vscode.workspace.openTextDocument(uri);
    this.context.panel.revealFromFile(document, key);
  }

  /** Checks the file and starts its session; says where the first problem is when it cannot. */
  private startSession(document: vscode.TextDocument,
    options: SessionOptions): TrainingSession | undefined {
    const checked = this.checkedConfig(document);
    if (!checked) return undefined;
    return this.sessions.start({
      uri: document.uri,
      text: checked.text,
      version: document.version,
      doc: checked.doc,
      config: checked.config,
    }, options);
  }

  private checkedConfig(document: vscode.TextDocument): CheckedSpec | undefined {
    const fileName = baseName(document.uri);
    const text = document.getText();
    const result = this.context.diagnostics.checkNow(document);
    if (!result) {
      void vscode.window.showErrorMessage(`${fileName} is not a .nnspec file.`);
      return undefined;
    }
    const errors = result.diagnostics.filter((diagnostic) => diagnostic.severity === 'error');
    if (errors.length > 0) {
      const others = errors.length - 1;
      const more = others > 0 ? ` (and ${others} more in the Problems view)` : '';
      const message = `${formatDiagnostic(fileName, errors[0])}${more}`;
      this.log.warn(`not trained: ${message}`);
      void vscode.window.showErrorMessage(message, 'Show Problems').then((choice) => {
        if (choice) void vscode.commands.executeCommand('workbench.actions.view.problems');
      });
      return undefined;
    }
    try {
      const specPath = document.uri.scheme === 'file' ? document.uri.fsPath : document.uri.path;
      return { text, doc: result.doc, config: toConfig(result.doc, { specPath }) };
    } catch (error) {
      this.log.error(`${fileName}: could not build the network`, error);
      void vscode.window.showErrorMessage(`${fileName}: ${describeError(error).split('\n')[0]}`);
      return undefined;
    }
  }

  /** The URI given first, or the focused .nnspec editor's. */
  private targetUri(args: unknown[]): vscode.Uri | undefined {
    const given = args.find((arg): arg is vscode.Uri => arg instanceof vscode.Uri);
    if (given) return given;
    const active = vscode.window.activeTextEditor?.document;
    if (active?.languageId === 'nnspec') return active.uri;
    return this.context.focusedUri();
  }

  private async targetDocument(args: unknown[]): Promise<vscode.TextDocument | undefined> {
    const uri = this.targetUri(args);
    if (!uri) {
      void vscode.window.showInformationMessage('Open a .nnspec file first.');
      return undefined;
    }
    return vscode.workspace.openTextDocument(uri);
  }

  private sessionFor(args: unknown[]): TrainingSession | undefined {
    const uri = this.targetUri(args);
    return uri ? this.sessions.get(uri) : undefined;
  }
}

function trainOptions(args: unknown[]): TrainOptions {
  for (const arg of args) {
    if (typeof arg !== 'object' || arg === null || arg instanceof vscode.Uri) continue;
    const candidate = arg as Record<string, unknown>;
    if (!('restart' in candidate || 'steps' in candidate || 'paused' in candidate)) continue;
    const { restart, steps, paused } = candidate;
    return {
      ...(typeof restart === 'boolean' ? { restart } : {}),
      ...(typeof steps === 'number' && steps >= 1 ? { steps: Math.floor(steps) } : {}),
      ...(typeof paused === 'boolean' ? { paused } : {}),
    };
  }
  return {};
}

async function askRestart(session: TrainingSession): Promise<boolean> {
  const choice = await vscode.window.showWarningMessage(
    `${session.fileName} is already training (step ${formatCount(session.step)}). `
    + 'Restart it from the file as it is now?',
    { modal: true, detail: 'The current run and its history are discarded.' },
    'Restart');
  return choice === 'Restart';
}

/** Whether the network the file describes now has the weight `id`. */
function existsIn(layers: readonly SpecLayer[], id: WeightId): boolean {
  const to = layers[id.layer];
  const previous = layers[id.layer - 1];
  return id.layer >= 1 && to !== undefined && previous !== undefined && id.to < to.size
    && (id.from === BIAS || id.from < previous.size);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function baseName(uri: vscode.Uri): string {
  return path.basename(uri.fsPath || uri.path);
}

function delay(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}
