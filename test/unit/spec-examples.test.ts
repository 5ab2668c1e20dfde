// The format's own examples: each parses with no diagnostics and gives the NetworkConfig it
// means, field by field.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BIAS, DEFAULTS, type NetworkConfig } from '../../src/engine/config';
import { checkSpec, parseSpec, toConfig, weightName } from '../../src/spec';
import { GUIDE_TUTORIAL } from './format-examples';

const TUTORIAL = GUIDE_TUTORIAL;

const SPEC_PATH = path.resolve('/specs/example.nnspec');

/** Checks a text with CSV files served from `files` (names relative to the spec's folder). */
function check(text: string, files: Record<string, string> = {}) {
  return checkSpec(text, {
    specPath: SPEC_PATH,
    readFile: (absolute) => files[path.relative(path.dirname(SPEC_PATH), absolute)],
  });
}

/** The config of a text that must check clean. */
function configOf(text: string, files: Record<string, string> = {}): NetworkConfig {
  const { doc, diagnostics } = check(text, files);
  assert.deepEqual(diagnostics, [], 'no diagnostics');
  return toConfig(doc, { specPath: SPEC_PATH });
}

/** A small network around the statements under test. */
function around(statements: string, layers = 'layer x 1\nlayer y 1 linear'): string {
  return `${layers}\n${statements}\n`;
}

describe('spec: the guide\'s network', () => {
  it('parses and checks with no diagnostics', () => {
    assert.deepEqual(parseSpec(TUTORIAL).diagnostics, []);
    assert.deepEqual(checkSpec(TUTORIAL).diagnostics, []);
  });

  it('gives the NetworkConfig it describes, field by field', () => {
    const config = configOf(TUTORIAL);
    assert.equal(config.name, 'tutorial');
    assert.deepEqual(config.layers, [
      { name: 'x', size: 1, activation: null },
      { name: 'h', size: 2, activation: 'sigmoid' },
      { name: 'y', size: 1, activation: 'linear' },
    ]);
    assert.equal(config.loss, 'mse');
    assert.deepEqual(config.optimizer, { kind: 'sgd', lr: 0.5 });
    assert.equal(config.batch, 4);
    assert.equal(config.epochs, 3000);
    assert.equal(config.seed, 7);
    assert.equal(config.shuffle, true);
    assert.deepEqual(config.init, { kind: 'xavier' });
    assert.equal(config.validate, 0);
    assert.deepEqual(config.data, {
      kind: 'generator', name: 'sine', params: { samples: 64, range: [-3, 3] },
    });
    assert.deepEqual(config.initialWeights, [
      { id: { layer: 1, to: 0, from: 0 }, value: 0.15 },
      { id: { layer: 1, to: 1, from: 0 }, value: -0.27 },
      { id: { layer: 1, to: 0, from: BIAS }, value: 0 },
      { id: { layer: 1, to: 1, from: BIAS }, value: 0 },
      { id: { layer: 2, to: 0, from: 0 }, value: 0.4 },
      { id: { layer: 2, to: 0, from: 1 }, value: 0.45 },
      { id: { layer: 2, to: 0, from: BIAS }, value: 0 },
    ]);
    assert.deepEqual(Object.keys(config).sort(), ['batch', 'data', 'epochs', 'init',
      'initialWeights', 'layers', 'loss', 'name', 'optimizer', 'seed', 'shuffle', 'validate'],
    'no field left unchecked');
  });

  it('keeps each weight\'s label, line and the exact range of its number', () => {
    const { doc } = parseSpec(TUTORIAL);
    const lines = TUTORIAL.split('\n');
    assert.deepEqual(doc.weights.map((weight) => weight.label),
      ['w_a', 'w_b', undefined, undefined, 'w_1', 'w_2', undefined]);
    assert.deepEqual(doc.weights.map((weight) => weight.line), [16, 17, 18, 19, 20, 21, 22]);
    for (const weight of doc.weights) {
      const { start, end } = weight.valueRange;
      assert.equal(start.line, weight.line);
      assert.equal(lines[weight.line].slice(start.character, end.character),
        String(lines[weight.line].trim().split(/\s+/).pop()));
      assert.equal(weight.form, 'edge');
    }
    assert.equal(lines[21].slice(doc.weights[5].valueRange.start.character,
      doc.weights[5].valueRange.end.character), '0.45');
  });

  it('lists one weight line per written weight, with its range and id', () => {
    const { doc } = parseSpec(TUTORIAL);
    assert.equal(doc.weightLines.length, 7);
    assert.deepEqual(doc.weightLines[0], {
      line: 16, form: 'edge', ids: [{ layer: 1, to: 0, from: 0 }],
      range: { start: { line: 16, character: 2 }, end: { line: 16, character: 27 } },
    });
    assert.deepEqual(doc.weightLines[2].range,
      { start: { line: 18, character: 8 }, end: { line: 18, character: 24 } });
  });

  it('names its weights as the file writes them', () => {
    const { doc } = parseSpec(TUTORIAL);
    assert.deepEqual(doc.weights.map((weight) => weightName(doc, weight.id)), [
      'x -> h[1]', 'x -> h[2]', 'bias -> h[1]', 'bias -> h[2]', 'h[1] -> y', 'h[2] -> y',
      'bias -> y',
    ]);
  });

  it('keeps the range of every statement\'s value', () => {
    const { doc } = parseSpec(TUTORIAL);
    const at = (line: number, character: number, length: number) =>
      ({ start: { line, character }, end: { line, character: character + length } });
    assert.deepEqual(doc.nameRange, at(1, 8, 8));
    assert.deepEqual(doc.layers[1].range, at(4, 0, 19));
    assert.deepEqual(doc.layers[1].activationRange, at(4, 12, 7));
    assert.deepEqual(doc.loss?.range, at(7, 11, 3));
    assert.deepEqual(doc.optimizer?.kindRange, at(8, 11, 3));
    assert.deepEqual(doc.optimizer?.params[0].valueRange, at(8, 19, 3));
    assert.deepEqual(doc.batch?.range, at(9, 11, 1));
    assert.deepEqual(doc.epochs?.range, at(10, 11, 4));
    assert.deepEqual(doc.seed?.range, at(11, 11, 1));
    assert.equal(doc.data?.kind, 'generator');
    if (doc.data?.kind === 'generator') {
      assert.deepEqual(doc.data.nameRange, at(13, 5, 4));
      assert.deepEqual(doc.data.params.map((param) => param.valueRange),
        [at(13, 19, 2), at(13, 29, 5)]);
    }
  });
});

describe('spec: the statements of the format', () => {
  it('takes the file\'s base name when there is no `network`', () => {
    const { doc } = check(around('data sine'));
    assert.equal(toConfig(doc, { specPath: '/some/where/my-net.nnspec' }).name, 'my-net');
  });

  it('gives every statement left out its default', () => {
    const config = configOf(around('data sine'));
    assert.equal(config.loss, DEFAULTS.loss);
    assert.deepEqual(config.optimizer, DEFAULTS.optimizer);
    assert.equal(config.batch, DEFAULTS.batch);
    assert.equal(config.epochs, DEFAULTS.epochs);
    assert.equal(config.seed, DEFAULTS.seed);
    assert.equal(config.shuffle, DEFAULTS.shuffle);
    assert.deepEqual(config.init, DEFAULTS.init);
    assert.equal(config.validate, DEFAULTS.validate);
    assert.deepEqual(config.initialWeights, []);
  });

  it('reads every activation', () => {
    for (const activation of ['linear', 'sigmoid', 'tanh', 'relu', 'leaky_relu']) {
      const config = configOf(`layer x 1\nlayer h 3 ${activation}\nlayer y 1 linear\ndata sine\n`);
      assert.equal(config.layers[1].activation, activation);
    }
    const softmax = configOf('layer p 2\nlayer c 3 softmax\ndata spiral classes=3\n');
    assert.equal(softmax.layers[1].activation, 'softmax');
  });

  it('takes cross_entropy with a softmax output or a single sigmoid unit', () => {
    assert.equal(configOf('layer p 2\nlayer c 2 softmax\nloss cross_entropy\ndata circles\n').loss,
      'cross_entropy');
    assert.equal(configOf('layer p 2\nlayer c 1 sigmoid\nloss cross_entropy\ndata xor\n').loss,
      'cross_entropy');
  });

  it('reads sgd, momentum and adam with their keys', () => {
    assert.deepEqual(configOf(around('optimizer sgd lr=0.25\ndata sine')).optimizer,
      { kind: 'sgd', lr: 0.25 });
    assert.deepEqual(configOf(around('optimizer momentum lr=0.1 beta=0.8\ndata sine')).optimizer,
      { kind: 'momentum', lr: 0.1, beta: 0.8 });
    assert.deepEqual(
      configOf(around('optimizer adam lr=0.01 beta1=0.8 beta2=0.99 eps=1e-6\ndata sine')).optimizer,
      { kind: 'adam', lr: 0.01, beta1: 0.8, beta2: 0.99, eps: 1e-6 });
  });

  it('fills an optimizer\'s missing keys from the defaults', () => {
    assert.deepEqual(configOf(around('optimizer sgd\ndata sine')).optimizer,
      { kind: 'sgd', lr: DEFAULTS.optimizer.lr });
    assert.deepEqual(configOf(around('optimizer momentum lr=0.3\ndata sine')).optimizer,
      { kind: 'momentum', lr: 0.3, beta: DEFAULTS.momentumBeta });
    assert.deepEqual(configOf(around('optimizer adam beta2=0.95\ndata sine')).optimizer,
      { kind: 'adam', ...DEFAULTS.adam, beta2: 0.95 });
  });

  it('reads batch, epochs, seed, shuffle and validate', () => {
    const config = configOf(around('batch 8\nepochs 12\nseed 99\nshuffle off\nvalidate 0.25\n' +
      'data sine'));
    assert.deepEqual([config.batch, config.epochs, config.seed, config.shuffle, config.validate],
      [8, 12, 99, false, 0.25]);
    assert.equal(configOf(around('shuffle on\ndata sine')).shuffle, true);
  });

  it('reads every kind of init', () => {
    const init = (statement: string) => configOf(around(`${statement}\ndata sine`)).init;
    assert.deepEqual(init('init xavier'), { kind: 'xavier' });
    assert.deepEqual(init('init he'), { kind: 'he' });
    assert.deepEqual(init('init uniform 0.5'), { kind: 'uniform', a: 0.5 });
    assert.deepEqual(init('init normal 0.1'), { kind: 'normal', s: 0.1 });
    assert.deepEqual(init('init zeros'), { kind: 'zeros' });
  });

  it('reads each data generator with the keys the file gives, and only those', () => {
    const data = (layers: string, statement: string) => configOf(`${layers}\n${statement}\n`).data;
    assert.deepEqual(data('layer a 2\nlayer y 1 sigmoid', 'data xor noise=0.1'),
      { kind: 'generator', name: 'xor', params: { noise: 0.1 } });
    assert.deepEqual(data('layer x 1\nlayer y 1 linear', 'data sine range=-1.5..2'),
      { kind: 'generator', name: 'sine', params: { range: [-1.5, 2] } });
    assert.deepEqual(data('layer p 2\nlayer c 3 softmax', 'data spiral samples=90 classes=3 turns=2'),
      { kind: 'generator', name: 'spiral', params: { samples: 90, classes: 3, turns: 2 } });
    assert.deepEqual(data('layer p 2\nlayer c 2 softmax', 'data circles factor=0.3'),
      { kind: 'generator', name: 'circles', params: { factor: 0.3 } });
    assert.deepEqual(data('layer p 2\nlayer c 4 softmax', 'data gauss classes=4'),
      { kind: 'generator', name: 'gauss', params: { classes: 4 } });
    assert.deepEqual(data('layer x 3\nlayer y 1 linear', 'data linear inputs=3 slope=-1'),
      { kind: 'generator', name: 'linear', params: { inputs: 3, slope: -1 } });
  });

  it('reads `data "FILE.csv" inputs=a,b outputs=c` with its path relative to the spec', () => {
    const files = { 'FILE.csv': 'a,b,c,d\n1,2,3,4\n5,6,7,8\n' };
    const config = configOf('layer x 2\nlayer y 1 linear\ndata "FILE.csv" inputs=a,b outputs=c\n',
      files);
    assert.deepEqual(config.data, {
      kind: 'csv', path: path.resolve('/specs/FILE.csv'), inputs: ['a', 'b'], outputs: ['c'],
    });
  });

  it('takes every column that is not an output as an input when `inputs=` is left out', () => {
    const files = { 'sub/points.csv': 'u,v,w\n1,2,3\n' };
    const config = configOf('layer x 2\nlayer y 1 linear\ndata "sub/points.csv" outputs=w\n', files);
    assert.deepEqual(config.data, {
      kind: 'csv', path: path.resolve('/specs/sub/points.csv'), inputs: undefined, outputs: ['w'],
    });
  });

  it('takes one column of class indices for a classification output', () => {
    const files = { 'iris.csv': 'p,q,species\n0.1,0.2,0\n0.3,0.4,2\n0.5,0.6,1\n' };
    const config = configOf('layer x 2\nlayer c 3 softmax\nloss cross_entropy\n' +
      'data "iris.csv" outputs=species\n', files);
    assert.equal(config.data.kind, 'csv');
  });

  it('reads a table whose header names the input units then the output units', () => {
    const config = configOf(`layer x 2
layer y 1 sigmoid
data
  x[1]  x[2]  y
  0     0     0
  0     1     1   # a comment
  1     0     1

  1     1     0
loss cross_entropy
`);
    assert.deepEqual(config.data, {
      kind: 'table',
      inputs: [[0, 0], [0, 1], [1, 0], [1, 1]],
      targets: [[0], [1], [1], [0]],
    });
    assert.equal(config.loss, 'cross_entropy', 'the table ends at the first line not indented');
  });

  it('puts a table\'s columns in unit order when the header lists a group in another', () => {
    const config = configOf('layer x 2\nlayer y 2 linear\ndata\n  x[2] x[1] y[2] y[1]\n' +
      '  1 2 3 4\n');
    assert.deepEqual(config.data, { kind: 'table', inputs: [[2, 1]], targets: [[4, 3]] });
  });

  it('reads the row form, with and without its bias', () => {
    const config = configOf(`layer x 3
layer h 2 tanh
layer y 1 linear
data linear inputs=3
weights
  h[1] <- 0.1 -0.2 0.3 | 0.05
  h[2] <- 1 2 3
  y <- 0.5 -0.5 | 1e-3
`);
    assert.deepEqual(config.initialWeights, [
      { id: { layer: 1, to: 0, from: 0 }, value: 0.1 },
      { id: { layer: 1, to: 0, from: 1 }, value: -0.2 },
      { id: { layer: 1, to: 0, from: 2 }, value: 0.3 },
      { id: { layer: 1, to: 0, from: BIAS }, value: 0.05 },
      { id: { layer: 1, to: 1, from: 0 }, value: 1 },
      { id: { layer: 1, to: 1, from: 1 }, value: 2 },
      { id: { layer: 1, to: 1, from: 2 }, value: 3 },
      { id: { layer: 2, to: 0, from: 0 }, value: 0.5 },
      { id: { layer: 2, to: 0, from: 1 }, value: -0.5 },
      { id: { layer: 2, to: 0, from: BIAS }, value: 1e-3 },
    ]);
    const { doc } = parseSpec(`layer x 3\nlayer h 2 tanh\nweights\n  h[1] <- 0.1 -0.2 0.3 | 0.05\n`);
    assert.deepEqual(doc.weightLines.map((line) => [line.line, line.form, line.ids.length]),
      [[3, 'row', 4]]);
    assert.ok(doc.weights.every((weight) => weight.form === 'row' && weight.line === 3));
  });

  it('reads numbers in every written shape: sign, fraction, exponent', () => {
    const config = configOf(around('data sine\nweights\n  x -> y -1.5e-3\n  bias -> y +.25'));
    assert.deepEqual(config.initialWeights.map((weight) => weight.value), [-1.5e-3, 0.25]);
  });

  it('counts lines ended by \\r\\n and lone \\r as VS Code does', () => {
    const text = TUTORIAL.replace(/\n/g, '\r\n');
    const { doc, diagnostics } = checkSpec(text);
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(doc.weights.map((weight) => weight.line), [16, 17, 18, 19, 20, 21, 22]);
    const old = checkSpec(TUTORIAL.replace(/\n/g, '\r'));
    assert.deepEqual(old.diagnostics, []);
    assert.equal(old.doc.weights[6].line, 22);
  });
});

describe('spec: the project\'s example files', () => {
  const folder = path.resolve(__dirname, '../../../examples');
  const files = fs.existsSync(folder)
    ? fs.readdirSync(folder).filter((name) => name.endsWith('.nnspec'))
    : [];

  it('are found', () => {
    assert.ok(files.length > 0, `no examples in ${folder}`);
  });

  for (const name of files) {
    it(`${name} checks with no diagnostics and converts to a config`, () => {
      const specPath = path.join(folder, name);
      const { doc, diagnostics } = checkSpec(fs.readFileSync(specPath, 'utf8'), { specPath });
      assert.deepEqual(diagnostics, []);
      const config = toConfig(doc, { specPath });
      assert.ok(config.layers.length >= 2);
    });
  }
});
