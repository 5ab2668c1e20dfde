// Training throughput of the engine alone (samples trained per second) on the three benchmark
// workloads, with per-step recording on and off. Prints the median of several short runs, by
// wall clock and by this process's CPU time (the latter is steadier on a shared machine).
//
//   node out/test/bench/engine-speed.js [--quick] [--only W1,W3] [--runs N]

import type { Dataset, NetworkConfig } from '../../src/engine/config';
import { GENERATORS, withDefaults } from '../../src/engine/data/generators';
import { Random } from '../../src/engine/random';
import { Trainer } from '../../src/engine/trainer';

interface Workload {
  name: string;
  config: NetworkConfig;
  /** Made on first use, so that --only skips the large ones. */
  makeData: () => Dataset;
}

function baseConfig(name: string): Omit<NetworkConfig, 'layers' | 'batch' | 'data' | 'loss'> {
  return {
    name, optimizer: { kind: 'sgd', lr: 0.1 }, epochs: 1, seed: 7, shuffle: true,
    init: { kind: 'xavier' }, validate: 0, initialWeights: [],
  };
}

function generated(name: 'sine' | 'spiral', params: Record<string, number>, outputSize: number,
  seed: number): Dataset {
  const info = GENERATORS[name];
  return info.generate(withDefaults(info, params), new Random(seed).stream('data'), outputSize);
}

/** Uniform inputs in [0, 1) and one-hot targets of random classes. */
function randomClassification(n: number, nIn: number, classes: number, seed: number): Dataset {
  const rng = new Random(seed).stream('data');
  const inputs = new Float64Array(n * nIn);
  const targets = new Float64Array(n * classes);
  for (let k = 0; k < inputs.length; k++) inputs[k] = rng.next();
  for (let row = 0; row < n; row++) targets[row * classes + rng.int(classes)] = 1;
  return { n, nIn, nOut: classes, inputs, targets };
}

function workloads(): Workload[] {
  const w1: NetworkConfig = {
    ...baseConfig('W1'),
    layers: [
      { name: 'x', size: 1, activation: null },
      { name: 'h', size: 2, activation: 'sigmoid' },
      { name: 'y', size: 1, activation: 'linear' },
    ],
    loss: 'mse', optimizer: { kind: 'sgd', lr: 0.5 }, batch: 4,
    data: { kind: 'generator', name: 'sine', params: { samples: 64, range: [-3, 3] } },
    initialWeights: [
      { id: { layer: 1, to: 0, from: 0 }, value: 0.15 },
      { id: { layer: 1, to: 1, from: 0 }, value: -0.27 },
      { id: { layer: 2, to: 0, from: 0 }, value: 0.4 },
      { id: { layer: 2, to: 0, from: 1 }, value: 0.45 },
    ],
  };
  const w2: NetworkConfig = {
    ...baseConfig('W2'),
    layers: [
      { name: 'x', size: 2, activation: null },
      { name: 'h1', size: 16, activation: 'tanh' },
      { name: 'h2', size: 16, activation: 'tanh' },
      { name: 'y', size: 1, activation: 'sigmoid' },
    ],
    loss: 'mse', batch: 32,
    data: { kind: 'generator', name: 'spiral', params: { samples: 1024 } },
  };
  const w3: NetworkConfig = {
    ...baseConfig('W3'),
    layers: [
      { name: 'x', size: 784, activation: null },
      { name: 'h1', size: 128, activation: 'relu' },
      { name: 'h2', size: 64, activation: 'relu' },
      { name: 'y', size: 10, activation: 'softmax' },
    ],
    loss: 'cross_entropy', optimizer: { kind: 'sgd', lr: 0.01 }, init: { kind: 'he' }, batch: 64,
    data: { kind: 'table', inputs: [], targets: [] },
  };
  return [
    { name: 'W1', config: w1, makeData: () => generated('sine', { samples: 64 }, 1, 7) },
    { name: 'W2', config: w2, makeData: () => generated('spiral', { samples: 1024 }, 1, 7) },
    { name: 'W3', config: w3, makeData: () => randomClassification(8192, 784, 10, 7) },
  ];
}

interface Measure {
  wall: number;
  cpu: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function format(rate: number): string {
  if (rate >= 1e6) return `${(rate / 1e6).toFixed(2)}M`;
  if (rate >= 1e3) return `${(rate / 1e3).toFixed(1)}k`;
  return rate.toFixed(0);
}

function main(): void {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const onlyAt = args.indexOf('--only');
  const only = onlyAt >= 0 ? args[onlyAt + 1].split(',') : undefined;
  const runsAt = args.indexOf('--runs');
  const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : quick ? 3 : 5;
  const seconds = quick ? 0.25 : 0.4;

  console.log(`engine throughput, samples/s, median of ${runs} runs of ~${seconds}s each`);
  console.log('workload  record off (wall / cpu)      record on (wall / cpu)       on/off (cpu)');
  for (const work of workloads()) {
    if (only !== undefined && !only.includes(work.name)) continue;
    const data = work.makeData();
    // One trainer per mode, warmed up, then timed alternately so noise hits both alike.
    const bare = new Trainer(work.config, data, undefined, { record: false });
    const recording = new Trainer(work.config, data, undefined, { record: true });
    const steps = stepsLasting(bare, seconds);
    stepsLasting(recording, seconds);
    const off: Measure[] = [], on: Measure[] = [];
    for (let run = 0; run < runs; run++) {
      off.push(measure(bare, data.n, steps));
      on.push(measure(recording, data.n, steps));
    }
    const offWall = median(off.map((m) => m.wall)), offCpu = median(off.map((m) => m.cpu));
    const onWall = median(on.map((m) => m.wall)), onCpu = median(on.map((m) => m.cpu));
    const pair = (wall: number, cpu: number): string =>
      `${format(wall).padStart(8)} / ${format(cpu).padEnd(16)}`;
    console.log(`${work.name.padEnd(9)} ${pair(offWall, offCpu)} ${pair(onWall, onCpu)}  ` +
      (onCpu / offCpu).toFixed(3));
  }
}

/** Warms a trainer up and returns how many steps take about `seconds`. */
function stepsLasting(trainer: Trainer, seconds: number): number {
  let steps = 1;
  for (;;) {
    const t0 = process.hrtime.bigint();
    for (let k = 0; k < steps; k++) trainer.step();
    const elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
    if (elapsed > seconds / 4) return Math.max(1, Math.round((steps * seconds) / elapsed));
    steps *= 2;
  }
}

/** Rows trained per second over the next `steps` steps of a trainer on `n` rows. */
function measure(trainer: Trainer, n: number, steps: number): Measure {
  const batch = trainer.batchSize, perEpoch = trainer.stepsPerEpoch;
  // Rows done by the first s steps: whole epochs of n, then `batch` per step.
  const rowsAfter = (s: number): number => {
    const epochs = Math.floor(s / perEpoch);
    return epochs * n + Math.min((s - epochs * perEpoch) * batch, n);
  };
  const first = trainer.stepCount;
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let k = 0; k < steps; k++) trainer.step();
  const wallSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const rows = rowsAfter(first + steps) - rowsAfter(first);
  return { wall: rows / wallSeconds, cpu: rows / ((cpu.user + cpu.system) / 1e6) };
}

main();
