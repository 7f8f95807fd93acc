/** Result folder names: `<date>-<adapter>`, so a figure never travels without the adapter it came from. */
import type { SweepResult } from './sweep';

/** A file-system-safe slug of the adapter: vendor-architecture(-software). */
export function adapterSlug(a: SweepResult['adapter']): string {
  const raw = [a.vendor, a.architecture || a.device || a.description].filter(Boolean).join('-') || 'unknown-adapter';
  const slug = raw
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return a.isFallback ? `${slug}-software` : slug;
}

/** `2026-11-28-google-swiftshader-software-node` (date of the run, adapter, runtime kind). */
export function resultFolderName(r: SweepResult): string {
  const runtime = r.adapter.runtime.toLowerCase().startsWith('node') ? 'node' : 'browser';
  return `${r.date.slice(0, 10)}-${adapterSlug(r.adapter)}-${runtime}`;
}
