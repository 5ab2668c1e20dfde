// Turns a checked SpecDocument into the NetworkConfig the engine trains: statements the file
// leaves out take DEFAULTS, a table's columns are put in unit order, a CSV path becomes absolute.

import * as path from 'node:path';
import {
  DEFAULTS,
  type DataConfig, type InitConfig, type NetworkConfig, type OptimizerConfig,
} from '../engine/config';
import type { SpecData, SpecDocument, SpecOptimizer } from './types';

/** Only for a document without errors. Name: `network NAME` or the file's base name. */
export function toConfig(doc: SpecDocument, options: { specPath: string }): NetworkConfig {
  if (doc.layers.length < 2) throw new Error('the spec needs at least two layers');
  if (doc.data === undefined) throw new Error('the spec has no data');

  return {
    name: doc.name ?? path.basename(options.specPath, path.extname(options.specPath)),
    layers: doc.layers.map((layer, index) => ({
      name: layer.name,
      size: layer.size,
      activation: index === 0 ? null : layer.activation,
    })),
    loss: doc.loss?.value ?? DEFAULTS.loss,
    optimizer: optimizerConfig(doc.optimizer),
    batch: doc.batch?.value ?? DEFAULTS.batch,
    epochs: doc.epochs?.value ?? DEFAULTS.epochs,
    seed: doc.seed?.value ?? DEFAULTS.seed,
    shuffle: doc.shuffle?.value ?? DEFAULTS.shuffle,
    init: initConfig(doc),
    validate: doc.validate?.value ?? DEFAULTS.validate,
    data: dataConfig(doc, doc.data, options.specPath),
    initialWeights: doc.weights.map((weight) => ({ id: { ...weight.id }, value: weight.value })),
  };
}

function optimizerConfig(optimizer: SpecOptimizer | undefined): OptimizerConfig {
  if (optimizer === undefined) return { ...DEFAULTS.optimizer };
  const given = (key: string, fallback: number): number => {
    const value = optimizer.params.find((param) => param.key === key)?.value;
    return typeof value === 'number' ? value : fallback;
  };
  switch (optimizer.kind) {
    case 'sgd':
      return { kind: 'sgd', lr: given('lr', DEFAULTS.optimizer.lr) };
    case 'momentum':
      return {
        kind: 'momentum',
        lr: given('lr', DEFAULTS.optimizer.lr),
        beta: given('beta', DEFAULTS.momentumBeta),
      };
    case 'adam':
      return {
        kind: 'adam',
        lr: given('lr', DEFAULTS.adam.lr),
        beta1: given('beta1', DEFAULTS.adam.beta1),
        beta2: given('beta2', DEFAULTS.adam.beta2),
        eps: given('eps', DEFAULTS.adam.eps),
      };
  }
}

function initConfig(doc: SpecDocument): InitConfig {
  const init = doc.init;
  if (init === undefined) return { ...DEFAULTS.init };
  switch (init.kind) {
    case 'uniform': return { kind: 'uniform', a: init.scale?.value ?? 0 };
    case 'normal': return { kind: 'normal', s: init.scale?.value ?? 0 };
    default: return { kind: init.kind };
  }
}

function dataConfig(doc: SpecDocument, data: SpecData, specPath: string): DataConfig {
  switch (data.kind) {
    case 'generator': {
      const params: Record<string, number | [number, number]> = {};
      for (const param of data.params) {
        params[param.key] = typeof param.value === 'number' ? param.value : [...param.value];
      }
      return { kind: 'generator', name: data.name, params };
    }
    case 'csv':
      return {
        kind: 'csv',
        path: path.resolve(path.dirname(specPath), data.file),
        inputs: data.inputs?.map((column) => column.value),
        outputs: data.outputs.map((column) => column.value),
      };
    case 'table': {
      // The header may list a group's units in any order; the engine wants unit order.
      const last = doc.layers.length - 1;
      const columnOf = (layer: number, unit: number): number => {
        const index = data.header.findIndex((column) =>
          column.unit?.layer === layer && column.unit.unit === unit);
        if (index < 0) throw new Error('the table names no column for a unit');
        return index;
      };
      const inputColumns = Array.from({ length: doc.layers[0].size },
        (_, unit) => columnOf(0, unit));
      const outputColumns = Array.from({ length: doc.layers[last].size },
        (_, unit) => columnOf(last, unit));
      return {
        kind: 'table',
        inputs: data.rows.map((row) => inputColumns.map((column) => row.values[column])),
        targets: data.rows.map((row) => outputColumns.map((column) => row.values[column])),
      };
    }
  }
}
