// How the file names things, for messages and displays: units (`h[2]`, `y`, `bias`), weights
// (`x -> h[1]`) and a diagnostic as one line of text. Free of Node, so any bundle can use it.

import { BIAS, type WeightId } from '../engine/config';
import type { Diagnostic } from './types';

type Layers = readonly { name: string; size: number }[];

/** `h[2]` (counted from 1), just `y` for a layer of one unit, `bias` for BIAS. */
export function unitText(layers: Layers, layer: number, unit: number): string {
  if (unit === BIAS) return 'bias';
  const known = layers[layer];
  if (known === undefined) return `layer${layer + 1}[${unit + 1}]`;
  return known.size === 1 && unit === 0 ? known.name : `${known.name}[${unit + 1}]`;
}

/** Human name of a weight as the file would write it, e.g. "x -> h[1]", "bias -> y". */
export function weightName(doc: { layers: Layers }, id: WeightId): string {
  const { layers } = doc;
  return `${unitText(layers, id.layer - 1, id.from)} -> ${unitText(layers, id.layer, id.to)}`;
}

/** `FILE:LINE:COL: error: MESSAGE` with 1-based line and column. */
export function formatDiagnostic(file: string, d: Diagnostic): string {
  return `${file}:${d.range.start.line + 1}:${d.range.start.character + 1}: ` +
    `${d.severity}: ${d.message}`;
}

/** `a, b or c`. */
export function listWords(words: readonly string[], conjunction = 'or'): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} ${conjunction} ${words[words.length - 1]}`;
}

/** `1 unit`, `3 units`. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
