// How the benchmark times training: each contender is calibrated so that one timed run lasts long
// enough to mean something, warmed up, then timed in rounds that interleave the contenders, so
// that noise from other work on a shared machine falls on all of them alike.

import { performance } from 'node:perf_hooks';

/** Something that trains, counted in units of work that each train a known number of rows. */
export interface Contender {
  /** Shown in the table, e.g. "ours" or "brain.js 2.0.0-beta.24". */
  name: string;
  /** Rows trained by one unit: one mini-batch step, or one pass over the training rows. */
  rowsPerUnit: number;
  /** Trains `units` units of work and returns once they are done. */
  run(units: number): void;
  /** The training loss the library last reported, to show the run stayed finite. */
  lastLoss?(): number;
}

export interface Measurement {
  contender: Contender;
  /** Units per timed run: chosen by calibration, raised if a run comes out too short. */
  units: number;
  /** Samples per second of wall-clock time, one per timed run, in the order they ran. */
  samplesPerSecond: number[];
  /**
   * Samples per second of this process's CPU time (all its threads). On a machine whose cores
   * are oversubscribed, wall time includes waiting for a core and this is the steadier figure.
   */
  samplesPerCpuSecond: number[];
  /** Wall-clock seconds of the shortest timed run. */
  shortestRunSeconds: number;
}

export interface TimingPlan {
  /** Shortest wall time a timed run should take. */
  minRunSeconds: number;
  /** Timed runs per contender; the median is reported. */
  runs: number;
}

interface RunTime {
  wallSeconds: number;
  cpuSeconds: number;
}

function timeRun(contender: Contender, units: number): RunTime {
  const cpuStart = process.cpuUsage();
  const wallStart = performance.now();
  contender.run(units);
  const wallSeconds = (performance.now() - wallStart) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  return { wallSeconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

/** Runs long enough to estimate a rate from, yet short next to a timed run. */
const ESTIMATE_FRACTION = 0.25;
/** Calibrated runs aim this far past the minimum, so that faster later runs still clear it. */
const MARGIN = 1.25;

/**
 * The number of units that makes one run last at least `minSeconds`, with the contender warmed
 * up: a first (cold) run of one unit, runs growing at most tenfold until one lasts a quarter of
 * the target, then runs at the count that rate predicts, scaled up until one clears the target.
 * The last of these is the warm-up run that the timed runs follow.
 */
export function calibrate(contender: Contender, minSeconds: number): number {
  timeRun(contender, 1);

  let units = 1;
  let seconds = timeRun(contender, units).wallSeconds;
  while (seconds < minSeconds * ESTIMATE_FRACTION) {
    const estimateSeconds = minSeconds * ESTIMATE_FRACTION * 1.5;
    const wanted = seconds > 0 ? (units * estimateSeconds) / seconds : Infinity;
    units = Math.max(units + 1, Math.min(units * 10, Math.ceil(wanted)));
    seconds = timeRun(contender, units).wallSeconds;
  }

  for (let attempt = 0; attempt < 4 && seconds < minSeconds; attempt++) {
    units = Math.max(units + 1, Math.ceil((units * minSeconds * MARGIN) / seconds));
    seconds = timeRun(contender, units).wallSeconds;
  }
  return units;
}

/**
 * Times every contender `plan.runs` times, one run of each per round. Rounds alternate their
 * order (A B C, then C B A) so that neither slow drift nor the place in a round favours one.
 */
export function measureInterleaved(contenders: Contender[], plan: TimingPlan): Measurement[] {
  const measurements: Measurement[] = contenders.map((contender) => ({
    contender,
    units: calibrate(contender, plan.minRunSeconds),
    samplesPerSecond: [],
    samplesPerCpuSecond: [],
    shortestRunSeconds: Infinity,
  }));

  for (let round = 0; round < plan.runs; round++) {
    const order = round % 2 === 0 ? measurements : [...measurements].reverse();
    for (const measurement of order) {
      let { wallSeconds, cpuSeconds } = timeRun(measurement.contender, measurement.units);
      // The machine sped up since calibration: that run was too short to count. Later runs of
      // this contender get the longer count too.
      for (let retry = 0; retry < 3 && wallSeconds < plan.minRunSeconds; retry++) {
        measurement.units = Math.ceil((measurement.units * plan.minRunSeconds * MARGIN)
          / wallSeconds);
        ({ wallSeconds, cpuSeconds } = timeRun(measurement.contender, measurement.units));
      }
      const rows = measurement.units * measurement.contender.rowsPerUnit;
      measurement.samplesPerSecond.push(rows / wallSeconds);
      measurement.samplesPerCpuSecond.push(rows / cpuSeconds);
      measurement.shortestRunSeconds = Math.min(measurement.shortestRunSeconds, wallSeconds);
    }
  }
  return measurements;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Throughput for people: 10.4M, 257k, 5.81k, 950. */
export function formatRate(samplesPerSecond: number): string {
  if (!Number.isFinite(samplesPerSecond)) return 'n/a';
  const scales: [number, string][] = [[1e9, 'G'], [1e6, 'M'], [1e3, 'k']];
  for (const [scale, suffix] of scales) {
    if (samplesPerSecond >= scale) return `${threeDigits(samplesPerSecond / scale)}${suffix}`;
  }
  return threeDigits(samplesPerSecond);
}

function threeDigits(value: number): string {
  if (value >= 100) return value.toFixed(0);
  if (value >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/** The spread of a run's figures as a percentage of their median: (max − min) / median. */
export function spreadPercent(values: readonly number[]): number {
  return ((Math.max(...values) - Math.min(...values)) / median(values)) * 100;
}
