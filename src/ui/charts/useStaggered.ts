import { startTransition, useEffect, useRef, useState } from 'react';

/**
 * `value`, passed on at most once per `delayMs` and `delayMs` late. Each chart of the panel gets
 * its own delay, so their refreshes land in different frames: recharts re-renders a chart
 * synchronously when its store notifies (in a requestAnimationFrame), and eight charts in one
 * frame made a main-thread long task on a slow machine. The update is a transition, so React
 * renders it in slices that yield to the page. With `active` false the value is held.
 */
export function useStaggered<T>(value: T, delayMs: number, active = true): T {
  const [shown, setShown] = useState(value);
  const latest = useRef(value);
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  latest.current = value;
  const wasActive = useRef(active);
  useEffect(() => {
    // Inactive (off screen): keep the last value.
    if (!active) {
      wasActive.current = false;
      return;
    }
    // Back on screen: catch up at once, so a chart coming into view never shows stale or no data.
    if (!wasActive.current) {
      wasActive.current = true;
      startTransition(() => setShown(latest.current));
      return;
    }
    if (delayMs <= 0) {
      setShown(value);
      return;
    }
    if (pending.current === null) {
      pending.current = setTimeout(() => {
        pending.current = null;
        startTransition(() => setShown(latest.current));
      }, delayMs);
    }
  }, [value, delayMs, active]);
  useEffect(
    () => () => {
      if (pending.current !== null) clearTimeout(pending.current);
    },
    [],
  );
  return shown;
}
