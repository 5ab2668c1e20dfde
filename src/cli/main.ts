// The `nnspec` command: train, check and gradient-check a .nnspec file without an editor.
// Every failure ends in `FILE:LINE:COL: error: MESSAGE` and a non-zero exit, never a stack trace.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { unitName, type NetworkConfig } from '../engine/config';
import { DataError, loadData, type LoadedData } from '../engine/data/load';
import { gradientCheck } from '../engine/gradcheck';
import { DivergenceError, Trainer } from '../engine/trainer';
import { checkSpec, formatDiagnostic, toConfig, type SpecDocument } from '../spec';
import { formatDuration, formatNumber, ProgressLine } from './progress';

const USAGE = `usage: nnspec <command> FILE [options]

commands:
  train FILE [--epochs N] [--steps N] [--json]   train the network; print the loss and weights
  check FILE                                     print every problem in the file
  gradcheck FILE                                 compare back-propagation with central differences

options:
  --epochs N   train for N epochs instead of the file's \`epochs\`
  --steps N    run exactly N mini-batch steps instead of the epochs
  --json       print one JSON object with the loss history and every weight
  -h, --help   show this help
`;

const GRADCHECK_TOLERANCE = 1e-6;
/** Larger networks print a summary; `--json` still gives every weight. */
const MAX_LISTED_WEIGHTS = 64;

/** A problem to report as FILE:LINE:COL and exit with. */
class CliError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

class UsageError extends Error {}

interface Options {
  command: 'train' | 'check' | 'gradcheck';
  file: string;
  epochs?: number;
  steps?: number;
  json: boolean;
}

function parseArguments(argv: string[]): Options | 'help' {
  if (argv.length === 0 || argv.includes('-h') || argv.includes('--help')) return 'help';
  const [command, ...rest] = argv;
  if (command !== 'train' && command !== 'check' && command !== 'gradcheck') {
    const hint = ['train', 'check', 'gradcheck'].find((name) => name[0] === command[0]);
    throw new UsageError(`unknown command \`${command}\`` + (hint ? `; did you mean \`${hint}\`?` : ''));
  }

  const options: Options = { command, file: '', json: false };
  for (let index = 0; index < rest.length; index++) {
    const argument = rest[index];
    if (argument === '--json' && command === 'train') {
      options.json = true;
    } else if ((argument === '--epochs' || argument === '--steps') && command === 'train') {
      const value = rest[++index];
      const count = Number(value);
      if (value === undefined || !Number.isInteger(count) || count < 1) {
        throw new UsageError(`${argument} takes a whole number of at least 1, not \`${value ?? ''}\``);
      }
      if (argument === '--epochs') options.epochs = count;
      else options.steps = count;
    } else if (argument.startsWith('-')) {
      throw new UsageError(`unknown option \`${argument}\` for \`nnspec ${command}\``);
    } else if (options.file === '') {
      options.file = argument;
    } else {
      throw new UsageError(`one FILE only; \`${argument}\` is one too many`);
    }
  }
  if (options.file === '') throw new UsageError(`\`nnspec ${command}\` needs a FILE`);
  if (options.epochs !== undefined && options.steps !== undefined) {
    throw new UsageError('give --epochs or --steps, not both');
  }
  return options;
}

interface LoadedSpec {
  doc: SpecDocument;
  config: NetworkConfig;
  data: LoadedData;
}

/** Reads and checks the spec, printing its problems; throws when it cannot be trained. */
function loadSpec(file: string, quiet = false): LoadedSpec {
  const absolute = path.resolve(file);
  let text: string;
  try {
    text = fs.readFileSync(absolute, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder' : String(code);
    throw new CliError(file, 1, 1, `cannot read the file: ${reason}`);
  }

  const { doc, diagnostics } = checkSpec(text, { specPath: absolute });
  if (!quiet) for (const d of diagnostics) process.stderr.write(formatDiagnostic(file, d) + '\n');
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  if (errors > 0) {
    throw new CliError(file, 0, 0, `${errors} error${errors === 1 ? '' : 's'}; nothing was trained`);
  }

  const config = toConfig(doc, { specPath: absolute });
  try {
    return { doc, config, data: loadData(config) };
  } catch (error) {
    if (error instanceof DataError) {
      throw new CliError(path.relative(process.cwd(), error.file), error.line, error.column, error.message);
    }
    throw error;
  }
}

function check(options: Options): number {
  const absolute = path.resolve(options.file);
  let text: string;
  try {
    text = fs.readFileSync(absolute, 'utf8');
  } catch {
    throw new CliError(options.file, 1, 1, 'cannot read the file: no such file');
  }
  const { diagnostics } = checkSpec(text, { specPath: absolute });
  for (const d of diagnostics) process.stdout.write(formatDiagnostic(options.file, d) + '\n');
  return diagnostics.some((d) => d.severity === 'error') ? 1 : 0;
}

/** Where the file writes each weight, 1-based, keyed by "layer:to:from". */
function weightLines(doc: SpecDocument): Map<string, { line: number; label?: string }> {
  const lines = new Map<string, { line: number; label?: string }>();
  for (const weight of doc.weights) {
    const { layer, to, from } = weight.id;
    lines.set(`${layer}:${to}:${from}`, { line: weight.line + 1, label: weight.label });
  }
  return lines;
}

function train(options: Options): number {
  const { doc, config, data } = loadSpec(options.file, false);
  if (options.epochs !== undefined) config.epochs = options.epochs;

  const trainer = new Trainer(config, data.train, data.validation, { record: false });
  const stepsPerEpoch = trainer.stepsPerEpoch;
  const totalSteps = options.steps ?? config.epochs * stepsPerEpoch;
  const totalEpochs = Math.ceil(totalSteps / stepsPerEpoch);
  const lastBatchRows = data.train.n - (stepsPerEpoch - 1) * trainer.batchSize;

  const progress = !options.json && process.stderr.isTTY ? new ProgressLine(process.stderr) : undefined;
  const lossHistory: number[] = [];
  const valLossHistory: number[] = [];
  const started = performance.now();
  let epochLossSum = 0;
  let epochRows = 0;
  let nextProgressCheck = 1;

  if (!options.json) process.stdout.write(describeRun(config, data, totalSteps) + '\n');

  const finishEpoch = (): void => {
    lossHistory.push(epochLossSum / epochRows);
    const validation = trainer.validationLoss();
    if (validation !== undefined) valLossHistory.push(validation);
    const epoch = lossHistory.length;
    if (!options.json && (isReportedEpoch(epoch) || epoch === totalEpochs)) {
      progress?.clear();
      const valText = validation !== undefined ? `  validation ${formatNumber(validation)}` : '';
      process.stdout.write(`epoch ${String(epoch).padStart(6)}  loss ${formatNumber(lossHistory[epoch - 1])}${valText}\n`);
    }
    epochLossSum = 0;
    epochRows = 0;
  };

  try {
    for (let step = 1; step <= totalSteps; step++) {
      // Δw and the norms are only read after the last step: record just that one.
      if (step === totalSteps) trainer.record = true;
      const loss = trainer.step();
      const lastOfEpoch = step % stepsPerEpoch === 0;
      const rows = lastOfEpoch ? lastBatchRows : trainer.batchSize;
      epochLossSum += loss * rows;
      epochRows += rows;
      if (lastOfEpoch) finishEpoch();
      if (progress && step >= nextProgressCheck) {
        // Look at the clock about 20 times a second whatever the speed of a step.
        const elapsedSeconds = (performance.now() - started) / 1000;
        nextProgressCheck = step + Math.max(1, Math.round((step / elapsedSeconds) * 0.05));
        progress.update({ step, totalSteps, epoch: lossHistory.length, totalEpochs, loss, elapsedSeconds });
      }
    }
  } catch (error) {
    progress?.clear();
    if (error instanceof DivergenceError) {
      const layer = doc.layers.find((candidate) => candidate.name === error.layerName);
      const where = layer?.range.start ?? { line: 0, character: 0 };
      throw new CliError(options.file, where.line + 1, where.character + 1,
        `${error.message}; a smaller learning rate may help`);
    }
    throw error;
  }
  if (epochRows > 0) finishEpoch();
  progress?.clear();

  const seconds = (performance.now() - started) / 1000;
  const network = trainer.network;
  const written = weightLines(doc);
  const weights = network.weightIds().map((id, index) => {
    const where = written.get(`${id.layer}:${id.to}:${id.from}`);
    return {
      from: unitName(config.layers, id.layer - 1, id.from),
      to: unitName(config.layers, id.layer, id.to),
      ...(where?.label !== undefined ? { label: where.label } : {}),
      value: network.params[index],
      grad: trainer.dEdw[index],
      delta: trainer.delta[index],
      ...(where ? { line: where.line } : {}),
    };
  });

  if (options.json) {
    const result = {
      name: config.name,
      steps: trainer.stepCount,
      epochs: trainer.epoch,
      loss: lossHistory,
      ...(data.validation ? { valLoss: valLossHistory } : {}),
      weights,
    };
    process.stdout.write(JSON.stringify(result) + '\n');
    return 0;
  }

  const speed = Math.round(trainer.stepCount / Math.max(seconds, 1e-9)).toLocaleString('en-US');
  process.stdout.write(
    `trained ${trainer.stepCount.toLocaleString('en-US')} steps in ${formatDuration(seconds)}` +
    ` (${seconds.toFixed(2)} s, ${speed} steps/s)\n\nweights:\n`);
  if (weights.length > MAX_LISTED_WEIGHTS) {
    process.stdout.write(`  ${weights.length.toLocaleString('en-US')} weights; \`--json\` lists them all. ` +
      `Mean |w| by layer:\n`);
    for (let layer = 1; layer < config.layers.length; layer++) {
      const own = weights.filter((_, index) => network.idAt(index).layer === layer);
      const meanAbs = own.reduce((sum, w) => sum + Math.abs(w.value), 0) / own.length;
      process.stdout.write(`  ${config.layers[layer].name.padEnd(12)} ${formatNumber(meanAbs)}\n`);
    }
    return 0;
  }
  const nameWidth = Math.max(...weights.map((w) => `${w.from} -> ${w.to}`.length));
  const labelWidth = Math.max(0, ...weights.map((w) => (w.label ? w.label.length + 2 : 0)));
  for (const weight of weights) {
    const label = (weight.label ? `${weight.label}: ` : '').padEnd(labelWidth);
    const name = `${weight.from} -> ${weight.to}`.padEnd(nameWidth);
    const value = weight.value.toFixed(6).padStart(12);
    process.stdout.write(`  ${label}${name} ${value}   Δw ${formatNumber(weight.delta)}\n`);
  }
  return 0;
}

/** Epochs 1, 2, 5, 10, 20, 50, …: a falling loss reads well on that scale. */
function isReportedEpoch(epoch: number): boolean {
  const decade = 10 ** Math.floor(Math.log10(epoch));
  const leading = epoch / decade;
  return leading === 1 || leading === 2 || leading === 5;
}

function describeRun(config: NetworkConfig, data: LoadedData, totalSteps: number): string {
  const shape = config.layers.map((layer) => layer.size).join('-');
  const optimizer = Object.entries(config.optimizer)
    .map(([key, value]) => (key === 'kind' ? value : `${key}=${value}`)).join(' ');
  const validation = data.validation ? `, ${data.validation.n} held out for validation` : '';
  return `${config.name}: ${shape} network, ${config.loss}, ${optimizer}, batch ${config.batch}; ` +
    `${data.train.n} training rows${validation}; ${totalSteps.toLocaleString('en-US')} steps`;
}

function runGradcheck(options: Options): number {
  const { doc, config, data } = loadSpec(options.file, false);
  const result = gradientCheck(config, data.train);
  const worst = result.worst;
  const where = worst
    ? ` at ${unitName(config.layers, worst.id.layer - 1, worst.id.from)} -> ` +
      `${unitName(config.layers, worst.id.layer, worst.id.to)}` +
      ` (back-propagation ${worst.analytic.toExponential(6)}, central difference ${worst.numeric.toExponential(6)})`
    : '';
  process.stdout.write(
    `checked ${result.checked.toLocaleString('en-US')}` +
    (result.total > result.checked + result.skippedAtKinks
      ? ` of the ${result.total.toLocaleString('en-US')} weights of ${doc.name ?? config.name}` +
        ' (a sample from every layer)'
      : ` weights of ${doc.name ?? config.name}`) +
    ' on one mini-batch' +
    (result.skippedAtKinks > 0 ? ` (${result.skippedAtKinks} at a relu corner left out)` : '') + '\n' +
    `largest relative error ${result.maxRelativeError.toExponential(3)}${where}\n`);
  if (result.maxRelativeError > GRADCHECK_TOLERANCE) {
    throw new CliError(options.file, 1, 1,
      `gradient check failed: relative error ${result.maxRelativeError.toExponential(3)} is above ${GRADCHECK_TOLERANCE}`);
  }
  process.stdout.write(`ok: below ${GRADCHECK_TOLERANCE}\n`);
  return 0;
}

export function main(argv: string[]): number {
  let options: Options | 'help';
  try {
    options = parseArguments(argv);
  } catch (error) {
    process.stderr.write(`nnspec: error: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }

  try {
    if (options.command === 'check') return check(options);
    if (options.command === 'gradcheck') return runGradcheck(options);
    return train(options);
  } catch (error) {
    if (error instanceof CliError) {
      // Line 0: the file's own problems, already printed one by one.
      if (error.line > 0) {
        process.stderr.write(`${error.file}:${error.line}:${error.column}: error: ${error.message}\n`);
      }
      return error.exitCode;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${options.file}:1:1: error: internal error: ${message}\n`);
    if (process.env.NNSPEC_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    return 70;
  }
}

// A reader that goes away early (`nnspec train … | head`) is not an error of ours.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

process.exitCode = main(process.argv.slice(2));
