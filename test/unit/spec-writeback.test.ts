// Writing trained weights back into a .nnspec text: only the numbers change, the text reads back
// to the new values, and weights the file did not write are added in the form that suits them.

import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { BIAS, type WeightId } from '../../src/engine/config';
import { checkSpec, parseSpec, writeBack } from '../../src/spec';
import { GUIDE_TUTORIAL } from './format-examples';

/** The guide's example with a comment after a weight, which write-back must keep. */
const TUTORIAL = GUIDE_TUTORIAL.replace('h[1] -> y      0.40\n',
  'h[1] -> y      0.40   # output weights\n');

/** The text with every number replaced by `#`: what must not change. */
function maskNumbers(text: string): string {
  return text.replace(/[+-]?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?/g, '#');
}

function valuesOf(text: string): Map<string, number> {
  const { doc, diagnostics } = checkSpec(text);
  assert.deepEqual(diagnostics.filter((d) => d.severity === 'error'), [], text);
  return new Map(doc.weights.map((weight) => [JSON.stringify(weight.id), weight.value]));
}

function idsOf(layers: number[]): WeightId[] {
  const ids: WeightId[] = [];
  for (let layer = 1; layer < layers.length; layer++) {
    for (let to = 0; to < layers[layer]; to++) {
      for (let from = 0; from < layers[layer - 1]; from++) ids.push({ layer, to, from });
      ids.push({ layer, to, from: BIAS });
    }
  }
  return ids;
}

describe('spec: write-back of changed values', function () {
  this.timeout(20_000);

  it('changes only the numbers, keeping comments, labels and spacing', () => {
    const { doc } = parseSpec(TUTORIAL);
    const values = doc.weights.map((weight, k) => ({ id: weight.id, value: -1.25 + k * 0.5 }));
    const written = writeBack(TUTORIAL, doc, values);
    assert.notEqual(written, TUTORIAL);
    assert.equal(maskNumbers(written), maskNumbers(TUTORIAL));
    assert.ok(written.includes('  w_1:  h[1] -> y      0.75   # output weights\n'));
    const reread = parseSpec(written).doc;
    assert.deepEqual(reread.weights.map((weight) => weight.value),
      values.map((entry) => entry.value));
    assert.deepEqual(reread.weights.map((weight) => weight.label),
      doc.weights.map((weight) => weight.label));
  });

  it('leaves the text alone for values it already says, keeping their spelling', () => {
    const { doc } = parseSpec(TUTORIAL);
    const same = doc.weights.map((weight) => ({ id: weight.id, value: weight.value }));
    assert.equal(writeBack(TUTORIAL, doc, same), TUTORIAL);
    const w1 = doc.weights[4];
    const nearly = writeBack(TUTORIAL, doc, [{ id: w1.id, value: 0.4000000001 }]);
    assert.equal(nearly, TUTORIAL, '0.40 stays 0.40');
  });

  it('writes the given number of significant digits', () => {
    const { doc } = parseSpec(TUTORIAL);
    const id = doc.weights[0].id;
    const six = writeBack(TUTORIAL, doc, [{ id, value: 0.123456789 }]);
    assert.ok(six.includes('x    -> h[1]   0.123457\n'));
    const three = writeBack(TUTORIAL, doc, [{ id, value: 0.123456789 }], { digits: 3 });
    assert.ok(three.includes('x    -> h[1]   0.123\n'));
    const tiny = writeBack(TUTORIAL, doc, [{ id, value: -2.5e-9 }]);
    assert.ok(tiny.includes('x    -> h[1]   -2.5e-9\n'));
    assert.equal(parseSpec(tiny).doc.weights[0].value, -2.5e-9);
  });

  it('keeps each row as a row', () => {
    const text = 'layer x 2\nlayer y 1 sigmoid\ndata xor\nweights\n\ty <- 0.1  -0.2 | 0 # row\n';
    const { doc } = parseSpec(text);
    const written = writeBack(text, doc, [
      { id: { layer: 1, to: 0, from: 0 }, value: 3 },
      { id: { layer: 1, to: 0, from: 1 }, value: 4.5 },
      { id: { layer: 1, to: 0, from: BIAS }, value: -1 },
    ]);
    assert.equal(written,
      'layer x 2\nlayer y 1 sigmoid\ndata xor\nweights\n\ty <- 3  4.5 | -1 # row\n');
  });

  it('keeps \\r\\n line ends', () => {
    const text = TUTORIAL.replace(/\n/g, '\r\n');
    const { doc } = parseSpec(text);
    const written = writeBack(text, doc, [{ id: doc.weights[6].id, value: 2 }]);
    assert.equal(written, text.replace('bias -> y      0\r\n', 'bias -> y      2\r\n'));
  });

  it('refuses values that are not finite, and weights the network lacks', () => {
    const { doc } = parseSpec(TUTORIAL);
    assert.throws(() => writeBack(TUTORIAL, doc, [{ id: doc.weights[0].id, value: NaN }]),
      /x -> h\[1\]/);
    assert.throws(() => writeBack(TUTORIAL, doc, [{ id: { layer: 2, to: 1, from: 0 }, value: 1 }]),
      RangeError);
  });

  it('round-trips any values: same text but numbers, and reads back what was written', () => {
    const { doc } = parseSpec(TUTORIAL);
    fc.assert(fc.property(
      fc.array(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }),
        { minLength: doc.weights.length, maxLength: doc.weights.length }),
      (numbers) => {
        const values = doc.weights.map((weight, k) => ({ id: weight.id, value: numbers[k] }));
        const written = writeBack(TUTORIAL, doc, values, { digits: 17 });
        assert.equal(maskNumbers(written), maskNumbers(TUTORIAL));
        const reread = parseSpec(written).doc.weights.map((weight) => weight.value);
        assert.deepEqual(reread, numbers.map((value) => (Object.is(value, -0) ? 0 : value)));
      }), { numRuns: 200 });
  });
});

describe('spec: write-back of weights the file does not write', function () {
  this.timeout(20_000);

  it('adds them to the weights block in edge form for a small layer', () => {
    const text = TUTORIAL.replace('        bias -> h[1]   0\n', '')
      .replace('        bias -> y      0\n', '');
    const { doc } = parseSpec(text);
    const values = [
      { id: { layer: 1, to: 0, from: BIAS }, value: 0.5 },
      { id: { layer: 2, to: 0, from: BIAS }, value: -0.125 },
      { id: { layer: 1, to: 0, from: 0 }, value: 1 },
    ];
    const written = writeBack(text, doc, values);
    assert.ok(written.startsWith(text.replace('0.15', '1').trimEnd()), 'the old text is kept');
    assert.ok(written.endsWith('  w_2:  h[2] -> y      0.45\n  bias -> h[1] 0.5\n' +
      '  bias -> y    -0.125\n'), written);
    const reread = valuesOf(written);
    assert.equal(reread.get(JSON.stringify({ layer: 1, to: 0, from: BIAS })), 0.5);
    assert.equal(reread.get(JSON.stringify({ layer: 2, to: 0, from: BIAS })), -0.125);
    assert.equal(reread.size, 7);
  });

  it('adds them before the lines that follow the block, in its indentation', () => {
    const text = 'layer x 1\nlayer y 1 linear\nweights\n    x -> y 1\n\n# trailing\ndata sine\n';
    const { doc } = parseSpec(text);
    const written = writeBack(text, doc, [{ id: { layer: 1, to: 0, from: BIAS }, value: 2 }]);
    assert.equal(written,
      'layer x 1\nlayer y 1 linear\nweights\n    x -> y 1\n    bias -> y 2\n' +
      '\n# trailing\ndata sine\n');
  });

  it('creates the weights block at the end when there is none', () => {
    const text = 'layer x 1\nlayer y 1 linear\ndata sine';
    const { doc } = parseSpec(text);
    const written = writeBack(text, doc, [
      { id: { layer: 1, to: 0, from: BIAS }, value: 0.25 },
      { id: { layer: 1, to: 0, from: 0 }, value: 1.5 },
    ]);
    assert.equal(written, 'layer x 1\nlayer y 1 linear\ndata sine\n\nweights\n' +
      '  x    -> y 1.5\n  bias -> y 0.25\n');
    assert.equal(valuesOf(written).size, 2);
  });

  it('writes a wide layer\'s units in row form', () => {
    const layers = [10, 2, 1];
    const text = 'layer x 10\nlayer h 2 tanh\nlayer y 1 linear\ndata linear inputs=10\n';
    const { doc } = parseSpec(text);
    const values = idsOf(layers).map((id, k) => ({ id, value: k / 4 }));
    const written = writeBack(text, doc, values);
    assert.ok(written.includes('\nweights\n  h[1] <- 0 0.25 0.5 0.75 1 1.25 1.5 1.75 2 2.25 | 2.5\n' +
      '  h[2] <- 2.75 3 3.25 3.5 3.75 4 4.25 4.5 4.75 5 | 5.25\n'), written);
    assert.ok(written.includes('  h[1] -> y 5.5\n  h[2] -> y 5.75\n  bias -> y 6\n'), written);
    const reread = valuesOf(written);
    for (const { id, value } of values) assert.equal(reread.get(JSON.stringify(id)), value);
  });

  it('adds edges for a wide unit whose other weights the file already writes', () => {
    const text = 'layer x 10\nlayer y 1 linear\ndata linear inputs=10\nweights\n  x[3] -> y 1\n';
    const { doc } = parseSpec(text);
    const values = idsOf([10, 1]).map((id) => ({ id, value: 2 }));
    const written = writeBack(text, doc, values);
    assert.ok(!written.includes('<-'), 'no row that would repeat x[3] -> y');
    const reread = valuesOf(written);
    assert.equal(reread.size, 11);
    assert.ok([...reread.values()].every((value) => value === 2));
  });

  it('writes a row without its bias when the file writes the bias', () => {
    const text = 'layer x 9\nlayer y 1 linear\ndata linear inputs=9\nweights\n  bias -> y 1\n';
    const { doc } = parseSpec(text);
    const values = idsOf([9, 1]).map((id) => ({ id, value: 3 }));
    const written = writeBack(text, doc, values);
    assert.equal(written, 'layer x 9\nlayer y 1 linear\ndata linear inputs=9\nweights\n' +
      '  bias -> y 3\n  y <- 3 3 3 3 3 3 3 3 3\n');
    assert.equal(valuesOf(written).size, 10);
  });

  it('fills a whole network that writes no weight and reads back every value', () => {
    fc.assert(fc.property(
      fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 2, maxLength: 4 }),
      fc.integer({ min: 0, max: 1000 }),
      (layers, salt) => {
        const text = layers.map((size, index) =>
          `layer l${index} ${size}${index === 0 ? '' : ' tanh'}`).join('\n') + '\ndata sine\n';
        const { doc } = parseSpec(text);
        const values = idsOf(layers).map((id, k) =>
          ({ id, value: (((k * 7919 + salt) % 2001) - 1000) / 1000 }));
        const written = writeBack(text, doc, values);
        const reread = parseSpec(written);
        assert.deepEqual(reread.diagnostics, []);
        const byId = new Map(reread.doc.weights.map((weight) =>
          [JSON.stringify(weight.id), weight.value]));
        assert.equal(byId.size, values.length);
        for (const { id, value } of values) assert.equal(byId.get(JSON.stringify(id)), value);
      }), { numRuns: 60 });
  });
});
