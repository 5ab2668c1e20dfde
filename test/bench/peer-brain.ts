// The peer for the spiral network: brain.js 2.0.0-beta.24, a NeuralNetwork with hidden layers
// [16, 16] and tanh activation, timed through its own `train`.
//
// What one brain.js iteration does: it walks every row once, and for each row runs forward,
// back-propagates and updates every weight at once (online SGD with momentum 0.1), adding
// up the row's mse as it goes; with NeuralNetwork's error-check interval of 1 that error sum is
// taken on every iteration. Its unit of work is therefore one pass over the rows. Two
// differences from our network: brain.js applies its one activation to the output layer too
// (tanh there, not sigmoid), and it keeps weights in Float32Array where we use Float64Array.

import { NeuralNetwork } from 'brain.js';
import type { Contender } from './measure';
import { rowOf, type Workload } from './workloads';

export const BRAIN_NAME = 'brain.js 2.0.0-beta.24';

export function brainContender(workload: Workload): Contender {
  const { layers } = workload.config;
  const hiddenLayers = layers.slice(1, -1).map((layer) => layer.size);
  const network = new NeuralNetwork<number[], number[]>({ hiddenLayers, activation: 'tanh' });

  const { rows } = workload;
  const trainingData: { input: number[]; output: number[] }[] = [];
  for (let row = 0; row < rows.n; row++) {
    trainingData.push({
      input: rowOf(rows.inputs, rows.nIn, row),
      output: rowOf(rows.targets, rows.nOut, row),
    });
  }

  let lastLoss = NaN;
  return {
    name: BRAIN_NAME,
    rowsPerUnit: rows.n,
    run(passes) {
      const status = network.train(trainingData, {
        iterations: passes,
        // Early stopping off: brain.js stops once the error is at or below errorThresh, which
        // it requires to be above 0; no mse here comes near the smallest positive double.
        errorThresh: Number.MIN_VALUE,
        timeout: Infinity,
        log: false,
        callback: undefined,
        learningRate: workload.lr,
        // brain.js refuses momentum 0, so its default 0.1 stays; the update is then SGD with a
        // momentum term, whose arithmetic brain.js runs whatever its value.
      });
      if (status.iterations !== passes) {
        throw new Error(`brain.js ran ${status.iterations} iterations instead of ${passes}`);
      }
      lastLoss = status.error;
    },
    lastLoss: () => lastLoss,
  };
}
