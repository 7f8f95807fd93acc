/**
 * The matrices of one head's views by field, with what their values are (for the absolute colour
 * scale) and what their rows and columns mean; and each factor's range over every layer and head
 * (for the shared colour scale and the layers × heads grid).
 */
import type { AttentionViews, HeadViews } from '../../store/attentionViews';
import { sharedRange, type MatrixKind } from './colourScale';

export type MatrixField =
  | 'softmax'
  | 'kernel1'
  | 'kernel2'
  | 'z'
  | 'kernel3'
  | 'queryCosine'
  | 'keyCosine'
  | 'linformerE'
  | 'projectedAttention'
  | 'exact'
  | 'approx';

export interface FactorInfo {
  field: MatrixField;
  title: string;
  kind: MatrixKind;
  rowLabel: string;
  colLabel: string;
}

/** Every drawable factor, in the panel's order. */
export const FACTORS: readonly FactorInfo[] = [
  { field: 'softmax', title: 'softmax attention', kind: 'probability', rowLabel: 'query token', colLabel: 'key token' },
  { field: 'kernel1', title: 'K1: tokens → landmarks', kind: 'probability', rowLabel: 'token', colLabel: 'landmark' },
  { field: 'kernel2', title: 'K2', kind: 'probability', rowLabel: 'landmark (query)', colLabel: 'landmark (key)' },
  { field: 'z', title: 'Z ≈ K2⁺', kind: 'free', rowLabel: 'landmark', colLabel: 'landmark' },
  { field: 'kernel3', title: 'K3: landmarks → tokens', kind: 'probability', rowLabel: 'landmark', colLabel: 'token' },
  { field: 'queryCosine', title: 'cosine of Q̃', kind: 'cosine', rowLabel: 'landmark', colLabel: 'landmark' },
  { field: 'keyCosine', title: 'cosine of K̃', kind: 'cosine', rowLabel: 'landmark', colLabel: 'landmark' },
  { field: 'linformerE', title: 'E: positions → projected keys', kind: 'free', rowLabel: 'projected key', colLabel: 'position' },
  { field: 'projectedAttention', title: 'softmax(QK′ᵀ/√d)', kind: 'probability', rowLabel: 'query token', colLabel: 'projected key' },
  { field: 'exact', title: 'exact softmax', kind: 'probability', rowLabel: 'query token', colLabel: 'key token' },
  // K1·Z·K3 or a kernel's normalised φ(Q)φ(K)ᵀ: approximate attention probabilities (K1·Z·K3 may dip slightly below 0).
  { field: 'approx', title: 'approximation', kind: 'probability', rowLabel: 'query token', colLabel: 'key token' },
];

/** The factors these views hold (those of layer 0, head 0; every head has the same fields). */
export function availableFactors(views: AttentionViews): FactorInfo[] {
  const first: HeadViews | undefined = views.heads[0]?.[0];
  return first ? FACTORS.filter((f) => first[f.field] !== undefined) : [];
}

/** Each factor's finite minimum and maximum over every layer and head. */
export function sharedRanges(views: AttentionViews): Partial<Record<MatrixField, { lo: number; hi: number }>> {
  const out: Partial<Record<MatrixField, { lo: number; hi: number }>> = {};
  for (const { field } of FACTORS) {
    const range = sharedRange(views.heads.flatMap((layer) => layer.map((head) => head[field]?.data)));
    if (range) out[field] = range;
  }
  return out;
}
