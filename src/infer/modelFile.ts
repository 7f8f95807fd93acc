/**
 * What a file given to the inference panel is, told by its first bytes before any parser sees
 * it: a run bundle is a zip (local file header `PK\x03\x04`, or `PK\x05\x06` for an empty
 * archive), a bare weights file is safetensors (an 8-byte little-endian header length, then the
 * JSON header, which starts with `{`). Anything else (an image, a CSV, an ONNX file, a gzip) is
 * named as "not a bundle" instead of reaching the safetensors reader and failing on a header
 * length it never had.
 */

export type ModelFileKind = { kind: 'bundle' } | { kind: 'safetensors' } | { kind: 'unknown'; message: string };

const HEX = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, '0')).join(' ');

/**
 * The kind of a file from its first `bytes` (16 are enough), named `name` in the message for an
 * unknown file; `size` is the whole file's (the page reads only the first bytes here).
 */
export function modelFileKind(bytes: Uint8Array, name: string, size = bytes.length): ModelFileKind {
  const b = bytes;
  if (b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && ((b[2] === 3 && b[3] === 4) || (b[2] === 5 && b[3] === 6)))
    return { kind: 'bundle' };
  if (b.length >= 9 && b[8] === 0x7b) {
    const view = new DataView(b.buffer, b.byteOffset, 8);
    const headerLength = view.getUint32(0, true) + view.getUint32(4, true) * 2 ** 32;
    if (headerLength >= 2 && 8 + headerLength <= size) return { kind: 'safetensors' };
  }
  const start = b.length === 0 ? 'it is empty' : `it starts with the bytes ${HEX(b.subarray(0, 4))}`;
  return {
    kind: 'unknown',
    message: `${name} is not a run bundle: a bundle is a .zip (starting with the bytes 50 4b, "PK") and a weights file is .safetensors (an 8-byte header length, then a JSON header), but ${start}. Choose a bundle exported by this page or by the PyTorch side, or a .safetensors file with its config JSON.`,
  };
}
