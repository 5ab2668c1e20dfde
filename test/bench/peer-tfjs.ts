// The peer for the image-sized network: TensorFlow.js core 4.22 on its WebAssembly backend
// (XNNPACK kernels, with SIMD where the runtime has it). The model is written with core ops
// (matMul, add, relu, softmax cross-entropy) and trained by an SGD optimizer, one `minimize`
// (gradients by variableGrads, then the update) per mini-batch; its unit of work is one step.

import type * as TfCore from '@tensorflow/tfjs-core';
import { Random } from '../../src/engine/random';
import type { Contender } from './measure';
import { loadTfjs } from './tfjs-loader';
import type { Workload } from './workloads';

type Tf = typeof TfCore;

/** tfjs on its started wasm backend, and what that backend turned out to be. */
export interface TfjsPeer {
  tf: Tf;
  name: string;
  backend: string;
  simd: boolean;
  threads: number;
  wasmFolder: string;
}

/**
 * Starts the wasm backend with its binaries read from the installed package. `fetch` is barred
 * while it starts, so that a binary it could not find locally fails loudly instead of being
 * downloaded.
 */
export async function startWasmBackend(): Promise<TfjsPeer> {
  const { tf, wasm, wasmFolder } = await loadTfjs();
  wasm.setWasmPaths(wasmFolder);
  const realFetch = globalThis.fetch;
  globalThis.fetch = (input) => Promise.reject(new Error(`tfjs tried to fetch ${String(input)}`));
  try {
    if (!(await tf.setBackend('wasm'))) throw new Error('the tfjs wasm backend did not start');
    await tf.ready();
  } finally {
    globalThis.fetch = realFetch;
  }
  return {
    tf,
    name: `tfjs-core ${tf.version_core} wasm`,
    backend: tf.getBackend(),
    simd: tf.env().get('WASM_HAS_SIMD_SUPPORT') === true,
    threads: wasm.getThreadsCount(),
    wasmFolder,
  };
}

/** He-normal weights, σ = √(2 / fan-in), from our seeded Random, in float32 as tfjs keeps. */
function heNormal(tf: Tf, rng: Random, fanIn: number, fanOut: number): TfCore.Variable {
  const values = new Float32Array(fanIn * fanOut);
  const sigma = Math.sqrt(2 / fanIn);
  for (let i = 0; i < values.length; i++) values[i] = sigma * rng.normal();
  return tf.variable(tf.tensor2d(values, [fanIn, fanOut]));
}

export function tfjsContender(workload: Workload, peer: TfjsPeer): Contender {
  const { tf } = peer;
  const { rows, config } = workload;
  const sizes = config.layers.map((layer) => layer.size);
  const rng = new Random(config.seed).stream('peer-weights');
  const weights = sizes.slice(1).map((size, i) => heNormal(tf, rng, sizes[i], size));
  const biases = sizes.slice(1).map((size) => tf.variable(tf.zeros([size])));
  const trainable = [...weights, ...biases];

  // The rows cut into mini-batch tensors once, so that a step times training alone.
  const batch = config.batch;
  const batchCount = rows.n / batch;
  const inputBatches: TfCore.Tensor2D[] = [];
  const targetBatches: TfCore.Tensor2D[] = [];
  for (let b = 0; b < batchCount; b++) {
    const inputs = rows.inputs.subarray(b * batch * rows.nIn, (b + 1) * batch * rows.nIn);
    const targets = rows.targets.subarray(b * batch * rows.nOut, (b + 1) * batch * rows.nOut);
    inputBatches.push(tf.tensor2d(Float32Array.from(inputs), [batch, rows.nIn]));
    targetBatches.push(tf.tensor2d(Float32Array.from(targets), [batch, rows.nOut]));
  }

  /** relu hidden layers, then the logits; the loss applies softmax and averages over the batch. */
  function batchLoss(inputs: TfCore.Tensor2D, targets: TfCore.Tensor2D): TfCore.Scalar {
    let activations: TfCore.Tensor2D = inputs;
    for (let layer = 0; layer < weights.length; layer++) {
      const z: TfCore.Tensor2D = tf.add(tf.matMul(activations, weights[layer]), biases[layer]);
      activations = layer < weights.length - 1 ? tf.relu(z) : z;
    }
    return tf.losses.softmaxCrossEntropy(targets, activations);
  }

  const optimizer = tf.train.sgd(workload.lr);
  let nextBatch = 0;
  let lastLoss = NaN;
  return {
    name: peer.name,
    rowsPerUnit: batch,
    run(steps) {
      for (let step = 0; step < steps; step++) {
        const inputs = inputBatches[nextBatch];
        const targets = targetBatches[nextBatch];
        nextBatch = (nextBatch + 1) % batchCount;
        // Only the last step reads its loss back: a read is a sync the other steps need not pay.
        const wantLoss = step === steps - 1;
        const loss = optimizer.minimize(() => batchLoss(inputs, targets), wantLoss, trainable);
        if (loss) {
          lastLoss = loss.dataSync()[0];
          loss.dispose();
        }
      }
    },
    lastLoss: () => lastLoss,
  };
}
