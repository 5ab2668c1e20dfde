// The status bar item of the focused file's session: the step, the loss and the steps per
// second while it trains, how it ended afterwards. A click shows the training panel.
import * as vscode from 'vscode';
import { formatCount, formatNumber, formatRate } from '../protocol/format';
import type { Settings } from './config';
import type { SessionRegistry, TrainingSession } from './sessions';
import { Throttle } from './timing';

const REFRESH_MS = 250;

export class TrainingStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('backpropLens.training',
    vscode.StatusBarAlignment.Left, 50);
  private readonly refresh = new Throttle(() => this.update(), REFRESH_MS);
  private readonly subscriptions: vscode.Disposable[] = [];
  private visible = false;

  /** `focusedUri` names the file whose session to show: the last .nnspec editor focused. */
  constructor(
    private readonly sessions: SessionRegistry,
    private readonly settings: Settings,
    private readonly focusedUri: () => vscode.Uri | undefined,
  ) {
    this.item.name = 'Backprop Lens training';
    this.item.command = 'backpropLens.showPanel';
    this.subscriptions.push(sessions.onDidChange(({ change }) => {
      if (change.kind === 'progress') this.refresh.schedule();
      else this.refresh.flush();
    }));
    this.update();
  }

  /** The text the item shows now; undefined while it is hidden. */
  get text(): string | undefined {
    return this.visible ? this.item.text : undefined;
  }

  update(): void {
    const uri = this.focusedUri();
    const session = uri ? this.sessions.get(uri) : undefined;
    if (!session) {
      this.item.hide();
      this.visible = false;
      return;
    }
    this.item.text = statusText(session, this.settings.lens.digits);
    this.item.tooltip = `${session.fileName}: ${session.state}. Click to show the training panel.`;
    this.item.backgroundColor = session.state === 'failed'
      ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    this.item.show();
    this.visible = true;
  }

  dispose(): void {
    this.refresh.dispose();
    for (const subscription of this.subscriptions) subscription.dispose();
    this.item.dispose();
  }
}

function statusText(session: TrainingSession, digits: number): string {
  const last = session.last;
  const step = `step ${formatCount(session.step)}`;
  const loss = last ? ` · loss ${formatNumber(last.loss, digits)}` : '';
  switch (session.state) {
    case 'starting':
      return `$(loading~spin) ${session.fileName}: loading`;
    case 'running':
      return `$(pulse) ${step}${loss} · ${formatRate(last?.stepsPerSecond ?? 0)} steps/s`;
    case 'paused':
      return `$(debug-pause) ${step}${loss} · paused`;
    case 'finished':
      return `$(check) ${step}${loss} · finished`;
    case 'stopped':
      return `$(debug-stop) ${step}${loss} · stopped`;
    case 'failed':
      return `$(error) ${step} · training failed`;
  }
}
