// Runs the extension's host tests (out/test/host/index.js, built by `node esbuild.mjs --tests`)
// inside a real VS Code and exits with their result. By default that VS Code is a throw-away
// code-server whose web workbench Chromium opens with the tests in its URL payload; with
// --electron it is the desktop VS Code that @vscode/test-electron downloads.
//
// Usage: node test/harness/run-host-tests.mjs [--electron] [--timeout SECONDS] [--grep TEXT]
//                                             [--verbose]
import fs from 'node:fs';
import path from 'node:path';
import util from 'node:util';
import {
  disposeRunFolder, launchBrowser, makeRunFolder, prepareWorkspace, remoteUri, runCleanups,
  screenshotFolder, startCodeServer, workbenchUrl,
} from './code-server.mjs';
import { assertInstalled, cache, commandLine, repoRoot } from './toolchain.mjs';

const { args, option } = commandLine();
const useElectron = args.includes('--electron');
const verbose = args.includes('--verbose');
const timeoutSeconds = Number(option('--timeout', process.env.BACKPROP_LENS_TEST_TIMEOUT ?? 600));
const grep = option('--grep', process.env.BACKPROP_LENS_HOST_GREP ?? '');
const testsEntry = path.join(repoRoot, 'out', 'test', 'host', 'index.js');
const extensionBundle = path.join(repoRoot, 'dist', 'extension.js');

for (const built of [testsEntry, extensionBundle]) {
  if (!fs.existsSync(built)) {
    console.error(`${path.relative(repoRoot, built)} is missing: run \`node esbuild.mjs --tests\``);
    process.exit(2);
  }
}

const startedAt = Date.now();
const elapsed = () => `${((Date.now() - startedAt) / 1000).toFixed(1)} s`;
const hostEnv = grep ? { BACKPROP_LENS_HOST_GREP: grep } : {};

/** Marks the lines test/host/index.ts prints, among everything the workbench logs. */
const outputTag = '[backprop-lens host] ';

/** Desktop VS Code through @vscode/test-electron, where it can be downloaded. */
async function runWithElectron() {
  const { runTests } = await import('@vscode/test-electron');
  const runFolder = makeRunFolder('electron');
  const workspace = prepareWorkspace(runFolder);
  if (process.platform === 'linux' && !process.env.DISPLAY) {
    console.warn('no DISPLAY: desktop VS Code needs one (run under xvfb-run)');
  }
  try {
    await runTests({
      version: process.env.BACKPROP_LENS_VSCODE_VERSION ?? 'stable',
      cachePath: cache.electron,
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: testsEntry,
      extensionTestsEnv: hostEnv,
      launchArgs: [
        workspace,
        '--disable-extensions',
        '--disable-workspace-trust',
        '--skip-welcome',
        '--user-data-dir', path.join(runFolder, 'user-data'),
        '--extensions-dir', path.join(runFolder, 'extensions'),
      ],
    });
    disposeRunFolder(runFolder, true);
    return 0;
  } catch (error) {
    console.error(`host tests under @vscode/test-electron failed: ${error.message}`);
    disposeRunFolder(runFolder, false);
    return 1;
  }
}

/**
 * code-server with the smoke-test driver on: the workbench reads extensionDevelopmentPath and
 * extensionTestsPath from its payload, forwards the extension host's console through
 * window.codeAutomationLog, and reports run()'s outcome through window.codeAutomationExit.
 * One page load is one test run.
 */
async function runWithCodeServer() {
  assertInstalled();
  const runFolder = makeRunFolder('host');
  const workspace = prepareWorkspace(runFolder);
  const shots = screenshotFolder('host');
  let summaryLine;
  let versionLine;
  let exitCode = 1;

  try {
    const server = await startCodeServer({
      runFolder, smokeTestDriver: true, env: { ...hostEnv, BACKPROP_LENS_HOST_OUTPUT_TAG: outputTag },
    });
    const { page } = await launchBrowser(runFolder);

    let reportExit;
    const exited = new Promise((resolve) => { reportExit = resolve; });
    await page.exposeFunction('codeAutomationLog', (type, logArgs) => {
      const text = util.format(...(Array.isArray(logArgs) ? logArgs : [logArgs]));
      for (const line of text.split('\n')) {
        if (!line.startsWith(outputTag)) {
          // The workbench's own log: offline gallery errors and the like.
          if (verbose) console.log(`[workbench ${type}] ${line}`);
          continue;
        }
        const ours = line.slice(outputTag.length);
        if (/^\d+ passed, \d+ failed/.test(ours)) summaryLine = ours;
        if (/^VS Code \S+ \(/.test(ours)) versionLine = ours;
        console.log(ours);
      }
    });
    await page.exposeFunction('codeAutomationExit', (code) => reportExit(code));
    if (verbose) page.on('console', (message) => console.log(`[browser console] ${message.text()}`));

    const payload = [
      ['extensionDevelopmentPath', remoteUri(server, repoRoot)],
      ['extensionTestsPath', remoteUri(server, testsEntry)],
      ['skipWelcome', 'true'],
    ];
    await page.goto(workbenchUrl(server, workspace, payload));

    let timer;
    const timedOut = new Promise((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutSeconds * 1000);
    });
    const outcome = await Promise.race([exited, timedOut]);
    clearTimeout(timer);

    const screenshot = path.join(shots, 'end.png');
    await page.screenshot({ path: screenshot }).catch(() => {});
    console.log(`screenshot: ${screenshot}`);
    if (outcome === 'timeout') {
      console.error(`Timed out: the host tests did not finish within ${timeoutSeconds} s `
        + `(--timeout SECONDS); code-server log: ${server.logFile}`);
    } else {
      exitCode = outcome === 0 ? 0 : 1;
    }
  } catch (error) {
    console.error(`host test run failed: ${error.stack ?? error}`);
  } finally {
    await runCleanups();
  }

  disposeRunFolder(runFolder, exitCode === 0);
  console.log(`host tests in code-server finished with exit code ${exitCode} after ${elapsed()}`);
  if (versionLine) console.log(versionLine);
  if (summaryLine) console.log(summaryLine);
  else console.error('no test results were reported (see the output above)');
  return exitCode;
}

process.exit(useElectron ? await runWithElectron() : await runWithCodeServer());
