// The extension's one logger: a LogOutputChannel named "Backprop Lens" that every module writes
// to, so sessions, timings and errors are read in one place (Output ▸ Backprop Lens).
import * as vscode from 'vscode';

export interface Logger {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string, error?: unknown): void;
}

/** The channel behind the logger; created once by `activate` and disposed with the extension. */
export function createLogger(): { logger: Logger; channel: vscode.LogOutputChannel } {
  const channel = vscode.window.createOutputChannel('Backprop Lens', { log: true });
  const logger: Logger = {
    trace: (message) => channel.trace(message),
    debug: (message) => channel.debug(message),
    info: (message) => channel.info(message),
    warn: (message) => channel.warn(message),
    error: (message, error) => {
      if (error === undefined) channel.error(message);
      else channel.error(`${message}: ${describeError(error)}`);
    },
  };
  return { logger, channel };
}

/** A thrown value as one line of text plus its stack, when it has one. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}
