// `npm run bench`: training throughput of our engine beside a peer library on three workloads,
// the cost of per-step recording, and the time to parse a 10,000-line spec. Every figure is the
// median of several timed runs, ours and the peer's interleaved within one process.
//
//   node out/test/bench/bench.js [--quick] [--only W1,W2,W3,parse] [--runs N]

import os from 'node:os';
import path from 'node:path';
import {
  formatRate, measureInterleaved, median, spreadPercent, type Contender, type Measurement,
  type TimingPlan,
} from './measure';
import { oursContender } from './ours';
import { benchmarkParse, type ParseResult } from './parse';
import { brainContender } from './peer-brain';
import { synapticContender } from './peer-synaptic';
import { startWasmBackend, tfjsContender, type TfjsPeer } from './peer-tfjs';
import { makeWorkload, WORKLOAD_IDS, type Workload, type WorkloadId } from './workloads';

interface Options {
  plan: TimingPlan;
  parseRuns: number;
  workloads: WorkloadId[];
  parse: boolean;
}

const USAGE = 'usage: bench [--quick] [--only W1,W2,W3,parse] [--runs N]';
const PARSE_LINES = 10_000;

function parseOptions(args: string[]): Options | undefined {
  if (args.includes('--help') || args.includes('-h')) return undefined;
  const quick = args.includes('--quick');
  const options: Options = {
    plan: { runs: quick ? 3 : 9, minRunSeconds: quick ? 0.3 : 0.4 },
    parseRuns: quick ? 5 : 15,
    workloads: [...WORKLOAD_IDS],
    parse: true,
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--quick') continue;
    if (arg === '--only' && i + 1 < args.length) {
      const wanted = args[++i].split(',').map((name) => name.trim());
      const unknown = wanted.filter((name) => name !== 'parse' && !isWorkloadId(name));
      if (unknown.length > 0) throw new Error(`unknown part ${unknown.join(', ')}\n${USAGE}`);
      options.workloads = WORKLOAD_IDS.filter((id) => wanted.includes(id));
      options.parse = wanted.includes('parse');
    } else if (arg === '--runs' && i + 1 < args.length) {
      const runs = Number(args[++i]);
      if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs needs a count\n${USAGE}`);
      options.plan.runs = runs;
      options.parseRuns = Math.max(runs, 3);
    } else {
      throw new Error(`unknown argument ${arg}\n${USAGE}`);
    }
  }
  return options;
}

function isWorkloadId(name: string): name is WorkloadId {
  return (WORKLOAD_IDS as readonly string[]).includes(name);
}

/** The project's targets: ours over the peer's throughput. */
const SPEED_TARGET: Record<WorkloadId, number> = { W1: 1, W2: 1, W3: 0.8 };
/** The largest share of throughput that per-step recording may cost. */
const RECORDING_COST_TARGET = 0.2;

/** What each peer does per unit of work and how it learns, for the notes under the table. */
const PEER_NOTES: Record<WorkloadId, string> = {
  W1: 'synaptic: Architect.Perceptron(1,2,1) with its output set to IDENTITY, trained by its '
    + 'Trainer (early stopping off). Synaptic is per-sample SGD: every row updates the weights, '
    + 'there is no mini-batch. One unit = one pass over the 64 rows, its mse summed on the way.',
  W2: 'brain.js: NeuralNetwork, hiddenLayers [16,16], activation tanh (its output layer is tanh '
    + 'too), float32 weights, `train` with logging off and early stopping off (errorThresh at '
    + 'the smallest double). Each brain.js iteration walks every row once, per-sample SGD with '
    + 'momentum 0.1 (it refuses 0), and, its error check interval being 1, sums every row\'s '
    + 'mse on the way. One unit = one iteration = 1024 rows.',
  W3: 'tfjs: core ops (matMul, add, relu, losses.softmaxCrossEntropy), tf.train.sgd, one '
    + 'optimizer.minimize (variableGrads + update) per mini-batch of 64 from float32 batch '
    + 'tensors built once; the loss is read back only on a run\'s last step.',
};

const OURS_NOTE = 'ours: the engine\'s Trainer, mini-batch SGD as the spec defines it, float64, '
  + 'shuffle off (no peer reshuffles). "recording" is the same with the Trainer\'s record on: '
  + 'Δw and each layer\'s gradient norm read after every step, more often than any display reads '
  + 'them.';

interface WorkloadResult {
  workload: Workload;
  ours: Measurement;
  recording: Measurement;
  peer: Measurement;
}

function peerFor(workload: Workload, tfjs: TfjsPeer | null): Contender {
  switch (workload.id) {
    case 'W1': return synapticContender(workload);
    case 'W2': return brainContender(workload);
    case 'W3':
      if (tfjs === null) throw new Error('W3 needs the tfjs wasm backend started first');
      return tfjsContender(workload, tfjs);
  }
}

function describe(measurement: Measurement): string {
  const { contender, units, samplesPerSecond, samplesPerCpuSecond } = measurement;
  const slowest = formatRate(Math.min(...samplesPerSecond));
  const fastest = formatRate(Math.max(...samplesPerSecond));
  const details = [
    `runs ${slowest}–${fastest}, spread ${spreadPercent(samplesPerSecond).toFixed(0)}%`,
    `by CPU time ${formatRate(median(samplesPerCpuSecond))}/s`,
    `${units} × ${contender.rowsPerUnit} rows a run, shortest `
      + `${measurement.shortestRunSeconds.toFixed(2)} s`,
  ];
  const loss = contender.lastLoss?.();
  if (loss !== undefined) details.push(`last loss ${loss.toPrecision(4)}`);
  const rate = formatRate(median(samplesPerSecond)).padStart(6);
  return `  ${contender.name.padEnd(22)} ${rate}/s  (${details.join('; ')})`;
}

function runWorkload(id: WorkloadId, plan: TimingPlan, tfjs: TfjsPeer | null): WorkloadResult {
  const workload = makeWorkload(id);
  console.log(`\n${id}  ${workload.title}`);
  const contenders = [
    oursContender(workload, { record: false }),
    peerFor(workload, tfjs),
    oursContender(workload, { record: true }),
  ];
  const [ours, peer, recording] = measureInterleaved(contenders, plan);
  for (const measurement of [ours, peer, recording]) {
    console.log(describe(measurement));
    const loss = measurement.contender.lastLoss?.();
    if (loss !== undefined && !Number.isFinite(loss)) {
      console.log(`  warning: ${measurement.contender.name} ended with loss ${loss}: its figure `
        + 'times non-finite arithmetic');
    }
  }
  return { workload, ours, recording, peer };
}

/** "split" when wall time and CPU time disagree: the machine was too busy to tell. */
function verdict(passedByWall: boolean, passedByCpu: boolean): string {
  if (passedByWall !== passedByCpu) return 'split';
  return passedByWall ? 'met' : 'MISSED';
}

function percent(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

function ratio(numerator: Measurement, denominator: Measurement, cpu: boolean): number {
  const rates = (m: Measurement) => (cpu ? m.samplesPerCpuSecond : m.samplesPerSecond);
  return median(rates(numerator)) / median(rates(denominator));
}

function printTable(results: WorkloadResult[], plan: TimingPlan): void {
  console.log('');
  printWrapped(`Training throughput in samples (rows trained) per second: the median of `
    + `${plan.runs} timed runs each, ours and the peer's interleaved, every timed run `
    + `≥ ${plan.minRunSeconds} s, after a warm-up. "by CPU" is the same ratio with this `
    + 'process\'s CPU time in place of wall time (steadier when other work holds the cores). '
    + '"rec. cost" is 1 − recording/ours. A target is met or MISSED by both clocks, or "split" '
    + 'when they disagree (too noisy to call).');
  const header = ['', 'ours/s', 'peer', 'peer/s', 'ours÷peer', 'by CPU', 'target',
    'recording/s', 'rec. cost', 'by CPU', 'target'];
  const rows = results.map(({ workload, ours, recording, peer }) => {
    const speedRatio = ratio(ours, peer, false);
    const speedRatioByCpu = ratio(ours, peer, true);
    const cost = 1 - ratio(recording, ours, false);
    const costByCpu = 1 - ratio(recording, ours, true);
    const target = SPEED_TARGET[workload.id];
    const maxCost = RECORDING_COST_TARGET;
    return [
      workload.id,
      formatRate(median(ours.samplesPerSecond)),
      peer.contender.name,
      formatRate(median(peer.samplesPerSecond)),
      `${speedRatio.toFixed(2)}×`,
      `${speedRatioByCpu.toFixed(2)}×`,
      `≥ ${target}× ${verdict(speedRatio >= target, speedRatioByCpu >= target)}`,
      formatRate(median(recording.samplesPerSecond)),
      percent(cost),
      percent(costByCpu),
      `≤ ${maxCost * 100}% ${verdict(cost <= maxCost, costByCpu <= maxCost)}`,
    ];
  });
  printColumns([header, ...rows]);
  console.log('');
  for (const { workload } of results) printWrapped(`${workload.id} ${PEER_NOTES[workload.id]}`);
  printWrapped(OURS_NOTE);
}

function printParse(parse: ParseResult): void {
  if (parse.kind === 'skipped') {
    console.log(`\nSpec parse: SKIPPED: ${parse.reason}`);
    return;
  }
  const linesPerSecond = parse.lines / (parse.medianMs / 1000);
  console.log(`\nSpec parse (parseSpec), ${parse.lines} lines, `
    + `${(parse.characters / 1024).toFixed(0)} KiB: median ${parse.medianMs.toFixed(1)} ms over `
    + `${parse.runs} runs (fastest ${parse.fastestMs.toFixed(1)} ms), `
    + `${formatRate(linesPerSecond)} lines/s`);
}

/** Left-aligned text columns, two spaces apart. */
function printColumns(table: string[][]): void {
  const widths = table[0].map((_, column) => Math.max(...table.map((row) => row[column].length)));
  for (const row of table) {
    console.log('  ' + row.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd());
  }
}

/** A paragraph wrapped at 100 columns, indented. */
function printWrapped(text: string): void {
  let line = ' ';
  for (const word of text.split(' ')) {
    if (line.length + word.length + 1 > 100) {
      console.log(line);
      line = '   ';
    }
    line += ` ${word}`;
  }
  console.log(line);
}

function loadAverage(): string {
  return os.loadavg().map((value) => value.toFixed(2)).join(' ');
}

function printMachine(tfjs: TfjsPeer | null): void {
  const cpus = os.cpus();
  console.log(`node ${process.version}, ${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}, `
    + `load average ${loadAverage()}`);
  if (tfjs === null) return;
  const wasmFolder = path.relative(process.cwd(), tfjs.wasmFolder);
  console.log(`${tfjs.name}: backend ${tfjs.backend}, WASM_HAS_SIMD_SUPPORT ${tfjs.simd}, `
    + `${tfjs.threads} thread(s), binaries read from ${wasmFolder}`);
  if (!tfjs.simd) console.log('  warning: SIMD is off, so the tfjs figure is not its best');
}

/** The parse benchmark, or the reason it could not run; a parser failure ends only this part. */
function parsePart(runs: number): ParseResult {
  try {
    return benchmarkParse(PARSE_LINES, runs);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { kind: 'skipped', reason: `parsing the generated spec failed: ${reason}` };
  }
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (options === undefined) {
    console.log(USAGE);
    return;
  }
  const started = Date.now();
  const tfjs = options.workloads.includes('W3') ? await startWasmBackend() : null;
  printMachine(tfjs);

  const results = options.workloads.map((id) => runWorkload(id, options.plan, tfjs));
  const parse = options.parse ? parsePart(options.parseRuns) : null;

  if (results.length > 0) printTable(results, options.plan);
  if (parse !== null) printParse(parse);
  console.log(`\nload average now ${loadAverage()}; the bench took `
    + `${((Date.now() - started) / 1000).toFixed(0)} s`);
}

main().catch((error: unknown) => {
  console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
