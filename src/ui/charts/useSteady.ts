import { useRef } from 'react';

/**
 * `value`, or the previous value while `same(previous, value)`: recharts copies axis settings
 * into its store and treats a new array as a change (a store update and a synchronous
 * re-render), so an axis whose numbers did not change keeps its old objects.
 */
export function useSteady<T>(value: T, same: (a: T, b: T) => boolean): T {
  const kept = useRef(value);
  if (kept.current !== value && !same(kept.current, value)) kept.current = value;
  return kept.current;
}
