/**
 * Tables of text: CSV/TSV (RFC 4180 quoting: fields in double quotes may hold the delimiter,
 * newlines and doubled quotes) and JSON Lines (one object per line). Both give a header and
 * rows of strings, bounded by the limits (rows, characters per record, columns) while they
 * are read, so a hostile file is refused after reading at most one bound's worth of it.
 */
import { UserDataError, type UserDataLimits } from './limits';

export interface Table {
  header: string[];
  rows: string[][];
}

/** Reports progress as the fraction of the input read (0..1). */
export type Progress = (fraction: number) => void;

const PROGRESS_CHARS = 1 << 20;

/** The delimiter of a file: tab for .tsv/.tab, otherwise comma. */
export function delimiterFor(fileName: string): ',' | '\t' {
  return /\.(tsv|tab)$/i.test(fileName) ? '\t' : ',';
}

/** Parses CSV/TSV text whose first record is the header. */
export function parseDelimited(
  text: string,
  delimiter: ',' | '\t',
  limits: UserDataLimits,
  name = 'the file',
  onProgress?: Progress,
): Table {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let recordStart = 0;
  let line = 1;
  let quoted = false;
  let i = 0;
  const n = text.length;
  let nextProgress = PROGRESS_CHARS;
  const endField = () => {
    record.push(field);
    field = '';
    if (record.length > limits.maxColumns) {
      throw new UserDataError('maxColumns', `${name}: record at line ${line} has more than ${limits.maxColumns} columns (maxColumns).`);
    }
  };
  const endRecord = (at: number) => {
    endField();
    if (!(record.length === 1 && record[0] === '')) {
      // A header and at most maxRows data rows.
      if (records.length > limits.maxRows) {
        throw new UserDataError('maxRows', `${name} has more than ${limits.maxRows} rows (maxRows): split it or keep a sample.`);
      }
      records.push(record);
    }
    record = [];
    recordStart = at;
  };
  while (i < n) {
    if (i - recordStart > limits.maxLineChars) {
      throw new UserDataError(
        'maxLineChars',
        `${name}: the record starting at line ${line} is longer than ${limits.maxLineChars} characters (maxLineChars)${quoted ? '; an unclosed quote may have swallowed the rest of the file' : ''}.`,
      );
    }
    if (i >= nextProgress) {
      onProgress?.(i / n);
      nextProgress += PROGRESS_CHARS;
    }
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        if (c === '\n') line++;
        field += c;
      }
      i++;
      continue;
    }
    if (c === '"' && field === '') quoted = true;
    else if (c === delimiter) endField();
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRecord(i + 1);
      line++;
    } else field += c;
    i++;
  }
  if (quoted) throw new UserDataError('format', `${name}: a quoted field opened in the record ending at line ${line} is never closed.`);
  if (field !== '' || record.length > 0) endRecord(n);
  onProgress?.(1);
  if (records.length === 0) throw new UserDataError('empty', `${name} has no header row.`);
  const [header, ...rows] = records;
  for (let r = 0; r < rows.length; r++) {
    if (rows[r].length !== header.length) {
      throw new UserDataError(
        'columns',
        `${name}: data row ${r + 1} has ${rows[r].length} fields but the header has ${header.length} (${header.slice(0, 8).join(', ')}).`,
      );
    }
  }
  return { header: header.map((h) => h.trim()), rows };
}

/** Parses JSON Lines: one object per non-empty line; the header is the union of keys, in order of appearance. */
export function parseJsonLines(text: string, limits: UserDataLimits, name = 'the file', onProgress?: Progress): Table {
  const header: string[] = [];
  const column = new Map<string, number>();
  const objects: Record<string, unknown>[] = [];
  let start = 0;
  let line = 0;
  let nextProgress = PROGRESS_CHARS;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    line++;
    if (end - start > limits.maxLineChars) {
      throw new UserDataError(
        'maxLineChars',
        `${name}: line ${line} is ${end - start} characters long; at most ${limits.maxLineChars} (maxLineChars).`,
      );
    }
    const raw = text.slice(start, end).trim();
    start = end + 1;
    if (start >= nextProgress) {
      onProgress?.(Math.min(1, start / text.length));
      nextProgress += PROGRESS_CHARS;
    }
    if (raw === '') continue;
    if (objects.length >= limits.maxRows)
      throw new UserDataError('maxRows', `${name} has more than ${limits.maxRows} lines (maxRows): split it or keep a sample.`);
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (e) {
      throw new UserDataError('format', `${name}: line ${line} is not valid JSON (${(e as Error).message}).`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new UserDataError('format', `${name}: line ${line} must be a JSON object like {"text": "…", "label": "…"}.`);
    }
    for (const k of Object.keys(value)) {
      if (!column.has(k)) {
        if (header.length >= limits.maxColumns)
          throw new UserDataError('maxColumns', `${name}: more than ${limits.maxColumns} distinct keys (maxColumns), at line ${line}.`);
        column.set(k, header.length);
        header.push(k);
      }
    }
    objects.push(value as Record<string, unknown>);
  }
  onProgress?.(1);
  if (objects.length === 0) throw new UserDataError('empty', `${name} holds no JSON objects.`);
  const rows = objects.map((o, r) => header.map((k) => cellText(o[k], k, r + 1, name)));
  return { header, rows };
}

function cellText(v: unknown, key: string, row: number, name: string): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new UserDataError(
    'format',
    `${name}: object ${row} has a ${Array.isArray(v) ? 'list' : 'nested object'} in "${key}"; text and label must be strings or numbers.`,
  );
}
