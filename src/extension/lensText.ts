// The words of the CodeLens over a weight line: what the last step did to its weight (or to its
// row of weights), or the value it starts from before any training. Plain TypeScript, so the
// unit tests hold the exact text the editor shows.
import { formatCount, formatNumber } from '../protocol/format';

/** One weight's numbers after the last step. */
export interface WeightUpdate {
  value: number;
  dEdw: number;
  delta: number;
}

/** What a lens knows of the session it reports on. */
export interface LensContext {
  /** The step the numbers are from; 0 before the first step. */
  step: number;
  digits: number;
  /** The file was edited after the session started from it. */
  fileChanged: boolean;
}

/** How many starting values a row-form lens lists before it stops with an ellipsis. */
const ROW_VALUES_SHOWN = 4;

const SEPARATOR = ' · ';

/** `Δw −1.23e−3 · ∂E/∂w 2.46e−3 · step 1,532`, or the starting value before any training. */
export function edgeLensTitle(weight: WeightUpdate, context: LensContext): string {
  const { digits } = context;
  if (context.step === 0) {
    const value = formatNumber(weight.value, digits);
    return withChange(`w ${value}${SEPARATOR}not trained yet`, context);
  }
  return withChange([
    `Δw ${formatNumber(weight.delta, digits)}`,
    `∂E/∂w ${formatNumber(weight.dEdw, digits)}`,
    `step ${formatCount(context.step)}`,
  ].join(SEPARATOR), context);
}

/**
 * A row-form line writes every incoming weight of one unit (and, after a `|`, its bias): the
 * lens gives the largest |Δw| of the row and the row's norm ‖w‖ = √(Σ w²), bias included.
 */
export function rowLensTitle(row: readonly WeightUpdate[], context: LensContext,
  endsWithBias: boolean): string {
  const { digits } = context;
  if (context.step === 0) {
    const values = row.map((weight) => formatNumber(weight.value, digits));
    if (endsWithBias) values.splice(values.length - 1, 0, '|');
    const shown = values.length > ROW_VALUES_SHOWN + 1
      ? `${values.slice(0, ROW_VALUES_SHOWN).join(' ')} …` : values.join(' ');
    return withChange(`w ${shown}${SEPARATOR}not trained yet`, context);
  }
  return withChange([
    `max |Δw| ${formatNumber(largestAbsDelta(row), digits)}`,
    `‖w‖ ${formatNumber(norm(row), digits)}`,
    `step ${formatCount(context.step)}`,
  ].join(SEPARATOR), context);
}

/** A line whose weights the session does not have (the file changed the network's shape). */
export function missingLensTitle(): string {
  return 'not in this run: train again to include it';
}

export function largestAbsDelta(row: readonly WeightUpdate[]): number {
  let largest = 0;
  for (const weight of row) largest = Math.max(largest, Math.abs(weight.delta));
  return largest;
}

/** Index in `row` of the weight that moved the most in the last step (the first on ties). */
export function indexOfLargestMove(row: readonly WeightUpdate[]): number {
  let best = 0;
  for (let index = 1; index < row.length; index++) {
    if (Math.abs(row[index].delta) > Math.abs(row[best].delta)) best = index;
  }
  return best;
}

function norm(row: readonly WeightUpdate[]): number {
  let sumOfSquares = 0;
  for (const weight of row) sumOfSquares += weight.value * weight.value;
  return Math.sqrt(sumOfSquares);
}

function withChange(title: string, context: LensContext): string {
  return context.fileChanged ? `${title}${SEPARATOR}file changed since` : title;
}
