// Turns a NetworkConfig's `data` into the rows the trainer walks: generated, read from a CSV file
// or taken from the file's own table, then split into training and validation rows.

import * as fs from 'node:fs';
import type { Dataset, NetworkConfig } from '../config';
import { Random } from '../random';
import { CsvError, parseCsv } from './csv';
import { GENERATORS, withDefaults } from './generators';

/** A problem in a data file, located in that file. Columns and lines are 1-based. */
export class DataError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    message: string,
  ) {
    super(message);
    this.name = 'DataError';
  }
}

export interface LoadedData {
  /** Every row, before the validation split. */
  all: Dataset;
  train: Dataset;
  validation?: Dataset;
}

export interface LoadOptions {
  readFile?: (absolutePath: string) => string;
}

export function loadData(config: NetworkConfig, options: LoadOptions = {}): LoadedData {
  const all = makeRows(config, options);
  const { train, validation } = splitForValidation(all, config.validate, new Random(config.seed));
  return { all, train, validation };
}

function makeRows(config: NetworkConfig, options: LoadOptions): Dataset {
  const inputSize = config.layers[0].size;
  const outputSize = config.layers[config.layers.length - 1].size;
  const data = config.data;
  switch (data.kind) {
    case 'generator': {
      const info = GENERATORS[data.name];
      const rng = new Random(config.seed).stream('data');
      return info.generate(withDefaults(info, data.params), rng, outputSize);
    }
    case 'table':
      return fromRows(data.inputs, data.targets);
    case 'csv': {
      const readFile = options.readFile ?? ((file: string) => fs.readFileSync(file, 'utf8'));
      let text: string;
      try {
        text = readFile(data.path);
      } catch (error) {
        throw new DataError(data.path, 1, 1, `cannot read the CSV file: ${describe(error)}`);
      }
      return fromCsv(data.path, text, data.inputs, data.outputs, inputSize, outputSize);
    }
  }
}

function fromRows(inputs: number[][], targets: number[][]): Dataset {
  const n = inputs.length;
  const nIn = n > 0 ? inputs[0].length : 0;
  const nOut = n > 0 ? targets[0].length : 0;
  const dataset: Dataset = {
    n, nIn, nOut, inputs: new Float64Array(n * nIn), targets: new Float64Array(n * nOut),
  };
  for (let row = 0; row < n; row++) {
    dataset.inputs.set(inputs[row], row * nIn);
    dataset.targets.set(targets[row], row * nOut);
  }
  return dataset;
}

/**
 * Reads the named columns. One output column feeding an output layer of several units holds
 * class indices (0-based), which become one-hot targets.
 */
function fromCsv(
  file: string,
  text: string,
  inputNames: string[] | undefined,
  outputNames: string[],
  inputSize: number,
  outputSize: number,
): Dataset {
  let table;
  try {
    table = parseCsv(text);
  } catch (error) {
    if (error instanceof CsvError) throw new DataError(file, error.line, error.column, error.message);
    throw error;
  }

  const columnOf = (name: string): number => {
    const index = table.header.indexOf(name);
    if (index < 0) {
      throw new DataError(file, 1, 1,
        `no column \`${name}\`; the header has ${table.header.map((h) => `\`${h}\``).join(', ')}`);
    }
    return index;
  };
  const outputColumns = outputNames.map(columnOf);
  const inputColumns = inputNames
    ? inputNames.map(columnOf)
    : table.header.map((_, index) => index).filter((index) => !outputColumns.includes(index));

  const classes = outputColumns.length === 1 && outputSize > 1 ? outputSize : 0;
  const nOut = classes > 0 ? classes : outputColumns.length;
  if (inputColumns.length !== inputSize) {
    throw new DataError(file, 1, 1,
      `${inputColumns.length} input columns for an input layer of ${inputSize} units`);
  }
  if (nOut !== outputSize) {
    throw new DataError(file, 1, 1,
      `${outputColumns.length} output columns for an output layer of ${outputSize} units`);
  }

  const n = table.rows.length;
  const dataset: Dataset = {
    n, nIn: inputSize, nOut, inputs: new Float64Array(n * inputSize),
    targets: new Float64Array(n * nOut),
  };
  table.rows.forEach((row, rowIndex) => {
    const cell = (column: number): number => {
      const raw = row.values[column];
      const value = raw === undefined || raw === '' ? NaN : Number(raw);
      if (!Number.isFinite(value)) {
        const what = raw === undefined || raw === '' ? 'is empty' : `is \`${raw}\`, not a number`;
        throw new DataError(file, row.line, column + 1,
          `column \`${table.header[column]}\` ${what}`);
      }
      return value;
    };
    inputColumns.forEach((column, unit) => {
      dataset.inputs[rowIndex * inputSize + unit] = cell(column);
    });
    if (classes > 0) {
      const label = cell(outputColumns[0]);
      if (!Number.isInteger(label) || label < 0 || label >= classes) {
        throw new DataError(file, row.line, outputColumns[0] + 1,
          `class index ${label} is not one of 0..${classes - 1}`);
      }
      dataset.targets[rowIndex * nOut + label] = 1;
    } else {
      outputColumns.forEach((column, unit) => {
        dataset.targets[rowIndex * nOut + unit] = cell(column);
      });
    }
  });
  return dataset;
}

/**
 * Holds out round(n · fraction) rows, drawn by the seed's "split" stream; both parts keep the
 * rows' original order. At least one row stays for training.
 */
export function splitForValidation(
  all: Dataset,
  fraction: number,
  rng: Random,
): { train: Dataset; validation?: Dataset } {
  const held = Math.min(all.n - 1, Math.round(all.n * fraction));
  if (fraction <= 0 || held <= 0) return { train: all };

  const order = Array.from({ length: all.n }, (_, index) => index);
  rng.stream('split').shuffle(order);
  const isHeld = new Uint8Array(all.n);
  for (let k = 0; k < held; k++) isHeld[order[k]] = 1;

  const pick = (keep: number): Dataset => {
    const rows: number[] = [];
    for (let row = 0; row < all.n; row++) if (isHeld[row] === keep) rows.push(row);
    return subset(all, rows);
  };
  return { train: pick(0), validation: pick(1) };
}

export function subset(data: Dataset, rows: readonly number[]): Dataset {
  const result: Dataset = {
    n: rows.length, nIn: data.nIn, nOut: data.nOut,
    inputs: new Float64Array(rows.length * data.nIn),
    targets: new Float64Array(rows.length * data.nOut),
  };
  rows.forEach((row, k) => {
    result.inputs.set(data.inputs.subarray(row * data.nIn, (row + 1) * data.nIn), k * data.nIn);
    result.targets.set(data.targets.subarray(row * data.nOut, (row + 1) * data.nOut), k * data.nOut);
  });
  return result;
}

function describe(error: unknown): string {
  const code = (error as { code?: string }).code;
  if (code === 'ENOENT') return 'no such file';
  return error instanceof Error ? error.message : String(error);
}
