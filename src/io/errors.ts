/**
 * Typed errors of the import/export path. Every message says what is wrong and what is
 * allowed; `code` lets the UI and the tests tell the cases apart without parsing text.
 */

/** Why an imported file was refused. */
export type ImportErrorCode =
  /** The file ends before a part it announces (header length, header, data). */
  | 'truncated'
  /** The announced header length is over the limit or past the end of the file. */
  | 'header-length'
  /** The header is not UTF-8 JSON of the expected shape (object, duplicate keys, nesting). */
  | 'header-json'
  /** A tensor entry is malformed (missing or extra fields, bad name). */
  | 'tensor-entry'
  /** A dtype this reader does not take. */
  | 'dtype'
  /** A shape that is not a list of non-negative integers, or that disagrees with the byte range. */
  | 'shape'
  /** Byte ranges outside the data section, overlapping, with holes, or not covering it. */
  | 'offsets'
  /** `__metadata__` is not an object of strings. */
  | 'metadata'
  /** Names, dtypes or shapes that do not match what the config expects. */
  | 'mismatch'
  /** A config that does not validate. */
  | 'config'
  /** An archive (run bundle) that is malformed or misses a member. */
  | 'bundle'
  /** A budget of src/io/importLimits.ts was passed (bytes, rows, columns, entries, CPU time); `limit` says which. */
  | 'limit'
  /** A weight or optimizer tensor holds NaN or ±Infinity (or a negative second moment). */
  | 'non-finite'
  /** The JavaScript engine ran out of room (a RangeError while building a string or array), converted here. */
  | 'resources';

/** Which budget an `ImportError('limit')` passed, what was seen and what is allowed. */
export interface LimitBreach {
  limit: string;
  seen: number;
  allowed: number;
}

/** A file was refused before anything was changed. */
export class ImportError extends Error {
  override readonly name = 'ImportError';
  constructor(
    readonly code: ImportErrorCode,
    message: string,
    readonly breach?: LimitBreach,
  ) {
    super(message);
  }
}

/** Data that cannot be written (a shape that does not match its data, a name used twice...). */
export class ExportError extends Error {
  override readonly name = 'ExportError';
  constructor(
    readonly code: 'tensor' | 'name' | 'metadata' | 'config',
    message: string,
  ) {
    super(message);
  }
}
