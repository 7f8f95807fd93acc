/**
 * Between a bundle and the engine's `ParameterStore`: reading every parameter out for
 * `writeBundle`, and loading an imported run's weights all-or-nothing — every name and size is
 * checked against the store before the first value is written, so a run whose model does not
 * match the file is never left half-loaded.
 */
import type { ParameterStore } from '../../engine';
import { ImportError } from '../errors';

type Store = Pick<ParameterStore, 'entries' | 'load'>;

/** Every parameter's values as F32 by name (waits for the device). */
export async function weightsFromStore(store: Pick<ParameterStore, 'read'>): Promise<Map<string, Float32Array>> {
  const out = new Map<string, Float32Array>();
  for (const [name, p] of await store.read()) out.set(name, p.data instanceof Float32Array ? p.data : Float32Array.from(p.data));
  return out;
}

/** Load `weights` into `store` if, and only if, they cover exactly its parameters with the right sizes. Throws `ImportError('mismatch')`. */
export function loadIntoStore(store: Store, weights: ReadonlyMap<string, Float32Array>): void {
  const params = store.entries();
  const missing = params.filter(([name]) => !weights.has(name)).map(([name]) => name);
  const extra = [...weights.keys()].filter((name) => !params.some(([n]) => n === name));
  const sizes = params.filter(([name, t]) => weights.has(name) && weights.get(name)!.length !== t.size).map(([name, t]) => `${name} has ${weights.get(name)!.length} values, the model ${t.size}`);
  const problems = [missing.length && `missing ${missing.slice(0, 8).join(', ')}`, extra.length && `unexpected ${extra.slice(0, 8).join(', ')}`, sizes.length && sizes.slice(0, 8).join('; ')].filter(Boolean);
  if (problems.length) throw new ImportError('mismatch', `the weights do not fit this model (${params.length} parameters), nothing was loaded: ${problems.join('; ')}.`);
  for (const [name] of params) store.load(name, weights.get(name)!);
}
