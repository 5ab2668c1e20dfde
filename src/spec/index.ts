// The .nnspec language: read a file, check every rule, turn it into the engine's NetworkConfig,
// and write trained weights back into its text. parseSpec reports what keeps the text from being
// read; checkSpec adds every other rule (layers, values, data, CSV files) and is what an editor
// or the command line shows.

export type {
  Diagnostic, Position, Range, Severity, SpecData, SpecDocument, SpecInit, SpecLayer,
  SpecOptimizer, SpecParam, SpecStatement, SpecTableColumn, SpecTableRow, SpecUnit, SpecWeight,
  SpecWeightsBlock, Valued, WeightLine,
} from './types';
export {
  parseSpec, KEYWORDS, INIT_KINDS, OPTIMIZER_KEYS, type ParseOptions, type ParseResult,
} from './parse';
export { checkSpec, MAX_WEIGHTS, type CheckOptions } from './check';
export { toConfig } from './to-config';
export { writeBack, formatWeight, DEFAULT_DIGITS, EDGE_FORM_MAX_INCOMING } from './write-back';
export { formatDiagnostic, weightName, unitText } from './names';
export { WeightMap } from './weight-map';
export { largeSpecText } from './fixtures';
