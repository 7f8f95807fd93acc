/** The configuration form's state (a vanilla zustand store): values, their check, the preset, and hash notices. */
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import type { ConfigIssue, ConfigKey } from '../config';
import { checkForm, hashFor, matchingPreset, presetValues, setValue, valuesFromHash, type FormCheck, type FormValues } from './configForm';

export interface ConfigState extends FormCheck {
  values: FormValues;
  /** The preset the values equal, or null when edited. */
  preset: string | null;
  /** Notices from the link the page was opened with (clamped values, ignored keys). */
  linkNotices: ConfigIssue[];
  set(key: ConfigKey, value: unknown): void;
  applyPreset(name: string): void;
  /** Load a hash (page load, or the user edited the address bar). */
  loadHash(hash: string): void;
  dismissLinkNotices(): void;
}

function derive(values: FormValues): Pick<ConfigState, 'values' | 'config' | 'issues' | 'ok' | 'preset'> {
  const check = checkForm(values);
  return { values, ...check, preset: check.ok ? matchingPreset(check.config) : null };
}

/** A config store; `hash` is what the page was opened with. */
export function createConfigStore(hash = '') {
  const start = valuesFromHash(hash);
  return createStore<ConfigState>()((set, get) => ({
    ...derive(start.values),
    linkNotices: start.notices,
    set: (key, value) => set(derive(setValue(get().values, key, value))),
    applyPreset: (name) => set({ ...derive(presetValues(name)), linkNotices: [] }),
    loadHash: (h) => {
      const next = valuesFromHash(h);
      set({ ...derive(next.values), linkNotices: next.notices });
    },
    dismissLinkNotices: () => set({ linkNotices: [] }),
  }));
}

export type ConfigStore = ReturnType<typeof createConfigStore>;

/** The page's store, opened from the current URL hash. */
export const configStore: ConfigStore = createConfigStore(typeof location === 'undefined' ? '' : location.hash);

/** React hook over the page's config store. */
export function useConfig<T>(select: (s: ConfigState) => T): T {
  return useStore(configStore, select);
}

/**
 * Keep the URL hash equal to the form (replaceState: editing a field must not add history
 * entries) and follow hash edits in the address bar. Returns the unsubscribe function.
 */
export function syncHash(store: ConfigStore = configStore): () => void {
  let written = location.hash.replace(/^#/, '');
  const write = () => {
    const hash = hashFor(store.getState().values);
    if (hash === null || hash === written) return;
    written = hash;
    history.replaceState(null, '', `#${hash}`);
  };
  write();
  const unsubscribe = store.subscribe(write);
  const onHash = () => {
    const h = location.hash.replace(/^#/, '');
    if (h === written) return;
    written = h;
    store.getState().loadHash(h);
  };
  addEventListener('hashchange', onHash);
  return () => {
    unsubscribe();
    removeEventListener('hashchange', onHash);
  };
}

/** The link that reproduces the current form (null while it is invalid). */
export function shareLink(store: ConfigStore = configStore): string | null {
  const hash = hashFor(store.getState().values);
  return hash === null ? null : `${location.origin}${location.pathname}#${hash}`;
}
