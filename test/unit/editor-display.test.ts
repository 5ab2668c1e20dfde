// What the editor shows in words: numbers to a number of significant digits, step counts, and
// the exact text of the CodeLens over an edge-form and a row-form weight line.
import * as assert from 'node:assert/strict';
import {
  edgeLensTitle, indexOfLargestMove, largestAbsDelta, missingLensTitle, rowLensTitle,
} from '../../src/extension/lensText';
import { formatCount, formatNumber, formatRate } from '../../src/protocol/format';

describe('formatNumber', () => {
  it('writes small and large magnitudes with an exponent and a true minus sign', () => {
    assert.equal(formatNumber(-0.00123, 3), '−1.23e−3');
    assert.equal(formatNumber(2.46e-3, 3), '2.46e−3');
    assert.equal(formatNumber(123456, 3), '1.23e5');
    assert.equal(formatNumber(1e21, 3), '1e21');
  });

  it('writes ordinary magnitudes plainly, without trailing zeros', () => {
    assert.equal(formatNumber(0.15, 3), '0.15');
    assert.equal(formatNumber(-0.27, 3), '−0.27');
    assert.equal(formatNumber(2 / 3, 3), '0.667');
    assert.equal(formatNumber(100, 3), '100');
    assert.equal(formatNumber(0, 3), '0');
  });

  it('switches to an exponent where the digits cannot write the number without padding', () => {
    assert.equal(formatNumber(12345.6, 3), '1.23e4');
    assert.equal(formatNumber(12345.6, 6), '12345.6');
    assert.equal(formatNumber(999.6, 3), '1e3');
  });

  it('judges the magnitude after rounding', () => {
    assert.equal(formatNumber(0.0099996, 3), '0.01');
    assert.equal(formatNumber(0.0099996, 5), '9.9996e−3');
  });

  it('keeps the requested number of significant digits', () => {
    assert.equal(formatNumber(Math.PI, 1), '3');
    assert.equal(formatNumber(Math.PI, 5), '3.1416');
    assert.equal(formatNumber(-Math.PI * 1e-7, 4), '−3.142e−7');
  });

  it('names what is not a finite number', () => {
    assert.equal(formatNumber(Number.NaN, 3), 'NaN');
    assert.equal(formatNumber(Number.POSITIVE_INFINITY, 3), '∞');
    assert.equal(formatNumber(Number.NEGATIVE_INFINITY, 3), '−∞');
  });
});

describe('formatCount and formatRate', () => {
  it('group thousands with commas', () => {
    assert.equal(formatCount(0), '0');
    assert.equal(formatCount(999), '999');
    assert.equal(formatCount(1532), '1,532');
    assert.equal(formatCount(48_000_000), '48,000,000');
    assert.equal(formatCount(-1532), '−1,532');
  });

  it('agree with the en-US grouping for every count up to a few million', () => {
    for (let count = 0; count < 5_000_000; count += 7919) {
      assert.equal(formatCount(count), count.toLocaleString('en-US'));
    }
  });

  it('round a rate to what a person can read', () => {
    assert.equal(formatRate(2_784_657.4), '2,784,657');
    assert.equal(formatRate(8.46), '8.5');
    assert.equal(formatRate(0), '0');
  });
});

describe('the lens over a weight line', () => {
  const context = { step: 1532, digits: 3, fileChanged: false };

  it('gives an edge weight its Δw, ∂E/∂w and the step', () => {
    assert.equal(edgeLensTitle({ value: 0.4, dEdw: 2.46e-3, delta: -1.23e-3 }, context),
      'Δw −1.23e−3 · ∂E/∂w 2.46e−3 · step 1,532');
  });

  it('gives a weight its starting value before any training', () => {
    assert.equal(edgeLensTitle({ value: -0.27, dEdw: 0, delta: 0 }, { ...context, step: 0 }),
      'w −0.27 · not trained yet');
  });

  it('says when the file has changed since the session started', () => {
    const changed = { ...context, fileChanged: true };
    assert.equal(edgeLensTitle({ value: 0.4, dEdw: 1, delta: -0.5 }, changed),
      'Δw −0.5 · ∂E/∂w 1 · step 1,532 · file changed since');
  });

  it('gives a row its largest |Δw| and its norm', () => {
    const row = [
      { value: 3, dEdw: 0, delta: 0.001 },
      { value: 0, dEdw: 0, delta: -0.02 },
      { value: 4, dEdw: 0, delta: 0.01 },
    ];
    assert.equal(rowLensTitle(row, context, true), 'max |Δw| 0.02 · ‖w‖ 5 · step 1,532');
    assert.equal(largestAbsDelta(row), 0.02);
    assert.equal(indexOfLargestMove(row), 1);
  });

  it('lists a row\'s starting values with its bias after a bar, and cuts a long row short', () => {
    const start = { ...context, step: 0 };
    const weight = (value: number) => ({ value, dEdw: 0, delta: 0 });
    assert.equal(rowLensTitle([weight(0.1), weight(-0.1), weight(0)], start, true),
      'w 0.1 −0.1 | 0 · not trained yet');
    assert.equal(rowLensTitle([weight(1), weight(2)], start, false), 'w 1 2 · not trained yet');
    assert.equal(rowLensTitle([1, 2, 3, 4, 5, 6].map(weight), start, true),
      'w 1 2 3 4 … · not trained yet');
  });

  it('tells how to include a weight the run does not have', () => {
    assert.match(missingLensTitle(), /train again/);
  });
});
