/**
 * exportOnnx must stay importable from browser code (the inference panel, the run bundle):
 * the exporter's sources import only each other, the config schema's entry (itself free of
 * imports from outside src/config, see src/config/standalone.test.ts) and protobufjs's
 * browser-ready light build; Node modules appear only in tests and testing/.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const DIR = join(process.cwd(), 'src/io/onnx');
const ALLOWED_PACKAGES = ['protobufjs/light.js'];
const ALLOWED_OUTSIDE = ['../../config/index.ts'];

describe('src/io/onnx is browser-safe', () => {
  const sources = readdirSync(DIR).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));

  it('has the exporter sources', () => {
    expect(sources).toEqual(
      expect.arrayContaining([
        'export.ts',
        'proto.ts',
        'graph.ts',
        'encoder.ts',
        'pinvConstant.ts',
        'linformerAttention.ts',
        'performerAttention.ts',
        'linearAttention.ts',
        'kernelAttention.ts',
        'reformerAttention.ts',
      ]),
    );
  });

  for (const file of sources) {
    it(`${file} imports only relative modules, ${ALLOWED_OUTSIDE.join(', ')} and ${ALLOWED_PACKAGES.join(', ')}`, () => {
      const text = readFileSync(join(DIR, file), 'utf8');
      const specifiers = [...text.matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/g)].map((m) => m[1]);
      for (const s of specifiers) {
        expect(s.startsWith('./') || ALLOWED_OUTSIDE.includes(s) || ALLOWED_PACKAGES.includes(s), `${file} imports ${s}`).toBe(true);
        expect(s.startsWith('./testing/'), `${file} imports the Node-only ${s}`).toBe(false);
      }
      expect(text).not.toMatch(/\brequire\(|process\.|Buffer\./);
    });
  }
});
