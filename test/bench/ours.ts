// Our engine as a contender: a Trainer on the workload's rows, one unit of work per mini-batch
// step. With `record` on, the Trainer also keeps Δw and each layer's gradient norm after every
// step, as it does when training feeds the displays; off, it keeps only what training needs.

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
      for (let step = 0; step < steps; step++) trainer.step();
    },
    lastLoss: () => trainer.lastLoss,
  };
}
