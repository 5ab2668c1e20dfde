// The built-in data sets behind `data GENERATOR key=value …`. Each generator says which keys it
// takes (with defaults and limits, so the spec checker can judge a file without running it), how
// many input and output columns it makes, and how to make its rows from a seeded Random.

import type { Dataset, GeneratorName } from '../config';
import type { Random } from '../random';

export type GeneratorValue = number | [number, number];
export type GeneratorParams = Record<string, GeneratorValue>;

export interface GeneratorKey {
  /** int: a whole number; number: any number; range: `LOW..HIGH`. */
  kind: 'int' | 'number' | 'range';
  default: GeneratorValue;
  /** Smallest allowed value (for a range: LOW < HIGH is required instead). */
  min?: number;
  max?: number;
  doc: string;
}

export interface GeneratorInfo {
  name: GeneratorName;
  doc: string;
  keys: Record<string, GeneratorKey>;
  inputCount(params: GeneratorParams): number;
  /**
   * How many target columns the generator makes for an output layer of `outputSize` units:
   * a number, or a sentence saying what output layer would fit.
   */
  outputCount(params: GeneratorParams, outputSize: number): number | string;
  generate(params: GeneratorParams, rng: Random, outputSize: number): Dataset;
}

const samplesKey = (fallback: number): GeneratorKey => ({
  kind: 'int', default: fallback, min: 1, max: 1_000_000, doc: 'number of rows',
});
const noiseKey = (fallback: number, doc: string): GeneratorKey => ({
  kind: 'number', default: fallback, min: 0, doc,
});
const classesKey: GeneratorKey = {
  kind: 'int', default: 2, min: 2, max: 64, doc: 'number of classes',
};

/** Fills in the defaults for keys the file left out. */
export function withDefaults(info: GeneratorInfo, given: GeneratorParams): GeneratorParams {
  const params: GeneratorParams = {};
  for (const [key, spec] of Object.entries(info.keys)) params[key] = given[key] ?? spec.default;
  return params;
}

function num(params: GeneratorParams, key: string): number {
  const value = params[key];
  return typeof value === 'number' ? value : value[0];
}

function range(params: GeneratorParams, key: string): [number, number] {
  const value = params[key];
  return typeof value === 'number' ? [value, value] : value;
}

function allocate(n: number, nIn: number, nOut: number): Dataset {
  return { n, nIn, nOut, inputs: new Float64Array(n * nIn), targets: new Float64Array(n * nOut) };
}

/**
 * Class labels as targets: with two classes and one output unit, the class index (0 or 1) for a
 * sigmoid output; otherwise one column per class, one-hot, for a softmax output.
 */
function classOutputCount(params: GeneratorParams, outputSize: number): number | string {
  const classes = num(params, 'classes');
  if (outputSize === classes) return classes;
  if (classes === 2 && outputSize === 1) return 1;
  return classes === 2
    ? `an output layer of 1 unit (class 0 or 1) or 2 units (one per class)`
    : `an output layer of ${classes} units, one per class`;
}

/** n points in the plane, row r of class r mod `classes`, each placed by `place`. */
function pointsInClasses(n: number, classes: number, outputSize: number,
  place: (row: number, label: number) => [number, number]): Dataset {
  const data = allocate(n, 2, classOutputCount({ classes }, outputSize) as number);
  for (let row = 0; row < n; row++) {
    const label = row % classes;
    const [x, y] = place(row, label);
    data.inputs[row * 2] = x;
    data.inputs[row * 2 + 1] = y;
    if (data.nOut === 1) data.targets[row] = label;
    else data.targets[row * data.nOut + label] = 1;
  }
  return data;
}

const xor: GeneratorInfo = {
  name: 'xor',
  doc: 'the four corners of the unit square; the target is 1 where exactly one input is 1',
  keys: {
    samples: samplesKey(4),
    noise: noiseKey(0, 'standard deviation of the noise added to each input'),
  },
  inputCount: () => 2,
  outputCount: (_params, outputSize) =>
    outputSize === 1 ? 1 : 'an output layer of 1 unit',
  generate(params, rng) {
    const n = num(params, 'samples');
    const noise = num(params, 'noise');
    const data = allocate(n, 2, 1);
    for (let row = 0; row < n; row++) {
      const a = row & 1;
      const b = (row >> 1) & 1;
      data.inputs[row * 2] = a + (noise > 0 ? noise * rng.normal() : 0);
      data.inputs[row * 2 + 1] = b + (noise > 0 ? noise * rng.normal() : 0);
      data.targets[row] = a ^ b;
    }
    return data;
  },
};

const sine: GeneratorInfo = {
  name: 'sine',
  doc: 'x evenly spaced over the range; the target is sin(x) plus noise',
  keys: {
    samples: samplesKey(64),
    range: { kind: 'range', default: [-3, 3], doc: 'the interval x covers' },
    noise: noiseKey(0, 'standard deviation of the noise added to sin(x)'),
  },
  inputCount: () => 1,
  outputCount: (_params, outputSize) =>
    outputSize === 1 ? 1 : 'an output layer of 1 unit',
  generate(params, rng) {
    const n = num(params, 'samples');
    const [low, high] = range(params, 'range');
    const noise = num(params, 'noise');
    const data = allocate(n, 1, 1);
    for (let row = 0; row < n; row++) {
      const x = n === 1 ? low : low + ((high - low) * row) / (n - 1);
      data.inputs[row] = x;
      data.targets[row] = Math.sin(x) + (noise > 0 ? noise * rng.normal() : 0);
    }
    return data;
  },
};

const spiral: GeneratorInfo = {
  name: 'spiral',
  doc: 'interleaved spiral arms in the plane, one arm per class',
  keys: {
    samples: samplesKey(300),
    classes: classesKey,
    noise: noiseKey(0.1, 'standard deviation of the angular noise, in radians'),
    turns: { kind: 'number', default: 1.5, min: 0.1, max: 10, doc: 'how many turns each arm makes' },
  },
  inputCount: () => 2,
  outputCount: classOutputCount,
  generate(params, rng, outputSize) {
    const n = num(params, 'samples');
    const classes = num(params, 'classes');
    const noise = num(params, 'noise');
    const turns = num(params, 'turns');
    return pointsInClasses(n, classes, outputSize, (row, label) => {
      const t = (Math.floor(row / classes) + 0.5) / Math.ceil(n / classes);
      const angle = 2 * Math.PI * (turns * t + label / classes) + noise * rng.normal();
      return [t * Math.cos(angle), t * Math.sin(angle)];
    });
  },
};

const circles: GeneratorInfo = {
  name: 'circles',
  doc: 'two concentric rings; class 1 is the inner ring',
  keys: {
    samples: samplesKey(200),
    noise: noiseKey(0.05, 'standard deviation of the noise added to each coordinate'),
    factor: { kind: 'number', default: 0.5, min: 0, max: 1, doc: 'inner radius over outer radius' },
  },
  inputCount: () => 2,
  outputCount: (_params, outputSize) => classOutputCount({ classes: 2 }, outputSize),
  generate(params, rng, outputSize) {
    const n = num(params, 'samples');
    const noise = num(params, 'noise');
    const factor = num(params, 'factor');
    return pointsInClasses(n, 2, outputSize, (_row, label) => {
      const radius = label === 1 ? factor : 1;
      const angle = 2 * Math.PI * rng.next();
      return [radius * Math.cos(angle) + noise * rng.normal(),
        radius * Math.sin(angle) + noise * rng.normal()];
    });
  },
};

const gauss: GeneratorInfo = {
  name: 'gauss',
  doc: 'one Gaussian blob per class, their centres evenly spaced on a circle of radius 2',
  keys: {
    samples: samplesKey(200),
    classes: classesKey,
    noise: noiseKey(0.5, 'standard deviation of each blob'),
  },
  inputCount: () => 2,
  outputCount: classOutputCount,
  generate(params, rng, outputSize) {
    const n = num(params, 'samples');
    const classes = num(params, 'classes');
    const noise = num(params, 'noise');
    return pointsInClasses(n, classes, outputSize, (_row, label) => {
      const angle = (2 * Math.PI * label) / classes;
      return [2 * Math.cos(angle) + noise * rng.normal(), 2 * Math.sin(angle) + noise * rng.normal()];
    });
  },
};

const linear: GeneratorInfo = {
  name: 'linear',
  doc: 'inputs uniform over the range; the target is slope · (sum of the inputs) + intercept plus noise',
  keys: {
    samples: samplesKey(100),
    inputs: { kind: 'int', default: 1, min: 1, max: 1000, doc: 'number of input columns' },
    range: { kind: 'range', default: [-1, 1], doc: 'the interval each input is drawn from' },
    slope: { kind: 'number', default: 2, doc: 'the slope' },
    intercept: { kind: 'number', default: 0.5, doc: 'the intercept' },
    noise: noiseKey(0.1, 'standard deviation of the noise added to the target'),
  },
  inputCount: (params) => num(params, 'inputs'),
  outputCount: (_params, outputSize) =>
    outputSize === 1 ? 1 : 'an output layer of 1 unit',
  generate(params, rng) {
    const n = num(params, 'samples');
    const nIn = num(params, 'inputs');
    const [low, high] = range(params, 'range');
    const slope = num(params, 'slope');
    const intercept = num(params, 'intercept');
    const noise = num(params, 'noise');
    const data = allocate(n, nIn, 1);
    for (let row = 0; row < n; row++) {
      let sum = 0;
      for (let i = 0; i < nIn; i++) {
        const x = rng.uniform(low, high);
        data.inputs[row * nIn + i] = x;
        sum += x;
      }
      data.targets[row] = slope * sum + intercept + (noise > 0 ? noise * rng.normal() : 0);
    }
    return data;
  },
};

export const GENERATORS: Record<GeneratorName, GeneratorInfo> = {
  xor, sine, spiral, circles, gauss, linear,
};

export const GENERATOR_NAMES = Object.keys(GENERATORS) as GeneratorName[];
