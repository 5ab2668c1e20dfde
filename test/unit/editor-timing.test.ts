// The edits that write trained weights into a file, and the pacing of refreshes: both decide
// whether the editor's lenses stay put and keep up while a network trains.
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { lineChanges, minimalChange, type TextChange } from '../../src/extension/textChange';
import { RefreshPacer, Throttle } from '../../src/extension/timing';

function applyChanges(text: string, changes: readonly TextChange[]): string {
  let result = '';
  let done = 0;
  for (const change of changes) {
    assert.ok(change.start >= done, 'changes overlap or are out of order');
    result += text.slice(done, change.start) + change.text;
    done = change.end;
  }
  return result + text.slice(done);
}

describe('lineChanges', () => {
  const before = 'weights\n  w_a: x -> h[1] 0.15\n  w_b: x -> h[2] -0.27\n# end\n';

  it('changes each number inside its own line', () => {
    const after = 'weights\n  w_a: x -> h[1] 1.80829\n  w_b: x -> h[2] 0.682485\n# end\n';
    const changes = lineChanges(before, after);
    const replaced = changes.map((change) => before.slice(change.start, change.end));
    assert.deepEqual(replaced, ['0.15', '-0.27']);
    assert.equal(applyChanges(before, changes), after);
  });

  it('inserts added lines in one piece after the changed ones', () => {
    const after = 'weights\n  w_a: x -> h[1] 2\n  w_b: x -> h[2] -0.27\n'
      + '  bias -> h[1] 0.5\n# end\n';
    const changes = lineChanges(before, after);
    assert.equal(changes.length, 2);
    assert.deepEqual(changes[1], { start: before.indexOf('# end'), end: before.indexOf('# end'),
      text: '  bias -> h[1] 0.5\n' });
    assert.equal(applyChanges(before, changes), after);
  });

  it('makes nothing of equal texts', () => {
    assert.deepEqual(lineChanges(before, before), []);
  });

  it('turns any text into any other', () => {
    const text = fc.stringMatching(/^[ab\n\r0-9.-]{0,40}$/);
    fc.assert(fc.property(text, text, (from, to) => {
      assert.equal(applyChanges(from, lineChanges(from, to)), to);
      assert.equal(applyChanges(from, [minimalChange(from, to)]), to);
    }), { numRuns: 500 });
  });
});

describe('Throttle', () => {
  async function until(condition: () => boolean): Promise<void> {
    for (let waited = 0; !condition() && waited < 5000; waited += 5) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  it('collapses the calls made within the interval into one run at its end', async () => {
    const clock = { now: 1000 };
    let runs = 0;
    const throttle = new Throttle(() => runs++, 50, () => clock.now);
    throttle.flush();
    for (let call = 0; call < 10; call++) throttle.schedule();
    assert.equal(runs, 1, 'a call within the interval ran at once');
    assert.equal(throttle.isPending, true);

    await until(() => runs > 1);
    await new Promise((resolve) => setTimeout(resolve, 80));
    assert.equal(runs, 2);
    assert.equal(throttle.isPending, false);
    throttle.dispose();
  });

  it('runs at once on flush, pending or not', () => {
    let runs = 0;
    const throttle = new Throttle(() => runs++, 1000);
    throttle.schedule();
    throttle.flush();
    throttle.flush();
    assert.equal(runs, 2);
    assert.equal(throttle.isPending, false);
    throttle.dispose();
  });
});

describe('RefreshPacer', () => {
  const timings = { intervalMs: 250, settleMs: 320, unansweredMs: 1000 };

  function pacerAt(clock: { now: number }, fired: number[]): RefreshPacer {
    return new RefreshPacer(() => fired.push(clock.now), timings, () => clock.now);
  }

  it('allows the first refresh at once', () => {
    const pacer = pacerAt({ now: 5000 }, []);
    assert.equal(pacer.delayUntilAllowed(), 0);
    pacer.dispose();
  });

  it('waits for the editor to answer before the next refresh, up to a second', async () => {
    const clock = { now: 5000 };
    const fired: number[] = [];
    const pacer = pacerAt(clock, fired);
    pacer.request();
    await new Promise((resolve) => setTimeout(resolve, 5));
    assert.deepEqual(fired, [5000]);

    clock.now = 5400;
    assert.equal(pacer.delayUntilAllowed(), 600, 'unanswered, it should wait out the second');
    clock.now = 5300;
    pacer.answered();
    assert.equal(pacer.delayUntilAllowed(), 320, 'answered, the editor should have time to draw');
    clock.now = 5620;
    assert.equal(pacer.delayUntilAllowed(), 0);
    pacer.dispose();
  });

  it('never refreshes twice within the interval', async () => {
    const clock = { now: 5000 };
    const fired: number[] = [];
    const pacer = pacerAt(clock, fired);
    pacer.request();
    await new Promise((resolve) => setTimeout(resolve, 5));
    pacer.answered();
    clock.now = 5100;
    assert.ok(pacer.delayUntilAllowed() >= 150);
    pacer.dispose();
  });
});
