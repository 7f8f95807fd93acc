/**
 * The tokens along a heatmap axis of token positions: ListOps symbols, text bytes as characters,
 * and for image tasks each pixel's grey level (drawn as a strip beside the axis) with its (x, y).
 */
import type { AttentionViews } from '../../store/attentionViews';
import { tokenLabels } from './inputs';

export interface TokenAxis {
  /** One label per position (what the hover read-out names). */
  labels: string[];
  /** Image tasks: the grey level (0–255) of each position, drawn as a strip instead of text. */
  grey?: Uint8ClampedArray;
}

/** The axis of the n token positions of a views reply. */
export function tokenAxisOf(v: Pick<AttentionViews, 'task' | 'example' | 'imageSide'>, n: number): TokenAxis {
  const tokens = v.example.tokens;
  if (v.imageSide !== undefined) {
    const side = v.imageSide;
    const grey = new Uint8ClampedArray(n);
    const labels: string[] = [];
    for (let i = 0; i < n; i++) {
      const t = i < tokens.length ? tokens[i] : 0;
      grey[i] = t === 0 ? 0 : t - 1;
      labels.push(`(${i % side}, ${Math.floor(i / side)}) grey ${grey[i]}`);
    }
    return { labels, grey };
  }
  return { labels: tokenLabels(v.task, tokens, n) };
}

/** Show every k-th label so that labels are at least `minPx` CSS pixels apart on an axis `cssLength` long. */
export function labelStride(count: number, cssLength: number, minPx = 11): number {
  if (count <= 0) return 1;
  const cell = cssLength / count;
  return Math.max(1, Math.ceil(minPx / cell));
}

/** At most `max` characters of a label (a long ListOps operator keeps its head). */
export function shortLabel(label: string, max = 4): string {
  return label.length <= max ? label : `${label.slice(0, max - 1)}…`;
}
