/** The command line's progress line: step, loss, accuracy, tokens/s, ETA. */
import { formatDuration, remainingMs } from '../eta';

export interface ProgressState {
  step: number;
  totalSteps: number;
  loss: number;
  trainAccuracy?: number;
  valAccuracy?: number;
  tokensPerSec: number;
  elapsedMs: number;
}

function pct(x: number | undefined): string {
  return x === undefined || Number.isNaN(x) ? '  -  ' : `${(100 * x).toFixed(1)}%`.padStart(6);
}

/** One line with a bar of `width` cells. */
export function progressLine(p: ProgressState, width = 24): string {
  const frac = p.totalSteps > 0 ? Math.min(1, p.step / p.totalSteps) : 0;
  const filled = Math.round(frac * width);
  const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
  const eta = remainingMs(p.step, p.totalSteps, p.elapsedMs);
  const tps = p.tokensPerSec >= 1000 ? `${(p.tokensPerSec / 1000).toFixed(1)}k` : p.tokensPerSec.toFixed(0);
  return (
    `${bar} ${String(p.step).padStart(String(p.totalSteps).length)}/${p.totalSteps}` +
    ` loss ${Number.isFinite(p.loss) ? p.loss.toFixed(4) : String(p.loss)}` +
    ` acc ${pct(p.trainAccuracy)} val ${pct(p.valAccuracy)}` +
    ` ${tps} tok/s elapsed ${formatDuration(p.elapsedMs)} ETA ${formatDuration(eta)}`
  );
}
