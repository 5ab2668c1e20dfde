// A spec is checked again at every pause in typing; the CSV file it names is parsed once and its
// table reused while the file's text stays the same, and read afresh once it changes.

import * as assert from 'node:assert/strict';
import { checkSpec } from '../../src/spec';

const SPEC = `layer x 2
layer y 1 sigmoid
loss cross_entropy
data "points.csv" inputs=a,b outputs=label
`;

describe('checking a spec that reads a CSV file, again and again', () => {
  it('sees the file change between two checks', () => {
    let csv = 'a,b,label\n0,1,1\n1,0,0\n';
    const check = () => checkSpec(SPEC, { specPath: '/specs/p.nnspec', readFile: () => csv })
      .diagnostics.map((d) => `${d.range.start.line + 1}: ${d.message}`);

    assert.deepEqual(check(), []);
    assert.deepEqual(check(), [], 'the same text checks the same');

    csv = 'a,c,label\n0,1,1\n';
    assert.deepEqual(check(), ['4: `points.csv` has no column `b` (its columns: a, c, label)']);

    csv = 'a,b,label\n0,1,1\n';
    assert.deepEqual(check(), []);
  });
});
