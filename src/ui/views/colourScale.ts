/**
 * Which values a heatmap's colours span. Min–max scaling (`own`) shows the structure of any map,
 * but it stretches whatever range a map has to the whole colour bar: a K2 whose entries all lie
 * within a few percent of 1/m (nearly uniform) is drawn as bold a pattern as a peaked one. So:
 *
 * - `own`: the map's own finite minimum to maximum (the default; best for structure).
 * - `absolute`: the quantity's natural range, fixed: [0, 1] for attention probabilities,
 *   [−1, 1] for cosine similarities. Maps without one (Z, Linformer's E, errors) keep their own
 *   range, and the scale says so.
 * - `shared`: one range for every map of the same factor across all layers and heads (the
 *   minimum and maximum over all of them), so layers and heads can be compared by colour.
 *
 * And a map is flagged "nearly flat" when its values span less than FLAT_RELATIVE_RANGE of its
 * largest magnitude, whatever the scale, so min–max colours are never read as a pattern.
 */
import { finiteRange } from './colormap';

export type ScaleMode = 'own' | 'absolute' | 'shared';
/** What a matrix holds, for its natural range: attention probabilities, cosines, or anything else. */
export type MatrixKind = 'probability' | 'cosine' | 'free';

export const SCALE_MODES: readonly { mode: ScaleMode; label: string }[] = [
  { mode: 'own', label: 'each map its own min–max' },
  { mode: 'absolute', label: 'absolute (0–1 for attention, −1–1 for cosines)' },
  { mode: 'shared', label: 'shared across layers and heads' },
];

const NATURAL: Record<MatrixKind, { lo: number; hi: number } | null> = {
  probability: { lo: 0, hi: 1 },
  cosine: { lo: -1, hi: 1 },
  free: null,
};

export interface ColourScale {
  lo: number;
  hi: number;
  /** How the range was chosen, for the scale bar ("own min–max", "absolute 0–1", …). */
  basis: string;
}

/**
 * The colour range of `data` for a mode. `shared` is the range over all maps of this factor
 * (sharedRange); without one (a single map) the map's own range is used and the basis says so.
 */
export function colourScale(data: ArrayLike<number>, mode: ScaleMode, kind: MatrixKind, shared?: { lo: number; hi: number }): ColourScale {
  if (mode === 'absolute') {
    const natural = NATURAL[kind];
    if (natural) return { ...natural, basis: `absolute ${natural.lo} to ${natural.hi}` };
    return { ...finiteRange(data), basis: 'own min–max (no natural range)' };
  }
  if (mode === 'shared') {
    if (shared) return { ...shared, basis: 'shared over layers and heads' };
    return { ...finiteRange(data), basis: 'own min–max (nothing to share with)' };
  }
  return { ...finiteRange(data), basis: 'own min–max' };
}

/** The finite minimum and maximum over several maps (one factor, every layer and head); undefined when none has a finite value. */
export function sharedRange(maps: readonly (ArrayLike<number> | undefined)[]): { lo: number; hi: number } | undefined {
  let lo = Infinity;
  let hi = -Infinity;
  for (const data of maps) {
    if (!data) continue;
    for (let i = 0; i < data.length; i++) {
      const v = data[i];
      if (!Number.isFinite(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return lo === Infinity ? undefined : { lo, hi };
}

/**
 * A map whose values span less than this share of their largest magnitude is "nearly flat".
 * Why 5%: a softmax row over m = 16 keys that is uniform up to ±2.5% (0.061–0.064) is noise on
 * 1/16 for reading purposes, while a K2 that really prefers some keys spans well over 5%.
 */
export const FLAT_RELATIVE_RANGE = 0.05;

/** The notice for a nearly flat map, or null: "nearly flat: values 0.0610 to 0.0640 (range 0.00300, 4.7% of the largest)". */
export function flatNotice(data: ArrayLike<number>): string | null {
  const range = sharedRange([data]);
  if (!range) return null;
  const { lo, hi } = range;
  const magnitude = Math.max(Math.abs(lo), Math.abs(hi));
  if (magnitude === 0) return 'nearly flat: every value is 0';
  const relative = (hi - lo) / magnitude;
  if (relative >= FLAT_RELATIVE_RANGE) return null;
  return `nearly flat: values ${lo.toPrecision(3)} to ${hi.toPrecision(3)} (range ${(hi - lo).toPrecision(3)}, ${(100 * relative).toFixed(1)}% of the largest)`;
}
