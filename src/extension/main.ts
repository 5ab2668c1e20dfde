// The extension's entry point: VS Code calls `activate` when a .nnspec file is first opened.
// It only wires the parts together (each lives in its own module) and hands back a small API
// through which tests (and other extensions) can see the sessions, the panel and the lenses.
import * as vscode from 'vscode';
import { registerCommands } from './commands';
import { Settings } from './config';
import { LANGUAGE_ID, SpecDiagnostics } from './diagnostics';
import { EditorState } from './editorState';
import { WeightLensProvider } from './lenses';
import { createLogger, describeError, type Logger } from './log';
import { PANEL_VIEW_TYPE, TrainingPanel } from './panel';
import { reportFailures } from './failures';
import { SessionRegistry, type TrainingSession } from './sessions';
import { TrainingStatusBar } from './statusBar';
import type { HostToPanel, WeightDetails } from '../protocol/panel';

/** What `activate` hands to other extensions and to the tests that activate this one. */
export interface BackpropLensApi {
  readonly ready: true;
  /** The file's training session (running or ended), if it has one. */
  sessionFor(uri: vscode.Uri): TrainingSession | undefined;
  /** The training panel: whether it is open, its session, the weight it shows. */
  readonly panel: {
    readonly isOpen: boolean;
    readonly shownSession: TrainingSession | undefined;
    readonly selectedWeight: WeightDetails | undefined;
    /** The last few dozen messages posted to the panel's page, oldest first. */
    readonly postedMessages: readonly HostToPanel[];
  };
  /** How many times the editor has asked for lenses so far (each ask redraws them). */
  lensRefreshCount(): number;
  /** The status bar item's text, undefined while it is hidden. */
  statusBarText(): string | undefined;
  /** The context keys the manifest's `when` clauses read, as last set. */
  contextKeys(): Record<string, string | boolean>;
}

export function activate(context: vscode.ExtensionContext): BackpropLensApi {
  const { logger: log, channel } = createLogger();
  context.subscriptions.push(channel);
  try {
    return wire(context, log, channel);
  } catch (error) {
    log.error('activation failed', error);
    const reason = describeError(error).split('\n')[0];
    void vscode.window.showErrorMessage(`Backprop Lens could not start: ${reason}. `
      + 'Output ▸ Backprop Lens has the details.');
    throw error;
  }
}

function wire(context: vscode.ExtensionContext, log: Logger,
  channel: vscode.LogOutputChannel): BackpropLensApi {
  const started = performance.now();
  const workerPath = context.asAbsolutePath('dist/worker.js');
  const settings = new Settings();
  const sessions = new SessionRegistry(workerPath, log);
  const diagnostics = new SpecDiagnostics(log);
  const editorState = new EditorState(sessions);
  const lenses = new WeightLensProvider(sessions, settings);
  const panel = new TrainingPanel(context.extensionUri, sessions, settings, log);
  const statusBar = new TrainingStatusBar(sessions, settings, () => editorState.focusedUri);
  context.subscriptions.push(
    settings, sessions, diagnostics, editorState, lenses, panel, statusBar);

  context.subscriptions.push(
    vscode.languages.registerCodeLensProvider({ language: LANGUAGE_ID }, lenses),
    vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
      deserializeWebviewPanel: async (webviewPanel) => panel.revive(webviewPanel),
    }),
    ...registerCommands({
      sessions, diagnostics, panel, log, workerPath, focusedUri: () => editorState.focusedUri,
    }),
    settings.onDidChange(() => {
      lenses.refreshNow();
      statusBar.update();
    }),
    editorState.onDidChangeFocus((uri) => {
      statusBar.update();
      if (uri) panel.follow(sessions.get(uri));
    }),
    reportFailures(sessions, log, channel),
  );

  log.info(`activated in ${(performance.now() - started).toFixed(1)} ms `
    + `(VS Code ${vscode.version}, worker ${workerPath})`);
  return {
    ready: true,
    sessionFor: (uri) => sessions.get(uri),
    panel,
    lensRefreshCount: () => lenses.refreshCount,
    statusBarText: () => statusBar.text,
    contextKeys: () => editorState.contextKeys,
  };
}

export function deactivate(): void {
  // Everything activate created is disposed through context.subscriptions, workers included.
}
