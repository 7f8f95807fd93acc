/**
 * The bounds of every user-data import. A file that passes them parses in bounded time and
 * memory; one that does not is refused with a message naming the limit, the value found and
 * what is allowed. The numbers fit a laptop browser tab (a few hundred MB of heap at most).
 */

export interface UserDataLimits {
  /** Bytes of the uploaded file (CSV, TSV, JSONL or zip). */
  maxFileBytes: number;
  /** Data rows (CSV/TSV rows after the header, JSON Lines lines, images). */
  maxRows: number;
  /** Characters of one line (one CSV record, one JSON line). */
  maxLineChars: number;
  /** Columns of a CSV/TSV header. */
  maxColumns: number;
  /** Distinct labels. */
  maxClasses: number;
  /** Characters of one label. */
  maxLabelChars: number;
  /** Images in a zip. */
  maxImages: number;
  /** Width or height of one image, in pixels. */
  maxImageSide: number;
  /** Pixels of one image (width × height). */
  maxImagePixels: number;
  /** Bytes of all files of a zip once decompressed. */
  maxUnzippedBytes: number;
  /** Entries (files and folders) of a zip. */
  maxZipEntries: number;
}

export const DEFAULT_LIMITS: UserDataLimits = {
  maxFileBytes: 64 * 1024 * 1024,
  maxRows: 200_000,
  maxLineChars: 1024 * 1024,
  maxColumns: 256,
  maxClasses: 1000,
  maxLabelChars: 200,
  maxImages: 20_000,
  maxImageSide: 4096,
  maxImagePixels: 16 * 1024 * 1024,
  maxUnzippedBytes: 256 * 1024 * 1024,
  maxZipEntries: 40_000,
};

/** A refused import: `limit` names the bound (or `format` for a malformed file). */
export class UserDataError extends Error {
  constructor(
    readonly limit: keyof UserDataLimits | 'format' | 'encoding' | 'labels' | 'columns' | 'empty',
    message: string,
  ) {
    super(message);
    this.name = 'UserDataError';
  }
}

/** Human-readable bytes for messages. */
export function bytesText(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} bytes`;
}

/** Refuses a file over the size limit before anything is read from it. */
export function checkFileSize(name: string, size: number, limits: UserDataLimits): void {
  if (size > limits.maxFileBytes) {
    throw new UserDataError(
      'maxFileBytes',
      `${name} is ${bytesText(size)}; a dataset file may be at most ${bytesText(limits.maxFileBytes)} (maxFileBytes).`,
    );
  }
  if (size === 0) throw new UserDataError('empty', `${name} is empty.`);
}
