// Back-propagation against central differences of a plain reference loss, for every activation,
// every loss and both training paths; and each optimizer's update against its formula.

import assert from 'node:assert/strict';
import type {
  ActivationName, LossName, NetworkConfig, OptimizerConfig,
} from '../../src/engine/config';
import { Trainer } from '../../src/engine/trainer';
import {
  layersOf, makeConfig, makeData, maxRelativeDifference, numericGradient, referenceLoss,
} from './engine-reference';

const HIDDEN: ActivationName[] = ['linear', 'sigmoid', 'tanh', 'relu', 'leaky_relu'];

/** Output activation, loss, output size and whether targets are one-hot. */
const HEADS: [ActivationName, LossName, number, boolean][] = [
  ['linear', 'mse', 2, false],
  ['sigmoid', 'mse', 2, false],
  ['tanh', 'mse', 2, false],
  ['relu', 'mse', 2, false],
  ['leaky_relu', 'mse', 2, false],
  ['softmax', 'mse', 3, true],
  ['softmax', 'cross_entropy', 3, true],
  ['sigmoid', 'cross_entropy', 1, false],
  ['sigmoid', 'cross_entropy', 2, false],
];

function configFor(hidden: ActivationName, head: (typeof HEADS)[number], seed: number,
  wide = false): NetworkConfig {
  const [output, loss, nOut] = head;
  const layers = wide
    ? layersOf(9, [12, hidden], [nOut, output])
    : layersOf(3, [4, hidden], [3, hidden], [nOut, output]);
  // Biases away from 0 keep relu units off their kink, where the derivative is one-sided.
  const initialWeights = layers.slice(1).flatMap((layer, k) =>
    Array.from({ length: layer.size }, (_, to) => ({
      id: { layer: k + 1, to, from: -1 }, value: 0.1 + 0.05 * ((to + seed) % 3),
    })));
  return makeConfig(layers, { loss, seed, batch: 5, initialWeights });
}

describe('engine gradients: back-propagation against central differences', () => {
  for (const hidden of HIDDEN) {
    for (const head of HEADS) {
      const [output, loss, nOut, oneHot] = head;
      const title = `${hidden} hidden, ${output} output, ${loss}`;

      it(`matches the reference for ${title}`, () => {
        for (const seed of [1, 2, 3]) {
          const config = configFor(hidden, head, seed);
          const data = makeData(9, 3, nOut, seed + 100, oneHot);
          const trainer = new Trainer(config, data);
          const rows = [0, 2, 3, 5, 8];
          const params = Float64Array.from(trainer.network.params);
          const { dEdw, loss: batchLoss } = trainer.gradientFor(data, rows);
          const reference = referenceLoss(config, params, data, rows);
          assert.ok(Math.abs(batchLoss - reference) <= 1e-13 * Math.max(1, Math.abs(reference)),
            `loss ${batchLoss} vs ${reference}`);
          const error = maxRelativeDifference(dEdw, numericGradient(config, params, data, rows));
          assert.ok(error < 1e-6, `seed ${seed}: relative difference ${error}`);
        }
      });

      it(`trains one step with the reference gradient for ${title}, on both paths`, () => {
        for (const compile of [true, false]) {
          const config = configFor(hidden, head, 4, !compile);
          const nIn = config.layers[0].size;
          const data = makeData(5, nIn, nOut, 7, oneHot);
          const trainer = new Trainer(config, data, undefined, { compile });
          const params = Float64Array.from(trainer.network.params);
          const rows = [0, 1, 2, 3, 4];
          const loss = trainer.step();
          const reference = referenceLoss(config, params, data, rows);
          assert.ok(Math.abs(loss - reference) <= 1e-13 * Math.max(1, Math.abs(reference)));
          const numeric = numericGradient(config, params, data, rows);
          const error = maxRelativeDifference(trainer.dEdw, numeric);
          assert.ok(error < 1e-6, `compile ${compile}: relative difference ${error}`);
        }
      });

      it(`gives the same bits on the compiled and the general path for ${title}`, () => {
        const config = { ...configFor(hidden, head, 5), shuffle: true, batch: 4 };
        const data = makeData(10, 3, nOut, 9, oneHot);
        const compiled = new Trainer(config, data, undefined, { compile: true });
        const general = new Trainer(config, data, undefined, { compile: false });
        for (let k = 0; k < 12; k++) assert.equal(compiled.step(), general.step());
        assert.deepEqual(compiled.network.params, general.network.params);
        assert.deepEqual(compiled.dEdw, general.dEdw);
        assert.deepEqual(compiled.layerGradNorms, general.layerGradNorms);
        assert.deepEqual(compiled.delta, general.delta);
      });
    }
  }
});

describe('engine gradients: optimizers', () => {
  const data = makeData(6, 3, 2, 17);

  /** A trainer over all 6 rows per step, and the reference gradient at its current params. */
  function setUp(optimizer: OptimizerConfig): { trainer: Trainer; gradient: () => Float64Array } {
    const config = makeConfig(layersOf(3, [4, 'tanh'], [2, 'sigmoid']), { optimizer, batch: 6 });
    const trainer = new Trainer(config, data);
    const rows = [0, 1, 2, 3, 4, 5];
    return {
      trainer,
      gradient: () => numericGradient(config, trainer.network.params, data, rows),
    };
  }

  function assertNear(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number,
    what: string): void {
    for (let k = 0; k < expected.length; k++) {
      assert.ok(Math.abs(actual[k] - expected[k]) <= tolerance,
        `${what}[${k}]: ${actual[k]} vs ${expected[k]}`);
    }
  }

  it('sgd moves each weight by −lr·g', () => {
    const { trainer, gradient } = setUp({ kind: 'sgd', lr: 0.3 });
    const before = Float64Array.from(trainer.network.params);
    const g = gradient();
    trainer.step();
    const expected = before.map((w, k) => w - 0.3 * g[k]);
    assertNear(trainer.network.params, expected, 1e-10, 'w');
    assertNear(trainer.delta, g.map((v) => -0.3 * v), 1e-10, 'delta');
    trainer.delta.forEach((d, k) => {
      assert.equal(d, -0.3 * trainer.dEdw[k], 'Δw is exactly −lr times the recorded gradient');
    });
  });

  it('momentum keeps a velocity v ← βv − lr·g and moves by it', () => {
    const { trainer, gradient } = setUp({ kind: 'momentum', lr: 0.2, beta: 0.7 });
    const w0 = Float64Array.from(trainer.network.params);
    const g1 = gradient();
    trainer.step();
    const v1 = g1.map((g) => -0.2 * g);
    assertNear(trainer.network.params, w0.map((w, k) => w + v1[k]), 1e-10, 'w1');
    const w1 = Float64Array.from(trainer.network.params);
    const g2 = gradient();
    trainer.step();
    const v2 = v1.map((v, k) => 0.7 * v - 0.2 * g2[k]);
    assertNear(trainer.delta, v2, 1e-10, 'delta2');
    assertNear(trainer.network.params, w1.map((w, k) => w + v2[k]), 1e-10, 'w2');
  });

  it('adam follows Kingma and Ba with bias correction', () => {
    const [lr, beta1, beta2, eps] = [0.05, 0.8, 0.95, 1e-8];
    const { trainer, gradient } = setUp({ kind: 'adam', lr, beta1, beta2, eps });
    let m = new Float64Array(trainer.network.paramCount);
    let v = new Float64Array(trainer.network.paramCount);
    for (let t = 1; t <= 3; t++) {
      const before = Float64Array.from(trainer.network.params);
      const g = gradient();
      trainer.step();
      m = m.map((mk, k) => beta1 * mk + (1 - beta1) * g[k]);
      v = v.map((vk, k) => beta2 * vk + (1 - beta2) * g[k] * g[k]);
      const step = m.map((mk, k) =>
        -lr * (mk / (1 - beta1 ** t)) / (Math.sqrt(v[k] / (1 - beta2 ** t)) + eps));
      assertNear(trainer.delta, step, 1e-8, `delta at t=${t}`);
      assertNear(trainer.network.params, before.map((w, k) => w + step[k]), 1e-8, `w at t=${t}`);
    }
  });
});
