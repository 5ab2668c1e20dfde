// The Problems view for .nnspec files: every open spec is checked when it opens and again a
// moment after the user stops typing, and its problems (with ranges and codes) replace the
// previous ones. Closing a file clears its problems.
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { checkSpec } from '../spec/check';
import type { Diagnostic as SpecDiagnostic, Range as SpecRange } from '../spec/types';
import type { Logger } from './log';
import { KeyedDebounce } from './timing';

export const LANGUAGE_ID = 'nnspec';

/** How long after the last keystroke a file is checked again. */
const CHECK_DELAY_MS = 250;

/** What checking a document found: the spec's own problems, as the spec language reports them. */
export type CheckResult = ReturnType<typeof checkSpec>;

/** Checks a document's current text; CSV files are found beside the file on disk. */
export function checkDocument(document: vscode.TextDocument): CheckResult {
  if (document.uri.scheme !== 'file') return checkSpec(document.getText());
  return checkSpec(document.getText(), { specPath: document.uri.fsPath, readFile: readDataFile });
}

/**
 * Data files named by specs, read again only when their size or modification time changes: a
 * spec is checked at every pause in typing, on the extension host's thread.
 */
const dataFiles = new Map<string, { modified: number; size: number; text: string }>();
const MAX_DATA_FILES = 8;

function readDataFile(absolutePath: string): string | undefined {
  try {
    const stat = fs.statSync(absolutePath);
    const kept = dataFiles.get(absolutePath);
    if (kept !== undefined && kept.modified === stat.mtimeMs && kept.size === stat.size) {
      return kept.text;
    }
    const text = fs.readFileSync(absolutePath, 'utf8');
    if (dataFiles.size >= MAX_DATA_FILES) dataFiles.clear();
    dataFiles.set(absolutePath, { modified: stat.mtimeMs, size: stat.size, text });
    return text;
  } catch {
    dataFiles.delete(absolutePath);
    return undefined;
  }
}

export function toVscodeRange(range: SpecRange): vscode.Range {
  return new vscode.Range(range.start.line, range.start.character,
    range.end.line, range.end.character);
}

export function toVscodeDiagnostic(problem: SpecDiagnostic): vscode.Diagnostic {
  const severity = problem.severity === 'error'
    ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning;
  const diagnostic = new vscode.Diagnostic(toVscodeRange(problem.range), problem.message, severity);
  diagnostic.code = problem.code;
  diagnostic.source = 'nnspec';
  return diagnostic;
}

export class SpecDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection(LANGUAGE_ID);
  private readonly pending: KeyedDebounce<string>;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly log: Logger) {
    this.pending = new KeyedDebounce((key) => this.checkByKey(key), CHECK_DELAY_MS);
    this.subscriptions.push(
      vscode.workspace.onDidOpenTextDocument((document) => this.checkNow(document)),
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.document.languageId === LANGUAGE_ID && event.contentChanges.length > 0) {
          this.pending.schedule(event.document.uri.toString());
        }
      }),
      vscode.workspace.onDidCloseTextDocument((document) => {
        this.pending.cancel(document.uri.toString());
        this.collection.delete(document.uri);
      }),
    );
    for (const document of vscode.workspace.textDocuments) this.checkNow(document);
  }

  /** Checks `document` at once (cancelling a pending check) and publishes what it found. */
  checkNow(document: vscode.TextDocument): CheckResult | undefined {
    if (document.languageId !== LANGUAGE_ID) return undefined;
    this.pending.cancel(document.uri.toString());
    const started = performance.now();
    let result: CheckResult;
    try {
      result = checkDocument(document);
    } catch (error) {
      this.log.error(`checking ${document.uri.fsPath} failed`, error);
      return undefined;
    }
    this.collection.set(document.uri, result.diagnostics.map(toVscodeDiagnostic));
    const milliseconds = (performance.now() - started).toFixed(1);
    this.log.trace(`checked ${document.uri.fsPath} v${document.version}: `
      + `${result.diagnostics.length} problem(s) in ${milliseconds} ms`);
    return result;
  }

  dispose(): void {
    this.pending.dispose();
    for (const subscription of this.subscriptions) subscription.dispose();
    this.collection.dispose();
  }

  private checkByKey(key: string): void {
    const document = vscode.workspace.textDocuments.find(
      (candidate) => candidate.uri.toString() === key);
    if (document && !document.isClosed) this.checkNow(document);
  }
}
