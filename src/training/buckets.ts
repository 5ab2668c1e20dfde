// Summaries of long runs of numbers in a bounded number of buckets (min, max, mean over a range
// of consecutive steps or epochs), so a run of millions of steps is sent and kept faithfully in a
// few thousand values. Used by the worker to batch its messages and by the host's history.

import type { Bucket } from './messages';

/** How many indices a bucket covers. */
export function bucketWidth(bucket: Bucket): number {
  return bucket.last - bucket.first + 1;
}

/** Two neighbours as one: min of mins, max of maxes, mean weighted by the indices each covers. */
export function mergeBuckets(left: Bucket, right: Bucket): Bucket {
  const leftWidth = bucketWidth(left);
  const rightWidth = bucketWidth(right);
  return {
    first: left.first,
    last: right.last,
    min: Math.min(left.min, right.min),
    max: Math.max(left.max, right.max),
    mean: (left.mean * leftWidth + right.mean * rightWidth) / (leftWidth + rightWidth),
  };
}

/**
 * Collects one value per index (the worker adds each step's loss) between two messages, in at
 * most `capacity` buckets. Buckets start one index wide; when they are all used, neighbours merge
 * pairwise and each new bucket covers twice as many indices. Adding allocates nothing.
 */
export class BucketAccumulator {
  private readonly firsts: Float64Array;
  private readonly lasts: Float64Array;
  private readonly mins: Float64Array;
  private readonly maxs: Float64Array;
  private readonly sums: Float64Array;
  /** Buckets in use; the last of them is still open while it covers fewer than `width`. */
  private used = 0;
  /** Indices each closed bucket covers. */
  private width = 1;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 2 || capacity % 2 !== 0) {
      throw new RangeError(`a bucket capacity must be even and at least 2, not ${capacity}`);
    }
    this.firsts = new Float64Array(capacity);
    this.lasts = new Float64Array(capacity);
    this.mins = new Float64Array(capacity);
    this.maxs = new Float64Array(capacity);
    this.sums = new Float64Array(capacity);
  }

  /** Values collected since the last `take`. */
  get isEmpty(): boolean {
    return this.used === 0;
  }

  /** Adds the value of `index`, which follows the previous index added. */
  add(index: number, value: number): void {
    const open = this.used - 1;
    if (open >= 0 && this.lasts[open] - this.firsts[open] + 1 < this.width) {
      this.lasts[open] = index;
      if (value < this.mins[open]) this.mins[open] = value;
      if (value > this.maxs[open]) this.maxs[open] = value;
      this.sums[open] += value;
      return;
    }

    if (this.used === this.capacity) this.halve();
    const slot = this.used++;
    this.firsts[slot] = index;
    this.lasts[slot] = index;
    this.mins[slot] = value;
    this.maxs[slot] = value;
    this.sums[slot] = value;
  }

  /** The buckets collected since the last call, oldest first; the accumulator starts afresh. */
  take(): Bucket[] {
    const buckets: Bucket[] = [];
    for (let slot = 0; slot < this.used; slot++) {
      const first = this.firsts[slot];
      const last = this.lasts[slot];
      buckets.push({
        first, last, min: this.mins[slot], max: this.maxs[slot],
        mean: this.sums[slot] / (last - first + 1),
      });
    }
    this.used = 0;
    this.width = 1;
    return buckets;
  }

  /** Merges neighbours pairwise, in place: every bucket is full, so each pair is 2 × width. */
  private halve(): void {
    for (let pair = 0; pair < this.used / 2; pair++) {
      const left = 2 * pair;
      const right = left + 1;
      this.firsts[pair] = this.firsts[left];
      this.lasts[pair] = this.lasts[right];
      this.mins[pair] = Math.min(this.mins[left], this.mins[right]);
      this.maxs[pair] = Math.max(this.maxs[left], this.maxs[right]);
      this.sums[pair] = this.sums[left] + this.sums[right];
    }
    this.used /= 2;
    this.width *= 2;
  }
}

/**
 * A series kept in at most `capacity` buckets whatever its length. Incoming buckets join the
 * newest bucket while it covers fewer than the current width; when the series is full,
 * neighbours merge pairwise and the width doubles. Memory stays at `capacity` buckets.
 */
export class BucketSeries {
  private buckets: Bucket[] = [];
  /** Indices a bucket should cover before a new one is started. */
  private width = 1;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 2 || capacity % 2 !== 0) {
      throw new RangeError(`a bucket capacity must be even and at least 2, not ${capacity}`);
    }
  }

  get size(): number {
    return this.buckets.length;
  }

  /** The buckets, oldest first. Read only: the series merges them in place as it grows. */
  get all(): readonly Bucket[] {
    return this.buckets;
  }

  /** The newest bucket, if any. */
  get newest(): Bucket | undefined {
    return this.buckets[this.buckets.length - 1];
  }

  /** Indices covered from the first bucket to the last. */
  get span(): number {
    const first = this.buckets[0];
    const last = this.newest;
    return first && last ? last.last - first.first + 1 : 0;
  }

  add(bucket: Bucket): void {
    const newest = this.newest;
    if (newest && bucketWidth(newest) < this.width) {
      this.buckets[this.buckets.length - 1] = mergeBuckets(newest, bucket);
      return;
    }

    if (this.buckets.length === this.capacity) this.halve();
    this.buckets.push({ ...bucket });
  }

  addAll(buckets: readonly Bucket[]): void {
    for (const bucket of buckets) this.add(bucket);
  }

  clear(): void {
    this.buckets = [];
    this.width = 1;
  }

  private halve(): void {
    const merged: Bucket[] = [];
    for (let index = 0; index + 1 < this.buckets.length; index += 2) {
      merged.push(mergeBuckets(this.buckets[index], this.buckets[index + 1]));
    }
    if (this.buckets.length % 2 === 1) merged.push(this.buckets[this.buckets.length - 1]);
    this.buckets = merged;
    // New buckets grow to the merged ones' mean width, so the next merge waits until the span
    // has at least doubled: a series of N indices is merged O(log N) times.
    this.width = Math.max(this.width * 2, Math.ceil(this.span / merged.length));
  }
}
