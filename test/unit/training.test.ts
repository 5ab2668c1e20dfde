// Training in a real worker thread on the bundled dist/worker.js: the same arithmetic as the engine
// run in-process, progress batched to at most about 30 messages a second, pause / step / resume /
// stop, and every way a run can fail reported as an error.

import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { NetworkConfig } from '../../src/engine/config';
import { loadData } from '../../src/engine/data/load';
import { DivergenceError, Trainer } from '../../src/engine/trainer';
import { checkSpec, toConfig } from '../../src/spec';
import { TrainingRun, type RunState, type StartOptions } from '../../src/training/client';
import type { ProgressMessage } from '../../src/training/messages';

// The bundle runs from out/test/unit; the repository is three folders up.
const root = path.resolve(__dirname, '../../..');
const workerPath = path.join(root, 'dist', 'worker.js');

/** The guide's network, read from examples/tutorial.nnspec by the spec language. */
function tutorialConfig(): NetworkConfig {
  const specPath = path.join(root, 'examples', 'tutorial.nnspec');
  const { doc, diagnostics } = checkSpec(fs.readFileSync(specPath, 'utf8'), { specPath });
  const errors = diagnostics.filter((d) => d.severity === 'error');
  assert.deepEqual(errors, [], 'the tutorial spec has errors');
  return toConfig(doc, { specPath });
}

const runs: TrainingRun[] = [];
const scratchFiles: string[] = [];

type RunOptions = Omit<StartOptions, 'workerPath'> & { workerPath?: string };

function startRun(options: RunOptions): TrainingRun {
  const run = TrainingRun.start({ workerPath, ...options });
  runs.push(run);
  return run;
}

/** A worker script in the temporary folder, for runs that must misbehave. */
function scratchWorker(name: string, source: string): string {
  const file = path.join(os.tmpdir(), `backprop-lens-${process.pid}-${name}.js`);
  fs.writeFileSync(file, source);
  scratchFiles.push(file);
  return file;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves when `run` reaches `state`; rejects after `timeoutMs`. */
function reachState(run: TrainingRun, state: RunState, timeoutMs = 10_000): Promise<void> {
  if (run.state === state) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(new Error(`still '${run.state}' after ${timeoutMs} ms, waiting for '${state}'`));
    }, timeoutMs);
    const subscription = run.onStateChange((next) => {
      if (next !== state) return;
      clearTimeout(timer);
      subscription.dispose();
      resolve();
    });
  });
}

/** Resolves with the next progress message that satisfies `accept`. */
function nextProgress(run: TrainingRun, accept: (progress: ProgressMessage) => boolean = () => true,
  timeoutMs = 10_000): Promise<ProgressMessage> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(new Error(`no such progress within ${timeoutMs} ms`));
    }, timeoutMs);
    const subscription = run.onProgress((progress) => {
      if (!accept(progress)) return;
      clearTimeout(timer);
      subscription.dispose();
      resolve(progress);
    });
  });
}

async function ended(run: TrainingRun, timeoutMs = 20_000): Promise<RunState> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the run did not end within ${timeoutMs} ms`)),
      timeoutMs);
  });
  try {
    return await Promise.race([run.whenEnded(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function workerGone(run: TrainingRun, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (run.workerAlive) {
    if (Date.now() > deadline) throw new Error('the worker thread is still alive');
    await delay(10);
  }
}

/** So many steps that a run never finishes by itself within a test. */
const ENDLESS = 1e12;

describe('training in a worker thread', function () {
  this.timeout(60_000);

  before(function () {
    this.timeout(120_000);
    if (!fs.existsSync(workerPath)) {
      execFileSync(process.execPath, ['esbuild.mjs'], { cwd: root, stdio: 'inherit' });
    }
    assert.ok(fs.existsSync(workerPath), `${workerPath} was not built`);
  });

  afterEach(() => {
    for (const run of runs.splice(0)) run.dispose();
  });

  after(() => {
    for (const file of scratchFiles.splice(0)) fs.rmSync(file, { force: true });
  });

  it('ends with the same weights, bit for bit, as the trainer run in-process', async () => {
    const config = tutorialConfig();
    const totalSteps = 20_000;
    const run = startRun({ config, totalSteps });
    assert.equal(await ended(run), 'finished');

    const data = loadData(config);
    const trainer = new Trainer(config, data.train, data.validation, { record: true });
    for (let step = 0; step < totalSteps; step++) trainer.step();

    const last = run.last;
    assert.ok(last, 'no step was reported');
    assert.equal(last.step, totalSteps);
    assert.equal(run.finished?.reason, 'done');
    assert.equal(run.finished?.step, totalSteps);
    assert.equal(last.epoch, trainer.epoch);
    assert.ok(Object.is(last.loss, trainer.lastLoss), `loss ${last.loss} vs ${trainer.lastLoss}`);
    assert.deepEqual([...last.params], [...trainer.network.params]);
    assert.deepEqual([...last.dEdw], [...trainer.dEdw]);
    assert.deepEqual([...last.delta], [...trainer.delta]);
    assert.deepEqual([...last.layerGradNorms], [...trainer.layerGradNorms]);

    // The loss curve covers every step once, from 1 to the last.
    const buckets = run.history.loss.all;
    assert.equal(buckets[0].first, 1);
    assert.equal(buckets[buckets.length - 1].last, totalSteps);
    for (let index = 1; index < buckets.length; index++) {
      assert.equal(buckets[index].first, buckets[index - 1].last + 1);
    }
  });

  it('reports the network when ready: layers, weights, steps per epoch, rows', async () => {
    const config = tutorialConfig();
    const run = startRun({ config, startPaused: true });
    await reachState(run, 'paused');
    const info = run.info;
    assert.ok(info);
    assert.deepEqual(info.layers.map((layer) => layer.name), ['x', 'h', 'y']);
    assert.equal(info.weightCount, 7);
    assert.equal(info.weightIds.length, 7);
    assert.deepEqual(info.rows, { train: 64, validation: 0 });
    assert.equal(info.batchSize, 4);
    assert.equal(info.stepsPerEpoch, 16);
    assert.equal(info.totalSteps, 3000 * 16);
    const written = new Map(config.initialWeights.map((w) => [JSON.stringify(w.id), w.value]));
    info.weightIds.forEach((id, index) => {
      assert.equal(info.initialParams[index], written.get(JSON.stringify(id)));
    });
  });

  it('sends at most about 30 progress messages a second on a fast network', async () => {
    const run = startRun({ config: tutorialConfig(), totalSteps: ENDLESS });
    const arrivals: number[] = [];
    const sendTimes: number[] = [];
    let previousLast = 0;
    let contiguous = true;
    // The last message, sent on stop, comes when asked: leave it out of the pacing.
    let stopping = false;
    run.onProgress((progress) => {
      arrivals.push(performance.now());
      if (!stopping) sendTimes.push(progress.sentAt);
      if (progress.loss[0].first !== previousLast + 1) contiguous = false;
      previousLast = progress.loss[progress.loss.length - 1].last;
    });
    await reachState(run, 'running');
    await nextProgress(run);
    const windowStart = performance.now();
    await delay(1500);
    const windowEnd = performance.now();
    stopping = true;
    await run.stop();

    const inWindow = arrivals.filter((at) => at >= windowStart && at <= windowEnd).length;
    const seconds = (windowEnd - windowStart) / 1000;
    // One more at each edge of the window: messages can arrive together when the host is busy.
    assert.ok(inWindow <= Math.ceil(30 * seconds) + 2,
      `${inWindow} messages in ${seconds.toFixed(2)} s`);
    assert.ok(inWindow >= 5, `only ${inWindow} messages in ${seconds.toFixed(2)} s`);
    assert.ok(contiguous, 'a message skipped or repeated steps');
    // However busy the machine, the worker itself never sends two within 1/30 s.
    const gaps = sendTimes.slice(1).map((sent, index) => sent - sendTimes[index]);
    assert.ok(Math.min(...gaps) >= 1000 / 30 - 0.5, `gaps of ${Math.min(...gaps)} ms`);
    const last = run.last;
    assert.ok(last && last.stepsPerSecond > 1000, `${last?.stepsPerSecond} steps a second`);
    // Far more steps than messages: the steps between two messages were bucketed.
    assert.ok(last.step > 50 * arrivals.length, `${last.step} steps, ${arrivals.length} messages`);
  });

  it('stops on pause, takes one step on stepOnce, goes on after resume, ends on stop',
    async () => {
      const run = startRun({ config: tutorialConfig(), totalSteps: ENDLESS });
      await nextProgress(run);
      run.pause();
      await reachState(run, 'paused');
      const pausedAt = run.last?.step ?? 0;
      assert.ok(pausedAt > 0);

      let progressWhilePaused = 0;
      const counting = run.onProgress(() => progressWhilePaused++);
      await delay(200);
      counting.dispose();
      assert.equal(progressWhilePaused, 0, 'progress arrived while paused');
      assert.equal(run.last?.step, pausedAt);

      for (let extra = 1; extra <= 3; extra++) {
        const stepped = nextProgress(run);
        run.stepOnce();
        const progress = await stepped;
        assert.equal(progress.last.step, pausedAt + extra);
        assert.equal(progress.loss.length, 1);
        assert.deepEqual([progress.loss[0].first, progress.loss[0].last],
          [pausedAt + extra, pausedAt + extra]);
        assert.equal(run.state, 'paused');
      }
      await delay(100);
      assert.equal(run.last?.step, pausedAt + 3, 'more steps than stepOnce asked for');

      run.resume();
      await reachState(run, 'running');
      await nextProgress(run, (progress) => progress.last.step > pausedAt + 3);

      await run.stop();
      assert.equal(run.state, 'stopped');
      assert.equal(run.finished?.reason, 'stopped');
      const stoppedAt = run.last?.step;
      await delay(100);
      assert.equal(run.last?.step, stoppedAt, 'steps went on after stop');
    });

  it('waits before the first step when started paused', async () => {
    const run = startRun({ config: tutorialConfig(), startPaused: true });
    await reachState(run, 'paused');
    await delay(100);
    assert.equal(run.last, undefined);
    const stepped = nextProgress(run);
    run.stepOnce();
    assert.equal((await stepped).last.step, 1);
  });

  it('reports a divergence with the step and the layer where it overflowed', async () => {
    const config = tutorialConfig();
    config.optimizer = { kind: 'sgd', lr: 1e4 };
    const run = startRun({ config });
    assert.equal(await ended(run), 'failed');

    let expected: DivergenceError | undefined;
    const data = loadData(config);
    const trainer = new Trainer(config, data.train, data.validation, { record: false });
    try {
      for (let step = 0; step < 1e6; step++) trainer.step();
    } catch (error) {
      if (error instanceof DivergenceError) expected = error;
      else throw error;
    }
    assert.ok(expected, 'the in-process run did not diverge');

    const failure = run.failure;
    assert.ok(failure && failure.kind === 'divergence', `failure ${JSON.stringify(failure)}`);
    assert.equal(failure.step, expected.step);
    assert.equal(failure.layer, expected.layer);
    assert.equal(failure.layerName, expected.layerName);
    assert.equal(config.layers[failure.layer].name, failure.layerName);
  });

  it('reports a data file it cannot read with the file, line and column', async () => {
    const config = tutorialConfig();
    const missing = path.join(os.tmpdir(), `backprop-lens-${process.pid}-missing.csv`);
    config.data = { kind: 'csv', path: missing, inputs: ['x'], outputs: ['y'] };
    const errors: string[] = [];
    const run = startRun({ config });
    run.onError((failure) => errors.push(failure.kind));
    assert.equal(await ended(run), 'failed');
    const failure = run.failure;
    assert.ok(failure && failure.kind === 'data', `failure ${JSON.stringify(failure)}`);
    assert.equal(failure.file, missing);
    assert.equal(failure.line, 1);
    assert.equal(failure.column, 1);
    assert.deepEqual(errors, ['data']);
  });

  it('reports a worker that exits mid-run as crashed', async () => {
    const exiting = scratchWorker('exits', [
      `require(${JSON.stringify(workerPath)});`,
      'setTimeout(() => process.exit(3), 300);',
    ].join('\n'));
    const run = startRun({ config: tutorialConfig(), totalSteps: ENDLESS, workerPath: exiting });
    await nextProgress(run);
    assert.equal(await ended(run), 'failed');
    const failure = run.failure;
    assert.ok(failure && failure.kind === 'crashed', `failure ${JSON.stringify(failure)}`);
    assert.equal(failure.exitCode, 3);
    await workerGone(run);
  });

  it('reports a worker that throws mid-run as crashed', async () => {
    const throwing = scratchWorker('throws', [
      `require(${JSON.stringify(workerPath)});`,
      "setTimeout(() => { throw new Error('out of cheese'); }, 300);",
    ].join('\n'));
    const run = startRun({ config: tutorialConfig(), totalSteps: ENDLESS, workerPath: throwing });
    await nextProgress(run);
    assert.equal(await ended(run), 'failed');
    const failure = run.failure;
    assert.ok(failure && failure.kind === 'crashed', `failure ${JSON.stringify(failure)}`);
    assert.match(failure.message, /out of cheese/);
    await workerGone(run);
  });

  it('reports a worker that goes silent mid-run as stuck, and terminates it', async () => {
    // The real worker trains, then its thread spins forever without sending anything.
    const hanging = scratchWorker('hangs', [
      `require(${JSON.stringify(workerPath)});`,
      'setTimeout(() => { for (;;) { /* never yields */ } }, 300);',
    ].join('\n'));
    const run = startRun({
      config: tutorialConfig(), totalSteps: ENDLESS, workerPath: hanging, stuckAfterMs: 400,
    });
    await nextProgress(run);
    const startedWaiting = performance.now();
    assert.equal(await ended(run), 'failed');
    const failure = run.failure;
    assert.ok(failure && failure.kind === 'stuck', `failure ${JSON.stringify(failure)}`);
    assert.ok(failure.silentMs >= 400);
    assert.ok(performance.now() - startedWaiting < 5000);
    await workerGone(run);
  });

  it('is not stuck while paused, however long the pause', async () => {
    const run = startRun({ config: tutorialConfig(), startPaused: true, stuckAfterMs: 1000 });
    await reachState(run, 'paused');
    await delay(1500);
    assert.equal(run.state, 'paused');
    assert.equal(run.failure, undefined);
  });

  it('runs a gradient check in the worker', async () => {
    const run = startRun({ config: tutorialConfig(), startPaused: true });
    await reachState(run, 'paused');
    const outcome = await run.runGradientCheck();
    assert.equal(outcome.checked, 7);
    assert.ok(outcome.maxRelativeError < 1e-6, `relative error ${outcome.maxRelativeError}`);
  });

  it('terminates the worker on dispose', async () => {
    const run = startRun({ config: tutorialConfig(), totalSteps: ENDLESS });
    await nextProgress(run);
    run.dispose();
    assert.equal(run.state, 'stopped');
    await workerGone(run);
  });
});
