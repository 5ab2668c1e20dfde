// Inside a real extension host: the extension is found under its id, activates, and VS Code
// gives .nnspec files the language the manifest contributes.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const extensionId = 'backprop-lens.backprop-lens';

function backpropLens(): vscode.Extension<unknown> {
  const extension = vscode.extensions.getExtension(extensionId);
  assert.ok(extension, `extension ${extensionId} is not loaded`);
  return extension;
}

/** Waits until `condition` holds, checking every 50 ms; false when `timeoutMs` runs out. */
async function eventually(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

describe('activation', () => {
  it('loads the extension under the id backprop-lens.backprop-lens', () => {
    assert.equal(backpropLens().packageJSON.displayName, 'Backprop Lens');
  });

  it('opens the workspace tutorial.nnspec with languageId nnspec and activates on it', async () => {
    const [tutorial] = await vscode.workspace.findFiles('**/tutorial.nnspec', undefined, 1);
    assert.ok(tutorial, 'the test workspace holds no tutorial.nnspec');

    const document = await vscode.workspace.openTextDocument(tutorial);
    await vscode.window.showTextDocument(document);

    assert.equal(document.languageId, 'nnspec');
    assert.ok(await eventually(() => backpropLens().isActive, 10_000),
      'opening a .nnspec file did not activate the extension within 10 s');
  });

  it('activates without throwing when asked directly', async () => {
    const extension = backpropLens();
    await extension.activate();
    assert.equal(extension.isActive, true);
  });
});
