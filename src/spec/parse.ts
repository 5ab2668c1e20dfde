// Reads a .nnspec text into a SpecDocument. It reports what stops the text from being read:
// syntax, unknown words, units and weights that do not resolve, duplicates. The rules about what
// the values mean (sizes, ranges, data against layers, files) are the checker's.
//
// The parse is line by line and recovers at the next line, so one bad line never hides the
// problems of those after it. A weight line is resolved as soon as the layers it names are
// known (or at the end of the file, for weights written above their layers); table columns are
// resolved at the end.

import {
  ACTIVATION_NAMES, BIAS, LOSS_NAMES,
  type ActivationName, type GeneratorName, type LossName, type OptimizerConfig, type WeightId,
} from '../engine/config';
import { GENERATOR_NAMES, GENERATORS } from '../engine/data/generators';
import { isIndented, spanRange, tokenize, tokenRange, type Token } from './lexer';
import { plural, unitText } from './names';
import { PlainWeightReader, type PlainWeightContext } from './plain-weights';
import { closest, didYouMean } from './suggest';
import { WeightMap } from './weight-map';
import type {
  Diagnostic, Range, Severity, SpecData, SpecDocument, SpecLayer, SpecParam,
  SpecTableColumn, SpecUnit, SpecWeight, SpecWeightsBlock, Valued,
} from './types';

export const KEYWORDS = [
  'network', 'layer', 'loss', 'optimizer', 'batch', 'epochs', 'seed', 'shuffle', 'init',
  'validate', 'data', 'weights',
] as const;

export type Keyword = (typeof KEYWORDS)[number];

/** Each optimizer's keys, in the order its statement is documented. */
export const OPTIMIZER_KEYS: Record<OptimizerConfig['kind'], readonly string[]> = {
  sgd: ['lr'],
  momentum: ['lr', 'beta'],
  adam: ['lr', 'beta1', 'beta2', 'eps'],
};

export const INIT_KINDS = ['xavier', 'he', 'uniform', 'normal', 'zeros'] as const;

const CSV_KEYS = ['inputs', 'outputs'];

const USAGE: Record<Keyword, string> = {
  network: '`network NAME`',
  layer: '`layer NAME SIZE [ACTIVATION]`',
  loss: '`loss mse` or `loss cross_entropy`',
  optimizer: '`optimizer sgd|momentum|adam KEY=VALUE …`',
  batch: '`batch N`',
  epochs: '`epochs N`',
  seed: '`seed N`',
  shuffle: '`shuffle on` or `shuffle off`',
  init: '`init xavier|he|uniform A|normal S|zeros`',
  validate: '`validate F`',
  data: '`data GENERATOR KEY=VALUE …`, `data "FILE.csv" inputs=… outputs=…`, ' +
    'or `data` above an indented table',
  weights: '`weights` alone, above indented weight lines',
};

const WEIGHT_FORMS = 'a weight line is `[LABEL:] FROM -> TO VALUE` or `TO <- V1 … Vn [| BIAS]`';

/** Thrown to abandon the rest of a line once its problem is reported. */
class LineAbandoned extends Error {}
const ABANDON = new LineAbandoned();

/** A unit as written, before the layers are known: `h[2]`, `y`, `bias`. */
interface RawUnit {
  name: string;
  nameRange: Range;
  /** 1-based, as written. */
  index?: number;
  range: Range;
}

interface RawEdge {
  form: 'edge';
  line: number;
  label?: Valued<string>;
  from: RawUnit;
  to: RawUnit;
  value: Valued<number>;
  range: Range;
}

interface RawRow {
  form: 'row';
  line: number;
  to: RawUnit;
  arrowRange: Range;
  values: Valued<number>[];
  bias?: Valued<number>;
  range: Range;
}

interface RawTable {
  data: Extract<SpecData, { kind: 'table' }>;
  header?: RawUnit[];
  /** Set once a first line was read, even when it was not a good header. */
  headerSeen: boolean;
  duplicate: boolean;
}

/** Reads one line's tokens in order. */
class Cursor {
  private position = 0;

  constructor(readonly line: number, readonly tokens: Token[]) {}

  peek(offset = 0): Token | undefined {
    return this.tokens[this.position + offset];
  }

  next(): Token {
    return this.tokens[this.position++];
  }

  done(): boolean {
    return this.position >= this.tokens.length;
  }

  /** The token read last (the keyword at least). */
  previous(): Token {
    return this.tokens[Math.max(0, this.position - 1)];
  }

  isPunct(text: string, offset = 0): boolean {
    const token = this.peek(offset);
    return token !== undefined && token.kind === 'punct' && token.text === text;
  }

  range(token: Token): Range {
    return tokenRange(this.line, token);
  }

  /** From the next token to the line's last. */
  rest(): Range {
    return spanRange(this.line, this.tokens[this.position], this.tokens[this.tokens.length - 1]);
  }

  whole(): Range {
    return spanRange(this.line, this.tokens[0], this.tokens[this.tokens.length - 1]);
  }
}

export interface ParseResult { doc: SpecDocument; diagnostics: Diagnostic[] }

export interface ParseOptions {
  /**
   * Read plain weight lines (edges and rows naming known units) without tokens, which makes
   * large files several times faster. On by default; the tests turn it off to compare.
   */
  fastWeights?: boolean;
}

export function parseSpec(text: string, options: ParseOptions = {}): ParseResult {
  return new Parser(text, options.fastWeights ?? true).parse();
}

class Parser implements PlainWeightContext {
  private readonly diagnostics: Diagnostic[] = [];
  readonly doc: SpecDocument;
  private readonly firstLineOf = new Map<string, number>();
  readonly layerIndex = new Map<string, number>();
  /** Weight lines waiting for the layers they name. */
  private readonly deferred: (RawEdge | RawRow)[] = [];
  readonly written = new WeightMap<SpecWeight>();
  readonly labels = new Map<string, number>();
  private readonly tables: RawTable[] = [];
  private mode: 'top' | 'weights' | 'table' | 'skip' = 'top';
  private table: RawTable | undefined;
  private block: SpecWeightsBlock | undefined;

  /** Reads plain weight lines without tokens; undefined when the fast way is off. */
  private readonly plain: PlainWeightReader | undefined;

  constructor(private readonly text: string, fastWeights: boolean) {
    this.doc = {
      layers: [], weights: [], weightLines: [], weightsBlocks: [], statements: [], lineCount: 0,
    };
    this.plain = fastWeights ? new PlainWeightReader(this) : undefined;
  }

  parse(): ParseResult {
    const text = this.text;
    const carriageReturns = text.includes('\r');
    let line = 0;
    for (let start = 0; start <= text.length; line++) {
      const end = lineEnd(text, start, carriageReturns);
      const source = text.slice(start, end);
      start = end + (text.charCodeAt(end) === 13 && text.charCodeAt(end + 1) === 10 ? 2 : 1);

      if (this.mode === 'weights' && isIndented(source)) {
        const block = this.block as SpecWeightsBlock;
        const plain = this.plain;
        if (plain !== undefined && (plain.edge(source, line) || plain.row(source, line))) {
          block.lastLine = line;
          block.indent ??= leadingBlanks(source);
          continue;
        }
      }
      const tokens = tokenize(source);
      if (tokens.length === 0) continue;

      const cursor = new Cursor(line, tokens);
      try {
        if (this.mode !== 'top' && isIndented(source)) {
          this.blockLine(cursor, source);
        } else {
          this.endBlock();
          this.statement(cursor);
        }
      } catch (error) {
        if (!(error instanceof LineAbandoned)) throw error;
        // Indented lines below a statement that could not be read are taken as part of it.
        if (this.mode === 'top' && !isIndented(source)) this.mode = 'skip';
      }
    }
    this.doc.lineCount = line;
    this.endBlock();

    for (const raw of this.deferred) this.resolveWeightLine(raw);
    for (const table of this.tables) this.resolveTable(table);
    this.diagnostics.sort((a, b) =>
      a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
    return { doc: this.doc, diagnostics: this.diagnostics };
  }

  // --- reporting ---

  private report(code: string, range: Range, message: string, severity: Severity = 'error'): void {
    this.diagnostics.push({ range, severity, code, message });
  }

  private fail(code: string, range: Range, message: string): never {
    this.report(code, range, message);
    throw ABANDON;
  }

  private failBadToken(cursor: Cursor, token: Token): never {
    const range = cursor.range(token);
    switch (token.reason) {
      case 'number':
        return this.fail('bad-number', range, `\`${token.text}\` is not a number: write digits ` +
          'with an optional sign, fraction and exponent, like `-1.5e-3`');
      case 'string':
        return this.fail('unterminated-string', range, 'the string has no closing `"`');
      default:
        return this.fail('unexpected-character', range, `unexpected character \`${token.text}\``);
    }
  }

  // --- reading tokens ---

  /** The next token, which must exist: `what` says what was expected after the previous one. */
  private take(cursor: Cursor, what: string): Token {
    if (cursor.done()) {
      const previous = cursor.previous();
      this.fail('missing-value', cursor.range(previous),
        `${what} is missing after \`${previous.text}\``);
    }
    const token = cursor.next();
    if (token.kind === 'bad') this.failBadToken(cursor, token);
    return token;
  }

  private name(cursor: Cursor, what: string): Token {
    const token = this.take(cursor, what);
    if (token.kind !== 'name') {
      this.fail('expected-name', cursor.range(token), `expected ${what}, not \`${token.text}\``);
    }
    return token;
  }

  private number(cursor: Cursor, what: string): Valued<number> {
    const token = this.take(cursor, what);
    if (token.kind !== 'number') {
      this.fail('expected-number', cursor.range(token),
        `expected ${what}, a number, not \`${token.text}\``);
    }
    return { value: this.finite(cursor, token), range: cursor.range(token) };
  }

  private finite(cursor: Cursor, token: Token): number {
    if (!Number.isFinite(token.value)) {
      this.fail('number-range', cursor.range(token),
        `\`${token.text}\` is too large for a 64-bit number`);
    }
    return token.value;
  }

  private punct(cursor: Cursor, text: string, hint: string): Token {
    const token = this.take(cursor, `\`${text}\``);
    if (token.kind !== 'punct' || token.text !== text) {
      this.fail('expected-token', cursor.range(token),
        `expected \`${text}\`, not \`${token.text}\`: ${hint}`);
    }
    return token;
  }

  private end(cursor: Cursor, usage: string): void {
    if (cursor.done()) return;
    const token = cursor.peek() as Token;
    if (token.kind === 'bad') this.failBadToken(cursor, token);
    this.fail('extra-token', cursor.rest(),
      `unexpected \`${token.text}\`: the statement is ${usage}`);
  }

  // --- statements ---

  private statement(cursor: Cursor): void {
    this.mode = 'top';
    const first = cursor.next();
    if (first.kind === 'bad') {
      this.mode = 'skip';
      this.failBadToken(cursor, first);
    }
    let keyword = KEYWORDS.find((candidate) => candidate === first.text);
    if (first.kind !== 'name' || keyword === undefined) {
      const guess = first.kind === 'name' ? closest(first.text, KEYWORDS) : undefined;
      this.report('unknown-statement', cursor.range(first), guess !== undefined
        ? `unknown statement \`${first.text}\`; did you mean \`${guess}\`?`
        : `unknown statement \`${first.text}\`: a line starts with one of ${KEYWORDS.join(', ')}`);
      // A likely typo is read as what it meant, so the layers or blocks it declares still count.
      keyword = KEYWORDS.find((candidate) => candidate === guess);
      if (keyword === undefined) {
        this.mode = 'skip';
        throw ABANDON;
      }
    }

    const keywordRange = cursor.range(first);
    this.doc.statements.push({ keyword, line: cursor.line, keywordRange, range: cursor.whole() });
    const firstLine = this.firstLineOf.get(keyword);
    const duplicate = firstLine !== undefined && keyword !== 'layer';
    if (duplicate) {
      this.report('duplicate-statement', keywordRange, `\`${keyword}\` is already given on line ` +
        `${firstLine + 1}; keep one`);
    } else if (firstLine === undefined) {
      this.firstLineOf.set(keyword, cursor.line);
    }

    switch (keyword) {
      case 'network': return this.network(cursor, duplicate);
      case 'layer': return this.layer(cursor);
      case 'loss': return this.loss(cursor, duplicate);
      case 'optimizer': return this.optimizer(cursor, duplicate);
      case 'batch':
      case 'epochs':
      case 'seed':
      case 'validate': return this.numberStatement(cursor, keyword, duplicate);
      case 'shuffle': return this.shuffle(cursor, duplicate);
      case 'init': return this.init(cursor, duplicate);
      case 'data': return this.data(cursor, duplicate);
      case 'weights': return this.weights(cursor);
    }
  }

  private network(cursor: Cursor, duplicate: boolean): void {
    const name = this.name(cursor, 'the network\'s name (letters, digits and `_`)');
    this.end(cursor, USAGE.network);
    if (duplicate) return;
    this.doc.name = name.text;
    this.doc.nameRange = cursor.range(name);
  }

  private layer(cursor: Cursor): void {
    const name = this.name(cursor, 'the layer\'s name (letters, digits and `_`)');
    const nameRange = cursor.range(name);
    if (name.text === 'bias') {
      this.report('reserved-name', nameRange,
        '`bias` names every layer\'s bias input; give the layer another name');
    }
    const size = this.number(cursor, 'the layer\'s size');
    if (!Number.isInteger(size.value) || size.value < 1) {
      this.report('layer-size', size.range,
        `a layer's size is a whole number of units, at least 1, not ${size.value}`);
    }

    const layer: SpecLayer = {
      name: name.text, size: size.value, activation: null, line: cursor.line,
      range: cursor.whole(), nameRange, sizeRange: size.range,
    };
    const firstIndex = this.layerIndex.get(name.text);
    if (name.text === 'bias') {
      // Never indexed: `bias` in a weight always means the bias input.
    } else if (firstIndex !== undefined) {
      this.report('duplicate-layer', nameRange, `layer \`${name.text}\` is already declared on ` +
        `line ${this.doc.layers[firstIndex].line + 1}; give each layer its own name`);
    } else {
      this.layerIndex.set(name.text, this.doc.layers.length);
    }
    this.doc.layers.push(layer);

    if (cursor.done()) return;
    const activation = this.name(cursor, `an activation (${ACTIVATION_NAMES.join(', ')})`);
    layer.activationRange = cursor.range(activation);
    if ((ACTIVATION_NAMES as readonly string[]).includes(activation.text)) {
      layer.activation = activation.text as ActivationName;
    } else {
      this.report('unknown-activation', layer.activationRange, `unknown activation ` +
        `\`${activation.text}\`${didYouMean(activation.text, ACTIVATION_NAMES)}`);
    }
    this.end(cursor, USAGE.layer);
  }

  private loss(cursor: Cursor, duplicate: boolean): void {
    const loss = this.name(cursor, `the loss (${LOSS_NAMES.join(' or ')})`);
    if (!(LOSS_NAMES as readonly string[]).includes(loss.text)) {
      this.fail('unknown-loss', cursor.range(loss),
        `unknown loss \`${loss.text}\`${didYouMean(loss.text, LOSS_NAMES)}`);
    }
    this.end(cursor, USAGE.loss);
    if (!duplicate) this.doc.loss = { value: loss.text as LossName, range: cursor.range(loss) };
  }

  private optimizer(cursor: Cursor, duplicate: boolean): void {
    const kinds = Object.keys(OPTIMIZER_KEYS) as OptimizerConfig['kind'][];
    const kindToken = this.name(cursor, `the optimizer (${kinds.join(', ')})`);
    let kind = kinds.find((candidate) => candidate === kindToken.text);
    if (kind === undefined) {
      this.report('unknown-optimizer', cursor.range(kindToken),
        `unknown optimizer \`${kindToken.text}\`${didYouMean(kindToken.text, kinds)}`);
      // Read the keys as the likely meant optimizer's, so that their own problems show too.
      kind = kinds.find((candidate) => candidate === closest(kindToken.text, kinds));
      duplicate = true;
      if (kind === undefined) throw ABANDON;
    }
    const params = this.params(cursor, OPTIMIZER_KEYS[kind], `\`optimizer ${kind}\``, (key) => {
      const owners = kinds.filter((other) => OPTIMIZER_KEYS[other].includes(key));
      return owners.length > 0 ? `; \`${key}\` is a key of ${owners.join(' and ')}` : '';
    });
    if (duplicate) return;
    this.doc.optimizer = { kind, kindRange: cursor.range(kindToken), line: cursor.line, params };
  }

  /** `KEY=VALUE …` to the end of the line; a value is a number or a range `LOW..HIGH`. */
  private params(cursor: Cursor, keys: readonly string[], owner: string,
    elsewhere: (key: string) => string = () => ''): SpecParam[] {
    const params: SpecParam[] = [];
    const takes = keys.length === 0 ? 'takes no keys' : `takes ${keys.join(', ')}`;
    while (!cursor.done()) {
      const key = this.name(cursor, `a key (${keys.join(', ')})`);
      const keyRange = cursor.range(key);
      this.punct(cursor, '=', `write \`${key.text}=VALUE\``);
      const low = this.number(cursor, `the value of \`${key.text}\``);
      let value: number | [number, number] = low.value;
      let valueRange = low.range;
      if (cursor.isPunct('..')) {
        cursor.next();
        const high = this.number(cursor, 'the range\'s upper end');
        value = [low.value, high.value];
        valueRange = { start: low.range.start, end: high.range.end };
      }

      if (!keys.includes(key.text)) {
        this.report('unknown-key', keyRange,
          `${owner} has no key \`${key.text}\`${didYouMean(key.text, keys, false)} (it ${takes})` +
          elsewhere(key.text));
      } else if (params.some((param) => param.key === key.text)) {
        this.report('duplicate-key', keyRange, `\`${key.text}\` is given twice; keep one`);
      } else {
        params.push({ key: key.text, keyRange, value, valueRange });
      }
    }
    return params;
  }

  private numberStatement(cursor: Cursor, keyword: 'batch' | 'epochs' | 'seed' | 'validate',
    duplicate: boolean): void {
    const what = keyword === 'validate' ? 'the fraction held out' : `the number of ${keyword}`;
    const value = this.number(cursor, keyword === 'seed' ? 'the seed' : what);
    this.end(cursor, USAGE[keyword]);
    if (!duplicate) this.doc[keyword] = value;
  }

  private shuffle(cursor: Cursor, duplicate: boolean): void {
    const token = this.name(cursor, '`on` or `off`');
    if (token.text !== 'on' && token.text !== 'off') {
      this.fail('expected-on-off', cursor.range(token),
        `\`shuffle\` is \`on\` or \`off\`, not \`${token.text}\``);
    }
    this.end(cursor, USAGE.shuffle);
    if (!duplicate) this.doc.shuffle = { value: token.text === 'on', range: cursor.range(token) };
  }

  private init(cursor: Cursor, duplicate: boolean): void {
    const token = this.name(cursor, `the initialisation (${INIT_KINDS.join(', ')})`);
    const kind = INIT_KINDS.find((candidate) => candidate === token.text);
    if (kind === undefined) {
      this.fail('unknown-init', cursor.range(token),
        `unknown initialisation \`${token.text}\`${didYouMean(token.text, INIT_KINDS)}`);
    }
    let scale: Valued<number> | undefined;
    if (kind === 'uniform' || kind === 'normal') {
      scale = this.number(cursor, kind === 'uniform'
        ? 'the half-width A (weights start in [-A, A])'
        : 'the standard deviation S');
    }
    this.end(cursor, USAGE.init);
    if (duplicate) return;
    this.doc.init = { kind, kindRange: cursor.range(token), line: cursor.line, scale };
  }

  private data(cursor: Cursor, duplicate: boolean): void {
    const keywordRange = cursor.range(cursor.previous());
    if (cursor.done()) {
      const data: SpecData = {
        kind: 'table', keywordRange, line: cursor.line, header: [], rows: [],
      };
      this.table = { data, headerSeen: false, duplicate };
      this.mode = 'table';
      return;
    }

    const source = cursor.next();
    if (source.kind === 'bad') this.failBadToken(cursor, source);
    if (source.kind === 'string') return this.csv(cursor, source, duplicate);
    if (source.kind !== 'name') {
      this.fail('expected-data', cursor.range(source),
        `\`data\` takes a generator (${GENERATOR_NAMES.join(', ')}) or a quoted CSV file, ` +
        `not \`${source.text}\``);
    }

    let name = GENERATOR_NAMES.find((candidate) => candidate === source.text);
    if (name === undefined) {
      this.report('unknown-generator', cursor.range(source),
        `unknown data generator \`${source.text}\`${didYouMean(source.text, GENERATOR_NAMES)}` +
        ' (a CSV file is written in quotes: `data "FILE.csv" …`)');
      const guess = closest(source.text, GENERATOR_NAMES);
      name = GENERATOR_NAMES.find((candidate) => candidate === guess);
      duplicate = true;
      if (name === undefined) throw ABANDON;
    }
    const params = this.params(cursor, Object.keys(GENERATORS[name].keys), `\`data ${name}\``);
    if (duplicate) return;
    this.doc.data = {
      kind: 'generator', name: name as GeneratorName, nameRange: cursor.range(source),
      line: cursor.line, params,
    };
  }

  private csv(cursor: Cursor, file: Token, duplicate: boolean): void {
    const fileRange = cursor.range(file);
    if (file.text.trim() === '') {
      this.fail('csv-missing', fileRange, 'the CSV file\'s name is empty');
    }
    const lists = new Map<string, { key: Range; columns: Valued<string>[] }>();

    while (!cursor.done()) {
      const key = this.name(cursor, 'a key (inputs, outputs)');
      const keyRange = cursor.range(key);
      this.punct(cursor, '=', `write \`${key.text}=COLUMN,…\``);
      const columns: Valued<string>[] = [];
      do {
        if (columns.length > 0) cursor.next();
        const column = this.take(cursor, 'a column name');
        if (column.kind === 'punct') {
          this.fail('expected-name', cursor.range(column),
            `expected a column name, not \`${column.text}\`: write \`${key.text}=a,b\``);
        }
        columns.push({ value: column.text, range: cursor.range(column) });
      } while (cursor.isPunct(','));

      if (!CSV_KEYS.includes(key.text)) {
        this.report('unknown-key', keyRange, `a CSV \`data\` statement has no key ` +
          `\`${key.text}\`${didYouMean(key.text, CSV_KEYS, false)} (it takes inputs, outputs)`);
      } else if (lists.has(key.text)) {
        this.report('duplicate-key', keyRange, `\`${key.text}\` is given twice; keep one`);
      } else {
        lists.set(key.text, { key: keyRange, columns });
      }
    }

    const outputs = lists.get('outputs');
    if (outputs === undefined) {
      this.fail('missing-key', fileRange,
        'a CSV needs `outputs=COLUMN,…` naming its target columns (`inputs=` is optional: ' +
        'without it every other column is an input)');
    }
    if (duplicate) return;
    const inputs = lists.get('inputs');
    this.doc.data = {
      kind: 'csv', file: file.text, fileRange, line: cursor.line,
      inputs: inputs?.columns, inputsKeyRange: inputs?.key,
      outputs: outputs.columns, outputsKeyRange: outputs.key,
    };
  }

  private weights(cursor: Cursor): void {
    this.block = { line: cursor.line, lastLine: cursor.line };
    this.doc.weightsBlocks.push(this.block);
    this.mode = 'weights';
    this.end(cursor, USAGE.weights);
  }

  // --- blocks ---

  private blockLine(cursor: Cursor, source: string): void {
    if (this.mode === 'skip') {
      // A keyword still starts a statement, so a file indented throughout reads as one.
      const first = cursor.tokens[0];
      if (KEYWORDS.some((keyword) => keyword === first.text)) this.statement(cursor);
      return;
    }
    if (this.mode === 'table') return this.tableLine(cursor);
    const block = this.block as SpecWeightsBlock;
    block.lastLine = cursor.line;
    block.indent ??= leadingBlanks(source);
    this.weightLine(cursor);
  }

  /** Closes a table at the first line that is not in it. */
  private endBlock(): void {
    const table = this.table;
    this.table = undefined;
    this.block = undefined;
    if (table === undefined) return;

    if (!table.headerSeen) {
      this.report('empty-table', table.data.keywordRange, '`data` alone opens a table, but no ' +
        'indented lines follow: write a header row naming the input then output units, then ' +
        'rows of numbers, each indented');
    } else if (table.data.rows.length === 0 && table.header !== undefined) {
      this.report('empty-table', table.data.headerRange as Range,
        'the table has a header but no rows of numbers');
    }
    if (!table.duplicate) this.doc.data = table.data;
    this.tables.push(table);
  }

  private tableLine(cursor: Cursor): void {
    const table = this.table as RawTable;
    if (!table.headerSeen) {
      table.headerSeen = true;
      table.data.headerRange = cursor.whole();
      const header: RawUnit[] = [];
      while (!cursor.done()) {
        const token = cursor.peek() as Token;
        if (token.kind !== 'name') {
          if (token.kind === 'bad') this.failBadToken(cursor, token);
          this.fail('table-header', cursor.range(token), `the table's first row names its ` +
            `columns, the input units then the output units (like \`x[1] x[2] y\`), ` +
            `not \`${token.text}\``);
        }
        header.push(this.unit(cursor));
      }
      table.header = header;
      table.data.header = header.map((unit) => ({ text: unitSource(unit), range: unit.range }));
      return;
    }

    const values: number[] = [];
    const ranges: Range[] = [];
    for (const token of cursor.tokens) {
      const range = cursor.range(token);
      if (token.kind === 'number' && Number.isFinite(token.value)) {
        values.push(token.value);
      } else if (token.kind === 'number') {
        values.push(NaN);
        this.report('number-range', range, `\`${token.text}\` is too large for a 64-bit number`);
      } else {
        values.push(NaN);
        this.report(token.kind === 'bad' && token.reason === 'number' ? 'bad-number' :
          'expected-number', range, `\`${token.text}\` is not a number`);
      }
      ranges.push(range);
    }
    table.data.rows.push({ line: cursor.line, values, ranges });

    const columns = table.header?.length;
    if (columns === undefined || values.length === columns) return;
    const names = (table.header as RawUnit[]).map(unitSource).join(' ');
    const range = values.length < columns
      ? cursor.whole()
      : spanRange(cursor.line, cursor.tokens[columns], cursor.tokens[values.length - 1]);
    this.report('table-row', range, `this row has ${plural(values.length, 'number')}; the ` +
      `header names ${plural(columns, 'column')} (${names})`);
  }

  /** `NAME` or `NAME[i]`. */
  private unit(cursor: Cursor): RawUnit {
    const name = this.name(cursor, 'a unit');
    const nameRange = cursor.range(name);
    if (!cursor.isPunct('[')) return { name: name.text, nameRange, range: nameRange };

    cursor.next();
    const index = this.take(cursor, 'the unit\'s index');
    if (index.kind !== 'number' || !Number.isInteger(index.value) || index.value < 1) {
      this.fail('unit-index', cursor.range(index), `a unit's index is a whole number counted ` +
        `from 1 (\`${name.text}[1]\` is the first), not \`${index.text}\``);
    }
    const close = this.punct(cursor, ']', `write \`${name.text}[${index.text}]\``);
    const range = spanRange(cursor.line, name, close);
    return { name: name.text, nameRange, index: index.value, range };
  }

  private weightLine(cursor: Cursor): void {
    const bad = cursor.tokens.find((token) => token.kind === 'bad');
    if (bad !== undefined) this.failBadToken(cursor, bad);
    const arrow = cursor.tokens.find((token) =>
      token.kind === 'punct' && (token.text === '->' || token.text === '<-'));
    if (arrow === undefined) {
      const first = cursor.tokens[0];
      const statementHint = KEYWORDS.some((keyword) => keyword === first.text)
        ? ` (\`${first.text}\` is indented, so it reads as part of the \`weights\` block)`
        : '';
      this.fail('weight-syntax', cursor.whole(), WEIGHT_FORMS + statementHint);
    }
    if (arrow.text === '<-') return this.rowLine(cursor);

    let label: Valued<string> | undefined;
    if (cursor.isPunct(':', 1)) {
      const token = this.name(cursor, 'a label');
      label = { value: token.text, range: cursor.range(token) };
      cursor.next();
    }
    const from = this.unit(cursor);
    this.punct(cursor, '->', WEIGHT_FORMS);
    const to = this.unit(cursor);
    const value = this.number(cursor, `the value of \`${unitSource(from)} -> ${unitSource(to)}\``);
    this.end(cursor, '`[LABEL:] FROM -> TO VALUE`');
    this.addWeightLine({ form: 'edge', line: cursor.line, label, from, to, value,
      range: cursor.whole() });
  }

  private rowLine(cursor: Cursor): void {
    const to = this.unit(cursor);
    const arrow = this.punct(cursor, '<-', '`TO <- V1 … Vn [| BIAS]`');
    const values: Valued<number>[] = [];
    while (!cursor.done() && !cursor.isPunct('|')) {
      values.push(this.number(cursor, `a weight into \`${unitSource(to)}\``));
    }
    let bias: Valued<number> | undefined;
    if (cursor.isPunct('|')) {
      cursor.next();
      bias = this.number(cursor, `the bias of \`${unitSource(to)}\``);
      this.end(cursor, 'ended by its bias: `TO <- V1 … Vn | BIAS`');
    }
    this.addWeightLine({ form: 'row', line: cursor.line, to, arrowRange: cursor.range(arrow),
      values, bias, range: cursor.whole() });
  }

  // --- resolution, once every layer is known ---

  /** A unit's layer and 0-based index, BIAS for `bias`; undefined once reported or unknowable. */
  private resolve(raw: RawUnit, biasAllowed: boolean): SpecUnit | typeof BIAS | undefined {
    if (raw.name === 'bias') {
      if (raw.index !== undefined) {
        this.report('unit-index', raw.range, '`bias` takes no index: every unit has one bias');
        return undefined;
      }
      return BIAS;
    }
    const layer = this.layerIndex.get(raw.name);
    if (layer === undefined) {
      const names = [...this.layerIndex.keys()];
      const options = biasAllowed ? [...names, 'bias'] : names;
      this.report('unknown-layer', raw.nameRange,
        `no layer is named \`${raw.name}\`${didYouMean(raw.name, options)}`);
      return undefined;
    }
    const { name, size } = this.doc.layers[layer];
    if (!Number.isInteger(size) || size < 1) return undefined;
    if (raw.index === undefined) {
      if (size === 1) return { layer, unit: 0 };
      this.report('missing-index', raw.nameRange, `layer \`${name}\` has ${size} units: write ` +
        `\`${name}[1]\` … \`${name}[${size}]\``);
      return undefined;
    }
    if (raw.index > size) {
      this.report('unit-range', raw.range, `\`${unitSource(raw)}\` does not exist: layer ` +
        `\`${name}\` has ${plural(size, 'unit')}` +
        (size === 1 ? ` (\`${name}\`)` : `, \`${name}[1]\` … \`${name}[${size}]\``));
      return undefined;
    }
    return { layer, unit: raw.index - 1 };
  }

  /** The unit a weight feeds: not `bias`, not in the input layer. */
  private resolveTarget(raw: RawUnit): SpecUnit | undefined {
    const to = this.resolve(raw, false);
    if (to === BIAS) {
      this.report('bias-target', raw.range, '`bias` feeds units but is fed by none: ' +
        'a weight goes FROM a unit or `bias` TO a unit of the next layer');
      return undefined;
    }
    if (to !== undefined && to.layer === 0) {
      this.report('input-target', raw.range, `\`${unitSource(raw)}\` is in the input layer, ` +
        'which no weight feeds');
      return undefined;
    }
    return to;
  }

  /**
   * Resolves a weight line at once when the layers it names are known, which is the usual order
   * (layers, then weights); otherwise it waits for the end of the file. Once one line waits,
   * all later ones do too, so that "written first" always means earlier in the file.
   */
  private addWeightLine(raw: RawEdge | RawRow): void {
    const known = (unit: RawUnit) => unit.name === 'bias' || this.layerIndex.has(unit.name);
    const ready = !this.waiting() &&
      known(raw.to) && (raw.form === 'row' || known(raw.from));
    if (ready) this.resolveWeightLine(raw);
    else this.deferred.push(raw);
  }

  waiting(): boolean {
    return this.deferred.length > 0;
  }

  remember(weight: SpecWeight): void {
    this.written.set(weight.id, weight);
    this.doc.weights.push(weight);
  }

  /** Records a weight unless the file already wrote it; says whether it was recorded. */
  private record(weight: SpecWeight, range: () => Range): boolean {
    const first = this.written.get(weight.id);
    if (first === undefined) {
      this.remember(weight);
      return true;
    }
    const layers = this.doc.layers;
    const where = `line ${first.line + 1}`;
    if (weight.id.from === BIAS && first.form !== weight.form) {
      const unit = unitText(layers, weight.id.layer, weight.id.to);
      this.report('duplicate-bias', range(), `the bias of \`${unit}\` is written twice: in the ` +
        `${first.form} on ${where} and in this ${weight.form}; keep one`);
    } else {
      this.report('duplicate-weight', range(), `\`${weightNameOf(layers, weight.id)}\` is ` +
        `already written on ${where}; write each weight once`);
    }
    return false;
  }

  private resolveWeightLine(raw: RawEdge | RawRow): void {
    const ids: WeightId[] = [];
    if (raw.form === 'edge') {
      const from = this.resolve(raw.from, true);
      const to = this.resolveTarget(raw.to);
      if (from === undefined || to === undefined) return;
      if (from !== BIAS && from.layer !== to.layer - 1) {
        this.reportNotAdjacent(raw, from, to);
        return;
      }
      if (raw.label !== undefined) this.recordLabel(raw.label, raw.line);
      const id = { layer: to.layer, to: to.unit, from: from === BIAS ? BIAS : from.unit };
      const weight: SpecWeight = { id, value: raw.value.value, form: 'edge', line: raw.line,
        valueRange: raw.value.range };
      if (raw.label !== undefined) weight.label = raw.label.value;
      if (this.record(weight, () => ({ start: raw.from.range.start, end: raw.to.range.end }))) {
        ids.push(id);
      }
    } else {
      const to = this.resolveTarget(raw.to);
      if (to === undefined) return;
      const previous = this.doc.layers[to.layer - 1];
      if (!Number.isInteger(previous.size) || previous.size < 1) return;
      if (raw.values.length !== previous.size) {
        this.reportRowLength(raw, previous);
        return;
      }
      const weights = raw.values.map((value, from): SpecWeight => ({
        id: { layer: to.layer, to: to.unit, from }, value: value.value, form: 'row',
        line: raw.line, valueRange: value.range,
      }));
      if (raw.bias !== undefined) {
        weights.push({ id: { layer: to.layer, to: to.unit, from: BIAS }, value: raw.bias.value,
          form: 'row', line: raw.line, valueRange: raw.bias.range });
      }
      const incoming = weights.slice(0, raw.values.length);
      if (incoming.length > 1 && incoming.every((weight) => this.written.has(weight.id))) {
        // The row's weights all over again: one problem, not one per value. Its bias may be new.
        const first = this.written.get(weights[0].id) as SpecWeight;
        this.report('duplicate-weight', raw.to.range, `the weights from ` +
          `\`${previous.name}\` into \`${unitSource(raw.to)}\` are already written (from line ` +
          `${first.line + 1}); write each weight once`);
        weights.splice(0, incoming.length);
      }
      for (const weight of weights) {
        if (this.record(weight, () => weight.valueRange)) ids.push(weight.id);
      }
    }
    if (ids.length > 0) {
      this.doc.weightLines.push({ line: raw.line, form: raw.form, range: raw.range, ids });
    }
  }

  private recordLabel(label: Valued<string>, line: number): void {
    const firstLine = this.labels.get(label.value);
    if (firstLine === undefined) {
      this.labels.set(label.value, line);
      return;
    }
    this.report('duplicate-label', label.range, `the label \`${label.value}\` is already used ` +
      `on line ${firstLine + 1}`, 'warning');
  }

  private reportNotAdjacent(raw: RawEdge, from: SpecUnit, to: SpecUnit): void {
    const layers = this.doc.layers;
    const fromText = unitSource(raw.from);
    const toText = unitSource(raw.to);
    if (from.layer === to.layer + 1) {
      this.report('not-adjacent', raw.from.range, `weights run forward, from a layer to the ` +
        `next: did you mean \`${toText} -> ${fromText}\`?`);
      return;
    }
    this.report('not-adjacent', raw.from.range, `\`${fromText}\` is in layer ` +
      `\`${layers[from.layer].name}\`, but weights into \`${toText}\` come from the layer ` +
      `before it, \`${layers[to.layer - 1].name}\`, or from \`bias\``);
  }

  private reportRowLength(raw: RawRow, previous: SpecLayer): void {
    const n = previous.size;
    const given = raw.values.length;
    const units = n === 1 ? `\`${previous.name}\`` : `\`${previous.name}[1]\` … ` +
      `\`${previous.name}[${n}]\``;
    let range: Range;
    if (given > n) {
      range = { start: raw.values[n].range.start, end: raw.values[given - 1].range.end };
    } else if (given > 0) {
      range = { start: raw.values[0].range.start, end: raw.values[given - 1].range.end };
    } else {
      range = raw.arrowRange;
    }
    this.report('row-length', range, `\`${unitSource(raw.to)}\` takes ` +
      `${plural(n, 'value')}, one per unit of \`${previous.name}\` (${units}) in order, then ` +
      `optionally \`| BIAS\`; this row has ${given}`);
  }

  private resolveTable(table: RawTable): void {
    if (table.header === undefined) return;
    table.header.forEach((raw, index) => {
      const column: SpecTableColumn = table.data.header[index];
      if (raw.name === 'bias') {
        this.report('table-header', raw.range, '`bias` is not a column: the table names input ' +
          'units then output units');
        return;
      }
      const unit = this.resolve(raw, false);
      if (unit !== undefined && unit !== BIAS) column.unit = unit;
    });
  }
}

/**
 * Where the line that starts at `start` ends: at its line break (\n, \r\n or a lone \r), or at
 * the end of the text. `carriageReturns` says whether the text holds any \r at all.
 */
function lineEnd(text: string, start: number, carriageReturns: boolean): number {
  if (!carriageReturns) {
    const newline = text.indexOf('\n', start);
    return newline < 0 ? text.length : newline;
  }
  let end = start;
  while (end < text.length) {
    const c = text.charCodeAt(end);
    if (c === 10 || c === 13) break;
    end++;
  }
  return end;
}

function leadingBlanks(line: string): string {
  let i = 0;
  while (i < line.length && (line[i] === ' ' || line[i] === '\t')) i++;
  return line.slice(0, i);
}

/** A unit as the file wrote it. */
function unitSource(unit: RawUnit): string {
  return unit.index === undefined ? unit.name : `${unit.name}[${unit.index}]`;
}

function weightNameOf(layers: readonly SpecLayer[], id: WeightId): string {
  return `${unitText(layers, id.layer - 1, id.from)} -> ${unitText(layers, id.layer, id.to)}`;
}
