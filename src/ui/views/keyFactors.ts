/**
 * The factors the dashboard shows first for each variant (and what the snapshot export and the
 * run comparison draw): Proxyformer's K2, Z and the proxies' redundancy; Nyströmformer's K2 and Z
 * (its landmark positions are drawn beside them); softmax's attention map; Linformer's attention
 * over the projected keys and E; the kernel variants' implied attention beside the exact one.
 */
import type { Matrix } from '../../model/views';
import type { AttentionViews, HeadViews } from '../../store/attentionViews';

export interface Factor {
  /** Stable name (test ids, file names, the comparison's choice). */
  key: string;
  title: string;
  matrix: Matrix;
  rowLabel: string;
  colLabel: string;
  /** Which axes run over token positions (they get token labels). */
  tokenRows: boolean;
  tokenCols: boolean;
  range?: { lo: number; hi: number };
}

const COSINE = { lo: -1, hi: 1 };

/** The key factors of one layer and head, in the order shown (an empty list when that head has none). */
export function keyFactors(v: AttentionViews, layer: number, head: number): Factor[] {
  const h: HeadViews | undefined = v.heads[layer]?.[head];
  if (!h) return [];
  const word = v.attention === 'proxy' ? 'proxy' : 'landmark';
  const out: Factor[] = [];
  const add = (
    key: string,
    title: string,
    matrix: Matrix | undefined,
    rowLabel: string,
    colLabel: string,
    tokenRows: boolean,
    tokenCols: boolean,
    range?: Factor['range'],
  ) => {
    if (matrix) out.push({ key, title, matrix, rowLabel, colLabel, tokenRows, tokenCols, ...(range ? { range } : {}) });
  };
  switch (v.attention) {
    case 'softmax':
      add('softmax', 'softmax attention', h.softmax ?? h.exact, 'query token', 'key token', true, true);
      break;
    case 'proxy':
    case 'nystrom':
      add('k2', 'K2', h.kernel2, `${word} (query)`, `${word} (key)`, false, false);
      add('z', 'Z ≈ K2⁺', h.z, word, word, false, false);
      if (v.attention === 'proxy') add('qcosine', 'cosine of Q̃', h.queryCosine, word, word, false, false, COSINE);
      break;
    case 'linformer':
      add('projected', 'softmax(QK′ᵀ/√d)', h.projectedAttention, 'query token', 'projected key', true, false);
      add('e', 'E: positions → projected keys', h.linformerE, 'projected key', 'position', false, true);
      break;
    case 'performer':
    case 'linear':
      add('approx', 'implied attention', h.approx, 'query token', 'key token', true, true);
      add('exact', 'exact softmax', h.exact, 'query token', 'key token', true, true);
      break;
  }
  return out;
}

/** Every factor of a head that the comparison can put side by side (key factors first, then the rest). */
export function comparableFactors(v: AttentionViews, layer: number, head: number): Factor[] {
  const out = keyFactors(v, layer, head);
  const h = v.heads[layer]?.[head];
  if (!h) return out;
  const have = new Set(out.map((f) => f.key));
  const more: Factor[] = [
    {
      key: 'k1',
      title: 'K1: tokens → landmarks',
      matrix: h.kernel1!,
      rowLabel: 'token',
      colLabel: 'landmark',
      tokenRows: true,
      tokenCols: false,
    },
    {
      key: 'k3',
      title: 'K3: landmarks → tokens',
      matrix: h.kernel3!,
      rowLabel: 'landmark',
      colLabel: 'token',
      tokenRows: false,
      tokenCols: true,
    },
    {
      key: 'exact',
      title: 'exact softmax',
      matrix: h.exact!,
      rowLabel: 'query token',
      colLabel: 'key token',
      tokenRows: true,
      tokenCols: true,
    },
    {
      key: 'approx',
      title: 'approximation',
      matrix: h.approx!,
      rowLabel: 'query token',
      colLabel: 'key token',
      tokenRows: true,
      tokenCols: true,
    },
  ];
  for (const f of more) if (f.matrix && !have.has(f.key)) out.push(f);
  return out;
}
