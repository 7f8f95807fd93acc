import { describe, expect, it } from 'vitest';
import { PRESETS } from '../presets';
import type { ViewsPayload } from '../train/protocol';
import { budgetOf, toAttentionViews } from './attentionViews';

/** The tests build payloads by hand: the worker's types, as structured clone delivers them. */
const asAttentionViews = (x: unknown, ctx: Parameters<typeof toAttentionViews>[1]) => toAttentionViews(x as ViewsPayload, ctx);

const mat = (rows: number, cols: number) => ({ rows, cols, data: new Float32Array(rows * cols).fill(0.5) });
const example = { index: 0, tokens: [1, 2, 3, 0], label: 1, split: 'validation' };

describe('views payload of the baselines', () => {
  it("carries Linformer's E [k, n] and its n × k attention, and names k", () => {
    const config = { ...PRESETS['quick-listops-linformer'].config, seqLen: 4, linformerK: 2 };
    const v = asAttentionViews(
      {
        example,
        views: { n: 4, layers: [{ heads: [{ E: mat(2, 4), projectedAttention: mat(4, 2), kCosine: mat(2, 2), exact: mat(4, 4) }] }] },
      },
      { config, step: 3 },
    );
    const h = v.heads[0][0];
    expect([h.linformerE?.rows, h.linformerE?.cols, h.projectedAttention?.rows, h.projectedAttention?.cols]).toEqual([2, 4, 4, 2]);
    expect(h.approx).toBeUndefined(); // the panel derives Linformer's n × n from P·E
    expect(v.budget).toEqual({ name: 'k', value: 2 });
    expect(v.landmarks).toBe(0);
  });

  it('refuses an E whose data does not match its shape, naming the field', () => {
    const config = PRESETS['quick-listops-linformer'].config;
    const bad = { rows: 2, cols: 4, data: new Float32Array(7) };
    expect(() => asAttentionViews({ example, views: { n: 4, layers: [{ heads: [{ E: bad }] }] } }, { config, step: 0 })).toThrow(
      'layers[0].heads[0].E.data has 7 values, expected 2 × 4 = 8',
    );
  });

  it('names each variant’s size beyond n: m, k, features, or none', () => {
    expect(budgetOf(PRESETS['quick-listops-proxy'].config)).toEqual({ name: 'm', value: 16 });
    expect(budgetOf(PRESETS['quick-image-nystrom'].config)).toEqual({ name: 'm', value: 28 });
    expect(budgetOf(PRESETS['quick-listops-performer'].config)).toEqual({ name: 'features', value: 16 });
    expect(budgetOf(PRESETS['quick-listops-linear'].config)).toBeNull();
    expect(budgetOf(PRESETS['quick-listops-softmax'].config)).toBeNull();
  });
});
