/**
 * The learning rate a saved run resumes with (the run list's Resume): the saved one, or a value
 * the user typed, checked against the form's rule for the learning rate. An override goes to the
 * worker, which records it in config.json and as `resumeLr` on the resume step's metrics row
 * (docs/checkpoints.md "Resuming with overrides").
 */
import { byLabel } from '../../config/names';
import { SCHEMA, type RunConfig } from '../../config/schema';
import { checkValue } from '../../config/values';

export type ResumeLr = { ok: true; overrides: Partial<RunConfig> | undefined } | { ok: false; message: string };

export function resumeLr(text: string, savedLr: number): ResumeLr {
  const trimmed = text.trim();
  const raw = trimmed === '' ? Number.NaN : Number(trimmed);
  const checked = checkValue('lr', SCHEMA.lr, raw, false, byLabel);
  if (!checked.ok) return { ok: false, message: checked.issue.message };
  const lr = checked.value as number;
  return { ok: true, overrides: lr === savedLr ? undefined : { lr } };
}
