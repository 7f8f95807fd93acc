/** All presets by name, the paper's ablation study and its comparison of variants. */
import { PAPER_PRESETS } from './paper';
import type { Preset } from './preset';
import { QUICK_PRESETS } from './quick';

export { NO_QUICK_PRESET } from './quick';

export { ABLATIONS, ablationStudy, withAttention, type Ablation, type AblationRun } from './ablations';
export { NOT_YET_AVAILABLE, PAPER_COMPARISON, projectionBudget, withBudget } from './comparison';
export { VARIANT_NAMES, VARIANT_TITLES } from './names';
export { getStudy, STUDIES, STUDY_NAMES, type Study, type StudyName } from './studies';
export { makePreset, presetIssues, type Preset } from './preset';

/** Every preset, quick ones first (the menu's order). */
export const PRESET_LIST: readonly Preset[] = [...QUICK_PRESETS, ...PAPER_PRESETS];

/** The registry by name. */
export const PRESETS: Readonly<Record<string, Preset>> = Object.freeze(Object.fromEntries(PRESET_LIST.map((p) => [p.name, p])));

/** What a new page loads: quick enough to see the loss fall, needs no corpus file. */
export const DEFAULT_PRESET = 'quick-listops-proxy';

/** A preset by name, or undefined (never a fallback). */
export function getPreset(name: string): Preset | undefined {
  return Object.hasOwn(PRESETS, name) ? PRESETS[name] : undefined;
}
