// A map from WeightId to a value, kept as one sparse array per unit fed: much faster than keying
// a Map by strings when a file writes tens of thousands of weights.

import type { WeightId } from '../engine/config';

export class WeightMap<T> {
  /** By the unit fed (layer · 2^32 + to), then by `from + 1`, so that the bias sits at 0. */
  private readonly units = new Map<number, (T | undefined)[]>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  get(id: WeightId): T | undefined {
    return this.units.get(id.layer * 2 ** 32 + id.to)?.[id.from + 1];
  }

  has(id: WeightId): boolean {
    return this.get(id) !== undefined;
  }

  /** Stores `value` (which must not be undefined) for `id`, replacing any earlier one. */
  set(id: WeightId, value: T): void {
    const key = id.layer * 2 ** 32 + id.to;
    let feeding = this.units.get(key);
    if (feeding === undefined) {
      feeding = [];
      this.units.set(key, feeding);
    }
    if (feeding[id.from + 1] === undefined) this.count++;
    feeding[id.from + 1] = value;
  }
}
