// Builds every bundle: the extension, the `nnspec` command and the training worker for Node,
// the panel's script for the browser, and (with --tests) the unit tests, host tests and benchmark.
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';

const args = new Set(process.argv.slice(2));
const production = args.has('--production');
const exists = (file) => fs.existsSync(file);

/** Every file below `dir` whose name ends with `suffix`. */
function filesUnder(dir, suffix) {
  if (!exists(dir)) return [];
  return fs.readdirSync(dir, { recursive: true })
    .map((name) => path.join(dir, String(name)))
    .filter((file) => file.endsWith(suffix));
}

const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
};

const builds = [];

const nodeEntries = [
  { in: 'src/extension/main.ts', out: 'extension' },
  { in: 'src/cli/main.ts', out: 'cli' },
  { in: 'src/training/worker.ts', out: 'worker' },
].filter((entry) => exists(entry.in));
if (nodeEntries.length > 0) {
  builds.push(esbuild.build({
    ...node,
    entryPoints: nodeEntries,
    outdir: 'dist',
    external: ['vscode'],
  }));
}

if (exists('webview/main.ts')) {
  builds.push(esbuild.build({
    bundle: true,
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
    sourcemap: !production,
    minify: production,
    logLevel: 'warning',
    entryPoints: [{ in: 'webview/main.ts', out: 'webview' }],
    outdir: 'dist',
  }));
}

if (args.has('--tests')) {
  const testEntries = [
    ...filesUnder('test/unit', '.ts'),
    ...filesUnder('test/host', '.ts'),
    ...filesUnder('test/bench', '.ts'),
  ].filter((file) => !file.endsWith('.d.ts'));
  if (testEntries.length > 0) {
    builds.push(esbuild.build({
      ...node,
      entryPoints: testEntries,
      outbase: '.',
      outdir: 'out',
      packages: 'external',
      external: ['vscode'],
    }));
  }
}

await Promise.all(builds);

if (exists('dist/cli.js')) {
  const cli = fs.readFileSync('dist/cli.js', 'utf8');
  if (!cli.startsWith('#!')) fs.writeFileSync('dist/cli.js', '#!/usr/bin/env node\n' + cli);
  fs.chmodSync('dist/cli.js', 0o755);
}
