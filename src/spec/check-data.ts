// The rules about a file's data: that there is some, that a generator's keys hold values it
// takes and its columns fit the layers, that a table's header names exactly the input then the
// output units, and that a CSV file exists, has the columns named, and holds numbers in them.

import * as path from 'node:path';
import type { ActivationName } from '../engine/config';
import { CsvError, parseCsv, type CsvTable } from '../engine/data/csv';
import { GENERATORS, withDefaults, type GeneratorParams } from '../engine/data/generators';
import { plural } from './names';
import { didYouMean } from './suggest';
import type { Range, Severity, SpecData, SpecDocument, SpecLayer, Valued } from './types';

export type Report = (code: string, range: Range, message: string, severity?: Severity) => void;

export interface DataContext {
  report: Report;
  /** The layers are sound: at least two, each of a valid size. */
  shapeKnown: boolean;
  specPath?: string;
  readFile: (absPath: string) => string | undefined;
}

/** What the checks learnt that later rules use. */
export interface DataFacts {
  /** Rows in the data set before the validation split, where known. */
  rows?: number;
}

/** An empty range at the file's start, for what the file lacks altogether. */
export function startOfFile(): Range {
  return { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
}

export function checkData(doc: SpecDocument, context: DataContext): DataFacts {
  const data = doc.data;
  if (data === undefined) {
    // A `data` statement that did not parse has had its problem reported already.
    if (!doc.statements.some((statement) => statement.keyword === 'data')) {
      context.report('missing-data', startOfFile(),
        'no `data`: add `data GENERATOR …` (xor, sine, ' +
        'spiral, circles, gauss, linear), `data "FILE.csv" outputs=…`, or `data` above an ' +
        'indented table');
    }
    return {};
  }
  switch (data.kind) {
    case 'generator': return checkGenerator(doc, data, context);
    case 'table': return checkTable(doc, data, context);
    case 'csv': return checkCsv(doc, data, context);
  }
}

function describeLayer(layer: SpecLayer): string {
  return `\`${layer.name}\` has ${plural(layer.size, 'unit')}`;
}

function checkGenerator(doc: SpecDocument, data: Extract<SpecData, { kind: 'generator' }>,
  { report, shapeKnown }: DataContext): DataFacts {
  const info = GENERATORS[data.name];
  const given: GeneratorParams = {};
  let valid = true;

  for (const param of data.params) {
    const key = info.keys[param.key];
    const value = param.value;
    const limits = (key.min !== undefined ? `at least ${key.min}` : '') +
      (key.min !== undefined && key.max !== undefined ? ' and ' : '') +
      (key.max !== undefined ? `at most ${key.max}` : '');
    let problem: string | undefined;
    if (key.kind === 'range') {
      if (typeof value === 'number') {
        problem = `\`${param.key}\` is a range \`LOW..HIGH\`, like \`${param.key}=-3..3\``;
      } else if (!(value[0] < value[1])) {
        problem = `\`${param.key}\` needs LOW below HIGH, not ${value[0]}..${value[1]}`;
      }
    } else if (typeof value !== 'number') {
      problem = `\`${param.key}\` takes ${key.kind === 'int' ? 'a whole number' : 'a number'}, ` +
        'not a range';
    } else if (key.kind === 'int' && !Number.isInteger(value)) {
      problem = `\`${param.key}\` is a whole number${limits ? `, ${limits}` : ''}, not ${value}`;
    } else if ((key.min !== undefined && value < key.min) ||
      (key.max !== undefined && value > key.max)) {
      problem = `\`${param.key}\` must be ${limits}, not ${value}`;
    }
    if (problem !== undefined) {
      report('value-range', param.valueRange, problem);
      valid = false;
    }
    given[param.key] = value;
  }
  if (!valid) return {};

  const params = withDefaults(info, given);
  const samples = params.samples as number;
  if (!shapeKnown) return { rows: samples };

  const input = doc.layers[0];
  const output = doc.layers[doc.layers.length - 1];
  const inputs = info.inputCount(params);
  if (inputs !== input.size) {
    report('data-inputs', data.nameRange, `\`${data.name}\` makes ${plural(inputs, 'input')}, ` +
      `but the input layer ${describeLayer(input)}`);
  }
  const outputs = info.outputCount(params, output.size);
  if (typeof outputs === 'string') {
    report('data-outputs', data.nameRange, `\`${data.name}\`${classesNote(given, params)} needs ` +
      `${outputs}; the output layer ${describeLayer(output)}`);
  } else if (outputs !== output.size) {
    report('data-outputs', data.nameRange, `\`${data.name}\` makes ${plural(outputs, 'target')}, ` +
      `but the output layer ${describeLayer(output)}`);
  }
  return { rows: samples };
}

function classesNote(given: GeneratorParams, params: GeneratorParams): string {
  const classes = params.classes;
  if (typeof classes !== 'number') return '';
  return ` with ${classes} classes${given.classes === undefined ? ' (the default)' : ''}`;
}

function checkTable(doc: SpecDocument, data: Extract<SpecData, { kind: 'table' }>,
  { report, shapeKnown }: DataContext): DataFacts {
  const facts = { rows: data.rows.length };
  if (!shapeKnown || data.header.length === 0 || data.headerRange === undefined) return facts;
  if (data.header.some((column) => column.unit === undefined)) return facts;

  const layers = doc.layers;
  const last = layers.length - 1;
  const seen = new Map<string, number>();
  let inOutputs = false;
  let sound = true;
  data.header.forEach((column, index) => {
    const unit = column.unit as { layer: number; unit: number };
    const key = `${unit.layer}:${unit.unit}`;
    const isOutput = unit.layer === last;
    let problem: string | undefined;
    if (unit.layer !== 0 && !isOutput) {
      problem = `\`${column.text}\` is a hidden unit; the table names the input units ` +
        `(\`${layers[0].name}\`) then the output units (\`${layers[last].name}\`)`;
    } else if (seen.has(key)) {
      problem = `\`${column.text}\` is already column ${(seen.get(key) as number) + 1}`;
    } else if (!isOutput && inOutputs) {
      problem = `\`${column.text}\` is an input unit after an output unit: the table names ` +
        'the input units first, then the output units';
    }
    if (problem !== undefined) {
      report('table-header', column.range, problem);
      sound = false;
    }
    seen.set(key, index);
    inOutputs ||= isOutput;
  });
  if (!sound) return facts;

  const missing: string[] = [];
  for (const layer of [0, last]) {
    for (let unit = 0; unit < layers[layer].size; unit++) {
      if (!seen.has(`${layer}:${unit}`)) {
        const { name, size } = layers[layer];
        missing.push(size === 1 ? name : `${name}[${unit + 1}]`);
      }
    }
  }
  if (missing.length > 0) {
    report('table-header', data.headerRange, `the header names no column for ` +
      `${missing.map((unit) => `\`${unit}\``).join(', ')}; it needs every input unit, then ` +
      'every output unit');
    return facts;
  }

  // Targets the output layer cannot reach.
  const bounds = reachable(layers[last].activation);
  if (bounds !== undefined) {
    const outputColumns = data.header
      .map((column, index) => ({ column, index }))
      .filter(({ column }) => column.unit?.layer === last);
    let first: { range: Range; value: number } | undefined;
    let count = 0;
    for (const row of data.rows) {
      if (row.values.length !== data.header.length) continue;
      for (const { index } of outputColumns) {
        const value = row.values[index];
        if (value < bounds[0] || value > bounds[1]) {
          first ??= { range: row.ranges[index], value };
          count++;
        }
      }
    }
    if (first !== undefined) {
      report('target-range', first.range, unreachable(layers[last], bounds, first.value, count),
        'warning');
    }
  }
  return facts;
}

function unreachable(output: SpecLayer, bounds: [number, number], value: number,
  count: number): string {
  const span = bounds[1] === Infinity
    ? `${bounds[0]} or more`
    : `between ${bounds[0]} and ${bounds[1]}`;
  const more = count > 1 ? ` (nor ${count - 1} other target${count === 2 ? '' : 's'})` : '';
  return `the output layer \`${output.name}\` is ${output.activation}, whose outputs are ` +
    `${span}: it cannot reach the target ${value}${more}`;
}

/** A CSV cell holds a number when it is not empty and reads as a finite number. */
function cellNumber(raw: string | undefined): number {
  return raw === undefined || raw.trim() === '' ? NaN : Number(raw);
}

/**
 * The last table read from each CSV file, kept while the file's text is unchanged: an editor
 * checks a spec at every pause in typing, and the data file rarely changes between two checks.
 */
const parsedCsvFiles = new Map<string, { text: string; table: CsvTable }>();
const MAX_PARSED_CSV_FILES = 8;

function parseCsvOnce(absolute: string, text: string): CsvTable {
  const kept = parsedCsvFiles.get(absolute);
  if (kept !== undefined && kept.text === text) return kept.table;
  const table = parseCsv(text);
  if (parsedCsvFiles.size >= MAX_PARSED_CSV_FILES) parsedCsvFiles.clear();
  parsedCsvFiles.set(absolute, { text, table });
  return table;
}

function checkCsv(doc: SpecDocument, data: Extract<SpecData, { kind: 'csv' }>,
  { report, shapeKnown, specPath, readFile }: DataContext): DataFacts {
  const named = [...(data.inputs ?? []), ...data.outputs];
  const listed = new Map<string, Valued<string>>();
  for (const column of named) {
    const first = listed.get(column.value);
    if (first !== undefined) {
      const both = data.outputs.includes(column) && !data.outputs.includes(first);
      report('csv-column', column.range, `column \`${column.value}\` is ` +
        (both ? 'listed as an input and as an output' : 'already listed'));
      return {};
    }
    listed.set(column.value, column);
  }

  if (specPath === undefined && !path.isAbsolute(data.file)) return {};
  const absolute = specPath === undefined
    ? data.file
    : path.resolve(path.dirname(specPath), data.file);
  const text = readFile(absolute);
  if (text === undefined) {
    report('csv-missing', data.fileRange, `cannot read \`${data.file}\`: no such file ` +
      `(looked for ${absolute}); the path is relative to the spec's folder`);
    return {};
  }

  let table: CsvTable;
  try {
    table = parseCsvOnce(absolute, text);
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    report('csv-syntax', data.fileRange, `\`${data.file}\` line ${error.line}: ${error.message}`);
    return {};
  }

  const facts = { rows: table.rows.length };
  const columnOf = (column: Valued<string>): number | undefined => {
    const index = table.header.indexOf(column.value);
    if (index < 0) {
      report('csv-column', column.range, `\`${data.file}\` has no column ` +
        `\`${column.value}\`${didYouMean(column.value, table.header, false)} (its columns: ` +
        `${table.header.join(', ')})`);
      return undefined;
    }
    if (table.header.indexOf(column.value, index + 1) >= 0) {
      report('csv-column', column.range, `\`${data.file}\` has two columns named ` +
        `\`${column.value}\`; rename one so the spec can tell them apart`);
      return undefined;
    }
    return index;
  };
  const outputColumns = data.outputs.map(columnOf);
  const inputColumns = data.inputs !== undefined
    ? data.inputs.map(columnOf)
    : table.header.map((_, index) => index).filter((index) => !outputColumns.includes(index));
  if (outputColumns.includes(undefined) || inputColumns.includes(undefined)) return facts;

  if (table.rows.length === 0) {
    report('csv-empty', data.fileRange, `\`${data.file}\` has a header but no rows`);
    return facts;
  }
  if (!shapeKnown) return facts;

  const input = doc.layers[0];
  const output = doc.layers[doc.layers.length - 1];
  const classes = outputColumns.length === 1 && output.size > 1 ? output.size : 0;
  const names = (columns: (number | undefined)[]) =>
    columns.map((index) => table.header[index as number]).join(', ');
  let fits = true;
  if (inputColumns.length !== input.size) {
    report('csv-columns', data.inputsKeyRange ?? data.fileRange, `${plural(inputColumns.length,
      'input column')} (${names(inputColumns)}), but the input layer ${describeLayer(input)}` +
      (data.inputs === undefined ? '; without `inputs=`, every column not an output is an input'
        : ''));
    fits = false;
  }
  if (classes === 0 && outputColumns.length !== output.size) {
    report('csv-columns', data.outputsKeyRange ?? data.fileRange, `${plural(outputColumns.length,
      'output column')} (${names(outputColumns)}), but the output layer ${describeLayer(output)}` +
      ' (one column of class indices is also fine for several output units)');
    fits = false;
  }
  if (!fits) return facts;

  checkCells(data, table, inputColumns as number[], outputColumns as number[], classes, output,
    report);
  return facts;
}

/** Every cell the network reads is a number; a class index is a whole number 0..classes−1. */
function checkCells(data: Extract<SpecData, { kind: 'csv' }>, table: CsvTable,
  inputColumns: number[], outputColumns: number[], classes: number, output: SpecLayer,
  report: Report): void {
  let badCell: { line: number; column: number; raw: string | undefined } | undefined;
  let badCells = 0;
  let badClass: { line: number; value: number } | undefined;
  let badClasses = 0;
  let target: { line: number; value: number } | undefined;
  let targets = 0;
  const bounds = classes > 0 ? undefined : reachable(output.activation);

  for (const row of table.rows) {
    for (const column of [...inputColumns, ...outputColumns]) {
      const value = cellNumber(row.values[column]);
      if (!Number.isFinite(value)) {
        badCell ??= { line: row.line, column, raw: row.values[column] };
        badCells++;
      } else if (classes > 0 && column === outputColumns[0] &&
        !(Number.isInteger(value) && value >= 0 && value < classes)) {
        badClass ??= { line: row.line, value };
        badClasses++;
      } else if (bounds !== undefined && outputColumns.includes(column) &&
        (value < bounds[0] || value > bounds[1])) {
        target ??= { line: row.line, value };
        targets++;
      }
    }
  }

  const others = (count: number, what: string): string =>
    count > 1 ? ` (and ${count - 1} more ${what}${count === 2 ? '' : 's'})` : '';
  if (badCell !== undefined) {
    const what = badCell.raw === undefined ? 'is missing' : badCell.raw.trim() === ''
      ? 'is empty' : `is \`${badCell.raw}\`, not a number`;
    report('csv-number', data.fileRange, `\`${data.file}\` line ${badCell.line}, column ` +
      `\`${table.header[badCell.column]}\`: the cell ${what}${others(badCells, 'cell')}`);
  }
  if (badClass !== undefined) {
    report('csv-class', data.fileRange, `\`${data.file}\` line ${badClass.line}, column ` +
      `\`${table.header[outputColumns[0]]}\`: ${badClass.value} is not a class index; with ` +
      `one output column for the ${output.size} units of \`${output.name}\`, each target is a ` +
      `class 0…${classes - 1}${others(badClasses, 'row')}`);
  }
  if (target !== undefined) {
    report('target-range', data.fileRange, `\`${data.file}\` line ${target.line}: ` +
      unreachable(output, bounds as [number, number], target.value, targets), 'warning');
  }
}

/** Outputs an activation can reach: targets outside them are a likely slip. */
export function reachable(activation: ActivationName | null): [number, number] | undefined {
  switch (activation) {
    case 'sigmoid':
    case 'softmax': return [0, 1];
    case 'tanh': return [-1, 1];
    case 'relu': return [0, Infinity];
    default: return undefined;
  }
}
