// Train Network inside a real VS Code: the sessions, the CodeLens over every weight against
// the engine run directly, Apply Trained Weights and its undo, the Problems view, the panel,
// and the extension host's event loop while the largest example trains.
import * as assert from 'node:assert/strict';
import * as os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as vscode from 'vscode';
import { weightKey } from '../../src/engine/config';
import { loadData } from '../../src/engine/data/load';
import { Trainer } from '../../src/engine/trainer';
import { formatCount, formatNumber } from '../../src/protocol/format';
import type { GradientCheckOutcome } from '../../src/training/messages';
import { describeFailure } from '../../src/extension/failures';
import { checkSpec, formatWeight, parseSpec, toConfig } from '../../src/spec';
import {
  backpropLens, codeLenses, openExample, openUntitledSpec, report, smallSpec, waitFor, waitForAsync,
  weightLensesByLine,
} from './support';

const DIGITS = 3;
/** An event-loop delay a user would feel as the editor stalling. */
const STALL_MS = 50;
/** Steps of spiral.nnspec per measured run: a few seconds of training, not the file's one. */
const MEASURED_STEPS = 20_000;

describe('Train Network on tutorial.nnspec', function () {
  this.timeout(120_000);

  it('puts over each weight line a lens whose Δw is the engine\'s last Δw for it', async () => {
    const api = await backpropLens();
    const editor = await openExample('tutorial.nnspec');
    const { uri } = editor.document;
    const text = editor.document.getText();

    await vscode.commands.executeCommand('backpropLens.train', uri, { restart: true });
    const session = api.sessionFor(uri);
    assert.ok(session, 'Train Network started no session');
    assert.equal(await session.whenFinished(), 'finished');

    // The engine, run here on the same config for the same steps, is the reference.
    const { doc } = checkSpec(text, { specPath: uri.fsPath });
    const config = toConfig(doc, { specPath: uri.fsPath });
    const data = loadData(config);
    const trainer = new Trainer(config, data.train, data.validation, { record: true });
    for (let step = 0; step < session.step; step++) trainer.step();
    const engineIds = trainer.network.weightIds().map(weightKey);
    const last = session.last;
    assert.ok(last && session.weightIds);
    assert.equal(session.step, config.epochs * trainer.stepsPerEpoch);
    assert.deepEqual(session.weightIds.map(weightKey), engineIds);
    assert.deepEqual([...last.delta], [...trainer.delta], 'the worker and the engine differ');

    const lenses = await weightLensesByLine(uri);
    assert.equal(doc.weightLines.length, 7);
    for (const line of doc.weightLines) {
      const title = lenses.get(line.line);
      assert.ok(title, `no lens over line ${line.line + 1}`);
      const index = engineIds.indexOf(weightKey(line.ids[0]));
      const expected: string = `Δw ${formatNumber(trainer.delta[index], DIGITS)} · `
        + `∂E/∂w ${formatNumber(trainer.dEdw[index], DIGITS)} · step ${formatCount(session.step)}`;
      assert.equal(title, expected, `lens over line ${line.line + 1}`);
    }
  });

  it('Apply Trained Weights writes the trained values; one undo restores the text', async () => {
    const api = await backpropLens();
    const editor = await openExample('tutorial.nnspec');
    const { document } = editor;
    const session = api.sessionFor(document.uri);
    assert.ok(session?.last && session.weightIds, 'the previous test left no trained session');
    const before = document.getText();

    const applied = await vscode.commands.executeCommand(
      'backpropLens.applyTrainedWeights', document.uri);
    assert.equal(applied, true);
    const after = document.getText();
    assert.notEqual(after, before);
    const { doc, diagnostics } = parseSpec(after);
    assert.deepEqual(diagnostics, []);
    for (const weight of doc.weights) {
      const key = weightKey(weight.id);
      const index: number = session.weightIds.findIndex((id) => weightKey(id) === key);
      assert.equal(String(weight.value), formatWeight(session.last.params[index], 6));
    }
    // Comments and labels stay where they were.
    assert.match(after, /# The guide's network/);
    assert.match(after, /w_a: {2}x {4}-> h\[1\]/);
    // The file now holds the session's own weights: its lenses do not call it changed.
    const lenses = await weightLensesByLine(document.uri);
    for (const title of lenses.values()) assert.doesNotMatch(title, /file changed/);

    await vscode.window.showTextDocument(document);
    await vscode.commands.executeCommand('undo');
    await waitFor(() => document.getText() === before, 'one undo restores the text');
    assert.equal(document.getText(), before);
  });

  it('Run Gradient Check agrees with central differences on the tutorial', async () => {
    const editor = await openExample('tutorial.nnspec');
    const outcome = await vscode.commands.executeCommand<GradientCheckOutcome | undefined>(
      'backpropLens.gradientCheck', editor.document.uri);
    assert.ok(outcome, 'the gradient check gave no outcome');
    assert.equal(outcome.checked, 7);
    assert.ok(outcome.maxRelativeError < 1e-6, `relative error ${outcome.maxRelativeError}`);
  });
});

describe('CodeLens over each weight', function () {
  this.timeout(60_000);

  it('shows the value the file writes and "not trained yet" before any training', async () => {
    await backpropLens();
    const editor = await openUntitledSpec(smallSpec());
    const lenses = await weightLensesByLine(editor.document.uri);
    assert.deepEqual([...lenses.entries()].sort((a, b) => a[0] - b[0]), [
      [12, 'w 0.2 · not trained yet'],
      [13, 'w −0.3 · not trained yet'],
      [14, 'w 0.5 0.25 | 0 · not trained yet'],
    ]);
  });

  it('shows the largest |Δw| and the norm of a row-form line after training', async () => {
    const api = await backpropLens();
    const editor = await openUntitledSpec(smallSpec({ epochs: 5 }));
    const { uri } = editor.document;
    await vscode.commands.executeCommand('backpropLens.train', uri);
    const session = api.sessionFor(uri);
    assert.ok(session);
    assert.equal(await session.whenFinished(), 'finished');
    assert.ok(session.last && session.weightIds);

    const { weightLines } = parseSpec(editor.document.getText()).doc;
    const row = weightLines.find((line) => line.form === 'row');
    assert.ok(row);
    const keys = session.weightIds.map(weightKey);
    const indices = row.ids.map((id) => keys.indexOf(weightKey(id)));
    const largest = Math.max(...indices.map((index) => Math.abs(session.last!.delta[index])));
    const norm = Math.hypot(...indices.map((index) => session.last!.params[index]));
    const lenses = await weightLensesByLine(uri);
    assert.equal(lenses.get(row.line), `max |Δw| ${formatNumber(largest, DIGITS)} · `
      + `‖w‖ ${formatNumber(norm, DIGITS)} · step ${formatCount(session.step)}`);
  });

  it('keeps every lens on its line while the line being typed does not parse', async () => {
    const editor = await openUntitledSpec(smallSpec());
    const { document } = editor;
    const before = await weightLensesByLine(document.uri);
    assert.equal(before.size, 3);

    // Half of a weight line typed: the value is gone and the arrow is cut.
    const line = document.lineAt(12);
    await editor.edit((edit) => edit.replace(line.range, '  w_a: x -'));
    const { diagnostics } = parseSpec(document.getText());
    assert.ok(diagnostics.length > 0, 'the edit should break the text');
    const during = await weightLensesByLine(document.uri);
    assert.deepEqual([...during.keys()].sort(), [...before.keys()].sort());

    // A line inserted above moves the kept lens with its line.
    await editor.edit((edit) => edit.insert(new vscode.Position(0, 0), '# a new first line\n'));
    const moved = await weightLensesByLine(document.uri);
    assert.deepEqual([...moved.keys()].sort(), [13, 14, 15]);
  });

  it('says the file changed since the session started, while training carries on', async () => {
    const api = await backpropLens();
    const editor = await openUntitledSpec(smallSpec({ epochs: 1_000_000 }));
    const { document } = editor;
    await vscode.commands.executeCommand('backpropLens.train', document.uri);
    const session = api.sessionFor(document.uri);
    assert.ok(session);
    await waitFor(() => session.step > 0, 'the session takes its first steps');

    const top = new vscode.Position(0, 0);
    await editor.edit((edit) => edit.insert(top, '# edited while training\n'));
    const stepAtEdit = session.step;
    await waitFor(() => session.step > stepAtEdit, 'training goes on after the edit');
    assert.equal(session.state, 'running');
    const lenses = await weightLensesByLine(document.uri);
    assert.equal(lenses.size, 3);
    for (const title of lenses.values()) assert.match(title, /· file changed since$/);

    await vscode.commands.executeCommand('backpropLens.stop', document.uri);
    assert.equal(session.state, 'stopped');
  });

  it('has the editor redraw the lenses once to 4 times a second while training', async () => {
    const api = await backpropLens();
    const editor = await openUntitledSpec(smallSpec({ epochs: 1_000_000 }));
    await vscode.commands.executeCommand('backpropLens.train', editor.document.uri);
    const session = api.sessionFor(editor.document.uri);
    assert.ok(session);
    await waitFor(() => session.step > 0, 'training starts');

    // The editor waits 250 ms after each change event: events must not keep postponing it.
    const before = api.lensRefreshCount();
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const refreshes = api.lensRefreshCount() - before;
    await vscode.commands.executeCommand('backpropLens.stop', editor.document.uri);
    // At most 4 a second; at least one, where a starved editor would show none at all.
    assert.ok(refreshes >= 3 && refreshes <= 13, `${refreshes} refreshes in 3 s`);
  });

  it('reveals the weight in the training panel when its lens is clicked', async () => {
    const api = await backpropLens();
    const editor = await openUntitledSpec(smallSpec({ epochs: 3 }));
    const { uri } = editor.document;
    await vscode.commands.executeCommand('backpropLens.train', uri);
    const session = api.sessionFor(uri);
    assert.ok(session);
    await session.whenFinished();

    const lens = (await codeLenses(uri)).find((candidate) => candidate.range.start.line === 12);
    assert.ok(lens?.command?.arguments, 'no lens over w_a');
    await vscode.commands.executeCommand(lens.command.command, ...lens.command.arguments);
    assert.equal(api.panel.isOpen, true);
    assert.equal(api.panel.shownSession, session);
    const selected = api.panel.selectedWeight;
    assert.ok(selected, 'the panel shows no selected weight');
    assert.equal(selected.name, 'w_a: x -> h[1]');
    const index = session.weightIds!.findIndex((id) => weightKey(id) === selected.key);
    assert.equal(selected.delta, session.last!.delta[index]);
    assert.equal(selected.step, session.step);

    // Trained again, the file has a new session: the panel follows it, the selection stays.
    await vscode.commands.executeCommand('backpropLens.train', uri, { paused: true });
    const again = api.sessionFor(uri);
    assert.ok(again && again !== session);
    assert.equal(api.panel.shownSession, again);
    assert.equal(api.panel.selectedWeight?.key, selected.key);
    assert.equal(api.panel.selectedWeight?.step, 0);
    await vscode.commands.executeCommand('backpropLens.stop', uri);
  });

  it('hides every lens when backpropLens.lens.enabled is off', async () => {
    const editor = await openUntitledSpec(smallSpec());
    const settings = vscode.workspace.getConfiguration('backpropLens');
    const { uri } = editor.document;
    assert.ok((await codeLenses(uri)).length > 3, 'the file has no lenses to start with');
    await settings.update('lens.enabled', false, vscode.ConfigurationTarget.Global);
    try {
      await waitForAsync(async () => (await codeLenses(uri)).length === 0, 'no lens is left');
    } finally {
      await settings.update('lens.enabled', undefined, vscode.ConfigurationTarget.Global);
    }
    await waitForAsync(async () => (await weightLensesByLine(uri)).size === 3,
      'the lenses come back');
  });

  it('writes its numbers with backpropLens.lens.digits significant digits', async () => {
    const editor = await openUntitledSpec(smallSpec().replace('0.25', '0.123456789'));
    const settings = vscode.workspace.getConfiguration('backpropLens');
    await settings.update('lens.digits', 5, vscode.ConfigurationTarget.Global);
    try {
      await waitForAsync(async () => (await weightLensesByLine(editor.document.uri)).get(14)
        === 'w 0.5 0.12346 | 0 · not trained yet', 'the row lens shows 5 significant digits');
    } finally {
      await settings.update('lens.digits', undefined, vscode.ConfigurationTarget.Global);
    }
  });
});

describe('training sessions', function () {
  this.timeout(60_000);

  it('trains several files at once, each in its own session', async () => {
    const api = await backpropLens();
    const first = await openUntitledSpec(smallSpec({ epochs: 1_000_000 }));
    const second = await openUntitledSpec(smallSpec({ epochs: 1_000_000, lr: 0.1 }));
    await vscode.commands.executeCommand('backpropLens.train', first.document.uri);
    await vscode.commands.executeCommand('backpropLens.train', second.document.uri);
    const sessions = [api.sessionFor(first.document.uri), api.sessionFor(second.document.uri)];
    assert.ok(sessions[0] && sessions[1]);
    assert.notEqual(sessions[0], sessions[1]);
    const running = (session: (typeof sessions)[number]): boolean =>
      session?.state === 'running' && session.step > 0;
    await waitFor(() => sessions.every(running), 'both sessions run');
    for (const session of sessions) {
      await vscode.commands.executeCommand('backpropLens.stop', session?.uri);
    }
    assert.deepEqual(sessions.map((session) => session!.state), ['stopped', 'stopped']);
  });

  it('restarts a file that is training only when asked to', async () => {
    const api = await backpropLens();
    const editor = await openUntitledSpec(smallSpec({ epochs: 1_000_000 }));
    const { uri } = editor.document;
    await vscode.commands.executeCommand('backpropLens.train', uri);
    const first = api.sessionFor(uri);
    assert.ok(first);

    await vscode.commands.executeCommand('backpropLens.train', uri, { restart: false });
    assert.equal(api.sessionFor(uri), first, 'declining the restart replaced the session');
    assert.notEqual(first.state, 'stopped');

    await vscode.commands.executeCommand('backpropLens.train', uri, { restart: true });
    const second = api.sessionFor(uri);
    assert.ok(second && second !== first, 'agreeing to the restart kept the old session');
    assert.equal(first.state, 'stopped');
    await vscode.commands.executeCommand('backpropLens.stop', uri);
  });

  it('pauses, steps one mini-batch at a time, resumes, stops; context keys follow', async () => {
    const api = await backpropLens();
    const editor = await openUntitledSpec(smallSpec({ epochs: 1_000_000 }));
    const { uri } = editor.document;
    assert.equal(api.contextKeys()['backpropLens.hasSession'], false);
    assert.equal(api.contextKeys()['backpropLens.canPause'], false);

    await vscode.commands.executeCommand('backpropLens.train', uri, { paused: true });
    const session = api.sessionFor(uri);
    assert.ok(session);
    await waitFor(() => session.state === 'paused', 'the session waits, paused');
    assert.equal(session.step, 0);
    assert.equal(api.contextKeys()['backpropLens.canResume'], true);
    assert.equal(api.contextKeys()['backpropLens.canApply'], false);

    await vscode.commands.executeCommand('backpropLens.stepOnce', uri);
    await waitFor(() => session.step === 1, 'one step is taken');
    await vscode.commands.executeCommand('backpropLens.stepOnce', uri);
    await waitFor(() => session.step === 2, 'a second step is taken');
    await waitFor(() => api.contextKeys()['backpropLens.canApply'] === true, 'Apply is offered');

    await vscode.commands.executeCommand('backpropLens.resume', uri);
    await waitFor(() => session.state === 'running' && session.step > 2, 'training resumes');
    await waitFor(() => api.contextKeys()['backpropLens.canPause'] === true, 'Pause is offered');
    assert.equal(api.contextKeys()['backpropLens.canApply'], false);
    assert.match(api.statusBarText() ?? '', /step [\d,]+ · loss .+ · [\d.,]+ steps\/s/);

    await vscode.commands.executeCommand('backpropLens.pause', uri);
    await waitFor(() => session.state === 'paused', 'the session pauses');
    await vscode.commands.executeCommand('backpropLens.stop', uri);
    assert.equal(session.state, 'stopped');
    await waitFor(() => api.contextKeys()['backpropLens.canStop'] === false, 'Stop is hidden');
  });

  it('Reset to File Weights starts again from the file: "not trained yet" again', async () => {
    const api = await backpropLens();
    const editor = await openUntitledSpec(smallSpec({ epochs: 2 }));
    const { uri } = editor.document;
    await vscode.commands.executeCommand('backpropLens.train', uri);
    const trained = api.sessionFor(uri);
    assert.ok(trained);
    await trained.whenFinished();

    await vscode.commands.executeCommand('backpropLens.resetToFileWeights', uri);
    const reset = api.sessionFor(uri);
    assert.ok(reset && reset !== trained);
    await waitFor(() => reset.state === 'paused', 'the new session waits at step 0');
    const lenses = await weightLensesByLine(uri);
    assert.equal(lenses.get(12), 'w 0.2 · not trained yet');
    await vscode.commands.executeCommand('backpropLens.stop', uri);
  });

  it('reports a diverging run at the line of the layer that overflowed; trains on', async () => {
    const api = await backpropLens();
    const editor = await openUntitledSpec(smallSpec({ lr: 1e300 }));
    const { uri } = editor.document;
    await vscode.commands.executeCommand('backpropLens.train', uri);
    const session = api.sessionFor(uri);
    assert.ok(session);
    assert.equal(await session.whenFinished(), 'failed');
    const failure = session.run.failure;
    assert.equal(failure?.kind, 'divergence');
    const layerLine = 2 + (failure.kind === 'divergence' ? failure.layer : 0);
    assert.match(describeFailure(session, failure),
      new RegExp(`^Untitled-\\d+:${layerLine}:1: .* a smaller learning rate may help$`));

    const healthy = await openUntitledSpec(smallSpec({ epochs: 2 }));
    await vscode.commands.executeCommand('backpropLens.train', healthy.document.uri);
    assert.equal(await api.sessionFor(healthy.document.uri)?.whenFinished(), 'finished');
  });
});

describe('a training worker that dies', function () {
  this.timeout(60_000);

  it('is reported, its session ends as failed, and the editor trains on', async () => {
    const api = await backpropLens();
    const editor = await openUntitledSpec(smallSpec({ epochs: 1_000_000 }));
    const { uri } = editor.document;
    await vscode.commands.executeCommand('backpropLens.train', uri);
    const session = api.sessionFor(uri);
    assert.ok(session);
    await waitFor(() => session.step > 0, 'training starts');

    // The worker thread is killed from outside, as a crash would end it.
    const worker = Reflect.get(session.run, 'worker') as { terminate(): Promise<number> };
    await worker.terminate();
    assert.equal(await session.whenFinished(), 'failed');
    assert.equal(session.run.failure?.kind, 'crashed');
    await waitFor(() => api.contextKeys()['backpropLens.canStop'] === false, 'Stop is hidden');
    assert.equal(api.contextKeys()['backpropLens.state'], 'failed');
    // The lenses still show the last step the worker sent.
    const lenses = await weightLensesByLine(uri);
    assert.match(lenses.get(12) ?? '', /^Δw \S+ · ∂E\/∂w \S+ · step [\d,]+$/);

    assert.equal(await vscode.commands.executeCommand('backpropLens.train', uri), true);
    const next = api.sessionFor(uri);
    assert.ok(next && next !== session);
    await waitFor(() => next.step > 0, 'the new session trains');
    await vscode.commands.executeCommand('backpropLens.stop', uri);
  });
});

describe('problems in a spec', function () {
  this.timeout(60_000);

  it('go to the Problems view with line and column, and keep the run from starting', async () => {
    const api = await backpropLens();
    const broken = smallSpec().replace('layer h 2 tanh', 'layer h 2 tanhh');
    const editor = await openUntitledSpec(broken);
    const { uri } = editor.document;

    await waitFor(() => vscode.languages.getDiagnostics(uri).length > 0, 'problems are published');
    const [problem] = vscode.languages.getDiagnostics(uri);
    assert.equal(problem.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(problem.range.start.line, 2);
    assert.equal(problem.range.start.character, 10);
    assert.equal(problem.source, 'nnspec');
    assert.ok(problem.code, 'the problem has no code');
    assert.match(problem.message, /tanhh/);

    assert.equal(await vscode.commands.executeCommand('backpropLens.train', uri), false);
    assert.equal(api.sessionFor(uri), undefined);
  });

  it('are checked again after an edit, and cleared once fixed', async () => {
    const editor = await openUntitledSpec(smallSpec());
    const { document } = editor;
    await new Promise((resolve) => setTimeout(resolve, 400));
    assert.deepEqual(vscode.languages.getDiagnostics(document.uri), []);

    const layerLine = document.lineAt(2);
    await editor.edit((edit) => edit.replace(layerLine.range, 'layer h 2 sigmod'));
    const problems = (): vscode.Diagnostic[] => vscode.languages.getDiagnostics(document.uri);
    await waitFor(() => problems().length > 0, 'the typo is reported');
    assert.equal(problems()[0].range.start.line, 2);

    await editor.edit((edit) => edit.replace(document.lineAt(2).range, 'layer h 2 sigmoid'));
    await waitFor(() => problems().length === 0, 'the fix clears it');
  });
});

describe('the extension host while the largest example trains', function () {
  this.timeout(180_000);

  // The target, p99 under 10 ms, is a figure to read in the output, not a timed assertion: the
  // machines tests run on are shared. What is asserted is that the editor never stalls.
  it('never stalls the editor while the largest example trains, and prints its event-loop delay', async () => {
    const api = await backpropLens();
    const editor = await openExample('spiral.nnspec');
    const { uri } = editor.document;
    // The panel, the lenses and the status bar all follow the run while it is measured.
    await vscode.commands.executeCommand('backpropLens.showPanel', uri);

    // The same window with nothing training says how busy the machine itself is.
    const idle = monitorEventLoopDelay({ resolution: 1 });
    idle.enable();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    idle.disable();

    // Three whole runs: the machine is shared, and one stray spike on it should not decide.
    const milliseconds = (nanoseconds: number): string => (nanoseconds / 1e6).toFixed(2);
    const p99s: number[] = [];
    for (let run = 1; run <= 3; run++) {
      const training = monitorEventLoopDelay({ resolution: 1 });
      training.enable();
      const started = performance.now();
      await vscode.commands.executeCommand('backpropLens.train', uri,
        { restart: true, steps: MEASURED_STEPS });
      const session = api.sessionFor(uri);
      assert.ok(session);
      await vscode.commands.executeCommand('backpropLens.showPanel', uri);
      assert.equal(await session.whenFinished(), 'finished');
      training.disable();

      // Each sample is the time between two 1 ms ticks: it counts the tick itself.
      const p99 = training.percentile(99) / 1e6;
      p99s.push(p99);
      const seconds = (performance.now() - started) / 1000;
      report(`      run ${run}: spiral.nnspec trained ${formatCount(session.step)} steps `
        + `in ${seconds.toFixed(1)} s; event loop delay p99 ${p99.toFixed(2)} ms, `
        + `p50 ${milliseconds(training.percentile(50))} ms, max ${milliseconds(training.max)} ms`);
    }
    const median = [...p99s].sort((a, b) => a - b)[1];
    report(`      median p99 ${median.toFixed(2)} ms (idle: p99 ${milliseconds(idle.percentile(99))} ms, `
      + `max ${milliseconds(idle.max)} ms; load average ${os.loadavg()[0].toFixed(1)})`);
    assert.ok(median < STALL_MS, `median p99 event loop delay ${median.toFixed(2)} ms while `
      + `training, ${milliseconds(idle.percentile(99))} ms idle`);

    // The panel followed the last run: it was sent the loss curve and the final status.
    const session = api.sessionFor(uri);
    const posted = api.panel.postedMessages;
    const curve = posted.flatMap((message) =>
      (message.type === 'update' || message.type === 'reset' ? message.loss : []));
    assert.ok(curve.length > 0, 'the panel was sent no loss');
    const updates = posted.filter((message) => message.type === 'update');
    const last = updates[updates.length - 1];
    assert.ok(last?.type === 'update');
    assert.equal(last.status.state, 'finished');
    assert.equal(last.status.step, session?.step);
  });
});
