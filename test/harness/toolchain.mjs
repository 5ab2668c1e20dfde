// Where the real VS Code used by the tests lives, which versions it is made of, and the
// environment that keeps everything code-server and Chromium write inside one cache folder.
// The setup script installs into these paths; the runners only read them.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** code-server 4.139.1 carries VS Code 1.139.1 and needs Node 24 to build and run. */
export const versions = {
  node: process.env.BACKPROP_LENS_NODE24_VERSION || '24.22.3',
  codeServer: process.env.BACKPROP_LENS_CODE_SERVER_VERSION || '4.139.1',
};

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Unix socket paths fail past 107 bytes. VS Code opens `vscode-ipc-<uuid>.sock` (52 characters)
 * under TMPDIR (the cache's tmp/) and code-server one about 47 characters deep in each run's
 * folder, so the cache's own path must stay this short.
 */
const longestSafeCachePath = 50;

const defaultCacheRoot = path.join(os.homedir(), '.cache', 'backprop-lens', 'vscode');
const cacheRoot = path.resolve(process.env.BACKPROP_LENS_VSCODE_CACHE || defaultCacheRoot);

const nodePackage = `node-linux-${process.arch === 'arm64' ? 'arm64' : 'x64'}`;

export const cache = {
  root: cacheRoot,
  node24: path.join(cacheRoot, 'node24'),
  node24Binary: path.join(cacheRoot, 'node24', 'bin', 'node'),
  codeServer: path.join(cacheRoot, 'code-server'),
  codeServerEntry: path.join(cacheRoot, 'code-server', 'node_modules', 'code-server', 'out', 'node',
    'entry.js'),
  npmCache: path.join(cacheRoot, 'npm-cache'),
  tmp: path.join(cacheRoot, 'tmp'),
  xdgConfig: path.join(cacheRoot, 'xdg', 'config'),
  xdgData: path.join(cacheRoot, 'xdg', 'data'),
  xdgCache: path.join(cacheRoot, 'xdg', 'cache'),
  logs: path.join(cacheRoot, 'logs'),
  runs: path.join(cacheRoot, 'runs'),
  screenshots: path.join(cacheRoot, 'screenshots'),
  electron: path.join(cacheRoot, 'electron'),
};

export { nodePackage };

/** This script's arguments, and `option(name, fallback)`: the word after `name`, if any. */
export function commandLine() {
  const args = process.argv.slice(2);
  const option = (name, fallback) => {
    const at = args.indexOf(name);
    return at >= 0 && at + 1 < args.length ? args[at + 1] : fallback;
  };
  return { args, option };
}

export const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';

/** A marker written after a step finished, holding the version it installed. */
export function markerFile(folder) {
  return path.join(folder, '.installed-version');
}

export function installedVersion(folder) {
  try {
    return fs.readFileSync(markerFile(folder), 'utf8').trim();
  } catch {
    return undefined;
  }
}

/**
 * The environment for code-server, npm builds against Node 24, and Chromium: Node 24 first on
 * PATH, its own headers for node-gyp (a user's npmrc may point `nodedir` at another Node), and
 * temporary, config, data and cache folders inside our cache instead of the home folder
 * (VS Code's server writes a device id under XDG_CACHE_HOME, for one).
 */
export function toolchainEnv(extra = {}) {
  for (const folder of [cache.tmp, cache.xdgConfig, cache.xdgData, cache.xdgCache]) {
    fs.mkdirSync(folder, { recursive: true });
  }
  return {
    ...environmentOutsideNpm(),
    PATH: `${path.join(cache.node24, 'bin')}${path.delimiter}${process.env.PATH ?? ''}`,
    npm_config_nodedir: cache.node24,
    npm_config_cache: cache.npmCache,
    TMPDIR: cache.tmp,
    XDG_CONFIG_HOME: cache.xdgConfig,
    XDG_DATA_HOME: cache.xdgData,
    XDG_CACHE_HOME: cache.xdgCache,
    ...extra,
  };
}

/**
 * The environment without what an `npm run` around us set: its npm_* settings (its user agent
 * names Node 20, which code-server's install refuses) and NODE, which points at that Node.
 */
function environmentOutsideNpm() {
  const environment = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^npm_/i.test(name) || name === 'NODE' || name === 'INIT_CWD') continue;
    environment[name] = value;
  }
  return environment;
}

/** Why the cache cannot be used as it is, or undefined when it can. */
export function cacheProblem() {
  if (cache.root.length > longestSafeCachePath) {
    return `the cache path ${cache.root} is too long for VS Code's sockets; set `
      + 'BACKPROP_LENS_VSCODE_CACHE to a shorter folder';
  }
  return undefined;
}

/** Stops a runner early, with what to run, when the setup script has not been run. */
export function assertInstalled({ needChromium = true } = {}) {
  const problems = [];
  const tooLong = cacheProblem();
  if (tooLong) problems.push(tooLong);
  if (installedVersion(cache.node24) !== versions.node) problems.push(`Node ${versions.node}`);
  if (installedVersion(cache.codeServer) !== versions.codeServer) {
    problems.push(`code-server ${versions.codeServer}`);
  }
  if (needChromium && !fs.existsSync(chromiumPath)) problems.push(`Chromium at ${chromiumPath}`);
  if (problems.length > 0) {
    console.error(`A real VS Code is not ready in ${cache.root}: missing ${problems.join(', ')}.`);
    console.error('Run `npm run setup:vscode` first (a few minutes once; seconds after that).');
    process.exit(2);
  }
}
