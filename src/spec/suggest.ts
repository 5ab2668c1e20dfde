// "Did you mean …?" for misspelt words: the closest candidate by edit distance, when it is close
// enough to be a likely typo rather than a different word.

/**
 * Optimal string alignment distance: insertions, deletions, substitutions and swaps of two
 * neighbours each cost 1 (so `sigmod` is 1 from `sigmoid`, `lyaer` is 1 from `layer`).
 */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array(rows * cols);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[(i - 1) * cols + j] + 1, d[i * cols + j - 1] + 1,
        d[(i - 1) * cols + j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, d[(i - 2) * cols + j - 2] + 1);
      }
      d[i * cols + j] = best;
    }
  }
  return d[rows * cols - 1];
}

/** The candidate a typo most likely meant, or undefined when none is close. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  // Short words allow one slip, longer ones two, long ones three.
  const limit = lower.length <= 3 ? 1 : lower.length <= 7 ? 2 : 3;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase());
    // Never suggest a word that shares nothing with the typo (`x` for `h`).
    const longer = Math.max(lower.length, candidate.length);
    if (distance < bestDistance && distance <= limit && distance < longer) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** `; did you mean \`x\`?` or, with no close candidate, `: use one of a, b, c` (when listed). */
export function didYouMean(word: string, candidates: readonly string[], list = true): string {
  const guess = closest(word, candidates);
  if (guess !== undefined) return `; did you mean \`${guess}\`?`;
  if (!list || candidates.length === 0) return '';
  return `: use ${candidates.length === 1 ? '' : 'one of '}${candidates.join(', ')}`;
}
