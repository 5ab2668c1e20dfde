// The loss curve's buckets gathered into the plot's pixel columns: however the buckets were
// merged on their way here (coarse for the run's start, fine for its last steps), each column
// shows the smallest and largest loss of the steps it covers and their mean. Free of the DOM,
// so the unit tests hold it.
import type { LossBucket } from '../src/protocol/panel';

export interface Column {
  /** The column's middle step, for placing it. */
  step: number;
  min: number;
  max: number;
  mean: number;
  /** How many steps the column covers. */
  steps: number;
}

/**
 * At most `count` columns over the steps the buckets span, in order, each the merge of the
 * buckets whose middle step falls in it (min of mins, max of maxes, mean weighted by steps).
 * Columns no bucket falls in are left out.
 */
export function toColumns(buckets: readonly LossBucket[], count: number): Column[] {
  if (buckets.length === 0 || count < 1) return [];
  const firstStep = buckets[0].first;
  const span = buckets[buckets.length - 1].last - firstStep + 1;
  const columnOf = (step: number): number =>
    Math.min(count - 1, Math.floor(((step - firstStep) / span) * count));

  const columns: Column[] = [];
  let current: { index: number; min: number; max: number; sum: number; steps: number } | undefined;
  const close = (): void => {
    if (!current) return;
    const step = firstStep + ((current.index + 0.5) / count) * span;
    const { min, max, sum, steps } = current;
    columns.push({ step, min, max, mean: sum / steps, steps });
  };

  for (const bucket of buckets) {
    const steps = bucket.last - bucket.first + 1;
    const index = columnOf((bucket.first + bucket.last) / 2);
    if (current && current.index === index) {
      current.min = Math.min(current.min, bucket.min);
      current.max = Math.max(current.max, bucket.max);
      current.sum += bucket.mean * steps;
      current.steps += steps;
      continue;
    }
    close();
    current = { index, min: bucket.min, max: bucket.max, sum: bucket.mean * steps, steps };
  }
  close();
  return columns;
}
