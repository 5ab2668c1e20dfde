// The training panel's host side: one webview panel that shows a session's loss curve and the
// weight a lens click selected. It owns the panel's lifecycle (create or reveal, revive after a
// reload, dispose), decides what to send (the history once, then what arrived since, at most
// 4 times a second in one message), and leaves the drawing to the webview.
import * as crypto from 'node:crypto';
import * as vscode from 'vscode';
import { parseWeightKey, weightKey } from '../engine/config';
import { parseSpec, weightName } from '../spec';
import type { SpecDocument } from '../spec/types';
import type { HostToPanel, PanelToHost, SessionStatus, WeightDetails } from '../protocol/panel';
import { BucketSeries } from '../training/buckets';
import type { Settings } from './config';
import type { Logger } from './log';
import type { SessionRegistry, TrainingSession } from './sessions';
import { Throttle } from './timing';

export const PANEL_VIEW_TYPE = 'backpropLens.trainingPanel';

/** The panel is updated at most this often while a session trains (4 times a second). */
const REFRESH_MS = 250;

/** Loss buckets waiting to be sent are merged pairwise beyond this many. */
const PENDING_LOSS_BUCKETS = 512;

export class TrainingPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private panelSubscriptions: vscode.Disposable[] = [];
  private session: TrainingSession | undefined;
  /** The weight a lens click selected, in the file it belongs to. */
  private selection: { uri: string; key: string } | undefined;
  private pendingLoss = new BucketSeries(PENDING_LOSS_BUCKETS);
  private readonly refresh = new Throttle(() => this.sendUpdate(), REFRESH_MS);
  private readonly subscriptions: vscode.Disposable[] = [];
  /** Every message posted, newest last, kept short: what the tests read. */
  private readonly recentMessages: HostToPanel[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly sessions: SessionRegistry,
    private readonly settings: Settings,
    private readonly log: Logger,
  ) {
    this.subscriptions.push(sessions.onDidChange(({ session, change }) => {
      // A file trained again replaces its session: the panel follows. A session removed keeps
      // its numbers, and the panel goes on showing them until another takes its place.
      const sameFile = session.uri.toString() === this.session?.uri.toString();
      if (change.kind === 'started' && sameFile) {
        this.showSession(session);
        return;
      }
      if (session !== this.session || change.kind === 'removed') return;
      if (change.kind === 'progress') {
        this.pendingLoss.addAll(change.progress.loss);
        this.refresh.schedule();
      } else {
        this.refresh.flush();
      }
    }));
  }

  /** Whether the panel is open. */
  get isOpen(): boolean {
    return this.panel !== undefined;
  }

  /** The session the panel shows. */
  get shownSession(): TrainingSession | undefined {
    return this.session;
  }

  /** The selected weight as the panel shows it now. */
  get selectedWeight(): WeightDetails | undefined {
    return this.selectionDetails();
  }

  /** The messages most recently posted to the webview, oldest first. */
  get postedMessages(): readonly HostToPanel[] {
    return this.recentMessages;
  }

  /** Opens the panel (or brings it forward) on `session`, or on the one it shows. */
  show(session: TrainingSession | undefined, preserveFocus = false): void {
    if (!this.panel) {
      this.adopt(vscode.window.createWebviewPanel(PANEL_VIEW_TYPE, 'Training', {
        viewColumn: vscode.ViewColumn.Beside, preserveFocus,
      }, this.webviewOptions()));
    } else {
      this.panel.reveal(undefined, preserveFocus);
    }
    if (session && session !== this.session) this.showSession(session);
  }

  /** Shows the panel on `session` with the weight `key` selected. */
  reveal(session: TrainingSession, key: string): void {
    this.show(session, false);
    this.selection = { uri: session.uri.toString(), key };
    this.postSelection();
  }

  /** Before any training: the panel shows the weight as the file writes it. */
  revealFromFile(document: vscode.TextDocument, key: string): void {
    this.show(undefined, false);
    if (this.session && this.session.uri.toString() !== document.uri.toString()) {
      this.showSession(undefined);
    }
    this.selection = { uri: document.uri.toString(), key };
    this.postSelection();
  }

  /** Follows the focused file: the panel shows its session, when it has one. */
  follow(session: TrainingSession | undefined): void {
    if (session && session !== this.session && this.panel) this.showSession(session);
  }

  /** Takes over a panel VS Code restored after a reload. */
  revive(panel: vscode.WebviewPanel): void {
    this.adopt(panel);
  }

  dispose(): void {
    this.refresh.dispose();
    for (const subscription of this.subscriptions) subscription.dispose();
    this.panel?.dispose();
  }

  private adopt(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    panel.webview.options = this.webviewOptions();
    panel.webview.html = this.html(panel.webview);
    this.panelSubscriptions = [
      panel.webview.onDidReceiveMessage((message: PanelToHost) => this.receive(message)),
      panel.onDidDispose(() => {
        for (const subscription of this.panelSubscriptions) subscription.dispose();
        this.panelSubscriptions = [];
        this.panel = undefined;
        this.recentMessages.length = 0;
      }),
    ];
  }

  private webviewOptions(): vscode.WebviewOptions & vscode.WebviewPanelOptions {
    return {
      enableScripts: true,
      localResourceRoots: [
        vscode.Uri.joinPath(this.extensionUri, 'dist'),
        vscode.Uri.joinPath(this.extensionUri, 'media'),
      ],
    };
  }

  private receive(message: PanelToHost): void {
    if (message.type === 'ready' || message.type === 'needLoss') {
      this.sendReset();
      this.postSelection();
    }
  }

  private showSession(session: TrainingSession | undefined): void {
    if (session && this.selection && this.selection.uri !== session.uri.toString()) {
      this.selection = undefined;
    }
    this.session = session;
    if (this.panel) this.panel.title = session ? `Training: ${session.fileName}` : 'Training';
    this.sendReset();
    this.postSelection();
  }

  private postSelection(): void {
    if (this.selection) this.post({ type: 'selection', weight: this.selectionDetails() });
  }

  private selectionDetails(): WeightDetails | undefined {
    const selection = this.selection;
    if (!selection) return undefined;
    const uri = vscode.Uri.parse(selection.uri);
    const session = this.sessions.get(uri);
    if (session) return weightDetails(session, selection.key);
    const document = vscode.workspace.textDocuments.find(
      (candidate) => candidate.uri.toString() === selection.uri);
    if (!document) return undefined;
    return fileWeightDetails(parseSpec(document.getText()).doc, selection.key);
  }

  /** The whole curve the host keeps, and where the session stands. */
  private sendReset(): void {
    this.pendingLoss = new BucketSeries(PENDING_LOSS_BUCKETS);
    const session = this.session;
    this.post({
      type: 'reset',
      loss: session ? [...session.run.history.loss.all] : [],
      digits: this.settings.lens.digits,
      ...(session ? { status: sessionStatus(session) } : {}),
    });
  }

  /** What arrived since the last update: new loss buckets, the status, the selection. */
  private sendUpdate(): void {
    const session = this.session;
    if (!session || !this.panel) return;
    const weight = this.selectionDetails();
    this.post({
      type: 'update',
      loss: [...this.pendingLoss.all],
      status: sessionStatus(session),
      ...(weight ? { weight } : {}),
    });
    this.pendingLoss = new BucketSeries(PENDING_LOSS_BUCKETS);
  }

  private post(message: HostToPanel): void {
    if (!this.panel) return;
    this.recentMessages.push(message);
    if (this.recentMessages.length > 50) this.recentMessages.shift();
    this.panel.webview.postMessage(message).then(undefined, (error: unknown) => {
      this.log.warn(`the training panel did not take a message: ${String(error)}`);
    });
  }

  private html(webview: vscode.Webview): string {
    const nonce = crypto.randomBytes(16).toString('base64');
    const resource = (...segments: string[]): vscode.Uri =>
      webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, ...segments));
    const script = resource('dist', 'webview.js');
    const style = resource('media', 'panel.css');
    const csp = [
      "default-src 'none'",
      `style-src ${webview.cspSource}`,
      `img-src ${webview.cspSource}`,
      `font-src ${webview.cspSource}`,
      `script-src 'nonce-${nonce}'`,
    ].join('; ');
    return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${csp}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <link rel="stylesheet" href="${style}">
  <title>Training</title>
</head>
<body>
  <header>
    <span id="session-file"></span>
    <span id="session-state"></span>
    <span id="session-progress"></span>
    <span id="session-failure" hidden></span>
  </header>
  <h2>Loss by step</h2>
  <div class="chart">
    <canvas id="loss-chart" aria-label="The mini-batch loss by step"></canvas>
    <div id="chart-empty">No steps yet</div>
  </div>
  <h2>Selected weight</h2>
  <p id="inspector-empty">Click the lens above a weight in the file to follow it here.</p>
  <dl id="inspector-values" hidden>
    <dt>weight</dt><dd id="weight-name"></dd>
    <dt>w</dt><dd id="weight-value"></dd>
    <dt>∂E/∂w</dt><dd id="weight-gradient"></dd>
    <dt>Δw</dt><dd id="weight-delta"></dd>
    <dt>step</dt><dd id="weight-step"></dd>
  </dl>
  <script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
  }
}

export function sessionStatus(session: TrainingSession): SessionStatus {
  const last = session.last;
  const document = vscode.workspace.textDocuments.find(
    (candidate) => candidate.uri.toString() === session.uri.toString());
  const failure = session.run.failure;
  return {
    fileName: session.fileName,
    state: session.state,
    step: session.step,
    totalSteps: session.totalSteps,
    epoch: last?.epoch ?? 0,
    ...(last ? { loss: last.loss } : {}),
    stepsPerSecond: last?.stepsPerSecond ?? 0,
    fileChanged: document !== undefined && session.isFileChanged(document),
    ...(failure ? { failure: failure.message } : {}),
  };
}

/** A weight's name as the file writes it (with its label) and its latest numbers. */
export function weightDetails(session: TrainingSession, key: string): WeightDetails | undefined {
  const id = parseWeightKey(key);
  const update = session.weightUpdate(id);
  const fromFile = fileWeightDetails(session.source.doc, key);
  const value = update?.value ?? fromFile?.value;
  if (value === undefined) return undefined;
  const step = update ? session.step : 0;
  return {
    key,
    name: fromFile?.name ?? weightName(session.source.doc, id),
    value,
    step,
    ...(update && step > 0 ? { dEdw: update.dEdw, delta: update.delta } : {}),
  };
}

/** A weight as the file writes it, `w_a: x -> h[1]` and its value; undefined if not written. */
function fileWeightDetails(doc: SpecDocument, key: string): WeightDetails | undefined {
  const id = parseWeightKey(key);
  const written = doc.weights.find((weight) => weightKey(weight.id) === key);
  if (!written) return undefined;
  const name = weightName(doc, id);
  const labelled = written.label ? `${written.label}: ${name}` : name;
  return { key, name: labelled, value: written.value, step: 0 };
}
