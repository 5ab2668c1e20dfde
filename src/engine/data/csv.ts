// Reads CSV text into a header and rows of cells, each row with the line it starts on, through
// csv-parse (quoting, CRLF and embedded newlines are its business, not ours).

import { parse } from 'csv-parse/sync';

export interface CsvRow {
  values: string[];
  /** 1-based line the row starts on. */
  line: number;
}

export interface CsvTable {
  header: string[];
  rows: CsvRow[];
}

export class CsvError extends Error {
  constructor(readonly line: number, readonly column: number, message: string) {
    super(message);
    this.name = 'CsvError';
  }
}

interface ParsedRecord {
  record: string[];
  /** csv-parse's running counts: the line a record ends on, and empty lines skipped so far. */
  info: { lines: number; empty_lines: number };
}

export function parseCsv(text: string): CsvTable {
  let records: ParsedRecord[];
  try {
    records = parse(text, {
      bom: true,
      info: true,
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true,
    }) as unknown as ParsedRecord[];
  } catch (error) {
    const line = Number((error as { lines?: number }).lines) || 1;
    const reason = error instanceof Error ? error.message : String(error);
    throw new CsvError(line, 1, `malformed CSV: ${reason}`);
  }

  if (records.length === 0) throw new CsvError(1, 1, 'the CSV file is empty: it needs a header row');

  // A record starts one line after the previous one ended, plus the empty lines skipped between.
  const rows: CsvRow[] = [];
  let previous = records[0].info;
  for (const { record, info } of records.slice(1)) {
    rows.push({ values: record, line: previous.lines + 1 + info.empty_lines - previous.empty_lines });
    previous = info;
  }
  return { header: records[0].record, rows };
}
