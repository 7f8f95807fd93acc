/** The committed src/config/schema.json is what `npm run gen:schema` writes, and says what the schema says. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_KEYS, paramSpec } from './schema';
import { defaultFor, ATTENTIONS, TASKS } from './spec';
import { SCHEMA_JSON_PATH, schemaJson, schemaJsonText, type KeyJson } from './schemaJson';

const committed = readFileSync(join(process.cwd(), SCHEMA_JSON_PATH), 'utf8');

describe('src/config/schema.json', () => {
  it('is current (if not: run `npm run gen:schema` and commit src/config/schema.json)', () => {
    const stale = committed !== schemaJsonText();
    expect(stale, 'src/config/schema.json differs from the TypeScript schema: run `npm run gen:schema` and commit it').toBe(false);
  });

  it('is JSON holding every key in the schema’s order, with the same defaults for every task and variant', () => {
    const parsed = JSON.parse(committed) as { keys: Record<string, KeyJson> };
    expect(parsed).toEqual(JSON.parse(JSON.stringify(schemaJson())));
    expect(Object.keys(parsed.keys)).toEqual(CONFIG_KEYS);
    for (const key of CONFIG_KEYS) {
      const k = parsed.keys[key];
      const s = paramSpec(key);
      expect([k.type, k.part, k.apply], key).toEqual([s.type, s.part, s.apply]);
      for (const task of TASKS) {
        for (const attention of ATTENTIONS) {
          const fromJson = k.defaultByAttention?.[attention] ?? k.defaultByTask?.[task] ?? k.default;
          expect(fromJson, `${key} ${task}/${attention}`).toBe(defaultFor(s, task, attention));
        }
      }
    }
  });

  it('spells out where each key applies, ranges of numbers and values of enums', () => {
    const { keys } = schemaJson();
    expect(keys.layers.attention).toEqual(ATTENTIONS);
    expect(keys.injection.attention).toEqual(['proxy']);
    expect(keys.imageSize.task).toEqual(['image']);
    expect([keys.dropout.min, keys.dropout.max, keys.dropout.apply]).toEqual([0, 0.9, 'hot']);
    expect(keys.pinvInit.defaultByAttention).toEqual({ nystrom: 'global', proxy: 'per-matrix' });
    expect(keys.contrastiveTemperature.provenance?.source).toBe('paper');
    expect(keys.twoTower).not.toHaveProperty('min');
    expect(keys.attention.values).toEqual(ATTENTIONS);
  });
});
