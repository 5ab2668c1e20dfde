// The peer for the guide's network: synaptic 1.1.4, a 1-2-1 Perceptron with a linear output,
// trained by synaptic's own Trainer. Synaptic learns one sample at a time (online SGD: every row
// updates the weights), so it has no mini-batch to match; its unit of work is one pass over the
// rows, during which the Trainer also sums the mse it reports.

import { Architect, Neuron, Trainer } from 'synaptic';
import type { Contender } from './measure';
import { rowOf, type Workload } from './workloads';

export const SYNAPTIC_NAME = 'synaptic 1.1.4';

export function synapticContender(workload: Workload): Contender {
  const [input, hidden, output] = workload.config.layers.map((layer) => layer.size);
  const network = new Architect.Perceptron(input, hidden, output);
  // Perceptron squashes every layer with the logistic function; the guide's output is linear.
  // This must precede the first activation, when synaptic compiles the network into one function.
  network.layers.output.set({ squash: Neuron.squash.IDENTITY });

  const { rows } = workload;
  const trainingSet: Trainer.TrainingSet = [];
  for (let row = 0; row < rows.n; row++) {
    trainingSet.push({
      input: rowOf(rows.inputs, rows.nIn, row),
      output: rowOf(rows.targets, rows.nOut, row),
    });
  }

  const trainer = new Trainer(network);
  let lastLoss = NaN;
  return {
    name: SYNAPTIC_NAME,
    rowsPerUnit: rows.n,
    run(passes) {
      // `error: -1` turns early stopping off: the mse is never below it, so every pass runs.
      const result = trainer.train(trainingSet, {
        rate: workload.lr, iterations: passes, error: -1, shuffle: false, cost: Trainer.cost.MSE,
      });
      if (result.iterations !== passes) {
        throw new Error(`synaptic ran ${result.iterations} passes instead of ${passes}`);
      }
      lastLoss = result.error;
    },
    lastLoss: () => lastLoss,
  };
}
