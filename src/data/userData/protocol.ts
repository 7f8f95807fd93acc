/**
 * Messages of the import worker (src/train/datasetImportWorker.ts): the page sends a file's bytes (transferred)
 * and the options; the worker answers with progress, then the prepared dataset's summary and
 * preview, or the refusal. Cancel terminates the worker.
 */
import type { ColumnChoice } from './examples';
import type { DatasetHeader } from './prepare';

export interface ImportRequest {
  type: 'import';
  fileName: string;
  bytes: ArrayBuffer;
  kind: 'text' | 'pairs' | 'image';
  columns?: ColumnChoice;
  /** Bytes kept per text at preparation. */
  seqLen: number;
  /** Image side (images only). */
  imageSide: number;
  splitSeed: number;
  validationPercent: number;
  testPercent: number;
}

/** One example as the preview shows it. */
export interface PreviewExample {
  split: 'train' | 'validation' | 'test';
  label: string;
  texts?: string[];
  /** Grey pixels, side × side. */
  pixels?: number[];
}

export type ImportReply =
  | { type: 'progress'; stage: string; fraction: number }
  | { type: 'done'; id: string; header: DatasetHeader; preview: PreviewExample[]; stored: boolean; storeError?: string }
  | { type: 'error'; message: string; limit?: string };
