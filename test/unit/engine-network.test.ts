// The network's parameter layout, the map between WeightIds and indices, initialisation, the
// checks on what it is asked to build, and the engine's own exponential.

import assert from 'node:assert/strict';
import { exp } from '../../src/engine/activations';
import { BIAS, type InitConfig } from '../../src/engine/config';
import { createNetwork } from '../../src/engine/network';
import { Trainer } from '../../src/engine/trainer';
import { layersOf, makeConfig, makeData, referenceForward } from './engine-reference';

describe('engine network: parameter layout', () => {
  const config = makeConfig(layersOf(3, [2, 'tanh'], [4, 'linear']));

  it('lays out W_l row by row, then b_l, layer after layer', () => {
    const network = createNetwork(config);
    assert.equal(network.paramCount, 2 * 3 + 2 + 4 * 2 + 4);
    assert.equal(network.indexOf({ layer: 1, to: 0, from: 0 }), 0);
    assert.equal(network.indexOf({ layer: 1, to: 1, from: 2 }), 5);
    assert.equal(network.indexOf({ layer: 1, to: 1, from: BIAS }), 7);
    assert.equal(network.indexOf({ layer: 2, to: 0, from: 1 }), 9);
    assert.equal(network.indexOf({ layer: 2, to: 3, from: BIAS }), 19);
  });

  it('maps every index to its WeightId and back', () => {
    const network = createNetwork(config);
    const ids = network.weightIds();
    assert.equal(ids.length, network.paramCount);
    ids.forEach((id, k) => {
      assert.deepEqual(network.idAt(k), id);
      assert.equal(network.indexOf(id), k);
    });
  });

  it('throws RangeError for weights the network does not have', () => {
    const network = createNetwork(config);
    for (const id of [
      { layer: 0, to: 0, from: 0 }, { layer: 3, to: 0, from: 0 }, { layer: 1, to: 2, from: 0 },
      { layer: 1, to: 0, from: 3 }, { layer: 2, to: 0, from: -2 }, { layer: 1, to: 0.5, from: 0 },
    ]) {
      assert.throws(() => network.indexOf(id), RangeError, JSON.stringify(id));
    }
    assert.throws(() => network.idAt(network.paramCount), RangeError);
    assert.throws(() => network.idAt(-1), RangeError);
  });

  it('predicts what the reference forward pass computes', () => {
    const network = createNetwork(config);
    const input = [0.3, -1.2, 2];
    const expected = referenceForward(config.layers, network.params, input).y[2];
    const actual = Array.from(network.predict(input));
    actual.forEach((v, k) => assert.ok(Math.abs(v - expected[k]) < 1e-15));
  });
});

describe('engine network: initialisation', () => {
  const layers = layersOf(200, [100, 'relu'], [1, 'linear']);
  const weightsOf = (init: InitConfig, seed = 5): number[] => {
    const network = createNetwork(makeConfig(layers, { init, seed }));
    return Array.from(network.params.subarray(0, 200 * 100));
  };
  const deviation = (values: number[]): number =>
    Math.sqrt(values.reduce((sum, v) => sum + v * v, 0) / values.length);

  it('draws xavier weights from U(±sqrt(6/(fan_in+fan_out)))', () => {
    const limit = Math.sqrt(6 / 300);
    const values = weightsOf({ kind: 'xavier' });
    assert.ok(values.every((v) => Math.abs(v) <= limit));
    assert.ok(Math.max(...values) > 0.99 * limit && Math.min(...values) < -0.99 * limit);
  });

  it('draws he weights from N(0, 2/fan_in)', () => {
    const values = weightsOf({ kind: 'he' });
    const expected = Math.sqrt(2 / 200);
    assert.ok(Math.abs(deviation(values) / expected - 1) < 0.03, `${deviation(values)}`);
  });

  it('draws uniform A from U(±A) and normal S from N(0, S²)', () => {
    const uniform = weightsOf({ kind: 'uniform', a: 0.25 });
    assert.ok(uniform.every((v) => Math.abs(v) <= 0.25));
    assert.ok(Math.abs(deviation(uniform) / (0.25 / Math.sqrt(3)) - 1) < 0.03);
    const normal = weightsOf({ kind: 'normal', s: 0.4 });
    assert.ok(Math.abs(deviation(normal) / 0.4 - 1) < 0.03);
  });

  it('starts every weight at 0 with zeros, and biases at 0 always', () => {
    assert.ok(weightsOf({ kind: 'zeros' }).every((v) => v === 0));
    const network = createNetwork(makeConfig(layers, { init: { kind: 'he' } }));
    assert.ok(Array.from(network.params.subarray(20000, 20100)).every((v) => v === 0));
  });

  it('repeats with the seed and changes with it', () => {
    assert.deepEqual(weightsOf({ kind: 'he' }, 9), weightsOf({ kind: 'he' }, 9));
    assert.notDeepEqual(weightsOf({ kind: 'he' }, 9), weightsOf({ kind: 'he' }, 10));
  });

  it('writes initialWeights over the drawn values', () => {
    const network = createNetwork(makeConfig(layersOf(2, [2, 'tanh'], [1, 'linear']), {
      initialWeights: [
        { id: { layer: 1, to: 1, from: 0 }, value: 0.125 },
        { id: { layer: 2, to: 0, from: BIAS }, value: -3 },
      ],
    }));
    assert.equal(network.params[network.indexOf({ layer: 1, to: 1, from: 0 })], 0.125);
    assert.equal(network.params[network.indexOf({ layer: 2, to: 0, from: BIAS })], -3);
  });
});

describe('engine network: what it refuses to build', () => {
  const data = makeData(4, 2, 2, 1);

  it('rejects softmax on a hidden layer', () => {
    assert.throws(() => createNetwork(makeConfig(layersOf(2, [3, 'softmax'], [2, 'linear']))),
      /softmax is for the output layer only/);
  });

  it('rejects cross_entropy without a softmax or sigmoid output', () => {
    assert.throws(() => new Trainer(makeConfig(layersOf(2, [2, 'linear']), {
      loss: 'cross_entropy' }), data), /cross_entropy needs a softmax output/);
  });

  it('rejects data whose columns do not fit the layers', () => {
    assert.throws(() => new Trainer(makeConfig(layersOf(3, [2, 'linear'])), data),
      /training data has 2 input and 2 output column\(s\); the network needs 3 and 2/);
  });
});

describe('engine network: the exponential behind the logistic function', () => {
  it('stays within 1 ulp of Math.exp over the whole finite range', () => {
    let state = 12345;
    for (let k = 0; k < 200_000; k++) {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      const x = (state / 4294967296 - 0.5) * (k % 2 === 0 ? 40 : 1500);
      const expected = Math.exp(x);
      const actual = exp(x);
      if (expected === 0 || expected === Infinity) {
        assert.equal(actual, expected);
        continue;
      }
      const ulp = 2 ** (Math.floor(Math.log2(expected)) - 52);
      assert.ok(Math.abs(actual - expected) <= ulp, `exp(${x}) = ${actual}, not ${expected}`);
    }
    assert.equal(exp(0), 1);
    assert.ok(Number.isNaN(exp(NaN)));
    assert.equal(exp(-Infinity), 0);
    assert.equal(exp(Infinity), Infinity);
  });
});
