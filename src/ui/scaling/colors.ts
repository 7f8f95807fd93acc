import type { Variant } from '../../bench/sweep';
import { PALETTE } from '../charts/MetricChart';

/** One colour per variant (Okabe–Ito); typed over the schema's variants, so a new one needs a colour to compile. */
export const COLORS: Record<Variant, string> = {
  softmax: PALETTE[5],
  nystrom: PALETTE[0],
  proxy: PALETTE[2],
  linformer: PALETTE[1],
  performer: PALETTE[3],
  linear: PALETTE[4],
  bigbird: PALETTE[7],
  // The last free colour of the eight.
  reformer: PALETTE[6],
  // The fused variants keep their variant's colour and are drawn dashed.
  'softmax-fused': PALETTE[5],
  'nystrom-fused': PALETTE[0],
  'proxy-fused': PALETTE[2],
};
