// The activation functions y = f(z) and their derivatives, applied to a whole mini-batch at
// once. Each activation is a small integer code so that the hot loops dispatch with one switch
// outside the loop instead of a call per unit.

import type { ActivationName } from './config';

export const enum Activation {
  Linear = 0,
  Sigmoid = 1,
  Tanh = 2,
  Relu = 3,
  LeakyRelu = 4,
  Softmax = 5,
}

/** Slope of leaky_relu below 0; at and above 0 its slope is 1. */
export const LEAKY_SLOPE = 0.01;

// e^x for the logistic function, inlined where Math.exp would be a call into the runtime. With
// x = (32m + j)·ln2/32 + r, |r| ≤ ln2/64: e^x = 2^m · 2^(j/32) · e^r, and e^r − 1 is its Taylor
// polynomial to r⁶ (the first term left out is below 4e-18). ln2/32 is split in a high part
// with trailing zero bits, so that k·high is exact, and a low part. Within 1 ulp of Math.exp,
// to which it defers outside the range where the result is a normal number.
const THIRTY_TWO_OVER_LN2 = 32 / Math.LN2;
const LN2_OVER_32_HIGH = 0.02166084938653512;
const LN2_OVER_32_LOW = 5.9631716539705866e-12;
const TWO_TO_J_OVER_32 = new Float64Array(32);
for (let j = 0; j < 32; j++) TWO_TO_J_OVER_32[j] = Math.pow(2, j / 32);
/** 2^m at index m + 1022, for m in −1022 … 1023. */
const TWO_TO_M = new Float64Array(2046);
for (let m = -1022; m <= 1023; m++) TWO_TO_M[m + 1022] = Math.pow(2, m);

export function exp(x: number): number {
  if (!(x > -708 && x < 709)) return Math.exp(x);
  const k = Math.round(x * THIRTY_TWO_OVER_LN2);
  const r = (x - k * LN2_OVER_32_HIGH) - k * LN2_OVER_32_LOW;
  const expm1 = r + r * r * (1 / 2 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120 + r * (1 / 720)))));
  const scale = TWO_TO_J_OVER_32[k & 31];
  return (scale + scale * expm1) * TWO_TO_M[(k >> 5) + 1022];
}

export function activationCode(name: ActivationName): Activation {
  switch (name) {
    case 'linear': return Activation.Linear;
    case 'sigmoid': return Activation.Sigmoid;
    case 'tanh': return Activation.Tanh;
    case 'relu': return Activation.Relu;
    case 'leaky_relu': return Activation.LeakyRelu;
    case 'softmax': return Activation.Softmax;
  }
}

/**
 * y = f(z) for `rows` samples of `size` units. Linear layers share one buffer for z and y, so
 * there is nothing to do for them.
 */
export function activate(code: Activation, z: Float64Array, y: Float64Array, rows: number,
  size: number): void {
  const count = rows * size;
  switch (code) {
    case Activation.Linear:
      if (y !== z) for (let k = 0; k < count; k++) y[k] = z[k];
      return;
    case Activation.Sigmoid:
      for (let k = 0; k < count; k++) y[k] = 1 / (1 + exp(-z[k]));
      return;
    case Activation.Tanh:
      for (let k = 0; k < count; k++) y[k] = Math.tanh(z[k]);
      return;
    case Activation.Relu:
      for (let k = 0; k < count; k++) {
        const v = z[k];
        y[k] = v > 0 ? v : 0;
      }
      return;
    case Activation.LeakyRelu:
      for (let k = 0; k < count; k++) {
        const v = z[k];
        y[k] = v >= 0 ? v : LEAKY_SLOPE * v;
      }
      return;
    case Activation.Softmax:
      softmaxRows(z, y, rows, size);
      return;
  }
}

/**
 * y_k = exp(z_k − max z) / Σ_m exp(z_m − max z), row by row; subtracting the max keeps exp
 * finite.
 */
function softmaxRows(z: Float64Array, y: Float64Array, rows: number, size: number): void {
  for (let row = 0, start = 0; row < rows; row++, start += size) {
    const end = start + size;
    let max = -Infinity;
    for (let k = start; k < end; k++) if (z[k] > max) max = z[k];
    let sum = 0;
    for (let k = start; k < end; k++) {
      const e = Math.exp(z[k] - max);
      y[k] = e;
      sum += e;
    }
    for (let k = start; k < end; k++) y[k] /= sum;
  }
}

/**
 * Turns ∂E/∂y into ∂E/∂z in place: g_k ← g_k · f'(z_k) for element-wise activations, written
 * with y where that is cheaper (sigmoid: y(1 − y); tanh: 1 − y²). relu has slope 0 at 0;
 * leaky_relu has slope 1 at 0. For softmax, whose Jacobian is full within a sample,
 * g_k ← y_k (g_k − Σ_m g_m y_m).
 */
export function multiplyByDerivative(code: Activation, z: Float64Array, y: Float64Array,
  g: Float64Array, rows: number, size: number): void {
  const count = rows * size;
  switch (code) {
    case Activation.Linear:
      return;
    case Activation.Sigmoid:
      for (let k = 0; k < count; k++) {
        const v = y[k];
        g[k] *= v * (1 - v);
      }
      return;
    case Activation.Tanh:
      for (let k = 0; k < count; k++) {
        const v = y[k];
        g[k] *= 1 - v * v;
      }
      return;
    case Activation.Relu:
      for (let k = 0; k < count; k++) g[k] *= z[k] > 0 ? 1 : 0;
      return;
    case Activation.LeakyRelu:
      for (let k = 0; k < count; k++) g[k] *= z[k] >= 0 ? 1 : LEAKY_SLOPE;
      return;
    case Activation.Softmax:
      for (let row = 0, start = 0; row < rows; row++, start += size) {
        const end = start + size;
        let dot = 0;
        for (let k = start; k < end; k++) dot += g[k] * y[k];
        for (let k = start; k < end; k++) g[k] = y[k] * (g[k] - dot);
      }
      return;
  }
}
