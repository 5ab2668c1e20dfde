// Our engine as a contender: a Trainer on the workload's rows, one unit of work per mini-batch
// step. With `record` on, every step's Δw and layer gradient norms are also read, the worst case
// for the displays (which read them at most 30 times a second); off, only training happens.

import { Trainer } from '../../src/engine/trainer';
import type { Contender } from './measure';
import type { Workload } from './workloads';

export function oursContender(workload: Workload, options: { record: boolean }): Contender {
  const trainer = new Trainer(workload.config, workload.rows, undefined, options);
  return {
    name: options.record ? 'ours, recording' : 'ours',
    // Exact: every workload's rows split into whole batches, so each step trains this many rows.
    rowsPerUnit: trainer.batchSize,
    run(steps) {
      if (!options.record) {
        for (let step = 0; step < steps; step++) trainer.step();
        return;
      }
      let checksum = 0;
      for (let step = 0; step < steps; step++) {
        trainer.step();
        checksum += trainer.delta[0] + trainer.layerGradNorms[0];
      }
      if (Number.isNaN(checksum)) throw new Error('recording produced NaN');
    },
    lastLoss: () => trainer.lastLoss,
  };
}
