// Every rule a .nnspec file must keep: the parser's problems, then what the values mean: the
// layers' shape, the loss against the output, numbers in their ranges, the data against the
// layers (generators, the file's own table, CSV files on disk), and warnings for files that
// would run but are probably not what the author meant.

import * as fs from 'node:fs';
import { checkData, startOfFile, type DataFacts, type Report } from './check-data';
import { listWords, plural } from './names';
import { parseSpec, type ParseResult } from './parse';
import type { Diagnostic, Range, Severity, SpecDocument, SpecLayer } from './types';

export interface CheckOptions {
  /** Absolute path of the spec: CSV files are found relative to its folder. */
  specPath?: string;
  /** A file's text, or undefined when it does not exist. */
  readFile?: (absPath: string) => string | undefined;
}

/** More weights than this would take the engine hundreds of megabytes; surely a slip. */
export const MAX_WEIGHTS = 10_000_000;

/** Reads a file with Node, or undefined when it cannot be read. */
export function readFileOrUndefined(absPath: string): string | undefined {
  try {
    return fs.readFileSync(absPath, 'utf8');
  } catch {
    return undefined;
  }
}

/** Every rule: parse errors plus the semantic checks. */
export function checkSpec(text: string, options: CheckOptions = {}): ParseResult {
  const { doc, diagnostics } = parseSpec(text);
  const found: Diagnostic[] = [];
  const report = (code: string, range: Range, message: string, severity: Severity = 'error') => {
    found.push({ range, severity, code, message });
  };

  const shapeKnown = checkLayers(doc, report);
  checkLoss(doc, report);
  checkSettings(doc, report);
  const facts = checkData(doc, {
    report,
    shapeKnown,
    specPath: options.specPath,
    readFile: options.readFile ?? readFileOrUndefined,
  });
  checkLikelySlips(doc, facts, report);

  const all = [...diagnostics, ...found];
  all.sort((a, b) =>
    a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  return { doc, diagnostics: all };
}

function sizeIsValid(layer: SpecLayer): boolean {
  return Number.isInteger(layer.size) && layer.size >= 1;
}

/** Says whether the layers are sound enough for the data to be judged against them. */
function checkLayers(doc: SpecDocument, report: Report): boolean {
  const layers = doc.layers;
  if (layers.length === 0) {
    report('too-few-layers', startOfFile(),
      'no layers: a network needs an input layer and an output ' +
      'layer at least, like `layer x 1` and `layer y 1 linear`');
  } else if (layers.length === 1) {
    report('too-few-layers', layers[0].range, `\`${layers[0].name}\` is the only layer: a ` +
      'network needs at least two, the input and the output (add one below it)');
  }

  const last = layers.length - 1;
  layers.forEach((layer, index) => {
    const written = layer.activation;
    if (index === 0) {
      if (written !== null && layer.activationRange !== undefined) {
        report('input-activation', layer.activationRange, `the input layer \`${layer.name}\` ` +
          `takes no activation: its units hold the inputs as they are; remove \`${written}\``);
      }
      return;
    }
    if (layer.activationRange === undefined) {
      report('missing-activation', layer.range, `layer \`${layer.name}\` needs an activation ` +
        `after its size: ${index === last ? 'linear, sigmoid, softmax' : 'tanh, relu, sigmoid'}` +
        ', …');
    } else if (written === 'softmax' && index < last) {
      report('softmax-hidden', layer.activationRange, `softmax is for the output layer only; ` +
        `give the hidden layer \`${layer.name}\` tanh, relu or sigmoid`);
    } else if (written === 'softmax' && layer.size === 1) {
      report('softmax-single', layer.activationRange, 'softmax over a single unit always ' +
        'outputs 1, whatever the input; use sigmoid, or give the layer a unit per class',
      'warning');
    }
  });

  if (!layers.every(sizeIsValid)) return false;
  let total = 0;
  for (let index = 1; index < layers.length; index++) {
    total += (layers[index - 1].size + 1) * layers[index].size;
    if (total > MAX_WEIGHTS) {
      report('too-many-weights', layers[index].sizeRange,
        `the layers up to \`${layers[index].name}\` ` +
        `already have ${total.toLocaleString('en-US')} weights; the engine takes at most ` +
        `${MAX_WEIGHTS.toLocaleString('en-US')}`);
      return false;
    }
  }
  return layers.length >= 2;
}

function checkLoss(doc: SpecDocument, report: Report): void {
  const output = doc.layers[doc.layers.length - 1];
  if (doc.loss?.value !== 'cross_entropy' || doc.layers.length < 2 || output.activation === null) {
    return;
  }
  if (output.activation === 'softmax' || (output.activation === 'sigmoid' && output.size === 1)) {
    return;
  }
  const is = `the output layer \`${output.name}\` is ${plural(output.size, 'unit')} of ` +
    `${output.activation}`;
  const fix = output.size === 1 ? `make it sigmoid` : 'make it softmax';
  report('loss-activation', doc.loss.range, `cross_entropy needs a softmax output layer or a ` +
    `single sigmoid unit; ${is}: ${fix}, or use \`loss mse\``);
}

/** Whole numbers, learning rates, betas and the like, each in its range. */
function checkSettings(doc: SpecDocument, report: Report): void {
  for (const keyword of ['batch', 'epochs', 'seed'] as const) {
    const setting = doc[keyword];
    if (setting === undefined) continue;
    if (!Number.isSafeInteger(setting.value) || setting.value < 1) {
      report('value-range', setting.range, `\`${keyword}\` is a whole number, at least 1, ` +
        `not ${setting.value}`);
    } else if (keyword === 'seed' && setting.value > 0xffffffff) {
      report('seed-wraps', setting.range, 'seeds are taken modulo 2^32, so this one gives the ' +
        `same run as seed ${setting.value % 2 ** 32}`, 'warning');
    }
  }

  if (doc.validate !== undefined && !(doc.validate.value >= 0 && doc.validate.value < 1)) {
    report('value-range', doc.validate.range, '`validate` is the fraction of rows held out, ' +
      `at least 0 and below 1, not ${doc.validate.value}`);
  }

  const scale = doc.init?.scale;
  if (scale !== undefined && !(scale.value > 0)) {
    report('value-range', scale.range, `\`init ${doc.init?.kind}\` takes a ` +
      `${doc.init?.kind === 'uniform' ? 'half-width' : 'standard deviation'} above 0, ` +
      `not ${scale.value}`);
  }

  for (const param of doc.optimizer?.params ?? []) {
    if (typeof param.value !== 'number') {
      report('expected-number', param.valueRange, `\`${param.key}\` takes a number, not a range`);
      continue;
    }
    const value = param.value;
    if (param.key === 'lr' && !(value > 0)) {
      report('value-range', param.valueRange,
        `the learning rate \`lr\` must be above 0, not ${value}`);
    } else if (param.key === 'eps' && !(value > 0)) {
      report('value-range', param.valueRange, `\`eps\` must be above 0, not ${value}`);
    } else if (param.key.startsWith('beta') && !(value >= 0 && value < 1)) {
      report('value-range', param.valueRange, `\`${param.key}\` must be at least 0 and below 1, ` +
        `not ${value}`);
    }
  }
}

/** Files that run but probably do not do what their author meant. */
function checkLikelySlips(doc: SpecDocument, facts: DataFacts, report: Report): void {
  const rows = facts.rows;
  if (rows !== undefined && rows > 0) {
    const validate = doc.validate?.value ?? 0;
    const held = validate > 0 && validate < 1 ? Math.min(rows - 1, Math.round(rows * validate)) : 0;
    const trainingRows = rows - held;
    if (doc.validate !== undefined && validate > 0 && validate < 1 && held <= 0) {
      report('validate-empty', doc.validate.range, `with ${plural(rows, 'row')}, ` +
        `\`validate ${validate}\` holds out none; the validation loss stays empty`, 'warning');
    }
    const batch = doc.batch;
    if (batch !== undefined && Number.isSafeInteger(batch.value) && batch.value > trainingRows) {
      report('batch-size', batch.range, `\`batch ${batch.value}\` is more than the ` +
        `${plural(trainingRows, 'training row')}; every step takes all of them`, 'warning');
    }
  }

  if (doc.init?.kind === 'zeros') {
    const symmetric = symmetricLayers(doc);
    if (symmetric.length > 0) {
      report('symmetric-init', doc.init.kindRange, `with \`init zeros\`, the units of ` +
        `${listWords(symmetric.map((name) => `\`${name}\``), 'and')} start equal and get equal ` +
        'updates, so they stay equal; use xavier or he, or write their weights', 'warning');
    }
  }
}

/** Hidden layers of several units whose incoming weights the file does not all write. */
function symmetricLayers(doc: SpecDocument): string[] {
  const layers = doc.layers;
  if (!layers.every(sizeIsValid)) return [];
  const writtenInto = new Array<number>(layers.length).fill(0);
  for (const weight of doc.weights) if (weight.id.from >= 0) writtenInto[weight.id.layer]++;
  const names: string[] = [];
  for (let index = 1; index < layers.length - 1; index++) {
    const incoming = layers[index].size * layers[index - 1].size;
    if (layers[index].size > 1 && writtenInto[index] < incoming) names.push(layers[index].name);
  }
  return names;
}
