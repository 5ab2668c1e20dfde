// The bounded history: buckets that summarise any number of steps in a fixed number of values,
// with min, max and mean that stay exact however many times neighbours are merged.

import * as assert from 'node:assert/strict';
import {
  BucketAccumulator,
  BucketSeries,
  bucketWidth,
  mergeBuckets,
} from '../../src/training/buckets';
import { TrainingHistory } from '../../src/training/history';
import {
  MAX_BUCKETS_PER_MESSAGE,
  type Bucket,
  type ProgressMessage,
} from '../../src/training/messages';

/** A loss-like value for each step: falling, with hashed noise, so min and max move around. */
function lossAt(step: number): number {
  const noise = (Math.imul(step, 0x9e3779b1) >>> 16) / 65536;
  return 1 / (1 + step * 1e-6) + 0.25 * noise;
}

/** The exact min, max and mean of `value` over first..last, by a direct pass. */
function summarise(first: number, last: number, value: (index: number) => number): Bucket {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (let index = first; index <= last; index++) {
    const v = value(index);
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  return { first, last, min, max, mean: sum / (last - first + 1) };
}

function assertClose(actual: number, expected: number, relative: number, what: string): void {
  const scale = Math.max(Math.abs(expected), 1e-300);
  assert.ok(Math.abs(actual - expected) / scale <= relative,
    `${what}: ${actual} is not within ${relative} of ${expected}`);
}

/** Every bucket's min and max equal, and its mean matches, a direct pass over its range. */
function assertFaithful(buckets: readonly Bucket[], value: (index: number) => number): void {
  for (const bucket of buckets) {
    const exact = summarise(bucket.first, bucket.last, value);
    assert.equal(bucket.min, exact.min, `min of ${bucket.first}..${bucket.last}`);
    assert.equal(bucket.max, exact.max, `max of ${bucket.first}..${bucket.last}`);
    assertClose(bucket.mean, exact.mean, 1e-12, `mean of ${bucket.first}..${bucket.last}`);
  }
}

/** Consecutive buckets, each starting right after the one before, from `first` to `last`. */
function assertCovers(buckets: readonly Bucket[], first: number, last: number): void {
  assert.ok(buckets.length > 0, 'no buckets');
  assert.equal(buckets[0].first, first);
  for (let index = 1; index < buckets.length; index++) {
    assert.equal(buckets[index].first, buckets[index - 1].last + 1,
      `bucket ${index} does not follow bucket ${index - 1}`);
  }
  assert.equal(buckets[buckets.length - 1].last, last);
}

describe('training buckets', () => {
  it('merges two neighbours into min of mins, max of maxes and a step-weighted mean', () => {
    const left: Bucket = { first: 1, last: 3, min: 1, max: 5, mean: 2 };
    const right: Bucket = { first: 4, last: 4, min: -1, max: -1, mean: -1 };
    assert.deepEqual(mergeBuckets(left, right),
      { first: 1, last: 4, min: -1, max: 5, mean: (2 * 3 - 1) / 4 });
  });

  it('keeps one bucket per step while a message holds few steps', () => {
    const accumulator = new BucketAccumulator(8);
    for (let step = 11; step <= 15; step++) accumulator.add(step, step * 2);
    const buckets = accumulator.take();
    assert.deepEqual(buckets.map((b) => [b.first, b.last, b.mean]),
      [[11, 11, 22], [12, 12, 24], [13, 13, 26], [14, 14, 28], [15, 15, 30]]);
    assert.ok(accumulator.isEmpty, 'take() should leave the accumulator empty');
  });

  it('bounds the buckets of one message and keeps their min, max and mean exact', () => {
    const accumulator = new BucketAccumulator(MAX_BUCKETS_PER_MESSAGE);
    const steps = 100_003;
    for (let step = 1; step <= steps; step++) accumulator.add(step, lossAt(step));
    const buckets = accumulator.take();
    assert.ok(buckets.length <= MAX_BUCKETS_PER_MESSAGE, `${buckets.length} buckets`);
    assert.ok(buckets.length > MAX_BUCKETS_PER_MESSAGE / 4, `only ${buckets.length} buckets`);
    assertCovers(buckets, 1, steps);
    assertFaithful(buckets, lossAt);
  });

  it('refuses a capacity that cannot be halved', () => {
    assert.throws(() => new BucketAccumulator(7), RangeError);
    assert.throws(() => new BucketSeries(1), RangeError);
  });

  it('keeps a series within its capacity while it covers every index once', () => {
    const series = new BucketSeries(16);
    for (let index = 1; index <= 1000; index++) {
      series.add({ first: index, last: index, min: index, max: index, mean: index });
      assert.ok(series.size <= 16, `size ${series.size} after ${index}`);
    }
    assertCovers(series.all, 1, 1000);
    assert.equal(series.span, 1000);
    assertFaithful(series.all, (index) => index);
    // Buckets stay near one width: the widest is at most a few times the narrowest full one.
    const widths = series.all.slice(0, -1).map(bucketWidth);
    assert.ok(Math.max(...widths) <= 4 * Math.min(...widths), `widths ${widths.join(',')}`);
  });
});

describe('training history', () => {
  it('holds 10 million steps in bounded buckets with exact min, max and mean', function () {
    this.timeout(60_000);
    const totalSteps = 10_000_000;
    const stepsPerMessage = 33_333;
    const stepsPerEpoch = 16;
    const epochLossAt = (epoch: number): number => lossAt(epoch * stepsPerEpoch) * 0.5;
    const validationLossAt = (epoch: number): number => lossAt(epoch * stepsPerEpoch + 3);

    const history = new TrainingHistory({ lossBuckets: 4096, epochBuckets: 4096 });
    const lossBuckets = new BucketAccumulator(MAX_BUCKETS_PER_MESSAGE);
    const epochBuckets = new BucketAccumulator(MAX_BUCKETS_PER_MESSAGE);
    const validationBuckets = new BucketAccumulator(MAX_BUCKETS_PER_MESSAGE);
    const weights = new Float64Array(7);
    let largestSize = 0;
    let messages = 0;

    for (let step = 1; step <= totalSteps; step++) {
      lossBuckets.add(step, lossAt(step));
      if (step % stepsPerEpoch === 0) {
        const epoch = step / stepsPerEpoch;
        epochBuckets.add(epoch, epochLossAt(epoch));
        validationBuckets.add(epoch, validationLossAt(epoch));
      }
      if (step % stepsPerMessage === 0 || step === totalSteps) {
        const progress: ProgressMessage = {
          type: 'progress',
          sentAt: 0,
          loss: lossBuckets.take(),
          epochLoss: epochBuckets.take(),
          validationLoss: validationBuckets.take(),
          last: {
            step, epoch: Math.floor(step / stepsPerEpoch), loss: lossAt(step),
            params: weights, dEdw: weights, delta: weights, layerGradNorms: weights,
            stepsPerSecond: 1e6,
          },
        };
        assert.ok(progress.loss.length <= MAX_BUCKETS_PER_MESSAGE);
        history.apply(progress);
        messages++;
        largestSize = Math.max(largestSize, history.loss.size, history.epochLoss.size,
          history.validationLoss.size);
      }
    }

    assert.equal(messages, Math.ceil(totalSteps / stepsPerMessage));
    assert.ok(largestSize <= 4096, `a series grew to ${largestSize} buckets`);
    assert.ok(history.loss.size >= 1024, `the loss curve kept only ${history.loss.size} buckets`);
    assert.equal(history.last?.step, totalSteps);

    const epochs = totalSteps / stepsPerEpoch;
    assertCovers(history.loss.all, 1, totalSteps);
    assertCovers(history.epochLoss.all, 1, epochs);
    assertCovers(history.validationLoss.all, 1, epochs);
    assertFaithful(history.loss.all, lossAt);
    assertFaithful(history.epochLoss.all, epochLossAt);
    assertFaithful(history.validationLoss.all, validationLossAt);

    // The whole run, from the buckets, against a direct pass over every step.
    const exact = summarise(1, totalSteps, lossAt);
    const buckets = history.loss.all;
    assert.equal(Math.min(...buckets.map((b) => b.min)), exact.min);
    assert.equal(Math.max(...buckets.map((b) => b.max)), exact.max);
    const weightedMean = buckets.reduce((sum, b) => sum + b.mean * bucketWidth(b), 0) / totalSteps;
    assertClose(weightedMean, exact.mean, 1e-12, 'mean of the whole run');
  });

  it('forgets everything on clear', () => {
    const history = new TrainingHistory({ lossBuckets: 4, epochBuckets: 4 });
    const weights = new Float64Array(1);
    history.apply({
      type: 'progress',
      sentAt: 0,
      loss: [{ first: 1, last: 1, min: 2, max: 2, mean: 2 }],
      epochLoss: [{ first: 1, last: 1, min: 2, max: 2, mean: 2 }],
      validationLoss: [],
      last: { step: 1, epoch: 1, loss: 2, params: weights, dEdw: weights, delta: weights,
        layerGradNorms: weights, stepsPerSecond: 0 },
    });
    assert.equal(history.loss.size, 1);
    history.clear();
    assert.equal(history.loss.size, 0);
    assert.equal(history.epochLoss.size, 0);
    assert.equal(history.last, undefined);
  });
});
