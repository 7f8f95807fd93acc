import { useMemo } from 'react';
import { COMMITTED_MEMORY_SOURCE, committedMemory } from './committedMemory';

/** The committed n = 4096 training-memory table (measured once, on the CPU reference's pool accounting). */
export function CommittedMemoryTable() {
  const table = useMemo(() => committedMemory(), []);
  const proxy = table.rows.find((r) => r.variant === 'proxy-fused');
  return (
    <figure className="chart-card" data-testid="committed-memory">
      <figcaption>
        Committed: training memory per sequence at n = {table.n}, batch {table.batch}
      </figcaption>
      <div className="table-wrap">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">variant</th>
              <th scope="col">MiB per sequence</th>
              <th scope="col">× softmax (materialized)</th>
              <th scope="col">× Nyströmformer</th>
            </tr>
          </thead>
          <tbody>
            {table.rows.map((r) => (
              <tr key={r.variant} data-variant={r.variant}>
                <td>{r.name}</td>
                <td>{r.mib.toFixed(1)}</td>
                <td>{r.vsSoftmax.toFixed(3)}</td>
                <td>{r.vsNystrom === null ? '–' : r.vsNystrom.toFixed(3)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="muted">
        Peak bytes of the engine's pool during one training step (forward, backward, AdamW) of the paper preset, from{' '}
        {COMMITTED_MEMORY_SOURCE} ({table.backend}; the pool accounting is the WebGPU pool's and does not depend on speed). "×
        Nyströmformer" compares with Nyströmformer of the same softmax implementation. The paper reports Proxyformer at 0.08× softmax
        {proxy ? `; measured here, Proxyformer (fused) is at ${proxy.vsSoftmax.toFixed(3)}×` : ''}.
      </p>
    </figure>
  );
}
