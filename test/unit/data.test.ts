import * as assert from 'node:assert/strict';
import type { NetworkConfig } from '../../src/engine/config';
import { CsvError, parseCsv } from '../../src/engine/data/csv';
import { GENERATORS, GENERATOR_NAMES, withDefaults } from '../../src/engine/data/generators';
import { DataError, loadData } from '../../src/engine/data/load';
import { Random } from '../../src/engine/random';

function csvConfig(outputSize: number, validate = 0): NetworkConfig {
  return {
    name: 'csv',
    layers: [
      { name: 'x', size: 2, activation: null },
      { name: 'y', size: outputSize, activation: outputSize > 1 ? 'softmax' : 'sigmoid' },
    ],
    loss: 'cross_entropy',
    optimizer: { kind: 'sgd', lr: 0.1 },
    batch: 4,
    epochs: 1,
    seed: 9,
    shuffle: true,
    init: { kind: 'xavier' },
    validate,
    data: { kind: 'csv', path: '/data/points.csv', inputs: ['a', 'b'], outputs: ['label'] },
    initialWeights: [],
  };
}

const POINTS = 'a,b,note,label\n0.5,1,x,0\n\n-1,2,y,2\n3,4,z,1\n';

describe('parseCsv', () => {
  it('gives each row the line it starts on, across blank lines and quoted newlines', () => {
    const table = parseCsv('a,b\n1,2\n\n\n3,"4\n5"\n6,7\n');
    assert.deepEqual(table.header, ['a', 'b']);
    assert.deepEqual(table.rows.map((row) => row.line), [2, 5, 7]);
    assert.deepEqual(table.rows[1].values, ['3', '4\n5']);
  });

  it('reports an unclosed quote as a CsvError on its line', () => {
    assert.throws(() => parseCsv('a,b\n1,"2\n'), (error: unknown) =>
      error instanceof CsvError && error.line === 2 && /malformed CSV/.test(error.message));
  });

  it('refuses an empty file', () => {
    assert.throws(() => parseCsv(''), /empty/);
  });
});

describe('loadData from CSV', () => {
  it('turns one class-index column into one-hot targets for a softmax output', () => {
    const { all } = loadData(csvConfig(3), { readFile: () => POINTS });
    assert.equal(all.n, 3);
    assert.deepEqual(Array.from(all.inputs), [0.5, 1, -1, 2, 3, 4]);
    assert.deepEqual(Array.from(all.targets), [1, 0, 0, 0, 0, 1, 0, 1, 0]);
  });

  it('keeps the numbers of an output column as they are for a single output unit', () => {
    const text = 'a,b,label\n1,2,0.25\n3,4,0.75\n';
    const { all } = loadData(csvConfig(1), { readFile: () => text });
    assert.deepEqual(Array.from(all.targets), [0.25, 0.75]);
  });

  it('points at the cell that is not a number, by file line and column', () => {
    const text = 'a,b,label\n1,2,0\n3,oops,1\n';
    assert.throws(() => loadData(csvConfig(2), { readFile: () => text }), (error: unknown) =>
      error instanceof DataError && error.line === 3 && error.column === 2 &&
      /`b` is `oops`, not a number/.test(error.message));
  });

  it('refuses a class index outside the output layer', () => {
    const text = 'a,b,label\n1,2,5\n';
    assert.throws(() => loadData(csvConfig(3), { readFile: () => text }),
      (error: unknown) => error instanceof DataError && /class index 5 is not one of 0..2/.test(error.message));
  });

  it('names a missing column and lists the header', () => {
    const config = csvConfig(2);
    config.data = { kind: 'csv', path: '/p.csv', inputs: ['a', 'c'], outputs: ['label'] };
    assert.throws(() => loadData(config, { readFile: () => POINTS }), /no column `c`; the header has/);
  });

  it('says a file that cannot be read cannot be read', () => {
    const missing = Object.assign(new Error('gone'), { code: 'ENOENT' });
    assert.throws(() => loadData(csvConfig(3), { readFile: () => { throw missing; } }),
      /cannot read the CSV file: no such file/);
  });
});

describe('the validation split', () => {
  const rows = Array.from({ length: 10 }, (_, i) => `${i},${i},${i % 2}`).join('\n');
  const text = `a,b,label\n${rows}\n`;

  it('holds out round(n · fraction) rows, keeps order, and loses none', () => {
    const { train, validation } = loadData(csvConfig(2, 0.3), { readFile: () => text });
    assert.equal(validation?.n, 3);
    assert.equal(train.n, 7);
    const firstInputs = (data: { n: number; inputs: Float64Array }) =>
      Array.from({ length: data.n }, (_, row) => data.inputs[row * 2]);
    const seen = [...firstInputs(train), ...firstInputs(validation!)].sort((a, b) => a - b);
    assert.deepEqual(seen, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.deepEqual(firstInputs(train), [...firstInputs(train)].sort((a, b) => a - b));
  });

  it('draws the same rows for the same seed and other rows for another', () => {
    const heldOut = (seed: number) => {
      const config = { ...csvConfig(2, 0.3), seed };
      return Array.from(loadData(config, { readFile: () => text }).validation!.inputs);
    };
    assert.deepEqual(heldOut(4), heldOut(4));
    const differs = [5, 6, 7, 8].some((seed) => heldOut(seed).join() !== heldOut(4).join());
    assert.ok(differs, 'the split ignores the seed');
  });
});

describe('the built-in generators', () => {
  for (const name of GENERATOR_NAMES) {
    it(`${name}: same seed, same rows; shapes as declared`, () => {
      const info = GENERATORS[name];
      const params = withDefaults(info, {});
      const outputSize = typeof info.outputCount(params, 1) === 'number' ? 1 : 2;
      const first = info.generate(params, new Random(3).stream('data'), outputSize);
      const second = info.generate(params, new Random(3).stream('data'), outputSize);
      assert.deepEqual(first, second);
      assert.equal(first.nIn, info.inputCount(params));
      assert.equal(first.nOut, info.outputCount(params, outputSize));
      assert.equal(first.inputs.length, first.n * first.nIn);
      assert.ok(first.inputs.every(Number.isFinite) && first.targets.every(Number.isFinite));
    });
  }

  it('sine puts x evenly over the range and the target on sin x', () => {
    const info = GENERATORS.sine;
    const data = info.generate(withDefaults(info, { samples: 5, range: [-2, 2] }), new Random(1), 1);
    assert.deepEqual(Array.from(data.inputs), [-2, -1, 0, 1, 2]);
    assert.deepEqual(Array.from(data.targets), [-2, -1, 0, 1, 2].map(Math.sin));
  });

  it('xor gives the truth table', () => {
    const data = GENERATORS.xor.generate(withDefaults(GENERATORS.xor, {}), new Random(1), 1);
    assert.deepEqual(Array.from(data.inputs), [0, 0, 1, 0, 0, 1, 1, 1]);
    assert.deepEqual(Array.from(data.targets), [0, 1, 1, 0]);
  });

  it('class generators make one-hot rows for one unit per class', () => {
    const info = GENERATORS.spiral;
    const params = withDefaults(info, { classes: 3, samples: 30 });
    const data = info.generate(params, new Random(2), 3);
    for (let row = 0; row < data.n; row++) {
      const target = Array.from(data.targets.subarray(row * 3, row * 3 + 3));
      assert.deepEqual(target.sort(), [0, 0, 1]);
    }
    assert.match(String(info.outputCount(params, 2)), /3 units/);
  });
});
