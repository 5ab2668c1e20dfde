// The extension's settings, read in one place and kept until they change: whether the
// CodeLenses show, and how many significant digits their numbers (and the status bar's) carry.
// Reading VS Code's configuration costs more than a refresh should, so it is read once a change.
import * as vscode from 'vscode';

export const SECTION = 'backpropLens';

export interface LensSettings {
  enabled: boolean;
  /** Significant digits, 1 to 17. */
  digits: number;
}

export const DEFAULT_DIGITS = 3;

export class Settings implements vscode.Disposable {
  private cached: LensSettings = readLensSettings();
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  /** Fires after a setting of the lens display changed. */
  readonly onDidChange = this.changeEmitter.event;
  private readonly subscription = vscode.workspace.onDidChangeConfiguration((event) => {
    if (!event.affectsConfiguration(`${SECTION}.lens`)) return;
    this.cached = readLensSettings();
    this.changeEmitter.fire();
  });

  get lens(): LensSettings {
    return this.cached;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changeEmitter.dispose();
  }
}

function readLensSettings(): LensSettings {
  const settings = vscode.workspace.getConfiguration(SECTION);
  const digits = Math.round(settings.get<number>('lens.digits', DEFAULT_DIGITS));
  return {
    enabled: settings.get<boolean>('lens.enabled', true),
    digits: Number.isFinite(digits) ? Math.min(17, Math.max(1, digits)) : DEFAULT_DIGITS,
  };
}
