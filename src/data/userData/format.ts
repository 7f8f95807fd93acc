/**
 * The prepared dataset file (`*.pfdata`), written by the page and the CLI and read by both and
 * by python/proxyformer/user_data.py:
 *
 *   u64 LE  header length H
 *   H bytes JSON header: the DatasetHeader fields plus `sections`, each name → [start, end)
 *           byte range after the header
 *   data:   labels (u16 LE, count), split (u8, count: 0 train, 1 validation, 2 test),
 *           offsets0 (u32 LE, count + 1), bytes0 (the input bytes; token = byte + 1),
 *           and for pairs offsets1, bytes1.
 *
 * Its id is the first 16 hex digits of its SHA-256: a run's config names the dataset by it.
 */
import { SPLITS } from '../task';
import { DATA_KINDS } from './examples';
import { UserDataError } from './limits';
import { DATASET_FORMAT, MAX_PREPARED_SEQ_LEN, SPLIT_CODE, type DatasetHeader, type PreparedDataset } from './prepare';

const MAX_HEADER_BYTES = 1 << 20;

/** The file bytes of a prepared dataset. */
export function encodeDataset(d: PreparedDataset): Uint8Array {
  const n = d.header.count;
  const parts: [string, Uint8Array][] = [
    ['labels', leBytes16(d.labels)],
    ['split', d.split],
  ];
  d.offsets.forEach((off, t) => {
    parts.push([`offsets${t}`, leBytes32(off)], [`bytes${t}`, d.bytes[t]]);
  });
  const sections: Record<string, [number, number]> = {};
  let at = 0;
  for (const [name, b] of parts) {
    sections[name] = [at, at + b.length];
    at += b.length;
  }
  if (d.labels.length !== n || d.split.length !== n) throw new Error('prepared dataset: labels/split length differs from count');
  const json = new TextEncoder().encode(JSON.stringify({ ...d.header, sections }));
  const out = new Uint8Array(8 + json.length + at);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let p = 8 + json.length;
  for (const [, b] of parts) {
    out.set(b, p);
    p += b.length;
  }
  return out;
}

function leBytes16(a: Uint16Array): Uint8Array {
  const out = new Uint8Array(a.length * 2);
  const v = new DataView(out.buffer);
  for (let i = 0; i < a.length; i++) v.setUint16(2 * i, a[i], true);
  return out;
}

function leBytes32(a: Uint32Array): Uint8Array {
  const out = new Uint8Array(a.length * 4);
  const v = new DataView(out.buffer);
  for (let i = 0; i < a.length; i++) v.setUint32(4 * i, a[i], true);
  return out;
}

/** Reads and fully validates a prepared dataset file; throws a UserDataError naming what is wrong. */
export function decodeDataset(file: Uint8Array, name = 'the dataset file'): PreparedDataset {
  const bad = (what: string): never => {
    throw new UserDataError('format', `${name} is not a prepared dataset (${DATASET_FORMAT}): ${what}.`);
  };
  if (file.length < 8) bad('shorter than its 8-byte header length');
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const hlen = Number(view.getBigUint64(0, true));
  if (hlen > MAX_HEADER_BYTES || 8 + hlen > file.length)
    bad(`header length ${hlen} is over ${MAX_HEADER_BYTES} bytes or past the end of the file`);
  let h: DatasetHeader & { sections: Record<string, [number, number]> };
  try {
    h = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(file.subarray(8, 8 + hlen)));
  } catch (e) {
    return bad(`header is not UTF-8 JSON (${(e as Error).message})`);
  }
  if (typeof h !== 'object' || h === null || h.format !== DATASET_FORMAT)
    bad(`format is ${JSON.stringify((h as { format?: unknown } | null)?.format)}`);
  if (!DATA_KINDS.includes(h.kind)) bad(`kind ${JSON.stringify(h.kind)} is not one of ${DATA_KINDS.join(', ')}`);
  if (!Array.isArray(h.classes) || h.classes.length < 2 || h.classes.some((c) => typeof c !== 'string'))
    bad('classes must be at least two strings');
  const n = h.count;
  if (!Number.isInteger(n) || n < 3) bad(`count ${n} must be an integer ≥ 3`);
  if (!Number.isInteger(h.seqLen) || h.seqLen < 1 || h.seqLen > MAX_PREPARED_SEQ_LEN) bad(`seqLen ${h.seqLen} out of range`);
  if (typeof h.name !== 'string' || h.name.length === 0 || h.name.length > 80) bad('name must be 1 to 80 characters');
  const data = file.subarray(8 + hlen);
  const section = (key: string, bytes: number): Uint8Array => {
    const r = h.sections?.[key];
    if (
      !Array.isArray(r) ||
      !Number.isInteger(r[0]) ||
      !Number.isInteger(r[1]) ||
      r[0] < 0 ||
      r[1] > data.length ||
      r[1] - r[0] !== bytes
    ) {
      bad(`section ${key} must span ${bytes} bytes inside the file`);
    }
    return data.slice(r[0], r[1]);
  };
  const lb = section('labels', 2 * n);
  const lv = new DataView(lb.buffer);
  const labels = new Uint16Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = lv.getUint16(2 * i, true);
    if (labels[i] >= h.classes.length) bad(`label ${labels[i]} of example ${i} is not below ${h.classes.length} classes`);
  }
  const split = section('split', n);
  const sizes = { train: 0, validation: 0, test: 0 };
  for (let i = 0; i < n; i++) {
    const s = SPLITS[split[i]];
    if (s === undefined) bad(`split code ${split[i]} of example ${i} is not 0, 1 or 2`);
    sizes[s]++;
  }
  for (const s of SPLITS) if (h.sizes?.[s] !== sizes[s]) bad(`header says ${h.sizes?.[s]} ${s} examples, the data holds ${sizes[s]}`);
  const towers = h.kind === 'pairs' ? 2 : 1;
  const offsets: Uint32Array[] = [];
  const bytes: Uint8Array[] = [];
  for (let t = 0; t < towers; t++) {
    const ob = section(`offsets${t}`, 4 * (n + 1));
    const ov = new DataView(ob.buffer);
    const off = new Uint32Array(n + 1);
    for (let i = 0; i <= n; i++) off[i] = ov.getUint32(4 * i, true);
    if (off[0] !== 0) bad(`offsets${t} must start at 0`);
    for (let i = 0; i < n; i++) {
      const len = off[i + 1] - off[i];
      if (off[i + 1] < off[i] || len > h.seqLen) bad(`input ${t} of example ${i} has length ${len}, outside 0..${h.seqLen}`);
    }
    offsets.push(off);
    bytes.push(section(`bytes${t}`, off[n]));
  }
  if (h.kind === 'image' && (!Number.isInteger(h.imageSide) || h.imageSide! * h.imageSide! !== h.seqLen))
    bad(`an image dataset needs imageSide² = seqLen, got side ${h.imageSide} and seqLen ${h.seqLen}`);
  const { sections: _sections, ...header } = h;
  void _sections;
  return { header: { ...header, sizes }, labels, split, offsets, bytes };
}

/** The dataset id: the first 16 hex digits of the file's SHA-256 (Web Crypto, in the page and in Node). */
export async function datasetId(file: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', file as Uint8Array<ArrayBuffer>));
  return Array.from(digest.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join('');
}

export { SPLIT_CODE };
