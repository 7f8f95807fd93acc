/**
 * modelFileKind: a bundle written by src/io/bundle and a bare safetensors file are recognised
 * by their first bytes; a PNG, an empty file, a gzip and a safetensors-looking file whose header
 * length runs past its end are named as not a bundle, with the bytes they start with.
 */
import { describe, expect, it } from 'vitest';
import { writeBundle } from '../io/bundle/write';
import { tinyRunConfig } from '../io/bundle/testing/fixtures';
import { parameterShapes } from '../io/onnx/config';
import { randomWeights } from '../io/testing/random';
import { modelFileKind } from './modelFile';

function safetensors(header: string, data = 0): Uint8Array {
  const json = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + json.length + data);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 8);
  return out;
}

describe('modelFileKind', () => {
  it('recognises a bundle zip and a bare safetensors file', () => {
    const config = tinyRunConfig();
    expect(modelFileKind(writeBundle({ config, weights: randomWeights(parameterShapes(config), 1) }), 'run.zip')).toEqual({
      kind: 'bundle',
    });
    expect(modelFileKind(safetensors('{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', 4), 'w.safetensors')).toEqual({
      kind: 'safetensors',
    });
  });

  it('names anything else as not a bundle, with its first bytes', () => {
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    const kind = modelFileKind(png, 'digit.png');
    expect(kind.kind).toBe('unknown');
    expect(kind.kind === 'unknown' && kind.message).toMatch(
      /^digit\.png is not a run bundle: .* but it starts with the bytes 89 50 4e 47\. Choose a bundle/,
    );
    const empty = modelFileKind(new Uint8Array(0), 'empty.zip');
    expect(empty.kind === 'unknown' && empty.message).toContain('but it is empty');
    expect(modelFileKind(Uint8Array.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]), 'run.tar.gz').kind).toBe('unknown');
    // '{' at byte 8 but a header length far past the end: not safetensors.
    const long = safetensors('{}');
    new DataView(long.buffer).setUint32(0, 1e6, true);
    expect(modelFileKind(long, 'odd.bin').kind).toBe('unknown');
  });
});
