// Times the .nnspec parser on a large spec: every weight of a 1-100-100-1 network written in edge
// form, 10,000 lines. Prints the median of several runs of parseSpec, checkSpec and writeBack.
// Run: node esbuild.mjs --tests && node out/test/bench/parse-speed.js [--lines N] [--runs N]

import { checkSpec, largeSpecText, parseSpec, writeBack } from '../../src/spec';

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(name);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}

function median(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

interface Timing { median: number; min: number; cpuMedian: number }

/**
 * Wall time, and the CPU time the process spent (all its threads, the collector's included):
 * on a machine shared with other work the CPU time shows what the code costs.
 */
function time(runs: number, work: () => void): Timing {
  work();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let run = 0; run < runs; run++) {
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    work();
    wall.push(performance.now() - started);
    const used = process.cpuUsage(cpuBefore);
    cpu.push((used.user + used.system) / 1000);
  }
  return { median: median(wall), min: Math.min(...wall), cpuMedian: median(cpu) };
}

const lines = option('--lines', 10_000);
const runs = option('--runs', 21);
const text = largeSpecText(lines);
const { doc, diagnostics } = parseSpec(text);
if (diagnostics.length > 0) throw new Error(`the large spec has problems: ${diagnostics[0].message}`);
const trained = doc.weights.map((weight) => ({ id: weight.id, value: weight.value * 1.01 }));

const results = {
  parseSpec: time(runs, () => parseSpec(text)),
  checkSpec: time(runs, () => checkSpec(text)),
  writeBack: time(runs, () => writeBack(text, doc, trained)),
};
console.log(`${lines} lines, ${doc.weights.length} weights, median of ${runs} runs:`);
for (const [name, { median: mid, min, cpuMedian }] of Object.entries(results)) {
  console.log(`  ${name.padEnd(10)} ${mid.toFixed(1).padStart(7)} ms  ` +
    `(fastest ${min.toFixed(1)} ms, CPU ${cpuMedian.toFixed(1)} ms)`);
}
