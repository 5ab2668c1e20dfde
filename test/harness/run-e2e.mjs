// Runs the end-to-end scenarios (test/e2e/*.e2e.mjs) against the packaged extension: installs
// the .vsix into a throw-away code-server, opens its workbench in Chromium on a copy of the
// examples, and drives it as a person would. Each scenario gets a fresh page load.
//
// Usage: node test/harness/run-e2e.mjs [--vsix FILE] [--only NAME] [--timeout SECONDS]
//   A scenario module exports `title` and `run(workbench, step)`; see test/e2e/smoke.e2e.mjs.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  disposeRunFolder, launchBrowser, makeRunFolder, prepareWorkspace, runCleanups,
  screenshotFolder, startCodeServer, workbenchUrl,
} from './code-server.mjs';
import { assertInstalled, commandLine, repoRoot } from './toolchain.mjs';
import { createWorkbench } from '../e2e/workbench.mjs';

const { option } = commandLine();
const vsix = path.resolve(option('--vsix', path.join(repoRoot, 'backprop-lens.vsix')));
const only = option('--only', '');
const timeoutSeconds = Number(option('--timeout', process.env.BACKPROP_LENS_TEST_TIMEOUT ?? 600));

assertInstalled();
if (!fs.existsSync(vsix)) {
  console.error(`${vsix} is missing: run \`npm run package\` first`);
  process.exit(2);
}

const scenarioFolder = path.join(repoRoot, 'test', 'e2e');
const scenarioFiles = fs.readdirSync(scenarioFolder)
  .filter((name) => name.endsWith('.e2e.mjs') && name.includes(only))
  .sort();
if (scenarioFiles.length === 0) {
  console.error(`no scenario in ${scenarioFolder} matches "${only}"`);
  process.exit(2);
}

const startedAt = Date.now();
const seconds = (since) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

let passed = 0;

const timer = setTimeout(async () => {
  console.error(`Timed out: the scenarios did not finish within ${timeoutSeconds} s `
    + '(--timeout SECONDS)');
  await runCleanups();
  console.log(`e2e: ${passed} passed, ${scenarioFiles.length - passed} failed`);
  process.exit(1);
}, timeoutSeconds * 1000);

const runFolder = makeRunFolder('e2e');
const workspace = prepareWorkspace(runFolder);
const shots = screenshotFolder('e2e');

/** Runs one scenario on a fresh page; true when every step passed. */
async function runScenario(context, server, file) {
  const scenarioName = file.replace(/\.e2e\.mjs$/, '');
  const scenario = await import(pathToFileURL(path.join(scenarioFolder, file)).href);
  const page = await context.newPage();
  const consoleErrors = [];
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  const workbench = createWorkbench(page, { screenshotFolder: shots, scenario: scenarioName });
  const scenarioStart = Date.now();

  const step = async (name, action) => {
    const stepStart = Date.now();
    try {
      await action();
      console.log(`  ok   ${name} (${seconds(stepStart)})`);
    } catch (error) {
      console.log(`  FAIL ${name} (${seconds(stepStart)}): ${error.message.split('\n')[0]}`);
      await workbench.screenshot(`FAILED-${name.replace(/\W+/g, '-')}`).catch(() => {});
      throw error;
    }
  };

  console.log(`${scenarioName}: ${scenario.title}`);
  try {
    const url = workbenchUrl(server, workspace);
    await step('workbench opens the workspace', () => workbench.open(url));
    await scenario.run(workbench, step);
    console.log(`  passed in ${seconds(scenarioStart)}`);
    return true;
  } catch (error) {
    console.log(`  failed in ${seconds(scenarioStart)}`);
    if (process.env.BACKPROP_LENS_E2E_VERBOSE === '1') console.log(error.stack);
    // Gallery look-ups fail offline; other errors may explain the failure.
    const relevant = consoleErrors
      .filter((text) => !/open-vsx|gallery|404|ERR_NAME_NOT_RESOLVED|provider 'github'/i.test(text));
    for (const text of relevant.slice(0, 10)) console.log(`  console error: ${text.slice(0, 300)}`);
    return false;
  } finally {
    await page.close().catch(() => {});
  }
}

let failedToStart = false;
try {
  const server = await startCodeServer({ runFolder, vsix });
  const { context } = await launchBrowser(runFolder);
  for (const file of scenarioFiles) {
    if (await runScenario(context, server, file)) passed += 1;
  }
} catch (error) {
  failedToStart = true;
  console.error(`e2e run failed: ${error.stack ?? error}`);
} finally {
  clearTimeout(timer);
  await runCleanups();
}

const failed = scenarioFiles.length - passed;
disposeRunFolder(runFolder, failed === 0 && !failedToStart);
console.log(`screenshots: ${shots}`);
console.log(`e2e finished after ${seconds(startedAt)}`);
console.log(`e2e: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 && !failedToStart ? 0 : 1);
