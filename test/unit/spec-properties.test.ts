// Properties of the .nnspec reader over generated input: random text and random edits of valid
// files never make it throw, every diagnostic lies inside the document, the fast reading of
// edge lines gives exactly what the general one gives, and a file without errors converts.

import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  checkSpec, largeSpecText, parseSpec, toConfig, type Diagnostic,
} from '../../src/spec';
import { GUIDE_TUTORIAL } from './format-examples';

const VALID = [
  GUIDE_TUTORIAL,
  `network logical_and
layer a  2
layer y  1  sigmoid
loss cross_entropy
optimizer adam lr=0.01 beta1=0.9
shuffle off
init uniform 0.5
data
  a[1]  a[2]  y
  0     0     0
  1     1     1
weights
  y <- 0.1 -0.1 | 0
`,
  `network moons
layer p      2
layer h      8  tanh
layer class  2  softmax
loss       cross_entropy
optimizer  momentum  lr=0.1  beta=0.9
validate   0.25
data "moons.csv"  inputs=x1,x2  outputs=label
weights
  h[1] <- 1 2 | 3
  bias -> class[2] 0.5
`,
];

const CSV = { 'moons.csv': 'x1,x2,label\n0.1,0.2,0\n0.3,0.4,1\n' };

/** Tokens an edit may put in: keywords, names, numbers, punctuation and junk. */
const TOKENS = [
  'network', 'layer', 'loss', 'optimizer', 'batch', 'epochs', 'seed', 'shuffle', 'init',
  'validate', 'data', 'weights', 'x', 'h', 'y', 'h[1]', 'h[0]', 'y[2]', 'bias', 'sigmoid',
  'softmax', 'mse', 'cross_entropy', 'sgd', 'adam', 'lr=0.1', 'range=-3..3', '->', '<-', '|',
  ':', '[', ']', '=', ',', '..', '0', '-1', '2.5', '1e400', '1e', '"a.csv"', '"open', '#', '$',
  'é', '\u{1F600}', '\t', '  ', '', 'xor', 'spiral', 'samples=0', 'inputs=a,b', 'outputs=c',
];

function check(text: string) {
  return checkSpec(text, {
    specPath: '/specs/net.nnspec',
    readFile: (absolute) => (absolute.endsWith('moons.csv') ? CSV['moons.csv'] : undefined),
  });
}

/** Every range lies inside the text: an existing line, a column at most its length, start ≤ end. */
function assertInside(text: string, diagnostics: Diagnostic[]): void {
  const lines = text.split(/\r\n|\r|\n/);
  for (const d of diagnostics) {
    const { start, end } = d.range;
    for (const position of [start, end]) {
      assert.ok(position.line >= 0 && position.line < lines.length, `line of ${JSON.stringify(d)}`);
      assert.ok(position.character >= 0 && position.character <= lines[position.line].length,
        `character of ${JSON.stringify(d)}`);
    }
    assert.ok(start.line < end.line || (start.line === end.line && start.character <= end.character),
      `start before end in ${JSON.stringify(d)}`);
    assert.ok(d.code.length > 0 && d.message.length > 0);
    assert.ok(d.severity === 'error' || d.severity === 'warning');
  }
}

type Edit =
  | { kind: 'delete'; at: number }
  | { kind: 'insert'; at: number; line: string }
  | { kind: 'duplicate'; at: number }
  | { kind: 'replace'; at: number; token: number; by: string };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('insert' as const), at: fc.nat(),
    line: fc.oneof(
      fc.array(fc.constantFrom(...TOKENS), { maxLength: 6 }).map((tokens) => tokens.join(' ')),
      fc.string({ maxLength: 20 }),
    ),
  }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('replace' as const), at: fc.nat(), token: fc.nat(),
    by: fc.constantFrom(...TOKENS),
  }),
);

function applyEdits(text: string, edits: Edit[]): string {
  const lines = text.split('\n');
  for (const change of edits) {
    const at = change.at % (lines.length + 1);
    switch (change.kind) {
      case 'delete': lines.splice(at, 1); break;
      case 'insert': lines.splice(at, 0, change.line); break;
      case 'duplicate': if (at < lines.length) lines.splice(at, 0, lines[at]); break;
      case 'replace': {
        if (at >= lines.length) break;
        // Split keeping the separators, so that only one word changes.
        const parts = lines[at].split(/(\s+)/);
        const words = parts.flatMap((part, index) => (part.trim() === '' ? [] : [index]));
        if (words.length === 0) break;
        parts[words[change.token % words.length]] = change.by;
        lines[at] = parts.join('');
        break;
      }
    }
  }
  return lines.join('\n');
}

describe('spec: properties', function () {
  // Hundreds of generated files each: generous on a busy machine.
  this.timeout(60_000);

  it('never throws on random text, and keeps every range inside it', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
      const { diagnostics } = check(text);
      assertInside(text, diagnostics);
    }), { numRuns: 300 });
  });

  it('never throws on random bytes read as UTF-8', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      const text = Buffer.from(bytes).toString('utf8');
      assertInside(text, check(text).diagnostics);
    }), { numRuns: 200 });
  });

  it('never throws on random edits of valid files, and keeps every range inside', () => {
    fc.assert(fc.property(
      fc.constantFrom(...VALID), fc.array(edit, { minLength: 1, maxLength: 6 }),
      fc.constantFrom('\n', '\r\n'),
      (base, edits, eol) => {
        const text = applyEdits(base, edits).replace(/\n/g, eol);
        const { doc, diagnostics } = check(text);
        assertInside(text, diagnostics);
        assert.equal(doc.lineCount, text.split(/\r\n|\r|\n/).length);
        if (!diagnostics.some((d) => d.severity === 'error')) {
          const config = toConfig(doc, { specPath: '/specs/net.nnspec' });
          assert.ok(config.layers.length >= 2, 'a file without errors converts');
        }
      }), { numRuns: 600 });
  });

  it('starts with the valid files checking clean', () => {
    for (const text of VALID) assert.deepEqual(check(text).diagnostics, []);
  });

  it('reads weight lines the fast way exactly as the general way', () => {
    const unit = fc.oneof(
      fc.constantFrom('x', 'x[1]', 'x[2]', 'x [1]', 'h', 'h[1]', 'h[3]', 'h[4]', 'h[0]', 'h[01]',
        'h[1.0]', 'y', 'y[1]', 'y[2]', 'bias', 'bias[1]', 'q', 'h[', 'h[1'),
    );
    const line = fc.record({
      indent: fc.constantFrom('  ', '\t', ' \t '),
      label: fc.constantFrom('', 'w: ', 'w:', 'w_2 : ', 'v: ', '3: '),
      from: unit,
      arrow: fc.constantFrom(' -> ', '->', ' <- ', ' - > ', '  ->  '),
      to: unit,
      gap: fc.constantFrom(' ', '  ', '', '\t'),
      value: fc.constantFrom('0.5', '-1', '+.25', '1e-3', '2.', '1e400', 'x', '', '1..2', '0.5abc'),
      tail: fc.constantFrom('', ' ', ' # note', '#x', ' 7', ' | 2'),
    }).map((parts) => parts.indent + parts.label + parts.from + parts.arrow + parts.to + parts.gap +
      parts.value + parts.tail);
    const number = fc.oneof(
      { arbitrary: fc.constantFrom('0.5', '-1', '+.25', '1e-3', '7'), weight: 6 },
      { arbitrary: fc.constantFrom('2.', '1e400', 'x', '0.5abc'), weight: 1 },
    );
    const row = fc.record({
      indent: fc.constantFrom('  ', '\t'),
      to: unit,
      arrow: fc.constantFrom(' <- ', '<-', ' < - ', ' -> '),
      values: fc.array(number, { maxLength: 4 }),
      separator: fc.constantFrom(' ', '  ', '\t', ','),
      bias: fc.constantFrom('', ' | 1', '|2', ' | ', ' | 1 2', ' || 1'),
      tail: fc.constantFrom('', ' # note', '#', ' x'),
    }).map((parts) => parts.indent + parts.to + parts.arrow + parts.values.join(parts.separator) +
      parts.bias + parts.tail);
    const weightLine = fc.oneof(line, row);
    const head = 'layer x 2\nlayer h 3 tanh\nlayer y 1 sigmoid\ndata xor\nweights\n';
    const lines = fc.array(weightLine, { maxLength: 30 });
    fc.assert(fc.property(lines, fc.boolean(), (written, layersLast) => {
      const text = layersLast
        ? `weights\n${written.join('\n')}\nlayer x 2\nlayer h 3 tanh\nlayer y 1 sigmoid\n`
        : head + written.join('\n');
      assert.deepEqual(parseSpec(text), parseSpec(text, { fastWeights: false }));
    }), { numRuns: 400 });
  });

  it('reads a large file the fast way exactly as the general way', () => {
    const text = largeSpecText(800);
    const fast = parseSpec(text);
    assert.deepEqual(fast.diagnostics, []);
    assert.deepEqual(fast, parseSpec(text, { fastWeights: false }));
  });
});
