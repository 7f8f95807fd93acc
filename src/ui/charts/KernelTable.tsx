import type { KernelTiming } from '../../store/trainingStore';
import { formatNumber } from './chartData';

/** The kernels that take the most GPU time (timestamp queries), or why there are none. */
export function KernelTable({ kernels, timing }: { kernels: KernelTiming[] | null; timing: boolean | null }) {
  if (!kernels || kernels.length === 0) {
    return (
      <p className="help" data-testid="kernels-unavailable">
        Per-kernel GPU time: not available
        {timing === false ? ' (this adapter has no timestamp-query)' : ' (the worker has not reported kernel timings)'}.
      </p>
    );
  }
  const total = kernels.reduce((a, k) => a + k.ms, 0);
  return (
    <table className="table">
      <caption>Top kernels by GPU time</caption>
      <thead>
        <tr>
          <th scope="col">kernel</th>
          <th scope="col">ms</th>
          <th scope="col">share</th>
          <th scope="col">calls</th>
        </tr>
      </thead>
      <tbody>
        {kernels.slice(0, 10).map((k) => (
          <tr key={k.name}>
            <td>
              <code>{k.name}</code>
            </td>
            <td>{formatNumber(k.ms)}</td>
            <td>{formatNumber(k.ms / total, '%')}</td>
            <td>{k.calls}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
