// Times the spec language's parser on a large generated spec: the median of several parses,
// after warm-up parses, with a check that the text parsed cleanly (an error-strewn parse would
// time a different path).

import { performance } from 'node:perf_hooks';
import { largeSpecText, parseSpec } from '../../src/spec';
import { median } from './measure';

export type ParseResult =
  | { kind: 'skipped'; reason: string }
  | {
      kind: 'timed';
      lines: number;
      characters: number;
      runs: number;
      medianMs: number;
      fastestMs: number;
    };

const WARM_UP_PARSES = 3;

export function benchmarkParse(lines: number, runs: number): ParseResult {
  const text = largeSpecText(lines);
  const errors = parseSpec(text).diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) {
    return {
      kind: 'skipped',
      reason: `the generated ${lines}-line spec does not parse cleanly (${errors.length} errors, `
        + `the first on line ${errors[0].range.start.line + 1}: ${errors[0].message})`,
    };
  }

  for (let i = 0; i < WARM_UP_PARSES; i++) parseSpec(text);
  const millis: number[] = [];
  for (let run = 0; run < runs; run++) {
    const start = performance.now();
    parseSpec(text);
    millis.push(performance.now() - start);
  }
  return {
    kind: 'timed',
    lines: text.split('\n').length - (text.endsWith('\n') ? 1 : 0),
    characters: text.length,
    runs,
    medianMs: median(millis),
    fastestMs: Math.min(...millis),
  };
}
