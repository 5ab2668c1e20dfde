// Writes trained weights back into a .nnspec text. Only numbers change: comments, labels,
// spacing and each line's form stay as the author left them. Weights the file does not write yet
// are added to its `weights` block, in edge form for narrow layers and row form for wide ones.

import { BIAS, weightKey, type WeightId } from '../engine/config';
import { splitLines, type SourceLine } from './lexer';
import { unitText } from './names';
import type { SpecDocument, SpecLayer, SpecWeight } from './types';
import { WeightMap } from './weight-map';

/** Layers with at most this many units feeding each unit get one edge line per new weight. */
export const EDGE_FORM_MAX_INCOMING = 8;

/** Significant digits written by default. */
export const DEFAULT_DIGITS = 6;

interface Edit { start: number; end: number; text: string }

/**
 * The text with new values for the given weights. A value that rounds to what the file already
 * says keeps the file's spelling (`0.40` stays `0.40`). Throws RangeError for a value that is not
 * finite or a weight the network does not have.
 */
export function writeBack(text: string, doc: SpecDocument,
  values: { id: WeightId; value: number }[], options: { digits?: number } = {}): string {
  const digits = Math.min(17, Math.max(1, Math.round(options.digits ?? DEFAULT_DIGITS)));
  const lines = splitLines(text);
  const written = new WeightMap<SpecWeight>();
  for (const weight of doc.weights) written.set(weight.id, weight);

  // The last value given for a weight wins.
  const latest = new WeightMap<number>();
  const order: { id: WeightId; value: number }[] = [];
  for (let k = values.length - 1; k >= 0; k--) {
    if (latest.has(values[k].id)) continue;
    latest.set(values[k].id, k);
    order.push(values[k]);
  }

  const edits: Edit[] = [];
  const missing: { id: WeightId; text: string }[] = [];
  for (const { id, value } of order) {
    const formatted = formatWeight(value, digits, doc, id);
    const weight = written.get(id);
    if (weight === undefined) {
      checkExists(doc.layers, id);
      missing.push({ id, text: formatted });
    } else if (Number(formatted) !== weight.value) {
      const { start, end } = weight.valueRange;
      edits.push({
        start: lines[start.line].offset + start.character,
        end: lines[end.line].offset + end.character,
        text: formatted,
      });
    }
  }

  if (missing.length > 0) edits.push(additions(text, lines, doc, written, missing));
  edits.sort((a, b) => a.start - b.start);

  let result = '';
  let done = 0;
  for (const edit of edits) {
    result += text.slice(done, edit.start) + edit.text;
    done = edit.end;
  }
  return result + text.slice(done);
}

/** The shortest text that reads back as `value` to `digits` significant digits. */
export function formatWeight(value: number, digits: number, doc?: SpecDocument,
  id?: WeightId): string {
  if (!Number.isFinite(value)) {
    const which = doc !== undefined && id !== undefined ? ` for \`${nameOf(doc.layers, id)}\`` : '';
    throw new RangeError(`cannot write ${value}${which}: a weight must be a finite number`);
  }
  // Number() drops the trailing zeros toPrecision leaves; -0 prints as 0.
  return String(Number(value.toPrecision(digits)));
}

function nameOf(layers: readonly SpecLayer[], id: WeightId): string {
  return `${unitText(layers, id.layer - 1, id.from)} -> ${unitText(layers, id.layer, id.to)}`;
}

function checkExists(layers: readonly SpecLayer[], id: WeightId): void {
  const to = layers[id.layer];
  const previous = layers[id.layer - 1];
  const exists = id.layer >= 1 && to !== undefined && previous !== undefined &&
    Number.isInteger(id.to) && id.to >= 0 && id.to < to.size &&
    (id.from === BIAS || (Number.isInteger(id.from) && id.from >= 0 && id.from < previous.size));
  if (!exists) {
    throw new RangeError(`the network has no weight ${weightKey(id)} to write`);
  }
}

/** The lines for weights the file does not write yet, as one insertion. */
function additions(text: string, lines: SourceLine[], doc: SpecDocument,
  written: WeightMap<SpecWeight>, missing: { id: WeightId; text: string }[]): Edit {
  const eol = lines.find((line) => line.eol !== '')?.eol ?? '\n';
  const block = doc.weightsBlocks[doc.weightsBlocks.length - 1];
  const indent = block?.indent ?? '  ';
  const added = newLines(doc, written, missing).map((line) => indent + line);

  if (block !== undefined) {
    const after = lines[block.lastLine];
    const at = after.offset + after.text.length;
    return { start: at, end: at, text: eol + added.join(eol) };
  }
  const endsOpen = text.length > 0 && lines[lines.length - 1].text !== '';
  const gap = text.length === 0 ? '' : endsOpen ? eol + eol : eol;
  const created = `${gap}weights${eol}${added.join(eol)}${eol}`;
  return { start: text.length, end: text.length, text: created };
}

interface NewLine {
  layer: number;
  to: number;
  from: number;
  /** Empty for a row. */
  fromText: string;
  toText: string;
  /** The value of an edge; `<- V1 … Vn | BIAS` of a row. */
  rest: string;
}

/**
 * Edge lines `FROM -> TO VALUE`, aligned among themselves, or for wide layers a row
 * `TO <- V1 … Vn | BIAS` for each unit none of whose incoming weights the file writes yet.
 */
function newLines(doc: SpecDocument, written: WeightMap<SpecWeight>,
  missing: { id: WeightId; text: string }[]): string[] {
  const layers = doc.layers;
  const byUnit = new Map<number, { id: WeightId; text: string }[]>();
  for (const entry of missing) {
    const key = entry.id.layer * 2 ** 32 + entry.id.to;
    const group = byUnit.get(key);
    if (group === undefined) byUnit.set(key, [entry]);
    else group.push(entry);
  }

  const rows: NewLine[] = [];
  const edges: NewLine[] = [];
  for (const group of byUnit.values()) {
    const { layer, to } = group[0].id;
    const fanIn = layers[layer - 1].size;
    const toText = unitText(layers, layer, to);
    const incoming = group.filter((entry) => entry.id.from !== BIAS);
    const noneWritten = Array.from({ length: fanIn }, (_, from) => from)
      .every((from) => !written.has({ layer, to, from }));

    if (fanIn > EDGE_FORM_MAX_INCOMING && noneWritten && incoming.length === fanIn) {
      const ordered = [...incoming].sort((a, b) => a.id.from - b.id.from);
      const bias = group.find((entry) => entry.id.from === BIAS);
      const rest = `<- ${ordered.map((entry) => entry.text).join(' ')}` +
        (bias !== undefined ? ` | ${bias.text}` : '');
      rows.push({ layer, to, from: 0, fromText: '', toText, rest });
      continue;
    }
    for (const entry of group) {
      const fromText = unitText(layers, layer - 1, entry.id.from);
      edges.push({ layer, to, from: entry.id.from, fromText, toText, rest: entry.text });
    }
  }

  const fromWidth = edges.reduce((width, line) => Math.max(width, line.fromText.length), 0);
  const toWidth = edges.reduce((width, line) => Math.max(width, line.toText.length), 0);
  const ordered = [...rows, ...edges].sort((a, b) =>
    a.layer - b.layer || a.to - b.to || biasLast(a.from) - biasLast(b.from));
  return ordered.map((line) => line.fromText === ''
    ? `${line.toText} ${line.rest}`
    : `${line.fromText.padEnd(fromWidth)} -> ${line.toText.padEnd(toWidth)} ${line.rest}`);
}

/** Sorts a unit's bias after its incoming weights. */
function biasLast(from: number): number {
  return from === BIAS ? Number.MAX_SAFE_INTEGER : from;
}
