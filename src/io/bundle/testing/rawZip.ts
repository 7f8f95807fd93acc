/**
 * Hostile zips for tests: entries whose compressed bytes are given as they are and whose
 * declared sizes may lie (a deflate stream that inflates to gigabytes declared as 1000 bytes),
 * and a streamed deflate of a repeated chunk that never holds the inflated bytes in memory.
 */
import { Deflate, unzipSync } from 'fflate';
import { crc32 } from '../crc32';

export interface RawEntry {
  name: string;
  /** 0 stored, 8 deflate. */
  method: 0 | 8;
  /** The bytes as they go into the archive (already deflated when method is 8). */
  data: Uint8Array;
  /** The uncompressed size and CRC-32 the headers declare. */
  size: number;
  crc: number;
}

/** A zip of `entries` with exactly the declared sizes and CRCs given (local headers and central directory agree). */
export function rawZip(entries: readonly RawEntry[]): Uint8Array {
  const enc = new TextEncoder();
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = enc.encode(e.name);
    const local = new Uint8Array(30 + name.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(4, 20, true);
    lv.setUint16(8, e.method, true);
    lv.setUint32(14, e.crc, true);
    lv.setUint32(18, e.data.length, true);
    lv.setUint32(22, e.size, true);
    lv.setUint16(26, name.length, true);
    local.set(name, 30);
    const dir = new Uint8Array(46 + name.length);
    const dv = new DataView(dir.buffer);
    dv.setUint32(0, 0x02014b50, true);
    dv.setUint16(4, 20, true);
    dv.setUint16(6, 20, true);
    dv.setUint16(10, e.method, true);
    dv.setUint32(16, e.crc, true);
    dv.setUint32(20, e.data.length, true);
    dv.setUint32(24, e.size, true);
    dv.setUint16(28, name.length, true);
    dv.setUint32(42, offset, true);
    dir.set(name, 46);
    parts.push(local, e.data);
    central.push(dir);
    offset += local.length + e.data.length;
  }
  const dirSize = central.reduce((n, c) => n + c.length, 0);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, entries.length, true);
  ev.setUint16(10, entries.length, true);
  ev.setUint32(12, dirSize, true);
  ev.setUint32(16, offset, true);
  const out = new Uint8Array(offset + dirSize + 22);
  let at = 0;
  for (const p of [...parts, ...central, end]) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A bundle's entries (from a real bundle) as honest raw entries, each deflated, plus `extra` replacing some. */
export function rawEntriesOf(bundle: Uint8Array, extra: readonly RawEntry[] = []): RawEntry[] {
  const replaced = new Set(extra.map((e) => e.name));
  const kept = Object.entries(unzipSync(bundle))
    .filter(([name]) => !replaced.has(name))
    .map(([name, data]) => deflatedEntry(name, data));
  return [...kept, ...extra];
}

/** One honest deflated entry. */
export function deflatedEntry(name: string, data: Uint8Array): RawEntry {
  const deflated = deflateChunks([data], 1);
  return { name, method: 8, data: deflated.data, size: data.length, crc: deflated.crc };
}

/**
 * Deflate `chunks` repeated `times` without ever holding the repeated bytes: the compressed
 * stream, its true inflated size and CRC-32 (0 unless `withCrc`: a lying entry needs none).
 */
export function deflateChunks(
  chunks: readonly Uint8Array[],
  times: number,
  withCrc = true,
): { data: Uint8Array; size: number; crc: number } {
  const out: Uint8Array[] = [];
  const d = new Deflate({ level: 6 }, (data) => out.push(data));
  let size = 0;
  let crc = 0;
  for (let t = 0; t < times; t++)
    for (let k = 0; k < chunks.length; k++) {
      size += chunks[k].length;
      if (withCrc) crc = crc32(chunks[k], crc);
      d.push(chunks[k], t === times - 1 && k === chunks.length - 1);
    }
  if (times === 0 || chunks.length === 0) d.push(new Uint8Array(0), true);
  const data = new Uint8Array(out.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of out) {
    data.set(c, at);
    at += c.length;
  }
  return { data, size, crc };
}
