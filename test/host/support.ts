// What the host tests share: the extension's API, waiting for a condition, opening specs, and
// reading the CodeLenses VS Code collects from the extension.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { BackpropLensApi } from '../../src/extension/main';

export const EXTENSION_ID = 'backprop-lens.backprop-lens';

export async function backpropLens(): Promise<BackpropLensApi> {
  const extension = vscode.extensions.getExtension<BackpropLensApi>(EXTENSION_ID);
  assert.ok(extension, `extension ${EXTENSION_ID} is not loaded`);
  return extension.activate();
}

/** Waits until `condition` holds, checking every 25 ms; fails the test with `what` on timeout. */
export async function waitFor(condition: () => boolean, what: string,
  timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A workspace file by name (the workspace is a copy of examples/), opened in an editor. */
export async function openExample(name: string): Promise<vscode.TextEditor> {
  const [uri] = await vscode.workspace.findFiles(`**/${name}`, undefined, 1);
  assert.ok(uri, `the test workspace holds no ${name}`);
  const document = await vscode.workspace.openTextDocument(uri);
  return vscode.window.showTextDocument(document);
}

/** A new, unsaved .nnspec document with `text`, opened in an editor. */
export async function openUntitledSpec(text: string): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument({ language: 'nnspec', content: text });
  return vscode.window.showTextDocument(document);
}

/** The lenses VS Code collects for the document, every one resolved. */
export async function codeLenses(uri: vscode.Uri): Promise<vscode.CodeLens[]> {
  const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>(
    'vscode.executeCodeLensProvider', uri, 1000);
  return lenses ?? [];
}

/** The lens over each line (0-based), by line; the top-of-file actions are left out. */
export async function weightLensesByLine(uri: vscode.Uri): Promise<Map<number, string>> {
  const byLine = new Map<number, string>();
  for (const lens of await codeLenses(uri)) {
    const command = lens.command;
    if (command?.command !== 'backpropLens.revealWeight') continue;
    byLine.set(lens.range.start.line, command.title);
  }
  return byLine;
}

/** A small network on generated data, for tests that need a file of their own. */
export function smallSpec({ epochs = 50, lr = 0.5, extra = '' } = {}): string {
  return [
    'network small',
    'layer x 1',
    'layer h 2 tanh',
    'layer y 1 linear',
    'loss mse',
    `optimizer sgd lr=${lr}`,
    'batch 8',
    `epochs ${epochs}`,
    'seed 3',
    'data sine samples=32 range=-2..2',
    extra,
    'weights',
    '  w_a: x -> h[1] 0.2',
    '       x -> h[2] -0.3',
    '  y <- 0.5 0.25 | 0',
    '',
  ].join('\n');
}

/**
 * Prints a line among the test results: under code-server the runner shows only the lines
 * carrying the tag it gave the extension host.
 */
export function report(line: string): void {
  console.log(`${process.env.BACKPROP_LENS_HOST_OUTPUT_TAG ?? ''}${line}`);
}

/** Like `waitFor`, for a condition that has to ask VS Code (e.g. for the lenses). */
export async function waitForAsync(condition: () => Promise<boolean>, what: string,
  timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
