/**
 * Reading a bundle zip without trusting it. The central directory is walked first with every
 * field bounds-checked: entry count, names (only the bundle's known files, no duplicates),
 * compression (stored or deflate), and the declared sizes against the budgets
 * (src/io/importLimits.ts) and against deflate's largest possible ratio — all before a byte is
 * inflated, so a zip bomb is refused by its declaration. Then each entry is inflated as a
 * stream (fflate's `Inflate`, fed in small chunks) into a buffer of its declared size: the
 * first byte past the declaration stops it, so a lying declaration cannot allocate more than
 * the budget. Each result's CRC-32 is compared with the directory (fflate checks none).
 */
import { Inflate } from 'fflate';
import { ImportError } from '../errors';
import { type ImportBudget, type ImportLimits, limitError } from '../importLimits';
import { crc32 } from './crc32';
import { BUNDLE_FILES, type BundleFile, CONFIG_FILE, METRICS_FILE } from './names';

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const EOCD_SIZE = 22;
const MAX_COMMENT = 0xffff;
/** Deflate cannot expand more than 1032:1 (258-byte matches coded in 2 bits); a larger claim is a lie. */
const MAX_DEFLATE_RATIO = 1032;
/**
 * Inflated bytes aimed at per push: the compressed chunk fed to the inflater is sized by the
 * ratio seen so far (1032:1 assumed at first), so one push inflates about this much before the
 * size check and the deadline see it — 4 KiB of a zip bomb, 256 KiB of float weights.
 */
const PUSH_OUTPUT = 4 * 1024 * 1024;
const MIN_CHUNK = 1024;
const MAX_CHUNK = 256 * 1024;

interface DirectoryEntry {
  name: BundleFile;
  method: 0 | 8;
  crc: number;
  compressedSize: number;
  size: number;
  /** Where the entry's (compressed) data starts in the file. */
  dataStart: number;
}

const fail = (message: string): never => {
  throw new ImportError('bundle', message);
};

/** The budget of one entry: metrics.csv and config.json have their own, the others the per-entry one. */
function entryLimit(name: BundleFile, limits: ImportLimits): { limit: keyof ImportLimits; bytes: number } {
  if (name === METRICS_FILE && limits.maxMetricsBytes < limits.maxEntryBytes)
    return { limit: 'maxMetricsBytes', bytes: limits.maxMetricsBytes };
  if (name === CONFIG_FILE && limits.maxConfigBytes < limits.maxEntryBytes)
    return { limit: 'maxConfigBytes', bytes: limits.maxConfigBytes };
  return { limit: 'maxEntryBytes', bytes: limits.maxEntryBytes };
}

/** Sees an entry's bytes as they are inflated (and may throw to stop): metrics.csv's rows are counted while it streams. */
export type EntryWatcher = (name: BundleFile) => ((chunk: Uint8Array) => void) | undefined;

/** The bundle's entries by name, inflated and checked. Throws `ImportError` only ('bundle', or 'limit' for a budget). */
export function readZipEntries(
  bytes: Uint8Array,
  budget: ImportBudget,
  watch: EntryWatcher = () => undefined,
): Map<BundleFile, Uint8Array> {
  const directory = readDirectory(bytes, budget.limits);
  const total = directory.reduce((n, e) => n + e.size, 0);
  let before = 0;
  const out = new Map<BundleFile, Uint8Array>();
  for (const e of directory) {
    budget.check(`reading ${e.name}`);
    const compressed = bytes.subarray(e.dataStart, e.dataStart + e.compressedSize);
    const seen = watch(e.name);
    if (e.method === 0) seen?.(compressed);
    const data =
      e.method === 0
        ? compressed.slice()
        : inflateEntry(compressed, e, seen, (done) => budget.progress(`inflating ${e.name}`, (before + done) / Math.max(1, total)));
    before += e.size;
    if (crc32(data) !== e.crc) fail(`${e.name} fails its CRC-32 check: the archive is damaged.`);
    out.set(e.name, data);
  }
  return out;
}

/** Inflate one entry into a buffer of its declared size; stops at the first byte past it. */
function inflateEntry(
  compressed: Uint8Array,
  e: DirectoryEntry,
  seen: ((chunk: Uint8Array) => void) | undefined,
  progress: (bytes: number) => void,
): Uint8Array {
  const out = new Uint8Array(e.size);
  let at = 0;
  const inflater = new Inflate((chunk) => {
    if (at + chunk.length > e.size)
      fail(
        `${e.name} inflates past its declared ${e.size} bytes (at least ${at + chunk.length} after ${at} were written): the archive lies about its size, inflating stopped.`,
      );
    seen?.(chunk);
    out.set(chunk, at);
    at += chunk.length;
  });
  try {
    if (compressed.length === 0) inflater.push(compressed, true);
    for (let i = 0; i < compressed.length; ) {
      const ratio = i === 0 ? MAX_DEFLATE_RATIO : Math.max(1, at / i);
      const n = Math.min(MAX_CHUNK, Math.max(MIN_CHUNK, Math.floor(PUSH_OUTPUT / ratio)));
      inflater.push(compressed.subarray(i, i + n), i + n >= compressed.length);
      i += n;
      progress(at);
    }
  } catch (err) {
    if (err instanceof ImportError) throw err;
    return fail(`${e.name}: the zip's compressed data is corrupt (${err instanceof Error ? err.message : String(err)}).`);
  }
  if (at !== e.size) fail(`${e.name} inflates to ${at} bytes but the zip declares ${e.size}: the archive is damaged.`);
  return out;
}

/** Walk the end record and the central directory; nothing is inflated here. */
function readDirectory(bytes: Uint8Array, limits: ImportLimits): DirectoryEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (at: number) => view.getUint16(at, true);
  const u32 = (at: number) => view.getUint32(at, true);
  if (bytes.length < EOCD_SIZE) fail(`the file is ${bytes.length} bytes, too short for a zip (at least ${EOCD_SIZE}).`);
  let end = -1;
  for (let at = bytes.length - EOCD_SIZE; at >= Math.max(0, bytes.length - EOCD_SIZE - MAX_COMMENT); at--) {
    if (u32(at) === EOCD_SIGNATURE && at + EOCD_SIZE + u16(at + 20) === bytes.length) {
      end = at;
      break;
    }
  }
  if (end < 0)
    fail('the file is not a zip archive (no end-of-central-directory record); a bundle is a .zip with model.safetensors inside.');
  const count = u16(end + 10);
  const dirSize = u32(end + 12);
  const dirOffset = u32(end + 16);
  if (u16(end + 4) !== 0 || u16(end + 6) !== 0 || u16(end + 8) !== count) fail('multi-part (spanned) zip archives are not accepted.');
  if (count === 0xffff || dirOffset === 0xffffffff || dirSize === 0xffffffff)
    fail('zip64 archives are not accepted (a bundle stays under 4 GiB).');
  if (count > limits.maxEntries)
    throw limitError('maxEntries', `the zip's entries (a bundle has ${BUNDLE_FILES.join(', ')})`, count, limits.maxEntries);
  if (dirOffset + dirSize > end)
    fail(`the zip's central directory [${dirOffset}, ${dirOffset + dirSize}) runs past its end record at ${end}.`);

  const entries: DirectoryEntry[] = [];
  let total = 0;
  let at = dirOffset;
  for (let i = 0; i < count; i++) {
    if (at + 46 > dirOffset + dirSize || u32(at) !== CENTRAL_SIGNATURE)
      fail(`the zip's central directory record ${i + 1} of ${count} is missing or damaged.`);
    const flags = u16(at + 8);
    const method = u16(at + 10);
    const crc = u32(at + 16);
    const compressedSize = u32(at + 20);
    const size = u32(at + 24);
    const nameLength = u16(at + 28);
    const next = at + 46 + nameLength + u16(at + 30) + u16(at + 32);
    if (next > dirOffset + dirSize) fail(`the zip's central directory record ${i + 1} runs past the directory's end.`);
    const name = decodeName(bytes.subarray(at + 46, at + 46 + nameLength), (flags & 0x800) !== 0);
    const localOffset = u32(at + 42);
    at = next;

    if (!(BUNDLE_FILES as readonly string[]).includes(name))
      fail(`the zip holds ${quote(name)}, which is not a bundle file; allowed: ${BUNDLE_FILES.join(', ')}.`);
    if (entries.some((e) => e.name === name)) fail(`the zip holds ${name} twice.`);
    if (flags & 0x1) fail(`${name} is encrypted; bundles are not.`);
    if (method !== 0 && method !== 8) fail(`${name} uses compression method ${method}; allowed: 0 (stored) and 8 (deflate).`);
    if (size === 0xffffffff || compressedSize === 0xffffffff) fail('zip64 archives are not accepted (a bundle stays under 4 GiB).');
    const own = entryLimit(name as BundleFile, limits);
    if (size > own.bytes) throw limitError(own.limit, `${name} declares its uncompressed bytes as`, size, own.bytes);
    total += size;
    if (total > limits.maxTotalBytes)
      throw limitError('maxTotalBytes', "the zip's entries declare their uncompressed bytes in all as", total, limits.maxTotalBytes);
    if (method === 0 && compressedSize !== size)
      fail(`${name} is stored uncompressed but declares ${compressedSize} bytes stored for ${size} bytes of content.`);
    if (method === 8 && size > compressedSize * MAX_DEFLATE_RATIO + 64) {
      fail(
        `${name} declares ${size} bytes inflated from ${compressedSize} compressed, more than deflate can expand (${MAX_DEFLATE_RATIO}:1).`,
      );
    }
    if (localOffset + 30 > dirOffset || u32(localOffset) !== LOCAL_SIGNATURE)
      fail(`${name}'s local header at ${localOffset} is missing or damaged.`);
    const localName = bytes.subarray(localOffset + 30, Math.min(dirOffset, localOffset + 30 + u16(localOffset + 26)));
    if (u16(localOffset + 8) !== method || decodeName(localName, (u16(localOffset + 6) & 0x800) !== 0) !== name)
      fail(`the zip's entry ${quote(name)} does not match its local header (name or compression differ).`);
    const dataStart = localOffset + 30 + u16(localOffset + 26) + u16(localOffset + 28);
    if (dataStart + compressedSize > dirOffset)
      fail(`${name}'s data [${dataStart}, ${dataStart + compressedSize}) runs into the central directory at ${dirOffset}.`);
    entries.push({ name: name as BundleFile, method: method as 0 | 8, crc, compressedSize, size, dataStart });
  }
  return entries;
}

/** Entry names as fflate reads them: UTF-8 when flagged, else latin-1 (never throws). */
function decodeName(raw: Uint8Array, utf8: boolean): string {
  if (utf8) {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(raw);
    } catch {
      fail(`a zip entry name is flagged UTF-8 but is not valid UTF-8.`);
    }
  }
  return String.fromCharCode(...raw);
}

function quote(name: string): string {
  return JSON.stringify(name.length > 80 ? `${name.slice(0, 80)}…` : name);
}
