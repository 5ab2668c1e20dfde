// The test entry VS Code loads into its extension host (extensionTestsPath), under code-server
// or @vscode/test-electron alike: it runs every host test bundled beside it with mocha (BDD)
// and settles with the result, so the runner that started VS Code can exit with it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as util from 'node:util';
import Mocha from 'mocha';
import * as vscode from 'vscode';

/**
 * Under code-server the extension host's console reaches the runner mixed with the workbench's
 * own log; the runner asks for a tag on each line of ours so that it can tell them apart.
 */
const outputTag = process.env.BACKPROP_LENS_HOST_OUTPUT_TAG ?? '';

function report(...args: unknown[]): void {
  for (const line of util.format(...args).split('\n')) console.log(outputTag + line);
}

/** Every bundled host test below `folder`, in a stable order. */
function findTestFiles(folder: string): string[] {
  return fs.readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.test.js'))
    .sort()
    .map((name) => path.join(folder, name));
}

/** Runs the host tests; resolves when all pass, rejects when any fails or none is found. */
export function run(): Promise<void> {
  const testFiles = findTestFiles(__dirname);
  report(`VS Code ${vscode.version} (${vscode.env.appName}), extension host on Node `
    + `${process.version}: ${testFiles.length} host test file(s)`);
  if (testFiles.length === 0) {
    report('0 passed, 0 failed');
    return Promise.reject(new Error(`no *.test.js host tests found below ${__dirname}`));
  }

  // A harness may narrow the run, e.g. to one failing test, through the environment.
  const grep = process.env.BACKPROP_LENS_HOST_GREP;
  Mocha.reporters.Base.consoleLog = report;
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', color: false, timeout: 30_000 });
  if (grep) mocha.grep(grep);
  for (const file of testFiles) mocha.addFile(file);

  return new Promise((resolve, reject) => {
    try {
      const runner = mocha.run(() => {
        const { passes, failures, pending } = runner.stats ?? { passes: 0, failures: 1, pending: 0 };
        const skipped = pending > 0 ? `, ${pending} skipped` : '';
        report(`${passes} passed, ${failures} failed${skipped}`);
        if (failures > 0) reject(new Error(`${failures} host test(s) failed`));
        else if (passes === 0) reject(new Error('no host test ran'));
        else resolve();
      });
    } catch (error) {
      // A test file that throws while loading stops mocha before any test runs.
      report(error instanceof Error ? error.stack : error);
      report('0 passed, 1 failed');
      reject(error instanceof Error ? error : new Error(String(error)));
    }
  });
}
