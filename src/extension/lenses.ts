// The CodeLenses of a .nnspec file: the training actions at the top, and over every weight line
// what the last step did to its weight (or row of weights). Lenses come back at once with their
// ranges; each title is filled in by a synchronous resolve from the session's last step. While
// the user types, a line that no longer parses keeps the lens it had, so nothing blinks.
import * as vscode from 'vscode';
import { BIAS, weightKey, type WeightId } from '../engine/config';
import { parseSpec } from '../spec/parse';
import type { WeightLine } from '../spec/types';
import { formatCount, formatNumber } from '../protocol/format';
import type { Settings } from './config';
import { LANGUAGE_ID, toVscodeRange } from './diagnostics';
import {
  edgeLensTitle, indexOfLargestMove, missingLensTitle, rowLensTitle, type WeightUpdate,
} from './lensText';
import type { SessionRegistry, TrainingSession } from './sessions';
import { RefreshPacer } from './timing';

/**
 * How the lens refreshes are paced while a session trains: at most 4 a second, each after the
 * editor has drawn the previous one (it waits 250 ms before it resolves fresh lenses), and again
 * after a second without an answer (an editor that lost the focus drops a pending refresh).
 */
export const LENS_PACING = { intervalMs: 250, settleMs: 320, unansweredMs: 1000 };

/** A weight line as the lenses know it: where it is, which weights, what the file writes. */
export interface AnchoredLine {
  line: number;
  form: 'edge' | 'row';
  range: vscode.Range;
  ids: WeightId[];
  /** The values the file writes, in the order of `ids`. */
  fileValues: number[];
}

type LensKind = 'weight' | 'action';

export class SpecLens extends vscode.CodeLens {
  constructor(
    range: vscode.Range,
    readonly kind: LensKind,
    readonly uri: vscode.Uri,
    readonly anchor?: AnchoredLine,
    /** An action lens: its place among the actions, and the action it had when provided. */
    readonly slot?: { index: number; action: vscode.Command },
  ) {
    super(range);
  }
}

/** The weight lines of one document as last shown, and the version they belong to. */
interface DocumentLines {
  version: number;
  lines: AnchoredLine[];
}

export class WeightLensProvider implements vscode.CodeLensProvider<SpecLens>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changeEmitter.event;
  private readonly shown = new Map<string, DocumentLines>();
  private readonly pacer = new RefreshPacer(() => this.changeEmitter.fire(), LENS_PACING);
  private provideCount = 0;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly sessions: SessionRegistry, private readonly settings: Settings) {
    this.subscriptions.push(
      // Progress arrives up to 30 times a second; each change waits its turn, so the state
      // after a pause or a stop is shown once more after the last progress.
      sessions.onDidChange(() => this.pacer.request()),
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.document.languageId === LANGUAGE_ID) this.shiftLines(event);
      }),
      vscode.workspace.onDidCloseTextDocument((document) => {
        this.shown.delete(document.uri.toString());
      }),
    );
  }

  /** Asks the editor for fresh lenses as soon as it can take them (a setting changed). */
  refreshNow(): void {
    this.pacer.request();
  }

  /** How many times the editor has asked for lenses: each time is one refresh of the display. */
  get refreshCount(): number {
    return this.provideCount;
  }

  provideCodeLenses(document: vscode.TextDocument): SpecLens[] {
    this.provideCount++;
    this.pacer.answered();
    if (!this.settings.lens.enabled) return [];
    const lines = this.weightLines(document);
    const top = new vscode.Range(0, 0, 0, 0);
    const lenses = this.actions(document.uri).map(
      (action, index) => new SpecLens(top, 'action', document.uri, undefined, { index, action }));
    for (const anchor of lines) {
      lenses.push(new SpecLens(anchor.range, 'weight', document.uri, anchor));
    }
    return lenses;
  }

  resolveCodeLens(lens: SpecLens): SpecLens {
    if (lens.kind === 'action' && lens.slot) {
      // The session may have moved on since the lenses were provided: say where it is now,
      // unless the actions themselves changed (the next refresh brings those).
      const actions = this.actions(lens.uri);
      const now = actions[lens.slot.index];
      lens.command = now?.command === lens.slot.action.command ? now : lens.slot.action;
      return lens;
    }
    lens.command = this.weightCommand(lens.uri, lens.anchor as AnchoredLine);
    return lens;
  }

  dispose(): void {
    this.pacer.dispose();
    for (const subscription of this.subscriptions) subscription.dispose();
    this.changeEmitter.dispose();
  }

  /**
   * The weight lines of the current text. A clean parse is taken as it is. While the text has
   * problems, a line that had a lens and still holds text keeps its lens: the user is probably
   * typing in it, and a lens that vanished would move every line below it.
   */
  weightLines(document: vscode.TextDocument): AnchoredLine[] {
    const key = document.uri.toString();
    const previous = this.shown.get(key);
    if (previous && previous.version === document.version) return previous.lines;

    const { doc, diagnostics } = parseSpec(document.getText());
    const valueByKey = new Map(doc.weights.map((weight) => [weightKey(weight.id), weight.value]));
    const current = doc.weightLines.map((line) => anchorOf(line, valueByKey));
    let lines = current;
    if (previous && diagnostics.some((problem) => problem.severity === 'error')) {
      const taken = new Set(current.map((line) => line.line));
      const kept = previous.lines.filter((line) =>
        !taken.has(line.line) && line.line < document.lineCount
        && holdsText(document.lineAt(line.line).text));
      lines = [...current, ...kept.map((line) => clipToLine(line, document))]
        .sort((a, b) => a.line - b.line);
    }
    this.shown.set(key, { version: document.version, lines });
    return lines;
  }

  /** The training actions at the top of the file, as the session's state allows them. */
  private actions(uri: vscode.Uri): vscode.Command[] {
    const session = this.sessions.get(uri);
    const command = (title: string, id: string): vscode.Command =>
      ({ title, command: `backpropLens.${id}`, arguments: [uri] });
    if (!session) {
      return [command('▶ Train', 'train'), command('Gradient check', 'gradientCheck')];
    }

    const progress = command(progressText(session, this.settings.lens.digits), 'showPanel');
    const apply = session.canApply ? [command('Apply trained weights', 'applyTrainedWeights')] : [];
    const stop = command('$(debug-stop) Stop', 'stop');
    switch (session.state) {
      case 'starting':
      case 'running':
        return [command('$(debug-pause) Pause', 'pause'), stop, progress];
      case 'paused':
        return [
          command('$(debug-continue) Resume', 'resume'), command('Step once', 'stepOnce'), stop,
          ...apply, progress,
        ];
      default:
        return [
          command('▶ Train', 'train'), command('Gradient check', 'gradientCheck'), ...apply,
          progress,
        ];
    }
  }

  private weightCommand(uri: vscode.Uri, anchor: AnchoredLine): vscode.Command {
    const session = this.sessions.get(uri);
    const document = openDocument(uri);
    const digits = this.settings.lens.digits;
    const fileChanged = session !== undefined && document !== undefined
      && session.isFileChanged(document);

    let updates: (WeightUpdate | undefined)[];
    let step = 0;
    if (session && session.weightIds) {
      updates = anchor.ids.map((id) => session.weightUpdate(id));
      step = session.step;
    } else {
      updates = anchor.fileValues.map((value) => ({ value, dEdw: 0, delta: 0 }));
    }

    const reveal = (id: WeightId): vscode.Command['arguments'] => [uri, weightKey(id)];
    if (updates.some((update) => update === undefined)) {
      return {
        title: missingLensTitle(),
        command: 'backpropLens.revealWeight',
        arguments: reveal(anchor.ids[0]),
      };
    }
    const known = updates as WeightUpdate[];
    const context = { step, digits, fileChanged };
    if (anchor.form === 'edge' && known.length === 1) {
      return {
        title: edgeLensTitle(known[0], context),
        tooltip: 'Show this weight in the training panel',
        command: 'backpropLens.revealWeight',
        arguments: reveal(anchor.ids[0]),
      };
    }
    const endsWithBias = anchor.ids[anchor.ids.length - 1].from === BIAS;
    return {
      title: rowLensTitle(known, context, endsWithBias),
      tooltip: 'Show the weight of this row that moved the most in the training panel',
      command: 'backpropLens.revealWeight',
      arguments: reveal(anchor.ids[indexOfLargestMove(known)]),
    };
  }

  /** Moves the remembered lines with the edit, so a kept lens stays on its line. */
  private shiftLines(event: vscode.TextDocumentChangeEvent): void {
    const key = event.document.uri.toString();
    const shown = this.shown.get(key);
    if (!shown) return;
    let lines = shown.lines;
    for (const change of event.contentChanges) {
      const startLine = change.range.start.line;
      const endLine = change.range.end.line;
      const added = change.text.split('\n').length - 1;
      const delta = added - (endLine - startLine);
      lines = lines
        .filter((line) => line.line <= startLine || line.line > endLine)
        .map((line) => (line.line > endLine && delta !== 0 ? moveLine(line, delta) : line));
    }
    // The version no longer matches: the next request parses again and merges with these.
    this.shown.set(key, { version: -1, lines });
  }
}

function anchorOf(line: WeightLine, valueByKey: Map<string, number>): AnchoredLine {
  return {
    line: line.line,
    form: line.form,
    range: toVscodeRange(line.range),
    ids: line.ids,
    fileValues: line.ids.map((id) => valueByKey.get(weightKey(id)) ?? 0),
  };
}

function moveLine(line: AnchoredLine, delta: number): AnchoredLine {
  const range = new vscode.Range(line.range.start.line + delta, line.range.start.character,
    line.range.end.line + delta, line.range.end.character);
  return { ...line, line: line.line + delta, range };
}

function clipToLine(line: AnchoredLine, document: vscode.TextDocument): AnchoredLine {
  const length = document.lineAt(line.line).text.length;
  const start = Math.min(line.range.start.character, length);
  const end = Math.min(Math.max(line.range.end.character, start), length);
  return { ...line, range: new vscode.Range(line.line, start, line.line, end) };
}

/** Whether a line holds anything but white space and a comment. */
function holdsText(text: string): boolean {
  const hash = text.indexOf('#');
  return (hash >= 0 ? text.slice(0, hash) : text).trim().length > 0;
}

/** `step 1,532 of 48,000 · loss 2.1e−3`, and the state when the run is not training. */
function progressText(session: TrainingSession, digits: number): string {
  const total = session.totalSteps > 0 ? ` of ${formatCount(session.totalSteps)}` : '';
  const loss = session.last ? ` · loss ${formatNumber(session.last.loss, digits)}` : '';
  const training = session.state === 'running' || session.state === 'starting';
  return `step ${formatCount(session.step)}${total}${loss}${training ? '' : ` · ${session.state}`}`;
}

function openDocument(uri: vscode.Uri): vscode.TextDocument | undefined {
  const key = uri.toString();
  return vscode.workspace.textDocuments.find((document) => document.uri.toString() === key);
}
