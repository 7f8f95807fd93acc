/**
 * The papers' names for the attention variants, for menus, tables and charts. Typed over the
 * schema's `attention` values, so a new variant without a name here does not compile.
 */
import type { Attention } from '../config';

/** Short names (table rows, chart legends). */
export const VARIANT_NAMES: Readonly<Record<Attention, string>> = {
  softmax: 'softmax',
  nystrom: 'Nyströmformer',
  proxy: 'Proxyformer',
  linformer: 'Linformer',
  bigbird: 'BigBird',
  reformer: 'Reformer',
  performer: 'Performer',
  linear: 'linear attention',
};

/** Longer names for preset titles. */
export const VARIANT_TITLES: Readonly<Record<Attention, string>> = {
  ...VARIANT_NAMES,
  softmax: 'softmax Transformer',
  linear: 'linear attention (elu + 1)',
};
