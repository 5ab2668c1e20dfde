// Every rule of the .nnspec language: each problem is found with its code, severity, and the
// exact range of the characters at fault, and the lines after a bad one are still checked.

import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { checkSpec, formatDiagnostic, parseSpec, type Diagnostic, type Range } from '../../src/spec';

const SPEC_PATH = path.resolve('/project/nets/net.nnspec');

interface Options { files?: Record<string, string> }

function diagnose(text: string, options: Options = {}): Diagnostic[] {
  const files = options.files ?? {};
  return checkSpec(text, {
    specPath: SPEC_PATH,
    readFile: (absolute) => files[path.relative(path.dirname(SPEC_PATH), absolute)],
  }).diagnostics;
}

/** The range of the `occurrence`-th `needle` on line `line` of `text` (found by plain search). */
function span(text: string, line: number, needle: string, occurrence = 0): Range {
  const lineText = text.split(/\r\n|\r|\n/)[line];
  let character = -1;
  for (let k = 0; k <= occurrence; k++) {
    character = lineText.indexOf(needle, character + 1);
    assert.ok(character >= 0, `\`${needle}\` (${occurrence}) is on line ${line}: ${lineText}`);
  }
  return { start: { line, character }, end: { line, character: character + needle.length } };
}

/**
 * Asserts the text has exactly one diagnostic with `code`, at the given range and severity, and
 * returns it for further checks of its message.
 */
function expectOne(text: string, code: string, range: Range, severity: 'error' | 'warning' = 'error',
  options: Options = {}): Diagnostic {
  const all = diagnose(text, options);
  const found = all.filter((d) => d.code === code);
  assert.equal(found.length, 1, `one \`${code}\` among ${JSON.stringify(all, null, 1)}`);
  assert.deepEqual(found[0].range, range, `range of ${code}: ${found[0].message}`);
  assert.equal(found[0].severity, severity);
  return found[0];
}

function codes(text: string, options: Options = {}): string[] {
  return diagnose(text, options).map((d) => d.code);
}

const HEAD = 'network t\nlayer x 2\nlayer h 3 tanh\nlayer y 1 sigmoid\n';
/** A sound spec: 2-3-1 on xor. Line 4 onwards is free for the statement under test. */
const BASE = `${HEAD}data xor\n`;

describe('spec: a sound file', () => {
  it('has no diagnostics', () => {
    assert.deepEqual(diagnose(BASE), []);
  });

  it('formats a diagnostic as FILE:LINE:COL: severity: message, 1-based', () => {
    const d: Diagnostic = {
      range: { start: { line: 2, character: 9 }, end: { line: 2, character: 15 } },
      severity: 'error', code: 'unknown-activation', message: 'unknown activation `sigmod`',
    };
    assert.equal(formatDiagnostic('a/net.nnspec', d),
      'a/net.nnspec:3:10: error: unknown activation `sigmod`');
  });
});

describe('spec: syntax', () => {
  it('suggests the keyword a misspelt statement meant, and still reads it as that', () => {
    const text = 'network t\nlayr x 2\nlayer h 3 tanh\nlayer y 1 sigmoid\ndata xor\n' +
      'weights\n  x[1] -> h[1] 0.5\n';
    const d = expectOne(text, 'unknown-statement', span(text, 1, 'layr'));
    assert.match(d.message, /did you mean `layer`\?/);
    assert.deepEqual(codes(text), ['unknown-statement'], 'layer `x` still counts');
  });

  it('lists the statements when a word is like none of them', () => {
    const text = `${BASE}frobnicate 3\n  indented 4\n`;
    const d = expectOne(text, 'unknown-statement', span(text, 5, 'frobnicate'));
    assert.match(d.message, /network, layer, loss/);
    assert.deepEqual(codes(text), ['unknown-statement'], 'its indented lines go with it');
  });

  it('points at an unexpected character', () => {
    const text = `${HEAD}batch 4 $\ndata xor\n`;
    expectOne(text, 'unexpected-character', span(text, 4, '$'));
  });

  it('points at a malformed number as a whole', () => {
    const text = `${HEAD}batch 4x2\ndata xor\n`;
    const d = expectOne(text, 'bad-number', span(text, 4, '4x2'));
    assert.match(d.message, /-1\.5e-3/);
  });

  it('points at a string with no closing quote', () => {
    const text = `${HEAD}data "points.csv outputs=y\n`;
    expectOne(text, 'unterminated-string', span(text, 4, '"points.csv outputs=y'));
  });

  it('points at the word a missing value should follow', () => {
    const text = `${BASE}epochs\n`;
    const d = expectOne(text, 'missing-value', span(text, 5, 'epochs'));
    assert.match(d.message, /missing after `epochs`/);
  });

  it('wants a number where a number goes', () => {
    const text = `${BASE}batch four\n`;
    expectOne(text, 'expected-number', span(text, 5, 'four'));
  });

  it('wants a name where a name goes', () => {
    const text = `${BASE}loss 3\n`;
    expectOne(text, 'expected-name', span(text, 5, '3'));
  });

  it('points at every token after a complete statement', () => {
    const text = `${BASE}seed 3 4 5\n`;
    const d = expectOne(text, 'extra-token', span(text, 5, '4 5'));
    assert.match(d.message, /`seed N`/);
  });

  it('rejects a number too large for a double', () => {
    const text = `${BASE}epochs 1e400\n`;
    expectOne(text, 'number-range', span(text, 5, '1e400'));
  });

  it('reports a statement given twice at the second, naming the first\'s line', () => {
    const text = `${BASE}seed 3\nbatch 2\nseed 4\n`;
    const d = expectOne(text, 'duplicate-statement', span(text, 7, 'seed'));
    assert.match(d.message, /line 6/);
  });

  it('goes on after a bad line: every bad line is reported', () => {
    const text = `layer x 2 $\nlayer h 3 tanhh\nlayer y 1 sigmoid\nloss mse mse\nbatch -\n` +
      `epochs 1.5\ndata xor\n`;
    assert.deepEqual(diagnose(text).map((d) => [d.code, d.range.start.line]), [
      ['unexpected-character', 0],
      ['unknown-activation', 1],
      ['extra-token', 3],
      ['unexpected-character', 4],
      ['value-range', 5],
    ]);
  });
});

describe('spec: layers', () => {
  it('suggests the activation a misspelt one meant', () => {
    const text = 'layer x 2\nlayer h 3 sigmod\nlayer y 1 sigmoid\ndata xor\n';
    const d = expectOne(text, 'unknown-activation', span(text, 1, 'sigmod'));
    assert.equal(d.message, 'unknown activation `sigmod`; did you mean `sigmoid`?');
    assert.ok(!codes(text).includes('missing-activation'), 'no second problem for the same word');
  });

  it('wants sizes that are whole numbers of at least 1', () => {
    for (const size of ['0', '2.5', '-3']) {
      const text = `layer x 2\nlayer h ${size} tanh\nlayer y 1 sigmoid\ndata xor\n`;
      expectOne(text, 'layer-size', span(text, 1, size));
    }
  });

  it('needs at least two layers', () => {
    const one = 'layer x 2\ndata xor\n';
    expectOne(one, 'too-few-layers', span(one, 0, 'layer x 2'));
    const none = 'data xor\n';
    expectOne(none, 'too-few-layers',
      { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } });
  });

  it('gives the input layer no activation', () => {
    const text = 'layer x 2 relu\nlayer y 1 sigmoid\ndata xor\n';
    expectOne(text, 'input-activation', span(text, 0, 'relu'));
  });

  it('gives every other layer an activation', () => {
    const text = 'layer x 2\nlayer h 3\nlayer y 1 sigmoid\ndata xor\n';
    const d = expectOne(text, 'missing-activation', span(text, 1, 'layer h 3'));
    assert.match(d.message, /`h` needs an activation/);
  });

  it('puts softmax on the output layer only', () => {
    const text = 'layer x 2\nlayer h 3 softmax\nlayer y 2 softmax\ndata circles\n';
    expectOne(text, 'softmax-hidden', span(text, 1, 'softmax'));
  });

  it('warns about softmax over a single unit', () => {
    const text = 'layer x 2\nlayer y 1 softmax\ndata xor\n';
    expectOne(text, 'softmax-single', span(text, 1, 'softmax'), 'warning');
  });

  it('names each layer once', () => {
    const text = 'layer x 2\nlayer h 3 tanh\nlayer h 2 tanh\nlayer y 1 sigmoid\ndata xor\n';
    const d = expectOne(text, 'duplicate-layer', span(text, 2, 'h'));
    assert.match(d.message, /line 2/);
  });

  it('keeps `bias` for the bias input', () => {
    const text = 'layer x 2\nlayer bias 3 tanh\nlayer y 1 sigmoid\ndata xor\n';
    expectOne(text, 'reserved-name', span(text, 1, 'bias'));
  });

  it('refuses more weights than the engine takes', () => {
    const text = 'layer x 5000\nlayer h 5000 tanh\nlayer y 1 linear\ndata linear inputs=5000\n';
    expectOne(text, 'too-many-weights', span(text, 1, '5000'));
  });
});

describe('spec: loss, optimizer and settings', () => {
  it('suggests the loss a misspelt one meant', () => {
    const text = `${BASE}loss cross_entropi\n`;
    const d = expectOne(text, 'unknown-loss', span(text, 5, 'cross_entropi'));
    assert.match(d.message, /did you mean `cross_entropy`\?/);
  });

  it('takes cross_entropy only with softmax or a single sigmoid unit', () => {
    const text = 'layer x 2\nlayer y 2 sigmoid\nloss cross_entropy\ndata circles\n';
    const d = expectOne(text, 'loss-activation', span(text, 2, 'cross_entropy'));
    assert.match(d.message, /softmax/);
    const linear = 'layer x 1\nlayer y 1 linear\nloss cross_entropy\ndata sine\n';
    expectOne(linear, 'loss-activation', span(linear, 2, 'cross_entropy'));
  });

  it('allows mse with a softmax output', () => {
    assert.deepEqual(diagnose('layer x 2\nlayer y 2 softmax\nloss mse\ndata circles\n'), []);
  });

  it('suggests the optimizer a misspelt one meant, and still checks its keys', () => {
    const text = `${BASE}optimizer adma lr=0.1 beta3=0.9\n`;
    const d = expectOne(text, 'unknown-optimizer', span(text, 5, 'adma'));
    assert.match(d.message, /did you mean `adam`\?/);
    expectOne(text, 'unknown-key', span(text, 5, 'beta3'));
  });

  it('rejects a key the optimizer does not take, with a suggestion', () => {
    const text = `${BASE}optimizer momentum lr=0.1 bet=0.5\n`;
    const d = expectOne(text, 'unknown-key', span(text, 5, 'bet'));
    assert.match(d.message, /did you mean `beta`\?/);
    const sgd = `${BASE}optimizer sgd lr=0.1 beta=0.5\n`;
    assert.match(expectOne(sgd, 'unknown-key', span(sgd, 5, 'beta')).message,
      /takes lr\); `beta` is a key of momentum/);
  });

  it('rejects a key given twice', () => {
    const text = `${BASE}optimizer sgd lr=0.1 lr=0.2\n`;
    expectOne(text, 'duplicate-key', span(text, 5, 'lr', 1));
  });

  it('wants `=` between a key and its value', () => {
    const text = `${BASE}optimizer sgd lr 0.1\n`;
    expectOne(text, 'expected-token', span(text, 5, '0.1'));
  });

  it('wants lr above 0, betas in [0, 1) and eps above 0', () => {
    const cases: [string, string][] = [
      ['optimizer sgd lr=0', '0'],
      ['optimizer sgd lr=-0.5', '-0.5'],
      ['optimizer momentum beta=1', '1'],
      ['optimizer adam beta1=-0.1', '-0.1'],
      ['optimizer adam beta2=1.5', '1.5'],
      ['optimizer adam eps=0', '0'],
      ['optimizer sgd lr=1..2', '1..2'],
    ];
    for (const [statement, value] of cases) {
      const text = `${BASE}${statement}\n`;
      const code = value.includes('..') ? 'expected-number' : 'value-range';
      expectOne(text, code, span(text, 5, value));
    }
  });

  it('takes betas at 0', () => {
    assert.deepEqual(diagnose(`${BASE}optimizer adam beta1=0 beta2=0\n`), []);
  });

  it('wants batch, epochs and seed to be whole numbers of at least 1', () => {
    for (const keyword of ['batch', 'epochs', 'seed']) {
      for (const value of ['0', '-2', '1.5']) {
        const text = `${BASE}${keyword} ${value}\n`;
        expectOne(text, 'value-range', span(text, 5, value));
      }
    }
  });

  it('warns that seeds beyond 2^32 wrap around', () => {
    const text = `${BASE}seed 4294967297\n`;
    const d = expectOne(text, 'seed-wraps', span(text, 5, '4294967297'), 'warning');
    assert.match(d.message, /seed 1\b/);
  });

  it('wants validate in [0, 1)', () => {
    for (const value of ['1', '-0.1', '2']) {
      const text = `${BASE}validate ${value}\n`;
      expectOne(text, 'value-range', span(text, 5, value));
    }
    assert.deepEqual(diagnose(`${BASE}validate 0\n`), []);
  });

  it('wants shuffle on or off', () => {
    const text = `${BASE}shuffle yes\n`;
    expectOne(text, 'expected-on-off', span(text, 5, 'yes'));
  });

  it('suggests the init a misspelt one meant', () => {
    const text = `${BASE}init xavir\n`;
    assert.match(expectOne(text, 'unknown-init', span(text, 5, 'xavir')).message,
      /did you mean `xavier`\?/);
  });

  it('wants a positive scale for uniform and normal, and none for the others', () => {
    const zero = `${BASE}init uniform 0\n`;
    expectOne(zero, 'value-range', span(zero, 5, '0'));
    const missing = `${BASE}init normal\n`;
    expectOne(missing, 'missing-value', span(missing, 5, 'normal'));
    const extra = `${BASE}init he 2\n`;
    expectOne(extra, 'extra-token', span(extra, 5, '2'));
  });
});

describe('spec: weights', () => {
  const net = `${BASE}weights\n`;

  it('knows which layers exist, with a suggestion', () => {
    const text = `${net}  hh[1] -> y 0.5\n`;
    const d = expectOne(text, 'unknown-layer', span(text, 6, 'hh'));
    assert.match(d.message, /did you mean `h`\?/);
  });

  it('wants an index for a layer of several units', () => {
    const text = `${net}  h -> y 0.5\n`;
    const d = expectOne(text, 'missing-index', span(text, 6, 'h'));
    assert.match(d.message, /`h\[1\]` … `h\[3\]`/);
  });

  it('knows which units exist', () => {
    const text = `${net}  h[4] -> y 0.5\n`;
    expectOne(text, 'unit-range', span(text, 6, 'h[4]'));
    const single = `${net}  h[1] -> y[2] 0.5\n`;
    expectOne(single, 'unit-range', span(single, 6, 'y[2]'));
  });

  it('counts units from 1, in whole numbers', () => {
    for (const index of ['0', '1.5']) {
      const text = `${net}  h[${index}] -> y 0.5\n`;
      expectOne(text, 'unit-index', span(text, 6, index));
    }
  });

  it('takes `y[1]` for the unit of a single-unit layer', () => {
    assert.deepEqual(diagnose(`${net}  h[1] -> y[1] 0.5\n`), []);
  });

  it('takes FROM only from the layer before TO\'s', () => {
    const text = `${net}  x[1] -> y 0.5\n`;
    const d = expectOne(text, 'not-adjacent', span(text, 6, 'x[1]'));
    assert.match(d.message, /the layer before it, `h`/);
    const backwards = `${net}  y -> h[1] 0.5\n`;
    const back = expectOne(backwards, 'not-adjacent', span(backwards, 6, 'y'));
    assert.match(back.message, /did you mean `h\[1\] -> y`\?/);
  });

  it('feeds no weight into the input layer, and none into bias', () => {
    const input = `${net}  bias -> x[1] 0.5\n`;
    expectOne(input, 'input-target', span(input, 6, 'x[1]'));
    const bias = `${net}  h[1] -> bias 0.5\n`;
    expectOne(bias, 'bias-target', span(bias, 6, 'bias'));
  });

  it('points at a weight written twice, naming the first\'s line', () => {
    const text = `${net}  x[1] -> h[2] 0.5\n  w: x[1] -> h[2] 0.25\n`;
    const d = expectOne(text, 'duplicate-weight', span(text, 7, 'x[1] -> h[2]'));
    assert.match(d.message, /`x\[1\] -> h\[2\]` is already written on line 7/);
  });

  it('points at the value of a row that repeats an edge', () => {
    const text = `${net}  h[2] -> y 0.5\n  y <- 1 2 3\n`;
    expectOne(text, 'duplicate-weight', span(text, 7, '2'));
  });

  it('reports a whole row written twice once, at its unit', () => {
    const text = `${net}  y <- 1 2 3\n  y <- 4 5 6 | 0\n`;
    const d = expectOne(text, 'duplicate-weight', span(text, 7, 'y'));
    assert.match(d.message, /line 7/);
    const weights = parseSpec(text).doc.weights;
    assert.deepEqual(weights.map((weight) => weight.value), [1, 2, 3, 0], 'the new bias counts');
  });

  it('reports a bias written in a row and in an edge', () => {
    const text = `${net}  y <- 1 2 3 | 0.5\n  bias -> y 0.1\n`;
    const d = expectOne(text, 'duplicate-bias', span(text, 7, 'bias -> y'));
    assert.match(d.message, /row on line 7/);
    const reversed = `${net}  bias -> y 0.1\n  y <- 1 2 3 | 0.5\n`;
    expectOne(reversed, 'duplicate-bias', span(reversed, 7, '0.5'));
  });

  it('wants one value per unit of the layer before in a row', () => {
    const long = `${net}  y <- 1 2 3 4 5 | 0\n`;
    const d = expectOne(long, 'row-length', span(long, 6, '4 5'));
    assert.match(d.message, /takes 3 values.*this row has 5/);
    const short = `${net}  y <- 1 2\n`;
    expectOne(short, 'row-length', span(short, 6, '1 2'));
    const empty = `${net}  y <- | 1\n`;
    expectOne(empty, 'row-length', span(empty, 6, '<-'));
  });

  it('wants a number after `|`', () => {
    const text = `${net}  y <- 1 2 3 |\n`;
    expectOne(text, 'missing-value', span(text, 6, '|'));
  });

  it('warns about a label used twice', () => {
    const text = `${net}  w: x[1] -> h[1] 0.5\n  w: x[2] -> h[1] 0.5\n`;
    expectOne(text, 'duplicate-label', span(text, 7, 'w'), 'warning');
  });

  it('explains the two forms for a line that is neither', () => {
    const text = `${net}  x[1] h[1] 0.5\n`;
    const d = expectOne(text, 'weight-syntax', span(text, 6, 'x[1] h[1] 0.5'));
    assert.match(d.message, /FROM -> TO VALUE/);
  });

  it('says so when a statement was indented into the weights block', () => {
    const text = `${net}  epochs 5\n`;
    assert.match(expectOne(text, 'weight-syntax', span(text, 6, 'epochs 5')).message,
      /indented/);
  });

  it('resolves weights written before their layers', () => {
    const text = 'weights\n  x[1] -> h[1] 0.5\n  hx -> y 1\n' +
      'layer x 2\nlayer h 3 tanh\nlayer y 1 sigmoid\ndata xor\n';
    expectOne(text, 'unknown-layer', span(text, 2, 'hx'));
    assert.equal(parseSpec(text).doc.weights.length, 1);
  });

  it('reports each bad weight line and keeps the good ones', () => {
    const text = `${net}  x[1] -> h[1] 0.5\n  x[9] -> h[1] 1\n  x[2] -> h[1] 0.25\n` +
      `  qq -> y 1\n  h[3] -> y 2\n`;
    assert.deepEqual(codes(text), ['unit-range', 'unknown-layer']);
    assert.deepEqual(parseSpec(text).doc.weights.map((weight) => weight.value), [0.5, 0.25, 2]);
  });
});

describe('spec: data', () => {
  it('needs data', () => {
    const text = HEAD;
    expectOne(text, 'missing-data',
      { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } });
  });

  it('suggests the generator a misspelt one meant', () => {
    const text = `${HEAD}data spiarl\n`;
    const d = expectOne(text, 'unknown-generator', span(text, 4, 'spiarl'));
    assert.match(d.message, /did you mean `spiral`\?/);
    assert.ok(!codes(text).includes('missing-data'));
  });

  it('rejects keys a generator does not take, with a suggestion', () => {
    const text = `${HEAD}data xor samples=4 nosie=0.1\n`;
    assert.match(expectOne(text, 'unknown-key', span(text, 4, 'nosie')).message,
      /did you mean `noise`\?/);
  });

  it('checks generator values against their kinds and limits', () => {
    const cases: [string, string, string][] = [
      ['layer x 1\nlayer y 1 linear\n', 'data sine samples=0', '0'],
      ['layer x 1\nlayer y 1 linear\n', 'data sine samples=2.5', '2.5'],
      ['layer x 1\nlayer y 1 linear\n', 'data sine range=3', '3'],
      ['layer x 1\nlayer y 1 linear\n', 'data sine range=3..-3', '3..-3'],
      ['layer x 1\nlayer y 1 linear\n', 'data sine noise=-1', '-1'],
      ['layer x 1\nlayer y 1 linear\n', 'data sine noise=0..1', '0..1'],
      ['layer p 2\nlayer c 2 softmax\n', 'data spiral classes=1', '1'],
      ['layer p 2\nlayer c 2 softmax\n', 'data circles factor=2', '2'],
    ];
    for (const [layers, statement, value] of cases) {
      const text = `${layers}${statement}\n`;
      expectOne(text, 'value-range', span(text, 2, value));
    }
  });

  it('checks the generator\'s inputs against the input layer', () => {
    const text = 'layer x 3\nlayer y 1 sigmoid\ndata xor\n';
    const d = expectOne(text, 'data-inputs', span(text, 2, 'xor'));
    assert.match(d.message, /makes 2 inputs.*`x` has 3 units/);
  });

  it('explains which output layer would fit the generator', () => {
    const text = 'layer x 2\nlayer y 2 softmax\ndata spiral classes=3\n';
    const d = expectOne(text, 'data-outputs', span(text, 2, 'spiral'));
    assert.match(d.message, /an output layer of 3 units, one per class/);
    const sine = 'layer x 1\nlayer y 2 linear\ndata sine\n';
    expectOne(sine, 'data-outputs', span(sine, 2, 'sine'));
  });

  it('wants a table\'s header to name input units then output units', () => {
    const hidden = `${HEAD}data\n  x[1] h[1] y\n  0 0 0\n`;
    expectOne(hidden, 'table-header', span(hidden, 5, 'h[1]'));
    const twice = `${HEAD}data\n  x[1] x[1] y\n  0 0 0\n`;
    expectOne(twice, 'table-header', span(twice, 5, 'x[1]', 1));
    const order = `${HEAD}data\n  x[1] y x[2]\n  0 0 0\n`;
    expectOne(order, 'table-header', span(order, 5, 'x[2]'));
    const missing = `${HEAD}data\n  x[1] y\n  0 0\n`;
    const d = expectOne(missing, 'table-header', span(missing, 5, 'x[1] y'));
    assert.match(d.message, /`x\[2\]`/);
    const unknown = `${HEAD}data\n  x[1] x[2] z\n  0 0 0\n`;
    expectOne(unknown, 'unknown-layer', span(unknown, 5, 'z'));
    const numbers = `${HEAD}data\n  0 0 0\n`;
    expectOne(numbers, 'table-header', span(numbers, 5, '0'));
  });

  it('wants each row to have a number per column', () => {
    const short = `${HEAD}data\n  x[1] x[2] y\n  0 1\n`;
    const d = expectOne(short, 'table-row', span(short, 6, '0 1'));
    assert.match(d.message, /2 numbers.*3 columns/);
    const long = `${HEAD}data\n  x[1] x[2] y\n  0 1 1 7 8\n`;
    expectOne(long, 'table-row', span(long, 6, '7 8'));
  });

  it('points at every cell of a table that is not a number', () => {
    const text = `${HEAD}data\n  x[1] x[2] y\n  0 one 1\n  1 1 zero\n`;
    const found = diagnose(text).filter((d) => d.code === 'expected-number');
    assert.deepEqual(found.map((d) => d.range), [span(text, 6, 'one'), span(text, 7, 'zero')]);
  });

  it('wants a table under a bare `data`, with rows under its header', () => {
    const none = `${HEAD}data\nloss mse\n`;
    expectOne(none, 'empty-table', span(none, 4, 'data'));
    const headerOnly = `${HEAD}data\n  x[1] x[2] y\n`;
    expectOne(headerOnly, 'empty-table', span(headerOnly, 5, 'x[1] x[2] y'));
  });

  it('warns about table targets the output activation cannot reach', () => {
    const text = `${HEAD}data\n  x[1] x[2] y\n  0 0 0\n  0 1 2\n  1 1 3\n`;
    const d = expectOne(text, 'target-range', span(text, 7, '2'), 'warning');
    assert.match(d.message, /sigmoid.*between 0 and 1.*target 2 \(nor 1 other target\)/);
  });

  it('warns when the batch is larger than the training set', () => {
    const text = `${BASE}batch 8\n`;
    const d = expectOne(text, 'batch-size', span(text, 5, '8'), 'warning');
    assert.match(d.message, /4 training rows/);
    const held = 'layer x 1\nlayer y 1 linear\ndata sine samples=10\nvalidate 0.5\nbatch 6\n';
    assert.match(expectOne(held, 'batch-size', span(held, 4, '6'), 'warning').message,
      /5 training rows/);
    assert.deepEqual(diagnose(`${BASE}batch 4\n`), []);
  });

  it('warns when validate holds out no row', () => {
    const text = `${BASE}validate 0.1\n`;
    expectOne(text, 'validate-empty', span(text, 5, '0.1'), 'warning');
  });

  it('warns that init zeros leaves hidden units alike', () => {
    const text = `${BASE}init zeros\n`;
    const d = expectOne(text, 'symmetric-init', span(text, 5, 'zeros'), 'warning');
    assert.match(d.message, /`h`/);
    const written = `${BASE}init zeros\nweights\n  h[1] <- 1 2\n  h[2] <- 3 4\n  h[3] <- 5 6\n`;
    assert.deepEqual(diagnose(written), []);
  });
});

describe('spec: CSV data', () => {
  const net = 'layer x 2\nlayer y 1 linear\n';
  const csv = 'a,b,c\n1,2,3\n4,5,6\n';

  it('finds the file relative to the spec', () => {
    assert.deepEqual(diagnose(`${net}data "../d/points.csv" outputs=c\n`,
      { files: { '../d/points.csv': csv } }), []);
  });

  it('reports a file that does not exist', () => {
    const text = `${net}data "gone.csv" outputs=c\n`;
    const d = expectOne(text, 'csv-missing', span(text, 2, '"gone.csv"'));
    assert.ok(d.message.includes(path.resolve('/project/nets/gone.csv')), d.message);
  });

  it('reports a malformed file with its line', () => {
    const text = `${net}data "bad.csv" outputs=c\n`;
    const d = expectOne(text, 'csv-syntax', span(text, 2, '"bad.csv"'), 'error',
      { files: { 'bad.csv': 'a,b,c\n1,"2,3\n' } });
    assert.match(d.message, /`bad\.csv` line \d+/);
  });

  it('wants outputs=', () => {
    const text = `${net}data "p.csv" inputs=a,b\n`;
    expectOne(text, 'missing-key', span(text, 2, '"p.csv"'), 'error', { files: { 'p.csv': csv } });
  });

  it('rejects keys other than inputs and outputs', () => {
    const text = `${net}data "p.csv" input=a,b outputs=c\n`;
    assert.match(expectOne(text, 'unknown-key', span(text, 2, 'input'), 'error',
      { files: { 'p.csv': csv } }).message, /did you mean `inputs`\?/);
  });

  it('wants the columns named to be in the header, with a suggestion', () => {
    const text = `${net}data "p.csv" inputs=a,bb outputs=c\n`;
    const d = expectOne(text, 'csv-column', span(text, 2, 'bb'), 'error',
      { files: { 'p.csv': csv } });
    assert.match(d.message, /did you mean `b`\?/);
  });

  it('rejects a column listed as an input and an output', () => {
    const text = `${net}data "p.csv" inputs=a,b outputs=b\n`;
    const d = expectOne(text, 'csv-column', span(text, 2, 'b', 1), 'error',
      { files: { 'p.csv': csv } });
    assert.match(d.message, /input and as an output/);
  });

  it('rejects a column name the header holds twice', () => {
    const text = `${net}data "p.csv" inputs=a,b outputs=c\n`;
    // The third `a` of the line: two are in `data`.
    expectOne(text, 'csv-column', span(text, 2, 'a', 2), 'error',
      { files: { 'p.csv': 'a,b,c,a\n1,2,3,4\n' } });
  });

  it('wants as many input columns as input units', () => {
    const text = `${net}data "p.csv" inputs=a outputs=c\n`;
    expectOne(text, 'csv-columns', span(text, 2, 'inputs'), 'error', { files: { 'p.csv': csv } });
    const implicit = `layer x 3\nlayer y 1 linear\ndata "p.csv" outputs=c\n`;
    const d = expectOne(implicit, 'csv-columns', span(implicit, 2, '"p.csv"'), 'error',
      { files: { 'p.csv': csv } });
    assert.match(d.message, /without `inputs=`/);
  });

  it('wants as many output columns as output units, or one column of classes', () => {
    const text = `layer x 1\nlayer y 2 linear\ndata "p.csv" inputs=a outputs=b,c,a\n`;
    expectOne(text, 'csv-column', span(text, 2, 'a', 3), 'error', { files: { 'p.csv': csv } });
    const wrong = `layer x 1\nlayer y 3 linear\ndata "p.csv" inputs=a outputs=b,c\n`;
    expectOne(wrong, 'csv-columns', span(wrong, 2, 'outputs'), 'error',
      { files: { 'p.csv': csv } });
  });

  it('wants every cell it reads to be a number', () => {
    const text = `${net}data "p.csv" inputs=a,b outputs=c\n`;
    const d = expectOne(text, 'csv-number', span(text, 2, '"p.csv"'), 'error',
      { files: { 'p.csv': 'a,b,c,note\n1,2,3,x\n4,five,6,y\n7,8,,z\n' } });
    assert.match(d.message,
      /line 3, column `b`: the cell is `five`, not a number \(and 1 more cell\)/);
  });

  it('wants class indices 0..n-1 in a single output column for n output units', () => {
    const text = 'layer x 2\nlayer y 3 softmax\ndata "p.csv" outputs=c\n';
    const d = expectOne(text, 'csv-class', span(text, 2, '"p.csv"'), 'error',
      { files: { 'p.csv': 'a,b,c\n1,2,0\n1,2,3\n1,2,1.5\n' } });
    assert.match(d.message, /line 3.*3 is not a class index.*0…2 \(and 1 more row\)/);
  });

  it('wants at least one row', () => {
    const text = `${net}data "p.csv" outputs=c\n`;
    expectOne(text, 'csv-empty', span(text, 2, '"p.csv"'), 'error', { files: { 'p.csv': 'a,b,c\n' } });
  });

  it('warns about CSV targets the output activation cannot reach', () => {
    const text = 'layer x 2\nlayer y 1 sigmoid\ndata "p.csv" outputs=c\n';
    const d = expectOne(text, 'target-range', span(text, 2, '"p.csv"'), 'warning',
      { files: { 'p.csv': csv } });
    assert.match(d.message, /line 2: .*target 3/);
  });

  it('counts the CSV\'s rows for the batch warning', () => {
    const text = `${net}data "p.csv" outputs=c\nbatch 3\n`;
    expectOne(text, 'batch-size', span(text, 3, '3'), 'warning', { files: { 'p.csv': csv } });
  });

  it('skips the file checks without a spec path for a relative file', () => {
    assert.deepEqual(checkSpec(`${net}data "p.csv" outputs=c\n`).diagnostics, []);
  });
});
