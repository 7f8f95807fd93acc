/**
 * Node-only test helper: the few lines of safetensors the parity tests need (write F32/I32,
 * read F64/F32), so the ONNX tests talk to the PyTorch parity CLI through files. The project's
 * full reader with validation lives in src/io/safetensors.ts (another engineer's); this one
 * trusts its input because it only reads what the parity CLI just wrote.
 */
import { readFileSync, writeFileSync } from 'node:fs';

export type TensorIn = { dtype: 'F32'; shape: number[]; data: Float32Array } | { dtype: 'I32'; shape: number[]; data: Int32Array };
export interface TensorOut { shape: number[]; data: Float64Array }

/** Writes tensors (header padded to 8 bytes, as the reference writer). */
export function writeSafetensors(path: string, tensors: Record<string, TensorIn>): void {
  const header: Record<string, unknown> = {};
  let offset = 0;
  const parts: Uint8Array[] = [];
  for (const [name, t] of Object.entries(tensors)) {
    const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + bytes.length] };
    parts.push(bytes);
    offset += bytes.length;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const head = new Uint8Array(8);
  new DataView(head.buffer).setBigUint64(0, BigInt(json.length), true);
  writeFileSync(path, Buffer.concat([head, Buffer.from(json, 'utf8'), ...parts]));
}

/** Reads every F64/F32 tensor of a file as float64. */
export function readSafetensors(path: string): Map<string, TensorOut> {
  const file = readFileSync(path);
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const length = Number(view.getBigUint64(0, true));
  const header = JSON.parse(file.subarray(8, 8 + length).toString('utf8')) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  const base = 8 + length;
  const out = new Map<string, TensorOut>();
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const [begin, end] = info.data_offsets;
    const bytes = file.subarray(base + begin, base + end);
    const copy = new Uint8Array(bytes).buffer; // aligned copy
    let data: Float64Array;
    if (info.dtype === 'F64') data = new Float64Array(copy);
    else if (info.dtype === 'F32') data = Float64Array.from(new Float32Array(copy));
    else throw new Error(`safetensorsMini reads F64/F32 only; ${name} is ${info.dtype}`);
    out.set(name, { shape: info.shape, data });
  }
  return out;
}
