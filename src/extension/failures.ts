// Failed runs, told to the user: one line that says where, as the command-line tool would print
// it, with a way to the log, which keeps the details (a crashed worker's stack).
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunFailure } from '../training/client';
import type { Logger } from './log';
import type { SessionRegistry, TrainingSession } from './sessions';

/**
 * A failed run as one line that says where, as the command-line tool would print it:
 * `tutorial.nnspec:6:1: the loss is NaN at step 12 …` for a diverging layer, the data file's
 * line for bad data, the file alone for a worker that crashed or went silent.
 */
export function describeFailure(session: TrainingSession, failure: RunFailure): string {
  switch (failure.kind) {
    case 'divergence': {
      const layer = session.source.doc.layers[failure.layer];
      const start = layer?.range.start ?? { line: 0, character: 0 };
      return `${session.fileName}:${start.line + 1}:${start.character + 1}: ${failure.message}; `
        + 'a smaller learning rate may help';
    }
    case 'data':
      return `${path.basename(failure.file)}:${failure.line}:${failure.column}: ${failure.message}`;
    case 'crashed':
    case 'stuck':
      return `${session.fileName}: ${failure.message}; the run was stopped`;
    case 'internal':
      return `${session.fileName}: internal error in the training worker: ${failure.message}`;
  }
}

/** Shows every failed run to the user as it fails, and logs it. */
export function reportFailures(sessions: SessionRegistry, log: Logger,
  channel: vscode.LogOutputChannel): vscode.Disposable {
  return sessions.onDidChange(({ session, change }) => {
    if (change.kind !== 'failed') return;
    const { failure } = change;
    const message = describeFailure(session, failure);
    const stack = 'stack' in failure && failure.stack ? `\n${failure.stack}` : '';
    log.error(`${session.fileName}: training failed: ${message}${stack}`);
    void vscode.window.showErrorMessage(message, 'Show Log').then((choice) => {
      if (choice) channel.show(true);
    });
  });
}
