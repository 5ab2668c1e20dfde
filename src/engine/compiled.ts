// A training pass written out for one small network: JavaScript source generated from the
// layer sizes, in which every weight, unit and gradient is a local variable and the chain rule
// is spelled out unit by unit. For networks of a few dozen weights, loops over layers and units
// cost far more than their arithmetic; straight-line code lets the JIT keep everything in
// registers. Nothing but numbers and the fixed names below goes into the source.
//
// The pass computes exactly what Network.forward, lossAndGradient and Network.backward compute
// for the same rows, in the same order of operations, so both paths give the same bits:
// z = ((0 + x₀w₀) + x₁w₁ …) + b; sums over a mini-batch run row by row from 0.

import { Activation, exp, LEAKY_SLOPE } from './activations';
import { Loss, softplus } from './losses';
import type { Network } from './network';

/**
 * Forward, loss and backward over rows order[first … first + rows − 1] of a data set: writes
 * ∂E/∂w (the mini-batch mean, with `scale` = 1/rows) into dEdw and returns Σ_d E_d. Given
 * `norms`, also writes ‖∂E/∂(W_l, b_l)‖₂ into norms[l − 1], summing the squares in params order
 * as the trainer does, while the gradients are still in registers.
 */
export type CompiledPass = (params: Float64Array, inputs: Float64Array, targets: Float64Array,
  order: Int32Array, first: number, rows: number, scale: number, dEdw: Float64Array,
  norms: Float64Array | null) => number;

/** Networks with more parameters than this train through the general path. */
export const COMPILED_PARAM_LIMIT = 128;

/**
 * Passes already built, by source: trainers of the same shape share one function, and with it
 * the JIT's optimised code. Cleared when full; it only saves work.
 */
const passCache = new Map<string, CompiledPass>();
const PASS_CACHE_SIZE = 32;

/**
 * The compiled pass for this network and loss, or undefined when the network is too large or
 * the host forbids generating code (a Content-Security-Policy without 'unsafe-eval').
 */
export function compilePass(network: Network, loss: Loss): CompiledPass | undefined {
  if (network.paramCount > COMPILED_PARAM_LIMIT) return undefined;
  const source = passSource(network, loss);
  const cached = passCache.get(source);
  if (cached !== undefined) return cached;
  let pass: CompiledPass;
  try {
    const build = new Function('exp', 'softplus', source) as
      (expFn: typeof exp, softplusFn: typeof softplus) => CompiledPass;
    pass = build(exp, softplus);
  } catch {
    return undefined;
  }
  if (passCache.size >= PASS_CACHE_SIZE) passCache.clear();
  passCache.set(source, pass);
  return pass;
}

/** The generated source, exported so that tests and curious readers can see it. */
export function passSource(network: Network, loss: Loss): string {
  const sizes = network.sizes, last = sizes.length - 1;
  const w = (k: number): string => `w${k}`;
  const z = (l: number, j: number): string => `z${l}_${j}`;
  const y = (l: number, j: number): string => (l === 0 ? `x${j}` : `y${l}_${j}`);
  const dEdz = (l: number, j: number): string => `dEdz${l}_${j}`;
  const weight = (l: number, j: number, i: number): number =>
    network.weightStarts[l] + j * sizes[l - 1] + i;
  const bias = (l: number, j: number): number => network.biasStarts[l] + j;
  const units = (l: number): number[] => Array.from({ length: sizes[l] }, (_, j) => j);
  const lines: string[] = [];
  const emit = (line: string): void => { lines.push(line); };

  emit('"use strict";');
  emit('return function compiledPass(params, inputs, targets, order, first, rows, scale, dEdw, '
    + 'norms) {');
  for (let k = 0; k < network.paramCount; k++) emit(`  const ${w(k)} = params[${k}];`);
  for (let k = 0; k < network.paramCount; k++) emit(`  let dEdw${k} = 0;`);
  emit('  let total = 0;');
  emit('  for (let d = 0; d < rows; d++) {');
  emit('    const row = order[first + d];');
  emit(`    const inAt = row * ${sizes[0]}, outAt = row * ${sizes[last]};`);
  for (const i of units(0)) emit(`    const ${y(0, i)} = inputs[inAt + ${i}];`);
  for (const k of units(last)) emit(`    const r${k} = targets[outAt + ${k}];`);

  // Forward: z = W·x + b, y = f(z).
  for (let l = 1; l <= last; l++) {
    for (const j of units(l)) {
      const terms = units(l - 1).map((i) => `${y(l - 1, i)} * ${w(weight(l, j, i))}`);
      emit(`    const ${z(l, j)} = 0 + ${terms.join(' + ')} + ${w(bias(l, j))};`);
    }
    const code = network.activations[l] as Activation;
    if (code === Activation.Softmax) {
      emitSoftmax(emit, units(l).map((j) => z(l, j)), units(l).map((j) => y(l, j)), `s${l}`);
    } else {
      for (const j of units(l)) emit(`    const ${y(l, j)} = ${activationOf(code, z(l, j))};`);
    }
  }

  // The loss and ∂E/∂z of the output layer (see losses.ts for the formulas).
  const output = network.activations[last] as Activation;
  const outs = units(last);
  if (loss === Loss.MeanSquared) {
    for (const k of outs) {
      emit(`    const e${k} = ${y(last, k)} - r${k};`);
      emit(`    total += e${k} * e${k};`);
    }
    if (output === Activation.Softmax) {
      for (const k of outs) emit(`    const g${k} = e${k} * scale;`);
      emit(`    let dot = 0;`);
      for (const k of outs) emit(`    dot += g${k} * ${y(last, k)};`);
      for (const k of outs) emit(`    const ${dEdz(last, k)} = ${y(last, k)} * (g${k} - dot);`);
    } else {
      for (const k of outs) {
        const slope = slopeOf(output, z(last, k), y(last, k));
        emit(`    const ${dEdz(last, k)} = ` +
          (slope === undefined ? `e${k} * scale;` : `e${k} * scale * ${slope};`));
      }
    }
  } else if (output === Activation.Softmax) {
    emit('    let lossMax = -Infinity;');
    for (const k of outs) emit(`    if (${z(last, k)} > lossMax) lossMax = ${z(last, k)};`);
    emit('    let sumExp = 0;');
    for (const k of outs) emit(`    sumExp += Math.exp(${z(last, k)} - lossMax);`);
    emit('    const logNorm = lossMax + Math.log(sumExp);');
    emit('    let targetSum = 0;');
    for (const k of outs) {
      emit(`    total -= r${k} * (${z(last, k)} - logNorm);`);
      emit(`    targetSum += r${k};`);
    }
    for (const k of outs) {
      emit(`    const ${dEdz(last, k)} = (${y(last, k)} * targetSum - r${k}) * scale;`);
    }
  } else {
    for (const k of outs) {
      const t = z(last, k);
      emit(`    total += r${k} * softplus(-${t}) + (1 - r${k}) * softplus(${t});`);
      emit(`    const ${dEdz(last, k)} = (${y(last, k)} - r${k}) * scale;`);
    }
  }

  // Backward: ∂E/∂W += ∂E/∂z · xᵀ, ∂E/∂b += ∂E/∂z, and ∂E/∂z below = f'(z) · Wᵀ·∂E/∂z.
  for (let l = last; l >= 1; l--) {
    for (const j of units(l)) {
      emit(`    dEdw${bias(l, j)} += ${dEdz(l, j)};`);
      for (const i of units(l - 1)) {
        emit(`    dEdw${weight(l, j, i)} += ${dEdz(l, j)} * ${y(l - 1, i)};`);
      }
    }
    if (l === 1) continue;
    const below = network.activations[l - 1] as Activation;
    for (const i of units(l - 1)) {
      const terms = units(l).map((j) => `${dEdz(l, j)} * ${w(weight(l, j, i))}`);
      const slope = slopeOf(below, z(l - 1, i), y(l - 1, i));
      const sum = `0 + ${terms.join(' + ')}`;
      const value = slope === undefined ? `${sum};` : `(${sum}) * ${slope};`;
      emit(`    const ${dEdz(l - 1, i)} = ${value}`);
    }
  }
  emit('  }');
  for (let k = 0; k < network.paramCount; k++) emit(`  dEdw[${k}] = dEdw${k};`);
  emit('  if (norms !== null) {');
  for (let l = 1; l <= last; l++) {
    const squares = [];
    for (let k = network.layerEnds[l - 1]; k < network.layerEnds[l]; k++) {
      squares.push(`dEdw${k} * dEdw${k}`);
    }
    emit(`    norms[${l - 1}] = Math.sqrt(0 + ${squares.join(' + ')});`);
  }
  emit('  }');
  emit(loss === Loss.MeanSquared ? '  return 0.5 * total;' : '  return total;');
  emit('};');
  return lines.join('\n');
}

function activationOf(code: Activation, z: string): string {
  switch (code) {
    case Activation.Sigmoid: return `1 / (1 + exp(-${z}))`;
    case Activation.Tanh: return `Math.tanh(${z})`;
    case Activation.Relu: return `${z} > 0 ? ${z} : 0`;
    case Activation.LeakyRelu: return `${z} >= 0 ? ${z} : ${LEAKY_SLOPE} * ${z}`;
    default: return z;
  }
}

/** f'(z) as an expression, or undefined for a linear unit (a factor of 1 is left out). */
function slopeOf(code: Activation, z: string, y: string): string | undefined {
  switch (code) {
    case Activation.Sigmoid: return `(${y} * (1 - ${y}))`;
    case Activation.Tanh: return `(1 - ${y} * ${y})`;
    case Activation.Relu: return `(${z} > 0 ? 1 : 0)`;
    case Activation.LeakyRelu: return `(${z} >= 0 ? 1 : ${LEAKY_SLOPE})`;
    default: return undefined;
  }
}

/** y_k = exp(z_k − max z) / Σ exp(z_m − max z), in the order softmaxRows uses. */
function emitSoftmax(emit: (line: string) => void, zs: string[], ys: string[], prefix: string):
  void {
  emit(`    let ${prefix}Max = -Infinity;`);
  for (const z of zs) emit(`    if (${z} > ${prefix}Max) ${prefix}Max = ${z};`);
  emit(`    let ${prefix}Sum = 0;`);
  zs.forEach((z, k) => {
    emit(`    const ${prefix}E${k} = Math.exp(${z} - ${prefix}Max);`);
    emit(`    ${prefix}Sum += ${prefix}E${k};`);
  });
  ys.forEach((y, k) => emit(`    const ${y} = ${prefix}E${k} / ${prefix}Sum;`));
}
