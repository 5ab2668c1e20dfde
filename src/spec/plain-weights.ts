// The fast way through a large weights block: plain edge lines `[LABEL:] FROM -> TO VALUE` and
// rows `TO <- V1 … Vn [| BIAS]` naming known units are read straight from their characters, with
// no tokens and few objects. Any line that is not plain and valid is left to the general parser,
// which reports its problems; so this reader never reports, and what it records is exactly what
// the general way would record (the property tests compare the two).

import { BIAS, type WeightId } from '../engine/config';
import { numberEnd } from './lexer';
import type { Position, SpecDocument, SpecWeight } from './types';
import type { WeightMap } from './weight-map';

/** What the reader needs from the parser: the layers so far and the weights written so far. */
export interface PlainWeightContext {
  readonly doc: SpecDocument;
  readonly layerIndex: ReadonlyMap<string, number>;
  readonly written: WeightMap<SpecWeight>;
  readonly labels: Map<string, number>;
  /** Whether some weight line waits for layers declared later: then order needs the slow way. */
  waiting(): boolean;
  remember(weight: SpecWeight): void;
}

export class PlainWeightReader {
  /** What `unit` read last: the unit's layer and 0-based index (BIAS for `bias`). */
  private layer = 0;
  private index = 0;

  /** Where each value of the row being read starts and ends. */
  private readonly rowStarts: number[] = [];
  private readonly rowEnds: number[] = [];

  constructor(private readonly context: PlainWeightContext) {}

  /**
   * Records `[LABEL:] FROM -> TO VALUE` when every part is plain and valid: known units, the
   * right layers, a finite value, nothing written twice. Returns false, having changed nothing,
   * for any other line.
   */
  edge(text: string, line: number): boolean {
    if (this.context.waiting()) return false;
    const lineStart = skipBlanks(text, 0);
    let start = lineStart;
    let nameEnd = scanName(text, start);
    if (nameEnd === start) return false;

    let label: string | undefined;
    let i = skipBlanks(text, nameEnd);
    if (text.charCodeAt(i) === 58 /* : */) {
      label = text.slice(start, nameEnd);
      start = skipBlanks(text, i + 1);
      nameEnd = scanName(text, start);
      if (nameEnd === start || this.context.labels.has(label)) return false;
    }

    i = this.unit(text, start, nameEnd);
    if (i < 0) return false;
    const fromLayer = this.layer;
    const from = this.index;

    i = skipBlanks(text, i);
    if (text.charCodeAt(i) !== 45 || text.charCodeAt(i + 1) !== 62) return false; // ->
    start = skipBlanks(text, i + 2);
    nameEnd = scanName(text, start);
    if (nameEnd === start) return false;
    i = this.unit(text, start, nameEnd);
    if (i < 0 || this.index === BIAS || this.layer === 0) return false;
    const layer = this.layer;
    const to = this.index;
    if (from !== BIAS && fromLayer !== layer - 1) return false;

    const valueStart = skipBlanks(text, i);
    const valueEnd = numberEnd(text, valueStart);
    if (valueEnd === valueStart) return false;
    const rest = skipBlanks(text, valueEnd);
    // Only blanks or a comment may follow; this also refuses what the tokenizer would read as a
    // malformed number (`0.5abc`, `5.`).
    if (rest < text.length && text.charCodeAt(rest) !== 35 /* # */) return false;
    const value = Number(text.slice(valueStart, valueEnd));
    if (!Number.isFinite(value)) return false;

    const id: WeightId = { layer, to, from };
    if (this.context.written.get(id) !== undefined) return false;

    const end: Position = { line, character: valueEnd };
    const weight: SpecWeight = {
      id, value, form: 'edge', line,
      valueRange: { start: { line, character: valueStart }, end },
    };
    if (label !== undefined) {
      weight.label = label;
      this.context.labels.set(label, line);
    }
    this.context.remember(weight);
    this.context.doc.weightLines.push({
      line, form: 'edge', range: { start: { line, character: lineStart }, end }, ids: [id],
    });
    return true;
  }

  /** Records `TO <- V1 … Vn [| BIAS]` on the same terms as `edge`. */
  row(text: string, line: number): boolean {
    if (this.context.waiting()) return false;
    const lineStart = skipBlanks(text, 0);
    let i = this.unit(text, lineStart, scanName(text, lineStart));
    if (i < 0 || this.index === BIAS || this.layer === 0) return false;
    const layer = this.layer;
    const to = this.index;
    const fanIn = this.context.doc.layers[layer - 1].size;
    if (!Number.isInteger(fanIn) || fanIn < 1) return false;

    i = skipBlanks(text, i);
    if (text.charCodeAt(i) !== 60 || text.charCodeAt(i + 1) !== 45) return false; // <-
    const starts = this.rowStarts;
    const ends = this.rowEnds;
    starts.length = 0;
    ends.length = 0;
    let bias = false;
    i += 2;
    for (;;) {
      i = skipBlanks(text, i);
      const c = text.charCodeAt(i);
      if (i >= text.length || c === 35 /* # */) break;
      if (c === 124 /* | */) {
        if (bias) return false;
        bias = true;
        i++;
        continue;
      }
      const end = numberEnd(text, i);
      // A number ends at a blank, a comment, `|` or the line's end; else the tokenizer decides.
      const after = text.charCodeAt(end);
      if (end === i || (end < text.length && after !== 32 && after !== 9 && after !== 35 &&
        after !== 124 && after !== 0xfeff)) {
        return false;
      }
      if (bias ? starts.length !== fanIn : starts.length === fanIn) return false;
      starts.push(i);
      ends.push(end);
      i = end;
    }
    if (starts.length !== fanIn + (bias ? 1 : 0)) return false;

    const values = starts.map((start, k) => Number(text.slice(start, ends[k])));
    if (!values.every(Number.isFinite)) return false;
    const ids = values.map((_, k): WeightId => ({ layer, to, from: k < fanIn ? k : BIAS }));
    if (ids.some((id) => this.context.written.has(id))) return false;

    ids.forEach((id, k) => {
      this.context.remember({
        id, value: values[k], form: 'row', line,
        valueRange: { start: { line, character: starts[k] }, end: { line, character: ends[k] } },
      });
    });
    const last = ends[ends.length - 1];
    this.context.doc.weightLines.push({
      line, form: 'row', ids,
      range: { start: { line, character: lineStart }, end: { line, character: last } },
    });
    return true;
  }

  /**
   * Reads `NAME` or `NAME[i]` (no blanks inside) naming a known unit or `bias`: sets `layer` and
   * `index` and returns where the unit ends, or -1 when the unit is not plain and valid.
   */
  private unit(text: string, start: number, nameEnd: number): number {
    const name = text.slice(start, nameEnd);
    const bracket = text.charCodeAt(nameEnd) === 91; /* [ */
    if (name === 'bias') {
      if (bracket) return -1;
      this.index = BIAS;
      return nameEnd;
    }
    const layer = this.context.layerIndex.get(name);
    if (layer === undefined) return -1;
    const size = this.context.doc.layers[layer].size;
    if (!Number.isInteger(size) || size < 1) return -1;
    this.layer = layer;
    if (!bracket) {
      if (size !== 1 || text.charCodeAt(skipBlanks(text, nameEnd)) === 91) return -1;
      this.index = 0;
      return nameEnd;
    }
    let i = nameEnd + 1;
    let index = 0;
    while (i < text.length && i - nameEnd <= 9) {
      const c = text.charCodeAt(i);
      if (c < 48 || c > 57) break;
      index = index * 10 + (c - 48);
      i++;
    }
    if (i === nameEnd + 1 || text.charCodeAt(i) !== 93 /* ] */ || index < 1 || index > size) {
      return -1;
    }
    this.index = index - 1;
    return i + 1;
  }
}

function skipBlanks(text: string, i: number): number {
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 0xfeff) break;
    i++;
  }
  return i;
}

/** The end of a name starting at `start`, or `start` when none starts there. */
function scanName(text: string, start: number): number {
  let c = text.charCodeAt(start);
  if (!((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95)) return start;
  let i = start + 1;
  while (i < text.length) {
    c = text.charCodeAt(i);
    if (!((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || (c >= 48 && c <= 57))) break;
    i++;
  }
  return i;
}
