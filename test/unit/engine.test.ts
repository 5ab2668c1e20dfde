// The trainer against hand calculations and plain references: the guide's worked example, the
// mini-batch arithmetic, the epoch walk, determinism, divergence and the gradient check.

import assert from 'node:assert/strict';
import { BIAS, type Dataset, type NetworkConfig } from '../../src/engine/config';
import { gradientCheck, weightsToCheck } from '../../src/engine/gradcheck';
import { createNetwork } from '../../src/engine/network';
import { DivergenceError, Trainer } from '../../src/engine/trainer';
import {
  layersOf, makeConfig, makeData, maxRelativeDifference, numericGradient, referenceForward,
  referenceLoss,
} from './engine-reference';

/** |actual − expected| ≤ 1e-15 · |expected| (or 1e-300 for an expected 0). */
function assertClose(actual: number, expected: number, what: string): void {
  const tolerance = Math.max(1e-15 * Math.abs(expected), 1e-300);
  assert.ok(Math.abs(actual - expected) <= tolerance,
    `${what}: ${actual} differs from ${expected} by ${Math.abs(actual - expected)}`);
}

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/** The guide's network: x → h[1], h[2] (sigmoid) → y (linear), with its written weights. */
function tutorialConfig(overrides: Partial<NetworkConfig> = {}): NetworkConfig {
  return makeConfig([
    { name: 'x', size: 1, activation: null },
    { name: 'h', size: 2, activation: 'sigmoid' },
    { name: 'y', size: 1, activation: 'linear' },
  ], {
    optimizer: { kind: 'sgd', lr: 0.5 },
    batch: 1,
    initialWeights: [
      { id: { layer: 1, to: 0, from: 0 }, value: 0.15 },
      { id: { layer: 1, to: 1, from: 0 }, value: -0.27 },
      { id: { layer: 1, to: 0, from: BIAS }, value: 0 },
      { id: { layer: 1, to: 1, from: BIAS }, value: 0 },
      { id: { layer: 2, to: 0, from: 0 }, value: 0.4 },
      { id: { layer: 2, to: 0, from: 1 }, value: 0.45 },
      { id: { layer: 2, to: 0, from: BIAS }, value: 0 },
    ],
    ...overrides,
  });
}

function oneRow(x: number[], r: number[]): Dataset {
  return { n: 1, nIn: x.length, nOut: r.length, inputs: Float64Array.from(x),
    targets: Float64Array.from(r) };
}

describe('engine: the guide\'s hand calculation', () => {
  // One data point x = 1, r = 0.5; the chain rule written out by hand.
  const x = 1, r = 0.5, lr = 0.5;
  const wa = 0.15, wb = -0.27, w1 = 0.40, w2 = 0.45;
  const h1 = sigmoid(wa * x + 0), h2 = sigmoid(wb * x + 0);
  const y = w1 * h1 + w2 * h2 + 0;
  const E = 0.5 * (r - y) * (r - y);
  const fPrimeY = 1; // linear output
  const fPrimeH1 = h1 * (1 - h1), fPrimeH2 = h2 * (1 - h2);
  const dEdw1 = -(r - y) * fPrimeY * h1;
  const dEdw2 = -(r - y) * fPrimeY * h2;
  const dEdby = -(r - y) * fPrimeY;
  const dEdwa = -(r - y) * fPrimeY * w1 * fPrimeH1 * x;
  const dEdwb = -(r - y) * fPrimeY * w2 * fPrimeH2 * x;
  const dEdbh1 = -(r - y) * fPrimeY * w1 * fPrimeH1;
  const dEdbh2 = -(r - y) * fPrimeY * w2 * fPrimeH2;

  // Params layout: W_h (w_a, w_b), b_h (2), W_y (w_1, w_2), b_y.
  const expectedGradient = [dEdwa, dEdwb, dEdbh1, dEdbh2, dEdw1, dEdw2, dEdby];
  const before = [wa, wb, 0, 0, w1, w2, 0];

  it('gives the hand-computed loss and ∂E/∂w for every weight', () => {
    const trainer = new Trainer(tutorialConfig(), oneRow([x], [r]));
    const loss = trainer.step();
    assertClose(loss, E, 'loss');
    assertClose(trainer.lastLoss, E, 'lastLoss');
    expectedGradient.forEach((g, k) => assertClose(trainer.dEdw[k], g, `dEdw[${k}]`));
  });

  it('takes one SGD step w − lr·g and records Δw = −lr·g', () => {
    const trainer = new Trainer(tutorialConfig(), oneRow([x], [r]));
    trainer.step();
    before.forEach((w, k) => {
      assertClose(trainer.network.params[k], w - lr * expectedGradient[k], `w[${k}]`);
      assertClose(trainer.delta[k], -lr * expectedGradient[k], `delta[${k}]`);
    });
  });

  it('records each layer\'s gradient norm', () => {
    const trainer = new Trainer(tutorialConfig(), oneRow([x], [r]));
    trainer.step();
    const hidden = Math.hypot(dEdwa, dEdwb, dEdbh1, dEdbh2);
    const output = Math.hypot(dEdw1, dEdw2, dEdby);
    assert.ok(Math.abs(trainer.layerGradNorms[0] - hidden) <= 1e-15 * hidden);
    assert.ok(Math.abs(trainer.layerGradNorms[1] - output) <= 1e-15 * output);
  });

  it('places the labelled weights where indexOf says', () => {
    const trainer = new Trainer(tutorialConfig(), oneRow([x], [r]));
    const network = trainer.network;
    assert.equal(network.params[network.indexOf({ layer: 1, to: 0, from: 0 })], wa);
    assert.equal(network.params[network.indexOf({ layer: 1, to: 1, from: 0 })], wb);
    assert.equal(network.params[network.indexOf({ layer: 2, to: 0, from: 0 })], w1);
    assert.equal(network.params[network.indexOf({ layer: 2, to: 0, from: 1 })], w2);
  });

  it('predicts the hand-computed output', () => {
    const trainer = new Trainer(tutorialConfig(), oneRow([x], [r]));
    assertClose(trainer.network.predict([x])[0], y, 'prediction');
  });
});

describe('engine: mini-batches and epochs', () => {
  const config = makeConfig(layersOf(3, [4, 'tanh'], [2, 'sigmoid']), { batch: 4 });
  const data = makeData(10, 3, 2, 11);

  it('takes the mean of the per-sample gradients over a mini-batch', () => {
    const trainer = new Trainer(config, data);
    const rows = [7, 2, 9, 4];
    const batch = trainer.gradientFor(data, rows);
    const mean = new Float64Array(batch.dEdw.length);
    let meanLoss = 0;
    for (const row of rows) {
      const single = trainer.gradientFor(data, [row]);
      single.dEdw.forEach((g, k) => { mean[k] += g / rows.length; });
      meanLoss += single.loss / rows.length;
    }
    assert.ok(maxRelativeDifference(batch.dEdw, mean, 1e-12) < 1e-12);
    assert.ok(Math.abs(batch.loss - meanLoss) < 1e-14);
  });

  it('matches central differences of a plain reference loss over a mini-batch', () => {
    const trainer = new Trainer(config, data);
    const rows = [0, 3, 5, 8];
    const { dEdw, loss } = trainer.gradientFor(data, rows);
    const params = Float64Array.from(trainer.network.params);
    assert.ok(Math.abs(loss - referenceLoss(config, params, data, rows)) < 1e-14);
    assert.ok(maxRelativeDifference(dEdw, numericGradient(config, params, data, rows)) < 1e-6);
  });

  it('splits 10 rows in batches of 4, 4 and 2, averaging the last over its own 2 rows', () => {
    const trainer = new Trainer(config, data);
    assert.equal(trainer.batchSize, 4);
    assert.equal(trainer.stepsPerEpoch, 3);
    trainer.step();
    trainer.step();
    const params = Float64Array.from(trainer.network.params);
    const expectedLoss = referenceLoss(config, params, data, [8, 9]);
    const expectedGradient = numericGradient(config, params, data, [8, 9]);
    const loss = trainer.step();
    assert.ok(Math.abs(loss - expectedLoss) < 1e-14, `${loss} vs ${expectedLoss}`);
    assert.ok(maxRelativeDifference(trainer.dEdw, expectedGradient) < 1e-6);
    assert.equal(trainer.epoch, 1);
    assert.equal(trainer.stepCount, 3);
  });

  it('walks the rows in order when shuffle is off', () => {
    const trainer = new Trainer(config, data);
    const seen: number[][] = [];
    for (let k = 0; k < 4; k++) {
      seen.push(Array.from(trainer.upcomingRows()));
      trainer.step();
    }
    assert.deepEqual(seen, [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9], [0, 1, 2, 3]]);
  });

  it('visits every row exactly once per epoch when shuffle is on, in a new order', () => {
    const trainer = new Trainer({ ...config, shuffle: true, batch: 3 }, makeData(40, 3, 2, 5));
    const epochs: number[][] = [];
    for (let epoch = 0; epoch < 2; epoch++) {
      const order: number[] = [];
      do {
        order.push(...trainer.upcomingRows());
        trainer.step();
      } while (trainer.epoch === epoch);
      epochs.push(order);
    }
    const all = Array.from({ length: 40 }, (_, k) => k);
    for (const order of epochs) assert.deepEqual([...order].sort((a, b) => a - b), all);
    assert.notDeepEqual(epochs[0], all);
    assert.notDeepEqual(epochs[0], epochs[1]);
  });

  it('returns the epoch mean Σ D_b·loss_b / n from runEpoch', () => {
    const trainer = new Trainer(config, data);
    const probe = new Trainer(config, data);
    const losses = [probe.step(), probe.step(), probe.step()];
    const expected = (4 * losses[0] + 4 * losses[1] + 2 * losses[2]) / 10;
    const mean = trainer.runEpoch();
    assert.ok(Math.abs(mean - expected) < 1e-15, `${mean} vs ${expected}`);
    assert.equal(trainer.epochLossSoFar, mean);
    assert.equal(trainer.stepCount, 3);
    assert.equal(trainer.epoch, 1);
  });

  it('reports the mean loss of the rows seen so far in the epoch', () => {
    const trainer = new Trainer(config, data);
    const first = trainer.step();
    assert.equal(trainer.epochLossSoFar, first);
    const second = trainer.step();
    assert.ok(Math.abs(trainer.epochLossSoFar - (first + second) / 2) < 1e-15);
  });

  it('caps the batch at the number of rows', () => {
    const trainer = new Trainer({ ...config, batch: 64 }, data);
    assert.equal(trainer.batchSize, 10);
    assert.equal(trainer.stepsPerEpoch, 1);
  });

  it('evaluates the mean loss of a data set without changing the weights', () => {
    const trainer = new Trainer(config, data, makeData(7, 3, 2, 99));
    const params = Float64Array.from(trainer.network.params);
    const validation = makeData(7, 3, 2, 99);
    const expected = referenceLoss(config, params, validation, [0, 1, 2, 3, 4, 5, 6]);
    assert.ok(Math.abs((trainer.validationLoss() ?? NaN) - expected) < 1e-14);
    assert.ok(Math.abs(trainer.evaluate(validation) - expected) < 1e-14);
    assert.deepEqual(trainer.network.params, params);
    assert.equal(new Trainer(config, data).validationLoss(), undefined);
  });
});

describe('engine: determinism', () => {
  const config = makeConfig(layersOf(2, [5, 'relu'], [3, 'softmax']), {
    loss: 'cross_entropy', shuffle: true, batch: 3, seed: 42, init: { kind: 'xavier' },
    optimizer: { kind: 'adam', lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8 },
  });
  const data = makeData(20, 2, 3, 3, true);

  function run(seed: number, record: boolean): { params: number[]; losses: number[] } {
    const trainer = new Trainer({ ...config, seed }, data, undefined, { record });
    const losses: number[] = [];
    for (let k = 0; k < 25; k++) losses.push(trainer.step());
    return { params: Array.from(trainer.network.params), losses };
  }

  it('gives bit-identical params and losses for the same config and seed', () => {
    const first = run(42, true), second = run(42, true);
    assert.deepEqual(first.params, second.params);
    assert.deepEqual(first.losses, second.losses);
  });

  it('gives other params for another seed', () => {
    assert.notDeepEqual(run(42, true).params, run(43, true).params);
  });

  it('trains identically with recording on and off', () => {
    const recorded = run(42, true), bare = run(42, false);
    assert.deepEqual(recorded.params, bare.params);
    assert.deepEqual(recorded.losses, bare.losses);
  });
});

describe('engine: divergence', () => {
  // A large learning rate on large targets makes the weights grow each step until the relu
  // layer's values overflow.
  const config = makeConfig(layersOf(2, [3, 'relu'], [1, 'linear']), {
    optimizer: { kind: 'sgd', lr: 5 }, batch: 2, init: { kind: 'uniform', a: 1 }, seed: 3,
  });
  const data: Dataset = { n: 2, nIn: 2, nOut: 1, inputs: Float64Array.from([1, 2, -1, 3]),
    targets: Float64Array.from([50, -80]) };

  function firstNonFiniteLayer(params: Float64Array): string {
    const passes = [0, 1].map((row) =>
      referenceForward(config.layers, params, data.inputs.subarray(row * 2, row * 2 + 2)));
    for (let l = 1; l < config.layers.length; l++) {
      const values = passes.flatMap((pass) => [...pass.z[l], ...pass.y[l]]);
      if (values.some((v) => !Number.isFinite(v))) return config.layers[l].name;
    }
    return config.layers[config.layers.length - 1].name;
  }

  for (const compile of [true, false]) {
    const path = compile ? 'compiled' : 'general';
    it(`stops with a DivergenceError naming the step and the first layer to overflow (${path})`,
      () => {
        assertDivergence(new Trainer(config, data, undefined, { compile }));
      });
  }

  function assertDivergence(trainer: Trainer): void {
    let error: unknown;
    let before = new Float64Array(0);
    for (let k = 0; k < 10_000 && error === undefined; k++) {
      before = Float64Array.from(trainer.network.params);
      try {
        trainer.step();
      } catch (caught) {
        error = caught;
      }
    }
    assert.ok(error instanceof DivergenceError, `expected a DivergenceError, got ${error}`);
    assert.equal(error.step, trainer.stepCount + 1);
    assert.ok(error.step > 1);
    const expectedLayer = firstNonFiniteLayer(before);
    assert.equal(error.layerName, expectedLayer);
    assert.equal(error.layer, config.layers.findIndex((layer) => layer.name === expectedLayer));
    assert.match(error.message,
      new RegExp(`^loss became (NaN|-?Infinity) at step ${error.step}: ` +
        `layer \`${expectedLayer}\` overflowed first$`));
    assert.deepEqual(trainer.network.params, before, 'the failing step must not update');
  }
});

describe('engine: gradientCheck', () => {
  it('agrees to better than 1e-6 on the guide\'s network', () => {
    const data: Dataset = { n: 8, nIn: 1, nOut: 1,
      inputs: Float64Array.from([-3, -2, -1, -0.5, 0.5, 1, 2, 3]),
      targets: Float64Array.from([-3, -2, -1, -0.5, 0.5, 1, 2, 3].map(Math.sin)) };
    const result = gradientCheck(tutorialConfig({ batch: 4 }), data);
    assert.equal(result.checked, 7);
    assert.ok(result.maxRelativeError < 1e-6, `max relative error ${result.maxRelativeError}`);
  });

  it('agrees to better than 1e-6 on a softmax network with cross-entropy', () => {
    const config = makeConfig(layersOf(4, [6, 'tanh'], [3, 'softmax']), {
      loss: 'cross_entropy', batch: 5, shuffle: true,
    });
    const result = gradientCheck(config, makeData(12, 4, 3, 21, true));
    assert.equal(result.checked, 6 * 5 + 3 * 7);
    assert.ok(result.maxRelativeError < 1e-6, `max relative error ${result.maxRelativeError}`);
  });

  it('passes every one of many random networks, relu corners included, with default init', () => {
    const hidden = ['relu', 'leaky_relu', 'tanh', 'sigmoid'] as const;
    let skipped = 0;
    for (let seed = 1; seed <= 48; seed++) {
      const activation = hidden[seed % hidden.length];
      const softmax = seed % 2 === 0;
      const config = makeConfig(layersOf(4, [8, activation], [6, activation],
        [3, softmax ? 'softmax' : 'sigmoid']), {
        loss: softmax ? 'cross_entropy' : 'mse', batch: 16, seed, init: { kind: 'xavier' },
      });
      const result = gradientCheck(config, makeData(32, 4, 3, seed, softmax));
      assert.equal(result.checked + result.skippedAtKinks, 8 * 5 + 6 * 9 + 3 * 7);
      assert.ok(result.maxRelativeError < 1e-6,
        `seed ${seed} (${activation}): max relative error ${result.maxRelativeError}`);
      skipped += result.skippedAtKinks;
    }
    assert.ok(skipped < 48 * 10, `${skipped} weights skipped at corners: far too many`);
  });

  it('skips a bias that sits exactly on a relu corner instead of failing it', () => {
    // Inputs of 0 and zero weights put every hidden unit at z = 0, the corner of relu.
    const config = makeConfig(layersOf(1, [2, 'relu'], [1, 'linear']), {
      batch: 2, init: { kind: 'zeros' },
      initialWeights: [{ id: { layer: 2, to: 0, from: 0 }, value: 1 },
        { id: { layer: 2, to: 0, from: 1 }, value: -1 }],
    });
    const data: Dataset = { n: 2, nIn: 1, nOut: 1, inputs: Float64Array.from([0, 0]),
      targets: Float64Array.from([1, 1]) };
    const result = gradientCheck(config, data);
    assert.ok(result.skippedAtKinks >= 2, `skipped ${result.skippedAtKinks}`);
    assert.ok(result.maxRelativeError < 1e-6, `max relative error ${result.maxRelativeError}`);
  });

  it('checks a sample from every layer\'s weights and biases of a network past the limit', () => {
    const config = makeConfig(layersOf(20, [30, 'tanh'], [4, 'softmax']),
      { loss: 'cross_entropy', batch: 8 });
    const network = createNetwork(config);
    const chosen = weightsToCheck(network, 100);
    assert.equal(new Set(chosen).size, chosen.length, 'a weight was chosen twice');
    assert.ok(chosen.every((k) => k >= 0 && k < network.paramCount));
    assert.ok(chosen.length >= 100 && chosen.length < 140, `${chosen.length} chosen`);
    const groups = chosen.map((k) => {
      const id = network.idAt(k);
      return `${id.layer}:${id.from === BIAS ? 'bias' : 'weight'}`;
    });
    assert.deepEqual([...new Set(groups)].sort(), ['1:bias', '1:weight', '2:bias', '2:weight']);

    const result = gradientCheck(config, makeData(16, 20, 4, 5, true), { maxWeights: 100 });
    assert.equal(result.total, 20 * 30 + 30 + 30 * 4 + 4);
    assert.equal(result.checked + result.skippedAtKinks, chosen.length);
    assert.ok(result.maxRelativeError < 1e-6, `max relative error ${result.maxRelativeError}`);
  });

  it('reports a large error and the weight when the gradient is wrong', () => {
    // A huge epsilon makes the central difference a poor estimate of a curved loss.
    const config = makeConfig(layersOf(2, [3, 'sigmoid'], [1, 'sigmoid']), { batch: 4 });
    const result = gradientCheck(config, makeData(4, 2, 1, 2), { epsilon: 3 });
    assert.ok(result.maxRelativeError > 1e-3);
    assert.ok(result.worst !== undefined && result.worst.id.layer >= 1);
  });
});
