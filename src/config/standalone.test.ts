/**
 * The run config is the bottom layer: the model, the exporter, the data, the trainer and the UI
 * read it, so it imports nothing from them (nor any package), and it stays browser-safe for the
 * ONNX exporter (src/io/onnx/browserSafe.test.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const DIR = join(process.cwd(), 'src/config');

describe('src/config stands alone', () => {
  const sources = readdirSync(DIR).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));

  it('has the schema, the rules and the entry', () => {
    expect(sources).toEqual(expect.arrayContaining(['index.ts', 'schema.ts', 'rules.ts', 'tasks.ts']));
  });

  for (const file of sources) {
    it(`${file} imports only modules of src/config`, () => {
      const text = readFileSync(join(DIR, file), 'utf8');
      const specifiers = [...text.matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/g)].map((m) => m[1]);
      for (const s of specifiers) expect(s.startsWith('./') && !s.includes('..'), `${file} imports ${s}`).toBe(true);
      expect(text).not.toMatch(/\brequire\(|process\.|Buffer\./);
    });
  }
});
