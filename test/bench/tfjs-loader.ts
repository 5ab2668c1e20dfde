// Loads TensorFlow.js core with its gradient functions and the WebAssembly backend, as one module.
//
// tfjs-core's Node build (its package `main`) leaves the gradient functions out: they are
// registered by `dist/register_all_gradients`, which ships only as ES modules that Node cannot
// load as they are. Without them `variableGrads` fails ("gradient function not found"). So the
// bench bundles tfjs-core's ES modules, that registration and the wasm backend into one CommonJS
// file with esbuild (a single copy of tfjs-core, which the backend registers itself with) and
// loads that. Everything is read from node_modules; nothing is fetched.

import path from 'node:path';
import { build } from 'esbuild';
import type * as TfCore from '@tensorflow/tfjs-core';
import type * as TfWasm from '@tensorflow/tfjs-backend-wasm';

export interface Tfjs {
  tf: typeof TfCore;
  wasm: typeof TfWasm;
  /** The folder holding the backend's .wasm binaries, ending in a separator. */
  wasmFolder: string;
}

const ENTRY = [
  "export * as tf from '@tensorflow/tfjs-core';",
  "import '@tensorflow/tfjs-core/dist/register_all_gradients';",
  "export * as wasm from '@tensorflow/tfjs-backend-wasm';",
].join('\n');

/** Builds the bundle beside this script and loads it. */
export async function loadTfjs(): Promise<Tfjs> {
  const corePackage = path.dirname(require.resolve('@tensorflow/tfjs-core/package.json'));
  const bundleFile = path.join(__dirname, 'tfjs-with-gradients.js');
  await build({
    stdin: { contents: ENTRY, resolveDir: corePackage, loader: 'js' },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    // `module` first: the ES-module builds, where the gradient registrations live.
    mainFields: ['module', 'main'],
    outfile: bundleFile,
    logLevel: 'warning',
  });
  const loaded = require(bundleFile) as Omit<Tfjs, 'wasmFolder'>;

  // The backend's Node build keeps its binaries in dist/, beside its `main` script.
  const wasmPackage = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  const wasmFolder = path.join(wasmPackage, 'dist') + path.sep;
  return { ...loaded, wasmFolder };
}
