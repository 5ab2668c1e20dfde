// What a .nnspec file says, as read from its text: every statement's value with the exact range
// it came from, so that diagnostics, CodeLenses and write-back can point into the file.

import type {
  ActivationName, GeneratorName, InitConfig, LossName, OptimizerConfig, WeightId,
} from '../engine/config';

/** 0-based; `character` counts UTF-16 code units, as VS Code does. */
export interface Position { line: number; character: number }

export interface Range { start: Position; end: Position }

export type Severity = 'error' | 'warning';

export interface Diagnostic { range: Range; severity: Severity; code: string; message: string }

/** A statement's value and the characters it was read from. */
export interface Valued<T> { value: T; range: Range }

export interface SpecWeight {
  id: WeightId;
  value: number;
  /** Edge form only: the `w_a` of `w_a: x -> h[1] 0.15`. */
  label?: string;
  form: 'edge' | 'row';
  /** 0-based line the file writes it on. */
  line: number;
  /** Exactly the number's characters. */
  valueRange: Range;
}

/** One per weights line that parsed: what a CodeLens sits over. */
export interface WeightLine {
  line: number;
  form: 'edge' | 'row';
  /** From the line's first token to its last, comment excluded. */
  range: Range;
  ids: WeightId[];
}

export interface SpecLayer {
  name: string;
  size: number;
  /** null for the input layer, and for a layer whose activation is missing or unknown. */
  activation: ActivationName | null;
  /** The whole statement, from `layer` to its last token. */
  range: Range;
  line: number;
  nameRange: Range;
  sizeRange: Range;
  /** Present whenever the statement writes an activation, known or not. */
  activationRange?: Range;
}

/** A `key=value` of `optimizer` or of a generator's `data` statement. */
export interface SpecParam {
  key: string;
  keyRange: Range;
  /** A range value `LOW..HIGH` reads as [LOW, HIGH]. */
  value: number | [number, number];
  valueRange: Range;
}

export interface SpecOptimizer {
  kind: OptimizerConfig['kind'];
  kindRange: Range;
  line: number;
  params: SpecParam[];
}

export interface SpecInit {
  kind: InitConfig['kind'];
  kindRange: Range;
  line: number;
  /** `uniform A` and `normal S` only. */
  scale?: Valued<number>;
}

/** A unit the file names, resolved: `layer` indexes `SpecDocument.layers`, `unit` is 0-based. */
export interface SpecUnit { layer: number; unit: number }

export interface SpecTableColumn {
  text: string;
  range: Range;
  /** Absent when the column names no unit that exists. */
  unit?: SpecUnit;
}

export interface SpecTableRow { line: number; values: number[]; ranges: Range[] }

export type SpecData =
  | {
      kind: 'generator';
      name: GeneratorName;
      nameRange: Range;
      line: number;
      params: SpecParam[];
    }
  | {
      kind: 'csv';
      /** As written, relative to the spec's folder unless absolute. */
      file: string;
      fileRange: Range;
      line: number;
      inputs?: Valued<string>[];
      inputsKeyRange?: Range;
      outputs: Valued<string>[];
      outputsKeyRange?: Range;
    }
  | {
      kind: 'table';
      keywordRange: Range;
      line: number;
      header: SpecTableColumn[];
      /** The header row's extent; absent when the table has no header. */
      headerRange?: Range;
      rows: SpecTableRow[];
    };

/** Where a statement starts, for every statement the file writes, known or not. */
export interface SpecStatement { keyword: string; line: number; keywordRange: Range; range: Range }

export interface SpecWeightsBlock {
  /** The line of `weights`. */
  line: number;
  /** The last indented line of the block that holds a token; `line` when it has none. */
  lastLine: number;
  /** The leading white space of its first weight line, if any. */
  indent?: string;
}

export interface SpecDocument {
  /** From `network NAME`. */
  name?: string;
  nameRange?: Range;
  layers: SpecLayer[];
  loss?: Valued<LossName>;
  optimizer?: SpecOptimizer;
  batch?: Valued<number>;
  epochs?: Valued<number>;
  seed?: Valued<number>;
  shuffle?: Valued<boolean>;
  init?: SpecInit;
  validate?: Valued<number>;
  data?: SpecData;
  /** Every written weight (a row-form line gives one per value), each id once, in file order. */
  weights: SpecWeight[];
  weightLines: WeightLine[];
  weightsBlocks: SpecWeightsBlock[];
  statements: SpecStatement[];
  lineCount: number;
}
