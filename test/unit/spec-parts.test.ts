// The small parts of the .nnspec language: the tokenizer, line splitting, typo suggestions, the
// weight map, number formatting and the names of units and weights.

import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { BIAS, weightKey, type WeightId } from '../../src/engine/config';
import { formatWeight, weightName, WeightMap } from '../../src/spec';
import { splitLines, tokenize } from '../../src/spec/lexer';
import { closest, didYouMean, editDistance } from '../../src/spec/suggest';

describe('spec: tokenizer', () => {
  const kinds = (line: string) => tokenize(line).map((token) => `${token.kind}:${token.text}`);

  it('reads names, numbers, strings and punctuation, stopping at a comment', () => {
    assert.deepEqual(kinds('w_1: h[2] -> y -1.5e-3 # note'), [
      'name:w_1', 'punct::', 'name:h', 'punct:[', 'number:2', 'punct:]', 'punct:->', 'name:y',
      'number:-1.5e-3',
    ]);
    assert.deepEqual(kinds('data "my file.csv" inputs=a,b'), [
      'name:data', 'string:my file.csv', 'name:inputs', 'punct:=', 'name:a', 'punct:,', 'name:b',
    ]);
  });

  it('reads a range as two numbers around `..`', () => {
    assert.deepEqual(kinds('range=-3..3'),
      ['name:range', 'punct:=', 'number:-3', 'punct:..', 'number:3']);
    assert.deepEqual(kinds('range=.5..1.5e1'),
      ['name:range', 'punct:=', 'number:.5', 'punct:..', 'number:1.5e1']);
  });

  it('reads arrows written without spaces', () => {
    assert.deepEqual(kinds('x->h'), ['name:x', 'punct:->', 'name:h']);
    assert.deepEqual(kinds('h<--0.5'), ['name:h', 'punct:<-', 'number:-0.5']);
  });

  it('takes a malformed number as one bad token', () => {
    for (const text of ['1e', '0.5abc', '5.', '1.2.3', '2x']) {
      const tokens = tokenize(text);
      assert.equal(tokens.length, 1, text);
      assert.equal(tokens[0].kind, 'bad');
      assert.equal(tokens[0].reason, 'number');
      assert.equal(tokens[0].end, text.length);
    }
  });

  it('takes an unknown character, or a surrogate pair, as one bad token', () => {
    const tokens = tokenize('a \u{1F600} $');
    assert.deepEqual(tokens.map((token) => [token.kind, token.start, token.end]),
      [['name', 0, 1], ['bad', 2, 4], ['bad', 5, 6]]);
  });

  it('gives every token a span inside the line, in order', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (line) => {
      let previousEnd = 0;
      for (const token of tokenize(line)) {
        assert.ok(token.start >= previousEnd && token.end > token.start && token.end <= line.length);
        previousEnd = token.end;
      }
    }), { numRuns: 300 });
  });
});

describe('spec: line splitting', () => {
  it('ends a line at \\n, \\r\\n and a lone \\r, and keeps each ending', () => {
    const lines = splitLines('a\nb\r\nc\rd');
    assert.deepEqual(lines.map((line) => [line.text, line.offset, line.eol]),
      [['a', 0, '\n'], ['b', 2, '\r\n'], ['c', 5, '\r'], ['d', 7, '']]);
    assert.equal(splitLines('a\n').length, 2);
    assert.equal(splitLines('').length, 1);
  });
});

describe('spec: suggestions', () => {
  it('counts edits, a swap of neighbours as one', () => {
    assert.equal(editDistance('sigmod', 'sigmoid'), 1);
    assert.equal(editDistance('lyaer', 'layer'), 1);
    assert.equal(editDistance('', 'abc'), 3);
    assert.equal(editDistance('relu', 'relu'), 0);
  });

  it('suggests only candidates close enough to be a typo', () => {
    assert.equal(closest('sigmod', ['linear', 'sigmoid', 'softmax']), 'sigmoid');
    assert.equal(closest('Tanh', ['tanh', 'relu']), 'tanh');
    assert.equal(closest('banana', ['linear', 'sigmoid']), undefined);
    assert.equal(closest('x', ['h']), undefined);
  });

  it('lists the candidates when none is close', () => {
    assert.equal(didYouMean('zzz', ['a', 'b']), ': use one of a, b');
    assert.equal(didYouMean('zzz', ['a', 'b'], false), '');
    assert.equal(didYouMean('relux', ['relu']), '; did you mean `relu`?');
  });
});

describe('spec: weight map', () => {
  it('agrees with a map keyed by weightKey', () => {
    const id = fc.record({
      layer: fc.integer({ min: 1, max: 4 }),
      to: fc.integer({ min: 0, max: 5 }),
      from: fc.integer({ min: -1, max: 5 }),
    });
    fc.assert(fc.property(fc.array(fc.tuple(id, fc.integer())), fc.array(id), (writes, reads) => {
      const map = new WeightMap<number>();
      const reference = new Map<string, number>();
      for (const [key, value] of writes) {
        map.set(key, value);
        reference.set(weightKey(key), value);
      }
      assert.equal(map.size, reference.size);
      for (const key of [...reads, ...writes.map(([written]) => written)]) {
        assert.equal(map.get(key), reference.get(weightKey(key)));
      }
    }), { numRuns: 200 });
  });
});

describe('spec: names and numbers', () => {
  const layers = { layers: [{ name: 'x', size: 1 }, { name: 'h', size: 3 }, { name: 'y', size: 1 }] };

  it('names a weight as the file writes it', () => {
    const name = (id: WeightId) => weightName(layers, id);
    assert.equal(name({ layer: 1, to: 2, from: 0 }), 'x -> h[3]');
    assert.equal(name({ layer: 2, to: 0, from: 1 }), 'h[2] -> y');
    assert.equal(name({ layer: 2, to: 0, from: BIAS }), 'bias -> y');
  });

  it('writes the shortest number that reads back to the digits asked', () => {
    assert.equal(formatWeight(0.1 + 0.2, 6), '0.3');
    assert.equal(formatWeight(-0, 6), '0');
    assert.equal(formatWeight(1234567, 3), '1230000');
    assert.equal(formatWeight(1e-7, 6), '1e-7');
    assert.equal(formatWeight(0.1 + 0.2, 17), '0.30000000000000004');
    assert.throws(() => formatWeight(Infinity, 6), RangeError);
  });
});
