// The edits that turn one text into another with the least disturbance: each changed line is
// edited inside itself, so CodeLenses, cursors and folds anchored on the lines stay put, and
// lines that are new are inserted in one piece. Writing trained weights changes numbers in
// place and may add lines after the weights, which is exactly what this handles well; any other
// change still comes out right, only with larger edits.

export interface TextChange {
  /** Offsets into the old text: replace [start, end) with `text`. */
  start: number;
  end: number;
  text: string;
}

/** The one stretch that differs: from the texts' common start to their common end. */
export function minimalChange(before: string, after: string): TextChange {
  const shorter = Math.min(before.length, after.length);
  let start = 0;
  while (start < shorter && before.charCodeAt(start) === after.charCodeAt(start)) start++;

  let fromEnd = 0;
  const last = (text: string): number => text.charCodeAt(text.length - 1 - fromEnd);
  while (fromEnd < shorter - start && last(before) === last(after)) fromEnd++;
  return { start, end: before.length - fromEnd, text: after.slice(start, after.length - fromEnd) };
}

/**
 * Edits, in order and not overlapping, that make `after` out of `before`: lines past the common
 * first and last lines are paired in order and each pair edited within; the new text's extra
 * lines are inserted after the last pair. With fewer lines after than before, one edit.
 */
export function lineChanges(before: string, after: string): TextChange[] {
  if (before === after) return [];
  const oldLines = splitKeepingEnds(before);
  const newLines = splitKeepingEnds(after);
  if (newLines.length < oldLines.length) return [minimalChange(before, after)];

  let prefix = 0;
  while (prefix < oldLines.length && oldLines[prefix] === newLines[prefix]) prefix++;
  let suffix = 0;
  while (suffix < oldLines.length - prefix
    && oldLines[oldLines.length - 1 - suffix] === newLines[newLines.length - 1 - suffix]) {
    suffix++;
  }

  const changes: TextChange[] = [];
  let offset = oldLines.slice(0, prefix).reduce((sum, line) => sum + line.length, 0);
  const pairedCount = oldLines.length - prefix - suffix;
  for (let index = prefix; index < prefix + pairedCount; index++) {
    const oldLine = oldLines[index];
    const newLine = newLines[index];
    if (oldLine !== newLine) {
      const change = minimalChange(oldLine, newLine);
      changes.push({ start: offset + change.start, end: offset + change.end, text: change.text });
    }
    offset += oldLine.length;
  }

  const added = newLines.slice(prefix + pairedCount, newLines.length - suffix);
  if (added.length > 0) changes.push({ start: offset, end: offset, text: added.join('') });
  return changes;
}

/** Lines with their line breaks kept, so that joining them gives the text back. */
function splitKeepingEnds(text: string): string[] {
  return text.match(/[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$/g) ?? [];
}
