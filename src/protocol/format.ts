// How numbers read in the lenses, the status bar and the panel alike: a fixed number of
// significant digits, a true minus sign, and exponents for the very small and the very large
// (Δw −1.23e−3), so a lens never grows past a glance. Shared by the host and the webview.

const MINUS = '\u2212';

/**
 * Below SMALL, and at or above LARGE or the first power of ten that `digits` cannot write
 * without padding zeros, a number is written with an exponent.
 */
const SMALL = 1e-2;
const LARGE = 1e5;

/** `x` with `digits` significant digits: 0.15, −1.23e−3, 4.5e6; trailing zeros dropped. */
export function formatNumber(x: number, digits: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : `${MINUS}∞`;
  if (x === 0) return '0';

  const magnitude = Math.abs(x);
  const sign = x < 0 ? MINUS : '';
  // Round first: 9.996e−3 to 3 digits is 0.01, and is then judged as 0.01.
  const rounded = Number(magnitude.toPrecision(digits));
  if (rounded >= SMALL && rounded < Math.min(LARGE, 10 ** digits)) {
    const decimals = Math.max(0, digits - 1 - Math.floor(Math.log10(rounded)));
    return sign + trimZeros(rounded.toFixed(Math.min(decimals, 100)));
  }

  const [mantissa, exponent] = magnitude.toExponential(digits - 1).split('e');
  const power = Number(exponent);
  return `${sign}${trimZeros(mantissa)}e${power < 0 ? MINUS : ''}${Math.abs(power)}`;
}

/** A step count with thousands separators: 1,532. */
export function formatCount(count: number): string {
  // By hand: toLocaleString goes through Intl, many times slower, and this runs on every refresh.
  const rounded = Math.round(count);
  if (!Number.isFinite(rounded) || Math.abs(rounded) >= 1e21) return String(rounded);
  const digits = String(Math.abs(rounded));
  let grouped = digits.slice(0, ((digits.length - 1) % 3) + 1);
  for (let index = grouped.length; index < digits.length; index += 3) {
    grouped += `,${digits.slice(index, index + 3)}`;
  }
  return rounded < 0 ? `${MINUS}${grouped}` : grouped;
}

/** Steps a second, rounded to what a person can read: 12,400 or 8.5. */
export function formatRate(stepsPerSecond: number): string {
  if (!Number.isFinite(stepsPerSecond) || stepsPerSecond <= 0) return '0';
  return stepsPerSecond >= 100 ? formatCount(stepsPerSecond) : stepsPerSecond.toPrecision(2);
}

function trimZeros(text: string): string {
  if (!text.includes('.')) return text;
  return text.replace(/0+$/, '').replace(/\.$/, '');
}
