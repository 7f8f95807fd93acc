/**
 * safetensors (huggingface/safetensors) for F32, I32 and F64 tensors, the format of
 * `model.safetensors` in a run bundle:
 *
 *   [8 bytes: N, unsigned little-endian u64][N bytes: UTF-8 JSON header][data section]
 *
 * The header maps each tensor name to `{dtype, shape, data_offsets: [begin, end]}` (offsets
 * relative to the data section's start) and may hold `__metadata__`, an object of strings
 * (the run's config JSON goes there). Tensors are little-endian, row-major. The writer pads
 * the header with spaces to a multiple of 8 bytes so the data section is aligned.
 *
 * Reading validates everything before returning anything, as the reference reader does, and
 * throws only `ImportError`: header length bounded (≤ 100 MB and inside the file), strict
 * JSON (no duplicate keys, no prototype), known dtypes, shapes of non-negative integers whose
 * product × dtype size equals the byte range, byte ranges inside the data section, in order,
 * without overlap or holes and covering it exactly. Tensor data is copied out, so the result
 * never aliases the input buffer.
 */
import { ExportError, ImportError } from './errors';
import { DEFAULT_LIMITS, type ImportBudget, limitError } from './importLimits';
import { countTopLevelMembers, isJsonObject, parseStrictJson, type JsonValue } from './safetensorsJson';

const DTYPE_BYTES = { F32: 4, I32: 4, F64: 8 } as const;
export type Dtype = keyof typeof DTYPE_BYTES;
export type TensorData = Float32Array | Int32Array | Float64Array;

/** One tensor: dtype, row-major shape, and its elements. */
export type Tensor =
  | { dtype: 'F32'; shape: number[]; data: Float32Array }
  | { dtype: 'I32'; shape: number[]; data: Int32Array }
  | { dtype: 'F64'; shape: number[]; data: Float64Array };

export interface SafetensorsContents {
  /** Tensors by name, in the file's data order. */
  tensors: Map<string, Tensor>;
  /** `__metadata__` (empty when the file has none). */
  metadata: Map<string, string>;
}

/** The reference implementation's bound on the header size. */
export const MAX_HEADER_BYTES = 100_000_000;

/** The other dtypes of the format, named in the message when a file uses one. */
const OTHER_DTYPES = ['F16', 'BF16', 'F8_E4M3', 'F8_E5M2', 'I8', 'I16', 'I64', 'U8', 'U16', 'U32', 'U64', 'BOOL'];
const ALLOWED = Object.keys(DTYPE_BYTES).join(', ');
const ENTRY_FIELDS = ['data_offsets', 'dtype', 'shape'];
const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Serialise tensors (and string metadata) as safetensors bytes; names are written in sorted order. */
export function writeSafetensors(
  tensors: Map<string, Tensor> | Record<string, Tensor>,
  metadata?: Map<string, string> | Record<string, string>,
): Uint8Array {
  const entries = tensors instanceof Map ? [...tensors.entries()] : Object.keys(tensors).map((k) => [k, tensors[k]] as [string, Tensor]);
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  // Serialised pair by pair, not from an object: JS would move integer-like names ("0") first.
  const pairs: [string, string][] = [];
  const meta = metadata instanceof Map ? [...metadata.entries()] : Object.entries(metadata ?? {});
  for (const [key, value] of meta) {
    if (typeof key !== 'string' || typeof value !== 'string' || key === '__proto__') {
      throw new ExportError('metadata', `metadata ${JSON.stringify(String(key))} must map a string key (not __proto__) to a string value.`);
    }
  }
  if (meta.length > 0) pairs.push(['__metadata__', jsonObject(meta.map(([k, v]) => [k, JSON.stringify(v)]))]);
  let offset = 0;
  for (const [name, t] of entries) {
    checkWritable(name, t);
    const bytes = t.data.length * DTYPE_BYTES[t.dtype];
    pairs.push([name, JSON.stringify({ dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + bytes] })]);
    offset += bytes;
  }
  // ASCII-only JSON (non-ASCII escaped as \uXXXX), the same bytes Python's json.dumps writes.
  const json = jsonObject(pairs).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const text = json + ' '.repeat((8 - (json.length % 8)) % 8);
  const out = new Uint8Array(8 + text.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(text.length), true);
  for (let i = 0; i < text.length; i++) out[8 + i] = text.charCodeAt(i);
  let at = 8 + text.length;
  for (const [, t] of entries) {
    const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    if (HOST_LITTLE_ENDIAN) out.set(bytes, at);
    else writeLittleEndian(t, new DataView(out.buffer, at, bytes.length));
    at += bytes.length;
  }
  return out;
}

export interface ReadSafetensorsOptions {
  /** Most header bytes (the import budget's `maxHeaderBytes`; the reference's 100 MB by default). */
  maxHeaderBytes?: number;
  /** Most header keys, counted while the header is parsed (src/io/importLimits.ts `maxHeaderEntries`). */
  maxHeaderEntries?: number;
  /** The import's deadline, checked while parsing and between tensors. */
  budget?: ImportBudget;
}

/** Parse and validate safetensors bytes. Throws `ImportError` (with a `code`) and nothing else. */
export function readSafetensors(input: Uint8Array | ArrayBuffer, options: ReadSafetensorsOptions = {}): SafetensorsContents {
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  const maxHeader = options.maxHeaderBytes ?? MAX_HEADER_BYTES;
  const maxEntries = options.maxHeaderEntries ?? DEFAULT_LIMITS.maxHeaderEntries;
  const budget = options.budget;
  if (bytes.length < 8) throw new ImportError('truncated', `the file is ${bytes.length} bytes, too short for the 8-byte header length.`);
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (headerLength > BigInt(maxHeader)) {
    throw new ImportError('header-length', `the header length ${headerLength} is over the limit maxHeaderBytes = ${maxHeader} bytes.`, {
      limit: 'maxHeaderBytes',
      seen: Number(headerLength),
      allowed: maxHeader,
    });
  }
  const n = Number(headerLength);
  if (8 + n > bytes.length) {
    throw new ImportError(
      'header-length',
      `the header length ${n} runs past the end of the ${bytes.length}-byte file (at most ${bytes.length - 8}).`,
    );
  }
  // Counted on the bytes before they are decoded (one key may be __metadata__).
  const members = countTopLevelMembers(bytes.subarray(8, 8 + n), maxEntries + 1);
  if (members > maxEntries + 1) throw limitError('maxHeaderEntries', 'the safetensors header entries (at least)', members, maxEntries);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    throw new ImportError('header-json', 'the header is not valid UTF-8.');
  }
  if (!text.startsWith('{'))
    throw new ImportError(
      'header-json',
      `the header must be a JSON object starting with '{', it starts with ${JSON.stringify(text.slice(0, 8))}.`,
    );
  const header = parseStrictJson(text, {
    // Counted as the parser goes: a header of millions of tiny entries stops at the budget, not after building them all.
    topLevelKey: (count) => {
      // One key may be __metadata__.
      if (count > maxEntries + 1) throw limitError('maxHeaderEntries', 'the safetensors header entries', count, maxEntries);
    },
    tick: () => budget?.check('parsing a safetensors header'),
  });
  if (!isJsonObject(header)) throw new ImportError('header-json', 'the header must be a JSON object.');

  const metadata = readMetadata(header.__metadata__);
  const dataLength = bytes.length - 8 - n;
  const spans: { name: string; dtype: Dtype; shape: number[]; begin: number; end: number }[] = [];
  for (const name of Object.keys(header)) {
    if (name === '__metadata__') continue;
    spans.push({ name, ...readEntry(name, header[name], dataLength) });
  }
  spans.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let position = 0;
  for (const s of spans) {
    if (s.begin < position)
      throw new ImportError(
        'offsets',
        `tensor ${JSON.stringify(s.name)}: bytes [${s.begin}, ${s.end}) overlap the previous tensor, which ends at ${position}.`,
      );
    if (s.begin > position)
      throw new ImportError(
        'offsets',
        `tensor ${JSON.stringify(s.name)}: a hole of ${s.begin - position} bytes before it (tensors must cover the data section without gaps).`,
      );
    position = s.end;
  }
  if (position !== dataLength) {
    throw new ImportError(
      'offsets',
      `the tensors cover ${position} bytes but the data section has ${dataLength}: ${dataLength - position} bytes belong to no tensor.`,
    );
  }

  const tensors = new Map<string, Tensor>();
  const dataStart = bytes.byteOffset + 8 + n;
  for (const s of spans) {
    budget?.check(`reading tensor ${s.name.slice(0, 80)}`);
    tensors.set(s.name, decode(s.dtype, s.shape, bytes.buffer, dataStart + s.begin, s.end - s.begin));
  }
  return { tensors, metadata };
}

function readMetadata(value: JsonValue | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (value === undefined) return out;
  if (!isJsonObject(value)) throw new ImportError('metadata', '__metadata__ must be an object of string values.');
  for (const key of Object.keys(value)) {
    const v = value[key];
    if (typeof v !== 'string')
      throw new ImportError(
        'metadata',
        `__metadata__ ${JSON.stringify(key)} must be a string, got ${v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v}.`,
      );
    if (key === '__proto__') throw new ImportError('metadata', '__metadata__ may not use the key "__proto__".');
    out.set(key, v);
  }
  return out;
}

function readEntry(name: string, entry: JsonValue, dataLength: number): { dtype: Dtype; shape: number[]; begin: number; end: number } {
  const where = `tensor ${JSON.stringify(name.length > 80 ? `${name.slice(0, 80)}…` : name)}`;
  if (name === '' || name === '__proto__')
    throw new ImportError('tensor-entry', `${where}: tensor names must be non-empty and not "__proto__".`);
  if (!isJsonObject(entry))
    throw new ImportError('tensor-entry', `${where}: the entry must be an object with dtype, shape and data_offsets.`);
  const fields = Object.keys(entry).sort();
  if (fields.join() !== ENTRY_FIELDS.join()) {
    throw new ImportError(
      'tensor-entry',
      `${where}: the entry has fields [${fields.join(', ')}], allowed exactly dtype, shape, data_offsets.`,
    );
  }
  const dtype = entry.dtype;
  if (typeof dtype !== 'string' || !Object.hasOwn(DTYPE_BYTES, dtype)) {
    const known = typeof dtype === 'string' && OTHER_DTYPES.includes(dtype);
    throw new ImportError(
      'dtype',
      `${where}: dtype ${JSON.stringify(dtype)} is ${known ? 'a safetensors dtype this reader does not take' : 'not a safetensors dtype'}; allowed ${ALLOWED}.`,
    );
  }
  const shape = entry.shape;
  if (!Array.isArray(shape) || !shape.every((d): d is number => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0)) {
    throw new ImportError(
      'shape',
      `${where}: the shape must be a list of non-negative integers, got ${JSON.stringify(shape).slice(0, 80)}.`,
    );
  }
  const offsets = entry.data_offsets;
  if (
    !Array.isArray(offsets) ||
    offsets.length !== 2 ||
    !offsets.every((o): o is number => typeof o === 'number' && Number.isSafeInteger(o) && o >= 0)
  ) {
    throw new ImportError(
      'offsets',
      `${where}: data_offsets must be two non-negative integers [begin, end], got ${JSON.stringify(offsets).slice(0, 80)}.`,
    );
  }
  const [begin, end] = offsets;
  if (begin > end || end > dataLength) {
    throw new ImportError('offsets', `${where}: data_offsets [${begin}, ${end}] do not lie inside the ${dataLength}-byte data section.`);
  }
  let elements = 1;
  for (const d of shape) {
    elements *= d;
    if (elements > Number.MAX_SAFE_INTEGER)
      throw new ImportError('shape', `${where}: the shape [${shape.join(', ')}] has more elements than any file can hold.`);
  }
  const expected = elements * DTYPE_BYTES[dtype as Dtype];
  if (end - begin !== expected) {
    throw new ImportError(
      'shape',
      `${where}: ${dtype} [${shape.join(', ')}] needs ${expected} bytes but data_offsets [${begin}, ${end}] hold ${end - begin}.`,
    );
  }
  return { dtype: dtype as Dtype, shape: shape as number[], begin, end };
}

/** Copy a tensor's bytes out of the file into a fresh, aligned typed array. */
function decode(dtype: Dtype, shape: number[], buffer: ArrayBufferLike, start: number, length: number): Tensor {
  const copy = new Uint8Array(buffer, start, length).slice();
  if (!HOST_LITTLE_ENDIAN) return decodeBigEndianHost(dtype, shape, copy);
  switch (dtype) {
    case 'F32':
      return { dtype, shape, data: new Float32Array(copy.buffer) };
    case 'I32':
      return { dtype, shape, data: new Int32Array(copy.buffer) };
    case 'F64':
      return { dtype, shape, data: new Float64Array(copy.buffer) };
  }
}

/** Typed arrays use the host's byte order; on a big-endian host, read element by element. */
function decodeBigEndianHost(dtype: Dtype, shape: number[], bytes: Uint8Array): Tensor {
  const view = new DataView(bytes.buffer);
  const count = bytes.length / DTYPE_BYTES[dtype];
  if (dtype === 'F64') return { dtype, shape, data: Float64Array.from({ length: count }, (_, i) => view.getFloat64(i * 8, true)) };
  if (dtype === 'I32') return { dtype, shape, data: Int32Array.from({ length: count }, (_, i) => view.getInt32(i * 4, true)) };
  return { dtype, shape, data: Float32Array.from({ length: count }, (_, i) => view.getFloat32(i * 4, true)) };
}

function writeLittleEndian(t: Tensor, view: DataView): void {
  const size = DTYPE_BYTES[t.dtype];
  for (let i = 0; i < t.data.length; i++) {
    if (t.dtype === 'F64') view.setFloat64(i * size, t.data[i], true);
    else if (t.dtype === 'I32') view.setInt32(i * size, t.data[i], true);
    else view.setFloat32(i * size, t.data[i], true);
  }
}

/** `{"k":v,...}` from already-serialised values, in the given order. */
function jsonObject(pairs: [string, string][]): string {
  return `{${pairs.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`;
}

function checkWritable(name: string, t: Tensor): void {
  const where = `tensor ${JSON.stringify(name)}`;
  if (typeof name !== 'string' || name === '' || name === '__metadata__' || name === '__proto__') {
    throw new ExportError('name', `${where}: names must be non-empty and not "__metadata__" or "__proto__".`);
  }
  const expectedClass = { F32: Float32Array, I32: Int32Array, F64: Float64Array }[t?.dtype];
  if (expectedClass === undefined)
    throw new ExportError('tensor', `${where}: dtype ${JSON.stringify(t?.dtype)} is not writable; allowed ${ALLOWED}.`);
  if (!(t.data instanceof expectedClass))
    throw new ExportError(
      'tensor',
      `${where}: dtype ${t.dtype} needs a ${expectedClass.name}, got ${t.data?.constructor?.name ?? typeof t.data}.`,
    );
  if (!Array.isArray(t.shape) || !t.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new ExportError('tensor', `${where}: the shape must be a list of non-negative integers, got ${JSON.stringify(t.shape)}.`);
  }
  const elements = t.shape.reduce((p, d) => p * d, 1);
  if (elements !== t.data.length)
    throw new ExportError('tensor', `${where}: shape [${t.shape.join(', ')}] has ${elements} elements but the data has ${t.data.length}.`);
}
