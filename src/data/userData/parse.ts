/**
 * One entry point from an uploaded file to a prepared dataset: CSV/TSV or JSON Lines for
 * text and pairs; zips of images go through images.ts + zip.ts with a decoder (the page's
 * worker passes createImageBitmap/OffscreenCanvas; Node tests pass pre-decoded pixels).
 */
import { examplesFromTable, defaultColumns, type ColumnChoice, type RawExample } from './examples';
import { checkImage, greyPixels, imageFolderLabels } from './images';
import { checkFileSize, UserDataError, type UserDataLimits } from './limits';
import { prepareDataset, type PrepareOptions, type PreparedDataset } from './prepare';
import { delimiterFor, parseDelimited, parseJsonLines, type Progress, type Table } from './table';
import { decodeUtf8 } from './utf8';
import { readZip } from './zip';

export type FileFormat = 'csv' | 'tsv' | 'jsonl' | 'zip';

/** The format of a file by its name. */
export function formatOf(fileName: string): FileFormat {
  const m = /\.(csv|tsv|tab|jsonl|ndjson|zip)$/i.exec(fileName);
  if (!m)
    throw new UserDataError('format', `${fileName}: use a .csv, .tsv, .jsonl (JSON Lines) or .zip (images in one folder per class) file.`);
  const ext = m[1].toLowerCase();
  return ext === 'tab' ? 'tsv' : ext === 'ndjson' ? 'jsonl' : (ext as FileFormat);
}

/** The table of a text file (CSV, TSV or JSON Lines), after the size and UTF-8 checks. */
export function readTable(fileName: string, bytes: Uint8Array, limits: UserDataLimits, onProgress?: Progress): Table {
  checkFileSize(fileName, bytes.length, limits);
  const format = formatOf(fileName);
  if (format === 'zip') throw new UserDataError('format', `${fileName} is a zip: images are read by readImageZip.`);
  const text = decodeUtf8(bytes, fileName);
  return format === 'jsonl'
    ? parseJsonLines(text, limits, fileName, onProgress)
    : parseDelimited(text, delimiterFor(fileName), limits, fileName, onProgress);
}

export interface TextImport extends Omit<PrepareOptions, 'kind' | 'name'> {
  kind: 'text' | 'pairs';
  name?: string;
  columns?: ColumnChoice;
}

/** CSV/TSV/JSONL bytes → prepared dataset. */
export function importTextFile(
  fileName: string,
  bytes: Uint8Array,
  opts: TextImport,
  limits: UserDataLimits,
  onProgress?: Progress,
): PreparedDataset {
  const table = readTable(fileName, bytes, limits, onProgress);
  const raw = examplesFromTable(table, opts.kind, opts.columns ?? defaultColumns(opts.kind), limits, fileName);
  return prepareDataset(raw, { ...opts, name: opts.name ?? datasetName(fileName) }, limits);
}

/** Decodes one PNG/JPEG to RGBA (the page: createImageBitmap + OffscreenCanvas). */
export type DecodeImage = (
  bytes: Uint8Array,
  type: 'png' | 'jpeg',
) => Promise<{ rgba: Uint8Array | Uint8ClampedArray; width: number; height: number }>;

/** A zip of images in one folder per class → raw examples of side² grey pixels. */
export async function readImageZip(
  fileName: string,
  zip: Uint8Array,
  side: number,
  decode: DecodeImage,
  limits: UserDataLimits,
  onProgress?: Progress,
): Promise<RawExample[]> {
  checkFileSize(fileName, zip.length, limits);
  if (!Number.isInteger(side) || side < 2 || side > 128)
    throw new UserDataError('format', `image side ${side} must be an integer from 2 to 128 (side² tokens per image).`);
  const files = readZip(zip, limits, fileName);
  const labelled = imageFolderLabels([...files.keys()]);
  if (labelled.length > limits.maxImages)
    throw new UserDataError('maxImages', `${fileName} holds ${labelled.length} images; at most ${limits.maxImages} (maxImages).`);
  // Every header first: a huge image is refused before any decoding work.
  const types = labelled.map(({ path }) => checkImage(path, files.get(path)!, limits).type);
  const out: RawExample[] = [];
  for (let i = 0; i < labelled.length; i++) {
    const { path, label } = labelled[i];
    const img = await decode(files.get(path)!, types[i]);
    out.push({ inputs: [greyPixels(img.rgba, img.width, img.height, side)], label });
    onProgress?.((i + 1) / labelled.length);
  }
  return out;
}

/** A dataset name from a file name: the base name without extension, at most 80 characters. */
export function datasetName(fileName: string): string {
  const base = fileName
    .split(/[\\/]/)
    .pop()!
    .replace(/\.[^.]*$/, '');
  return (base || 'dataset').slice(0, 80);
}
