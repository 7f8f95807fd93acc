import { describe, expect, it } from 'vitest';
import type { AttentionViews, HeadViews } from '../../store/attentionViews';
import { comparableFactors, keyFactors } from './keyFactors';

const m = (r: number, c: number) => ({ rows: r, cols: c, data: new Float32Array(r * c) });
const views = (attention: AttentionViews['attention'], head: HeadViews) => ({ attention, heads: [[head]] }) as unknown as AttentionViews;

describe('key factors of each variant', () => {
  it("Proxyformer: K2, Z and the proxies' redundancy on a fixed cosine scale", () => {
    const f = keyFactors(views('proxy', { kernel1: m(8, 4), kernel2: m(4, 4), z: m(4, 4), queryCosine: m(4, 4) }), 0, 0);
    expect(f.map((x) => x.key)).toEqual(['k2', 'z', 'qcosine']);
    expect(f[2].range).toEqual({ lo: -1, hi: 1 });
    expect(f[0].rowLabel).toBe('proxy (query)');
  });

  it('Nyströmformer: K2 and Z; softmax: the attention map over tokens on both axes', () => {
    expect(keyFactors(views('nystrom', { kernel2: m(4, 4), z: m(4, 4), queryCosine: m(4, 4) }), 0, 0).map((x) => x.key)).toEqual([
      'k2',
      'z',
    ]);
    const [s] = keyFactors(views('softmax', { softmax: m(8, 8) }), 0, 0);
    expect(s).toMatchObject({ key: 'softmax', tokenRows: true, tokenCols: true });
  });

  it('Linformer and the kernel variants show what their views hold; a missing head has none', () => {
    expect(keyFactors(views('linformer', { projectedAttention: m(8, 2), linformerE: m(2, 8) }), 0, 0).map((x) => x.key)).toEqual([
      'projected',
      'e',
    ]);
    expect(keyFactors(views('performer', { approx: m(8, 8), exact: m(8, 8) }), 0, 0).map((x) => x.key)).toEqual(['approx', 'exact']);
    expect(keyFactors(views('proxy', { kernel2: m(4, 4) }), 1, 0)).toEqual([]);
  });

  it('the comparison adds the other factors a head has, once each', () => {
    const f = comparableFactors(views('nystrom', { kernel1: m(8, 4), kernel2: m(4, 4), kernel3: m(4, 8), exact: m(8, 8) }), 0, 0);
    expect(f.map((x) => x.key)).toEqual(['k2', 'k1', 'k3', 'exact']);
  });
});
