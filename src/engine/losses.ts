// The loss of a mini-batch and its gradient with respect to the output layer's total input z,
// which is where back-propagation starts.
//
//   mse:            E = ½ Σ_k (r_k − y_k)²,          ∂E/∂y_k = y_k − r_k, then through f'.
//   cross_entropy:  softmax output: E = −Σ_k r_k ln y_k, ∂E/∂z_k = y_k Σ_m r_m − r_k
//                   (= y_k − r_k for one-hot or any targets that sum to 1);
//                   sigmoid output: E = −Σ_k [r_k ln y_k + (1 − r_k) ln(1 − y_k)],
//                   ∂E/∂z_k = y_k − r_k (one unit is the usual binary form; more units are
//                   independent binary outputs).
//
// The logarithms are taken from z, not y, so a saturated output gives a large finite loss
// rather than ln 0: for softmax ln y_k = z_k − logΣexp(z); for sigmoid ln y = −softplus(−z) and
// ln(1 − y) = −softplus(z), with softplus(t) = max(t, 0) + ln(1 + e^−|t|).

import { Activation, multiplyByDerivative } from './activations';
import type { LossName } from './config';

export const enum Loss {
  MeanSquared = 0,
  CrossEntropy = 1,
}

export function lossCode(name: LossName): Loss {
  return name === 'mse' ? Loss.MeanSquared : Loss.CrossEntropy;
}

/** Why this loss cannot sit on this output activation, or undefined when it can. */
export function lossMismatch(loss: LossName, output: Activation): string | undefined {
  if (loss === 'cross_entropy' && output !== Activation.Softmax && output !== Activation.Sigmoid) {
    return 'cross_entropy needs a softmax output layer, or a sigmoid one for binary targets';
  }
  return undefined;
}

/** ln(1 + e^t) without overflow for large t or loss of digits for very negative t. */
export function softplus(t: number): number {
  return (t > 0 ? t : 0) + Math.log1p(Math.exp(-Math.abs(t)));
}

/**
 * The summed per-sample loss Σ_d E_d over `rows` samples, and ∂E/∂z of the output layer into
 * `dEdz`, multiplied by `scale` (1/rows turns the sum into the mini-batch mean).
 */
export function lossAndGradient(loss: Loss, activation: Activation, z: Float64Array,
  y: Float64Array, targets: Float64Array, dEdz: Float64Array, rows: number, size: number,
  scale: number): number {
  const count = rows * size;
  let total = 0;

  if (loss === Loss.MeanSquared) {
    for (let k = 0; k < count; k++) {
      const error = y[k] - targets[k];
      total += error * error;
      dEdz[k] = error * scale;
    }
    multiplyByDerivative(activation, z, y, dEdz, rows, size);
    return 0.5 * total;
  }

  if (activation === Activation.Softmax) {
    for (let row = 0, start = 0; row < rows; row++, start += size) {
      const end = start + size;
      const logNorm = logSumExp(z, start, end);
      let targetSum = 0;
      for (let k = start; k < end; k++) {
        const r = targets[k];
        total -= r * (z[k] - logNorm);
        targetSum += r;
      }
      for (let k = start; k < end; k++) dEdz[k] = (y[k] * targetSum - targets[k]) * scale;
    }
    return total;
  }

  for (let k = 0; k < count; k++) {
    const r = targets[k], t = z[k];
    total += r * softplus(-t) + (1 - r) * softplus(t);
    dEdz[k] = (y[k] - r) * scale;
  }
  return total;
}

/** The summed per-sample loss only, for evaluation; the same formulas as lossAndGradient. */
export function lossOnly(loss: Loss, activation: Activation, z: Float64Array, y: Float64Array,
  targets: Float64Array, rows: number, size: number): number {
  const count = rows * size;
  let total = 0;
  if (loss === Loss.MeanSquared) {
    for (let k = 0; k < count; k++) {
      const error = y[k] - targets[k];
      total += error * error;
    }
    return 0.5 * total;
  }
  if (activation === Activation.Softmax) {
    for (let row = 0, start = 0; row < rows; row++, start += size) {
      const end = start + size;
      const logNorm = logSumExp(z, start, end);
      for (let k = start; k < end; k++) total -= targets[k] * (z[k] - logNorm);
    }
    return total;
  }
  for (let k = 0; k < count; k++) {
    const r = targets[k], t = z[k];
    total += r * softplus(-t) + (1 - r) * softplus(t);
  }
  return total;
}

/** ln Σ_k exp(z_k) over z[start, end), shifted by the largest z so that no exp overflows. */
function logSumExp(z: Float64Array, start: number, end: number): number {
  let max = -Infinity;
  for (let k = start; k < end; k++) if (z[k] > max) max = z[k];
  let sumExp = 0;
  for (let k = start; k < end; k++) sumExp += Math.exp(z[k] - max);
  return max + Math.log(sumExp);
}
