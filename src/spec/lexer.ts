// Splits a .nnspec text into lines and each line into tokens. Every token keeps its column span
// in UTF-16 code units, so that a diagnostic can underline exactly the characters at fault.

import type { Range } from './types';

export type TokenKind = 'name' | 'number' | 'string' | 'punct' | 'bad';

/** Why a `bad` token could not be read. */
export type BadReason = 'number' | 'character' | 'string';

export interface Token {
  kind: TokenKind;
  /** The characters as written; for a string, without its quotes. */
  text: string;
  start: number;
  end: number;
  /** The value of a number token; NaN otherwise. */
  value: number;
  reason?: BadReason;
}

export interface SourceLine {
  text: string;
  /** Offset of the line's first character in the whole text. */
  offset: number;
  /** The line break that ends it: '\n', '\r\n', '\r', or '' for the last line. */
  eol: string;
}

/** Lines as VS Code counts them: \n, \r\n and a lone \r each end one. */
export function splitLines(text: string): SourceLine[] {
  const lines: SourceLine[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 10 && c !== 13) continue;
    const eol = c === 13 && text.charCodeAt(i + 1) === 10 ? '\r\n' : text[i];
    lines.push({ text: text.slice(start, i), offset: start, eol });
    i += eol.length - 1;
    start = i + 1;
  }
  lines.push({ text: text.slice(start), offset: start, eol: '' });
  return lines;
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isNameStart = (c: number): boolean =>
  (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isNamePart = (c: number): boolean => isNameStart(c) || isDigit(c);
/** Space, tab, and a byte-order mark a file may start with. */
const isBlank = (c: number): boolean => c === 32 || c === 9 || c === 0xfeff;
/** | : [ ] = , */
const isSinglePunct = (c: number): boolean =>
  c === 124 || c === 58 || c === 91 || c === 93 || c === 61 || c === 44;

/** Whether the line starts with white space (the mark of a line inside a block). */
export function isIndented(line: string): boolean {
  return line.length > 0 && (line[0] === ' ' || line[0] === '\t');
}

function skipDigits(line: string, i: number): number {
  while (i < line.length && isDigit(line.charCodeAt(i))) i++;
  return i;
}

/**
 * The end of a decimal number starting at `i` (optional sign, fraction, exponent), or `i` when
 * none starts there. A fraction needs a digit after its point, so `-3..3` reads as -3, `..`, 3.
 */
export function numberEnd(line: string, i: number): number {
  let j = i;
  const sign = line.charCodeAt(j);
  if (sign === 43 || sign === 45) j++;
  const integerEnd = skipDigits(line, j);
  let end = integerEnd;
  if (line.charCodeAt(end) === 46 && isDigit(line.charCodeAt(end + 1))) {
    end = skipDigits(line, end + 1);
  }
  if (end === j) return i;
  const e = line.charCodeAt(end);
  if (e === 101 || e === 69) {
    let k = end + 1;
    const expSign = line.charCodeAt(k);
    if (expSign === 43 || expSign === 45) k++;
    if (isDigit(line.charCodeAt(k))) end = skipDigits(line, k);
  }
  return end;
}

function token(kind: TokenKind, text: string, start: number, end: number, value = NaN,
  reason?: BadReason): Token {
  return { kind, text, start, end, value, reason };
}

export function tokenize(line: string): Token[] {
  const tokens: Token[] = [];
  const n = line.length;
  let i = 0;
  while (i < n) {
    const c = line.charCodeAt(i);
    const next = i + 1 < n ? line.charCodeAt(i + 1) : -1;
    if (isBlank(c)) {
      i++;
    } else if (c === 35 /* # */) {
      break;
    } else if (isNameStart(c)) {
      let j = i + 1;
      while (j < n && isNamePart(line.charCodeAt(j))) j++;
      tokens.push(token('name', line.slice(i, j), i, j));
      i = j;
    } else if (c === 34 /* " */) {
      const close = line.indexOf('"', i + 1);
      if (close < 0) {
        tokens.push(token('bad', line.slice(i), i, n, NaN, 'string'));
        i = n;
      } else {
        tokens.push(token('string', line.slice(i + 1, close), i, close + 1));
        i = close + 1;
      }
    } else if ((c === 45 && next === 62) || (c === 60 && next === 45) ||
      (c === 46 && next === 46)) {
      // -> <- ..
      tokens.push(token('punct', line.slice(i, i + 2), i, i + 2));
      i += 2;
    } else if (isSinglePunct(c)) {
      tokens.push(token('punct', line[i], i, i + 1));
      i++;
    } else {
      let j = numberEnd(line, i);
      if (j === i) {
        // One code point, so that a surrogate pair is never cut in half.
        const width = c >= 0xd800 && c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff ? 2 : 1;
        tokens.push(token('bad', line.slice(i, i + width), i, i + width, NaN, 'character'));
        i += width;
        continue;
      }
      // `1e`, `0.5abc`, `5.` and `1.2.3` are one malformed number, not a number and a name.
      const after = j < n ? line.charCodeAt(j) : -1;
      if (isNamePart(after) || (after === 46 && line.charCodeAt(j + 1) !== 46)) {
        while (j < n && (isNamePart(line.charCodeAt(j)) || line.charCodeAt(j) === 46)) j++;
        tokens.push(token('bad', line.slice(i, j), i, j, NaN, 'number'));
      } else {
        const text = line.slice(i, j);
        tokens.push(token('number', text, i, j, Number(text)));
      }
      i = j;
    }
  }
  return tokens;
}

export function tokenRange(line: number, token: Token): Range {
  return { start: { line, character: token.start }, end: { line, character: token.end } };
}

export function spanRange(line: number, first: Token, last: Token): Range {
  return { start: { line, character: first.start }, end: { line, character: last.end } };
}
