/**
 * Time left and durations, shared by the command line's progress line (src/train/cli/progress.ts),
 * the page's run status and the Scaling sweep: the pace so far, carried over what is left.
 */

/** Time left at the average pace so far: elapsed ÷ done × (total − done); NaN before anything is done. */
export function remainingMs(done: number, total: number, elapsedMs: number): number {
  if (!(done > 0) || !Number.isFinite(elapsedMs) || elapsedMs < 0 || !Number.isFinite(total)) return NaN;
  return (elapsedMs / done) * Math.max(0, total - done);
}

/** mm:ss, or h:mm:ss from an hour; "--:--" for an unknown or negative time. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '--:--';
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const two = (x: number) => String(x).padStart(2, '0');
  return h > 0 ? `${h}:${two(m)}:${two(sec)}` : `${two(m)}:${two(sec)}`;
}
