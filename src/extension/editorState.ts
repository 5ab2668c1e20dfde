// Which .nnspec file the user is working on, and the context keys that say what its session
// allows, so the `when` clauses of the manifest hide commands that make no sense right now
// (Pause while nothing runs, Apply before any step).
import * as vscode from 'vscode';
import { LANGUAGE_ID } from './diagnostics';
import type { SessionRegistry, TrainingSession } from './sessions';

/** The context keys, their values for a session (or for none). */
export function contextKeysFor(
  session: TrainingSession | undefined,
): Record<string, string | boolean> {
  const state = session?.state;
  return {
    'backpropLens.state': state ?? 'none',
    'backpropLens.hasSession': session !== undefined,
    'backpropLens.canPause': state === 'starting' || state === 'running',
    'backpropLens.canResume': state === 'paused',
    'backpropLens.canStep': state === undefined || state === 'paused' || !session?.isLive,
    'backpropLens.canStop': session?.isLive ?? false,
    'backpropLens.canApply': session?.canApply ?? false,
  };
}

export class EditorState implements vscode.Disposable {
  private focused: vscode.Uri | undefined;
  private readonly values = new Map<string, string | boolean>();
  private readonly focusEmitter = new vscode.EventEmitter<vscode.Uri | undefined>();
  /** Fires when another .nnspec file takes the focus. */
  readonly onDidChangeFocus = this.focusEmitter.event;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly sessions: SessionRegistry) {
    this.subscriptions.push(
      vscode.window.onDidChangeActiveTextEditor((editor) => this.editorChanged(editor)),
      sessions.onDidChange(({ session }) => {
        if (session.uri.toString() === this.focused?.toString()) this.updateKeys();
      }),
    );
    this.editorChanged(vscode.window.activeTextEditor);
    this.updateKeys();
  }

  /** The last .nnspec file whose editor had the focus (kept while a panel has the focus). */
  get focusedUri(): vscode.Uri | undefined {
    return this.focused;
  }

  /** The context keys as last set. */
  get contextKeys(): Record<string, string | boolean> {
    return Object.fromEntries(this.values);
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
    this.focusEmitter.dispose();
  }

  private editorChanged(editor: vscode.TextEditor | undefined): void {
    if (editor?.document.languageId !== LANGUAGE_ID) return;
    if (editor.document.uri.toString() === this.focused?.toString()) return;
    this.focused = editor.document.uri;
    this.updateKeys();
    this.focusEmitter.fire(this.focused);
  }

  /** Sets only the keys whose value changed: progress arrives often, most of it changes none. */
  private updateKeys(): void {
    const session = this.focused ? this.sessions.get(this.focused) : undefined;
    for (const [key, value] of Object.entries(contextKeysFor(session))) {
      if (this.values.get(key) === value) continue;
      this.values.set(key, value);
      void vscode.commands.executeCommand('setContext', key, value);
    }
  }
}
