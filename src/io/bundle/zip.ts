/**
 * Reading a bundle zip without trusting it. The central directory is walked first with every
 * field bounds-checked: entry count, names (only the bundle's known files, no duplicates),
 * compression (stored or deflate), and the declared sizes against the limits and against
 * deflate's largest possible ratio — all before a byte is inflated, so a zip bomb is refused
 * by its declaration and a lying declaration cannot allocate more than the limit. Then fflate's
 * `unzipSync` inflates, its filter admitting only the entries just checked, and each result's
 * length and CRC-32 are compared with the directory (fflate checks neither).
 */
import { unzipSync } from 'fflate';
import { ImportError } from '../errors';
import { crc32 } from './crc32';
import { BUNDLE_FILES, type BundleFile, type ImportLimits } from './names';

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const EOCD_SIZE = 22;
const MAX_COMMENT = 0xffff;
/** Deflate cannot expand more than 1032:1 (258-byte matches coded in 2 bits); a larger claim is a lie. */
const MAX_DEFLATE_RATIO = 1032;

interface DirectoryEntry {
  name: BundleFile;
  method: 0 | 8;
  crc: number;
  compressedSize: number;
  size: number;
}

const fail = (message: string): never => {
  throw new ImportError('bundle', message);
};

/** The bundle's entries by name, inflated and checked. Throws `ImportError('bundle')` only. */
export function readZipEntries(bytes: Uint8Array, limits: ImportLimits): Map<BundleFile, Uint8Array> {
  const directory = readDirectory(bytes, limits);
  const byName = new Map(directory.map((e) => [e.name as string, e]));
  let files: Record<string, Uint8Array>;
  let seen = 0;
  try {
    files = unzipSync(bytes, {
      filter: (f) => {
        const e = byName.get(f.name);
        if (++seen > directory.length) fail(`the zip lists more entries than its central directory's ${directory.length}.`);
        // The same walk as readDirectory; a disagreement means the two parsers see different archives.
        if (!e || e.method !== f.compression || e.size !== f.originalSize || e.compressedSize !== f.size) {
          fail(`the zip's entry ${quote(f.name)} does not match its central directory record.`);
        }
        return true;
      },
    });
  } catch (err) {
    if (err instanceof ImportError) throw err;
    return fail(`the zip's compressed data is corrupt (${err instanceof Error ? err.message : String(err)}).`);
  }
  const out = new Map<BundleFile, Uint8Array>();
  for (const e of directory) {
    const data = files[e.name];
    if (!data || data.length !== e.size)
      fail(`${e.name} inflates to ${data?.length ?? 0} bytes but the zip declares ${e.size}: the archive is damaged.`);
    if (crc32(data) !== e.crc) fail(`${e.name} fails its CRC-32 check: the archive is damaged.`);
    out.set(e.name, data);
  }
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
    fail(`the zip lists ${count} entries; a bundle holds at most ${limits.maxEntries} (${BUNDLE_FILES.join(', ')}).`);
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
    if (size > limits.maxEntryBytes)
      fail(`${name} declares ${size} bytes uncompressed, over the limit of ${limits.maxEntryBytes} per entry.`);
    total += size;
    if (total > limits.maxTotalBytes)
      fail(`the zip's entries declare ${total} bytes uncompressed, over the limit of ${limits.maxTotalBytes} in all.`);
    if (method === 0 && compressedSize !== size)
      fail(`${name} is stored uncompressed but declares ${compressedSize} bytes stored for ${size} bytes of content.`);
    if (method === 8 && size > compressedSize * MAX_DEFLATE_RATIO + 64) {
      fail(
        `${name} declares ${size} bytes inflated from ${compressedSize} compressed, more than deflate can expand (${MAX_DEFLATE_RATIO}:1).`,
      );
    }
    if (localOffset + 30 > dirOffset || u32(localOffset) !== LOCAL_SIGNATURE)
      fail(`${name}'s local header at ${localOffset} is missing or damaged.`);
    const dataStart = localOffset + 30 + u16(localOffset + 26) + u16(localOffset + 28);
    if (dataStart + compressedSize > dirOffset)
      fail(`${name}'s data [${dataStart}, ${dataStart + compressedSize}) runs into the central directory at ${dirOffset}.`);
    entries.push({ name: name as BundleFile, method: method as 0 | 8, crc, compressedSize, size });
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
