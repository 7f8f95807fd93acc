import type { KernelTiming } from '../../store/trainingStore';
import type { AdapterKernels } from '../../train/adapterKernels';
import { formatNumber } from './chartData';
import { kernelRows } from './kernelShare';

const rate = (v: number | null) => (v === null ? 'not counted' : formatNumber(v));

/** The kernels that take the most GPU time (timestamp queries), with their share of the adapter's peak, or why there are none. */
export function KernelTable({
  kernels,
  timing,
  adapter,
}: {
  kernels: KernelTiming[] | null;
  timing: boolean | null;
  adapter?: AdapterKernels | null;
}) {
  if (!kernels || kernels.length === 0) {
    return (
      <p className="help" data-testid="kernels-unavailable">
        Per-kernel GPU time: not available
        {timing === false ? ' (this adapter has no timestamp-query)' : ' (the worker has not reported kernel timings)'}.
      </p>
    );
  }
  const peak = adapter?.peak ?? null;
  return (
    // Its columns are wider than a phone: it scrolls inside its wrapper, never the page.
    <div className="table-wrap">
      <table className="table" data-testid="kernels-table">
        <caption>
          Top kernels by GPU time
          {peak
            ? `; share of the probed peak (${formatNumber(peak.gflops)} GFLOP/s FMA, ${formatNumber(peak.gbps)} GB/s copy)`
            : '; share of peak: not available (no peak probe)'}
        </caption>
        <thead>
          <tr>
            <th scope="col">kernel</th>
            <th scope="col">ms</th>
            <th scope="col">time</th>
            <th scope="col">calls</th>
            <th scope="col">GFLOP/s</th>
            <th scope="col">GB/s</th>
            <th scope="col">of peak</th>
          </tr>
        </thead>
        <tbody>
          {kernelRows(kernels, peak).map((k) => (
            <tr key={k.name}>
              <td>
                <code>{k.name}</code>
              </td>
              <td>{formatNumber(k.ms)}</td>
              <td>{formatNumber(k.timeShare, '%')}</td>
              <td>{k.calls}</td>
              <td>{rate(k.gflops)}</td>
              <td>{rate(k.gbps)}</td>
              <td>{k.peakShare === null ? '–' : `${formatNumber(k.peakShare, '%')} ${k.bound}`}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
