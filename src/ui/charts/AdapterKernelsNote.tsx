import { useState } from 'react';
import { IndexedDbTuneStore } from '../../engine/webgpu/autotune/idbStore';
import { setSoftwareTuning } from '../../engine/webgpu/autotune/store';
import type { AdapterKernels } from '../../train/adapterKernels';
import { formatNumber } from './chartData';

/**
 * What the engine chose for this adapter and why (docs/kernels.md): the peak probe, how the row
 * kernels reduce, and the matmul kernel and softmax row layout per shape class — tuned now, from
 * the cache, or by the documented rules — with a button that clears the tuning cache.
 */
export function AdapterKernelsNote({ adapter }: { adapter: AdapterKernels | null | undefined }) {
  const [cleared, setCleared] = useState<string | null>(null);
  if (!adapter) return null;
  const software = (on: boolean) => {
    setSoftwareTuning(new IndexedDbTuneStore(), on).then(
      () => setCleared(`Tuning on this software adapter ${on ? 'on' : 'off'}: it applies from the next page load.`),
      (e: Error) => setCleared(`Could not change the setting: ${e.message}`),
    );
  };
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
      <DecisionList title="Matmul kernel per shape class" testId="matmul-choices" decisions={adapter.matmul} />
      <DecisionList title="Softmax row layout per shape class" testId="softmax-choices" decisions={adapter.rows} />
      {adapter.matmul.length + adapter.rows.length === 0 ? (
        <p>Kernels: the documented rules choose {adapter.tuning.startsWith('off') ? '' : 'until the first steps are tuned'}.</p>
      ) : null}
      {adapter.softwareTuning !== null ? (
        <label>
          <input
            type="checkbox"
            defaultChecked={adapter.softwareTuning}
            onChange={(e) => software(e.currentTarget.checked)}
            data-testid="tune-software"
          />{' '}
          Tune on this software adapter too (a minute of CPU on a model's first run)
        </label>
      ) : null}{' '}
      <button type="button" onClick={clear} data-testid="clear-tuning">
        Clear tuning cache
      </button>
      {cleared ? <span role="status"> {cleared}</span> : null}
    </div>
  );
}

/** One list of tuning decisions, folded: each class, its choice, and whether it was tuned now or read from the cache. */
function DecisionList({ title, testId, decisions }: { title: string; testId: string; decisions: AdapterKernels['matmul'] }) {
  if (decisions.length === 0) return null;
  return (
    <details>
      <summary>
        {title} ({decisions.length})
      </summary>
      <ul data-testid={testId}>
        {decisions.map((d) => (
          <li key={d.shapeClass}>
            <code>{d.shapeClass}</code>: {d.choice} ({d.source === 'cache' ? 'tuned earlier on this adapter' : 'tuned now'}
            {d.rejected.length > 0 ? `; failed validation: ${d.rejected.map((r) => r.candidate).join(', ')}` : ''})
          </li>
        ))}
      </ul>
    </details>
  );
}
