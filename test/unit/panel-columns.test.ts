// The panel's loss curve in pixel columns: never more columns than asked for, each the true
// summary of the steps it covers, whatever widths the buckets came in.
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import type { LossBucket } from '../../src/protocol/panel';
import { toColumns } from '../../webview/columns';

/** One bucket a step, with the loss the function gives. */
function steps(first: number, last: number, loss: (step: number) => number): LossBucket[] {
  const buckets: LossBucket[] = [];
  for (let step = first; step <= last; step++) {
    const value = loss(step);
    buckets.push({ first: step, last: step, min: value, max: value, mean: value });
  }
  return buckets;
}

describe('toColumns', () => {
  it('makes no more columns than asked for', () => {
    assert.equal(toColumns(steps(1, 10_000, Math.sqrt), 400).length, 400);
    assert.equal(toColumns(steps(1, 10, Math.sqrt), 400).length, 10);
    assert.deepEqual(toColumns([], 400), []);
  });

  it('gives each column the min, the max and the step-weighted mean of what it covers', () => {
    const buckets: LossBucket[] = [
      { first: 1, last: 3, min: 1, max: 5, mean: 2 },
      { first: 4, last: 4, min: 0.5, max: 0.5, mean: 0.5 },
    ];
    const [column] = toColumns(buckets, 1);
    assert.equal(column.min, 0.5);
    assert.equal(column.max, 5);
    assert.equal(column.mean, (2 * 3 + 0.5) / 4);
  });

  it('spreads coarse and fine buckets over the same uniform grid', () => {
    // The first 900 steps in 9 coarse buckets, the last 100 one by one, as after a reset.
    const coarse: LossBucket[] = Array.from({ length: 9 }, (_, index) => ({
      first: index * 100 + 1, last: index * 100 + 100, min: 0, max: 2, mean: 1,
    }));
    const columns = toColumns([...coarse, ...steps(901, 1000, () => 1)], 10);
    assert.equal(columns.length, 10);
    assert.deepEqual(columns.map((column) => Math.round(column.step)), [
      51, 151, 251, 351, 451, 551, 651, 751, 851, 951]);
  });

  it('keeps the overall min, max, mean and step count of any run of buckets, in order', () => {
    const losses = fc.array(fc.double({ min: 1e-6, max: 10, noNaN: true }),
      { minLength: 1, maxLength: 300 });
    fc.assert(fc.property(losses, fc.integer({ min: 1, max: 50 }), (values, count) => {
      const columns = toColumns(values.map((loss, index): LossBucket =>
        ({ first: index + 1, last: index + 1, min: loss, max: loss, mean: loss })), count);
      assert.ok(columns.length <= count);
      assert.equal(Math.min(...columns.map((column) => column.min)), Math.min(...values));
      assert.equal(Math.max(...columns.map((column) => column.max)), Math.max(...values));

      const steps = columns.reduce((sum, column) => sum + column.steps, 0);
      assert.equal(steps, values.length);
      const mean = columns.reduce((sum, column) => sum + column.mean * column.steps, 0) / steps;
      const expected = values.reduce((sum, loss) => sum + loss, 0) / values.length;
      assert.ok(Math.abs(mean - expected) <= 1e-9 * expected, `mean ${mean}, not ${expected}`);
      for (let index = 1; index < columns.length; index++) {
        assert.ok(columns[index].step > columns[index - 1].step, 'columns out of order');
      }
    }), { numRuns: 300 });
  });
});
