import { useState } from 'react';
import { IndexedDbTuneStore } from '../../engine/webgpu/autotune/idbStore';
import type { AdapterKernels } from '../../train/adapterKernels';
import { formatNumber } from './chartData';

/**
 * What the engine chose for this adapter and why (docs/kernels.md): the peak probe, how the row
 * kernels reduce, and the matmul kernel per shape class — tuned now, from the cache, or by the
 * documented rule — with a button that clears the tuning cache.
 */
export function AdapterKernelsNote({ adapter }: { adapter: AdapterKernels | null | undefined }) {
  const [cleared, setCleared] = useState<string | null>(null);
  if (!adapter) return null;
  const clear = () => {
    new IndexedDbTuneStore().clear().then(
      () => setCleared('Tuning cache cleared: a new device (reload the page) tunes again.'),
      (e: Error) => setCleared(`Could not clear the tuning cache: ${e.message}`),
    );
  };
  return (
    <div className="help" data-testid="adapter-kernels">
      <p>
        Peak probe:{' '}
        {adapter.peak
          ? `${formatNumber(adapter.peak.gflops)} GFLOP/s fp32 FMA, ${formatNumber(adapter.peak.gbps)} GB/s copy (${adapter.peak.method})`
          : 'not run (kernel timing is off)'}
        . Row reductions: {adapter.rowReduction} (subgroups: {adapter.subgroups}). Matmul tuning: {adapter.tuning}.
        {adapter.tuningError ? ` ${adapter.tuningError}.` : ''}
      </p>
      {adapter.matmul.length > 0 ? (
        <details>
          <summary>Matmul kernel per shape class ({adapter.matmul.length})</summary>
          <ul data-testid="matmul-choices">
            {adapter.matmul.map((d) => (
              <li key={d.shapeClass}>
                <code>{d.shapeClass}</code>: {d.choice} ({d.source === 'cache' ? 'tuned earlier on this adapter' : 'tuned now'}
                {d.rejected.length > 0 ? `; failed validation: ${d.rejected.map((r) => r.candidate).join(', ')}` : ''})
              </li>
            ))}
          </ul>
        </details>
      ) : (
        <p>Matmul kernels: the documented rule chooses {adapter.tuning.startsWith('off') ? '' : 'until the first steps are tuned'}.</p>
      )}
      <button type="button" onClick={clear} data-testid="clear-tuning">
        Clear tuning cache
      </button>
      {cleared ? <span role="status"> {cleared}</span> : null}
    </div>
  );
}
