// Starts and always stops a throw-away code-server (VS Code's server and web workbench) on
// 127.0.0.1, and drives Debian's Chromium through playwright-core to open its workbench.
// Shared by the host-test runner and the end-to-end runner.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { cache, chromiumPath, repoRoot, toolchainEnv } from './toolchain.mjs';

/** Settings of the fresh profile: nothing that prompts, phones home or steals the focus. */
const userSettings = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'chat.disableAIFeatures': true,
  'git.enabled': false,
  'window.commandCenter': false,
  'editor.codeLens': true,
};

/** What must not outlive this process, in the order registered (undone newest first). */
const pendingCleanups = new Set();

/** Process groups started here: killed at exit if nothing stopped them before. */
const liveGroups = new Set();

process.on('exit', () => {
  for (const groupId of liveGroups) {
    try {
      process.kill(-groupId, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
});

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, async () => {
    console.error(`\n${signal}: stopping code-server and the browser`);
    await runCleanups();
    process.exit(130);
  });
}

/** Registers `cleanup` for the end, a failure or Ctrl-C; returns a function that runs it once. */
export function whenDone(cleanup) {
  let done = false;
  const once = async () => {
    if (done) return;
    done = true;
    pendingCleanups.delete(once);
    await cleanup();
  };
  pendingCleanups.add(once);
  return once;
}

export async function runCleanups() {
  for (const cleanup of [...pendingCleanups].reverse()) {
    await cleanup().catch((error) => console.error(`cleanup failed: ${error.message}`));
  }
}

/** True when something accepts connections on the unix socket at `file`. */
function isSocketServed(file) {
  return new Promise((resolve) => {
    const socket = net.connect(file);
    socket.setTimeout(1_000);
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('timeout', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Deletes VS Code's sockets that no server holds any more: a server stopped by a signal leaves
 * them in the shared temporary folder. Sockets of a run still going on are kept.
 */
export async function removeStaleSockets() {
  const sockets = fs.readdirSync(cache.tmp, { withFileTypes: true })
    .filter((entry) => entry.isSocket() && /^vscode-.*\.sock$/.test(entry.name))
    .map((entry) => path.join(cache.tmp, entry.name));
  for (const socket of sockets) {
    if (!(await isSocketServed(socket))) fs.rmSync(socket, { force: true });
  }
}

/** Folders of runs that ended long ago (kept after a failure or Ctrl-C) are removed. */
const keepRunsForMs = 24 * 60 * 60 * 1000;

/** Removes the entries of `folder` matching `pattern` beyond the `keep` newest (mtime). */
function pruneFolders(folder, pattern, { keep = Infinity, olderThanMs = 0 }) {
  if (!fs.existsSync(folder)) return;
  const entries = fs.readdirSync(folder)
    .filter((name) => pattern.test(name))
    .map((name) => path.join(folder, name))
    .map((file) => ({ file, mtime: fs.statSync(file).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  entries.forEach((entry, index) => {
    if (index >= keep || (olderThanMs > 0 && Date.now() - entry.mtime > olderThanMs)) {
      fs.rmSync(entry.file, { recursive: true, force: true });
    }
  });
}

/**
 * A folder for one run under the cache: profile, extensions, workspace copy, server log.
 * Several runs may go on at once (each in its own folder, on its own port).
 */
export function makeRunFolder(kind) {
  fs.mkdirSync(cache.runs, { recursive: true });
  pruneFolders(cache.runs, /^(host|e2e|electron)-/, { olderThanMs: keepRunsForMs });
  return fs.mkdtempSync(path.join(cache.runs, `${kind}-`));
}

/** A copy of the repository's examples to open as the workspace, so that tests may edit files. */
export function prepareWorkspace(runFolder) {
  const workspace = path.join(runFolder, 'workspace');
  fs.cpSync(path.join(repoRoot, 'examples'), workspace, { recursive: true });
  return workspace;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

function isGroupAlive(groupId) {
  try {
    process.kill(-groupId, 0);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Signals the whole group (server, extension host, file watcher, pty host), then kills it. */
async function stopGroup(groupId) {
  try {
    process.kill(-groupId, 'SIGTERM');
  } catch {
    liveGroups.delete(groupId);
    return;
  }
  for (let waited = 0; waited < 10_000 && isGroupAlive(groupId); waited += 100) await sleep(100);
  if (isGroupAlive(groupId)) process.kill(-groupId, 'SIGKILL');
  liveGroups.delete(groupId);
}

function codeServerArgs(profile) {
  return ['--user-data-dir', profile.userData, '--extensions-dir', profile.extensions];
}

/** Installs a packaged extension into the run's fresh extensions folder. */
function installVsix(profile, vsix) {
  const result = spawnSync(cache.node24Binary,
    [cache.codeServerEntry, ...codeServerArgs(profile), '--install-extension', vsix, '--force'],
    { env: toolchainEnv(), encoding: 'utf8' });
  if (result.status !== 0 || !/successfully installed/i.test(result.stdout)) {
    throw new Error(`installing ${vsix} failed:\n${result.stdout}${result.stderr}`);
  }
}

/** Waits for /healthz; false when the server exits first or never answers within a minute. */
async function waitUntilHealthy(port, child) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) break;
    try {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (response.ok) return true;
    } catch {
      // Not listening yet.
    }
    await sleep(200);
  }
  return false;
}

/**
 * Starts code-server in a new process group with a fresh profile. `smokeTestDriver` lets the
 * workbench honour a `payload` (extension development and tests) and hides notification toasts;
 * `vsix` installs a packaged extension first. Returns the server, stopped at the end in any case.
 */
export async function startCodeServer({ runFolder, smokeTestDriver = false, vsix, env = {} }) {
  await removeStaleSockets();
  const profile = {
    userData: path.join(runFolder, 'user-data'),
    extensions: path.join(runFolder, 'extensions'),
  };
  fs.mkdirSync(path.join(profile.userData, 'User'), { recursive: true });
  fs.mkdirSync(profile.extensions, { recursive: true });
  fs.writeFileSync(path.join(profile.userData, 'User', 'settings.json'),
    JSON.stringify(userSettings, null, 2));
  if (vsix) installVsix(profile, vsix);

  const logFile = path.join(runFolder, 'code-server.log');
  // A free port can be taken between probing and binding: try a few.
  for (let attempt = 1; attempt <= 3; attempt++) {
    const port = await freePort();
    const args = [
      cache.codeServerEntry,
      '--bind-addr', `127.0.0.1:${port}`,
      '--auth', 'none',
      ...codeServerArgs(profile),
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--ignore-last-opened',
      ...(smokeTestDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
    ];
    const logFd = fs.openSync(logFile, 'w');
    const startedAt = Date.now();
    // detached: the server leads a new session and process group, stopped as a whole.
    const child = spawn(cache.node24Binary, args, {
      detached: true, stdio: ['ignore', logFd, logFd], env: toolchainEnv(env),
    });
    fs.closeSync(logFd);
    liveGroups.add(child.pid);
    const stop = whenDone(() => stopGroup(child.pid));

    if (await waitUntilHealthy(port, child)) {
      const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
      console.log(`code-server listening on http://127.0.0.1:${port} (healthy after ${seconds} s)`);
      return { port, authority: `127.0.0.1:${port}`, logFile, stop };
    }
    await stop();
    const log = fs.readFileSync(logFile, 'utf8');
    if (!/EADDRINUSE/.test(log) || attempt === 3) {
      throw new Error(`code-server did not become healthy; log ${logFile}:\n`
        + log.split('\n').slice(-30).join('\n'));
    }
  }
  throw new Error('unreachable');
}

/** The workbench address for a folder, with an optional payload of [key, value] pairs. */
export function workbenchUrl(server, folder, payload) {
  let url = `http://${server.authority}/?folder=${encodeURIComponent(folder)}`;
  if (payload) url += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  return url;
}

/** A file path as the workbench's remote side addresses it. */
export function remoteUri(server, file) {
  return `vscode-remote://${server.authority}${file}`;
}

/** Debian's Chromium, headless, with a fresh profile in the run folder; closed at the end. */
export async function launchBrowser(runFolder, { viewport = { width: 1400, height: 900 } } = {}) {
  const profileDir = path.join(runFolder, 'chromium-profile');
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: chromiumPath,
    headless: true,
    viewport,
    env: toolchainEnv({ HOME: path.join(runFolder, 'chromium-home') }),
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-dev-shm-usage'],
  });
  const close = whenDone(() => context.close().catch(() => {}));
  const page = context.pages()[0] ?? await context.newPage();
  return { context, page, close };
}

/** A new folder under the cache for one run's screenshots; the last five of a kind are kept. */
export function screenshotFolder(kind) {
  fs.mkdirSync(cache.screenshots, { recursive: true });
  pruneFolders(cache.screenshots, new RegExp(`^${kind}-`), { keep: 4 });
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return fs.mkdtempSync(path.join(cache.screenshots, `${kind}-${stamp}-`));
}

/** Removes a run's folder unless asked to keep it (BACKPROP_LENS_KEEP_RUN=1) or it failed. */
export function disposeRunFolder(runFolder, succeeded) {
  if (succeeded && process.env.BACKPROP_LENS_KEEP_RUN !== '1') {
    fs.rmSync(runFolder, { recursive: true, force: true });
  } else {
    console.log(`run folder kept: ${runFolder}`);
  }
}
