/**
 * The "Scaling" view: runs the benchmark sweep (src/bench) on the user's GPU in this page — the
 * awaits between steps keep the page responsive — with progress, then draws training
 * throughput and memory per sequence against length on log axes, one line per variant (every
 * value of the schema's attention key; the user can leave some out), with
 * the paper's Proxyformer point (3.8× softmax's throughput, 0.08× its memory at n = 4096)
 * marked from our own softmax figure, the target lines and the peers' ratios.
 */
import { useMemo, useRef, useState } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ReferenceDot, Tooltip, XAxis, YAxis } from 'recharts';
import { runBrowserBench, type BenchEvent, type BrowserBenchOptions } from '../../bench/browser';
import { toMarkdown } from '../../bench/report';
import { SweepCancelled, VARIANTS, VARIANT_NAMES, type Row, type SweepResult, type Variant } from '../../bench/sweep';
import { formatDuration, remainingMs } from '../../train/eta';
import { formatNumber } from '../charts/chartData';
import { logAxisOf } from '../charts/ticks';
import { useWidth } from '../charts/useWidth';
import { downloadText } from '../download';
import { COLORS } from './colors';
import { CommittedMemoryTable } from './CommittedMemoryTable';
import { chartRows, paperMark, parseLengths, type ChartRow, type PaperMark } from './scalingData';

export interface ScalingViewProps {
  /** The benchmark runner (tests may pass a fake). */
  run?: (opts: BrowserBenchOptions, onEvent: (e: BenchEvent) => void) => Promise<SweepResult>;
}

function ScalingChart({ title, rows, unit, mark }: { title: string; rows: ChartRow[]; unit: '' | 'bytes'; mark: PaperMark | null }) {
  const [ref, width] = useWidth<HTMLDivElement>();
  // Our own log axis (ticks.ts) over the values and the paper's mark: recharts' 'auto' one
  // repeated a label when the variants lay within a few percent of each other.
  const y = useMemo(() => logAxisOf([...rows.flatMap((r) => VARIANTS.map((v) => r[v])), mark?.value]), [rows, mark]);
  return (
    <figure ref={ref} className="metric-chart" aria-label={title}>
      <figcaption>{title}</figcaption>
      {width > 0 && rows.length > 0 && y && (
        <LineChart width={width} height={220} data={rows} margin={{ top: 14, right: 12, bottom: 4, left: 0 }}>
          <CartesianGrid stroke="#e6e8eb" />
          <XAxis
            dataKey="n"
            type="number"
            scale="log"
            domain={['dataMin', 'dataMax']}
            ticks={rows.map((r) => r.n)}
            tick={{ fontSize: 11 }}
            height={36}
            label={{ value: 'sequence length n', position: 'insideBottom', offset: 0, fontSize: 11 }}
          />
          <YAxis
            type="number"
            scale="log"
            domain={y.domain}
            ticks={y.ticks}
            interval={0}
            width={64}
            tick={{ fontSize: 11 }}
            tickFormatter={(v: number) => formatNumber(v, unit)}
            allowDataOverflow
          />
          <Tooltip isAnimationActive={false} formatter={(v) => formatNumber(Number(v), unit)} labelFormatter={(l) => `n = ${l}`} />
          <Legend wrapperStyle={{ fontSize: 11 }} />
          {VARIANTS.map((v) => (
            <Line
              key={v}
              dataKey={v}
              name={VARIANT_NAMES[v]}
              stroke={COLORS[v]}
              strokeDasharray={v.endsWith('-fused') ? '6 3' : undefined}
              dot
              isAnimationActive={false}
              connectNulls
            />
          ))}
          {mark && (
            <ReferenceDot
              x={mark.n}
              y={mark.value}
              r={5}
              ifOverflow="extendDomain"
              fill="none"
              stroke="#000"
              strokeDasharray="3 2"
              label={{ value: mark.label, position: 'left', fontSize: 11 }}
            />
          )}
        </LineChart>
      )}
    </figure>
  );
}

interface Charts {
  throughput: ChartRow[];
  memory: ChartRow[];
  inference: ChartRow[];
  throughputMark: PaperMark | null;
  memoryMark: PaperMark | null;
}

/** Throughput and memory against length (training), and inference throughput. */
function ScalingCharts({ charts }: { charts: Charts }) {
  return (
    <>
      <ScalingChart title="Training throughput (sequences/s)" rows={charts.throughput} unit="" mark={charts.throughputMark} />
      <ScalingChart title="Training peak memory per sequence" rows={charts.memory} unit="bytes" mark={charts.memoryMark} />
      <ScalingChart title="Inference throughput (sequences/s)" rows={charts.inference} unit="" mark={null} />
    </>
  );
}

/** The Scaling view (mounted by the playground page). */
export function ScalingView({ run = runBrowserBench }: ScalingViewProps) {
  const [lengthsText, setLengthsText] = useState('256, 512, 1024, 2048, 4096');
  const [batch, setBatch] = useState(8);
  const [repeats, setRepeats] = useState(3);
  const [peers, setPeers] = useState<{ tfjs: boolean; ort: boolean }>({ tfjs: false, ort: false });
  const [variants, setVariants] = useState<readonly Variant[]>(VARIANTS);
  const [running, setRunning] = useState(false);
  const [progress, setProgress] = useState<{ done: number; total: number; text: string; etaMs: number }>({
    done: 0,
    total: 0,
    text: '',
    etaMs: NaN,
  });
  const [result, setResult] = useState<SweepResult | null>(null);
  // The rows measured so far: drawn while the sweep runs, and kept when it is cancelled.
  const [partial, setPartial] = useState<Row[]>([]);
  const [cancelled, setCancelled] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const abort = useRef<AbortController | null>(null);
  const lengths = parseLengths(lengthsText);
  const batchOk = Number.isInteger(batch) && batch >= 1;
  const repeatsOk = Number.isInteger(repeats) && repeats >= 1;

  const start = async () => {
    if (!lengths.ok || !batchOk || !repeatsOk || variants.length === 0) return;
    setRunning(true);
    setError(null);
    setResult(null);
    setPartial([]);
    setCancelled(null);
    const controller = new AbortController();
    abort.current = controller;
    const t0 = performance.now();
    try {
      const opts: BrowserBenchOptions = {
        variants: VARIANTS.filter((v) => variants.includes(v)),
        lengths: lengths.lengths,
        batch,
        warmup: 1,
        repeats,
        shrinkBatch: true,
        peers: [...(peers.tfjs ? ['tfjs' as const] : []), ...(peers.ort ? ['ort' as const] : [])],
        signal: controller.signal,
      };
      const r = await run(opts, (e) => {
        if (e.kind === 'phase') setProgress((p) => ({ ...p, text: e.text }));
        else if (e.kind === 'sweep') {
          const { row } = e.progress;
          if (row) setPartial((rows) => [...rows, row]);
          setProgress({
            done: e.progress.done,
            total: e.progress.total,
            text: `${VARIANT_NAMES[e.progress.variant]}, n = ${e.progress.n}${row ? `: ${row.mode} ${row.status}` : ''}`,
            // Longer sequences cost more than the average so far: an estimate, said to be one.
            etaMs: remainingMs(e.progress.done, e.progress.total, performance.now() - t0),
          });
        } else setProgress((p) => ({ ...p, text: `${e.row.peer}: ${VARIANT_NAMES[e.row.variant]} n = ${e.row.n} ${e.row.status}` }));
      });
      setResult(r);
    } catch (e) {
      if (e instanceof SweepCancelled) setCancelled(`Cancelled after ${e.done} of ${e.total} measurements: the charts show those.`);
      else setError(e instanceof Error ? e.message : String(e));
    } finally {
      abort.current = null;
      setRunning(false);
    }
  };

  const charts = useMemo((): Charts | null => {
    const rows = result?.rows ?? partial;
    if (rows.length === 0) return null;
    return {
      throughput: chartRows(rows, 'train', 'sequencesPerSecond'),
      memory: chartRows(rows, 'train', 'peakBytesPerSequence'),
      inference: chartRows(rows, 'inference', 'sequencesPerSecond'),
      throughputMark: paperMark(rows, 'sequencesPerSecond'),
      memoryMark: paperMark(rows, 'peakBytesPerSequence'),
    };
  }, [result, partial]);

  return (
    <section className="scaling-view" aria-label="Scaling" data-testid="scaling-view">
      <h2>Scaling</h2>
      <p className="muted">
        {VARIANTS.map((v) => VARIANT_NAMES[v]).join(', ')} at the paper preset on this GPU (every projection-based model with 128 landmarks,
        projected keys or features): a full training step (forward, backward, AdamW) and inference, against sequence length. A software
        adapter's figures say nothing about GPU speed. The tfjs peer implements softmax, Nyströmformer and Proxyformer only.
      </p>
      <div className="scaling-controls" style={{ display: 'flex', flexWrap: 'wrap', gap: 8, alignItems: 'center' }}>
        <label>
          lengths{' '}
          <input value={lengthsText} onChange={(e) => setLengthsText(e.target.value)} disabled={running} aria-invalid={!lengths.ok} />
        </label>
        <label>
          batch{' '}
          <input
            type="number"
            min={1}
            value={batch}
            onChange={(e) => setBatch(Number(e.target.value))}
            disabled={running}
            aria-invalid={!batchOk}
          />
        </label>
        <label>
          repeats{' '}
          <input
            type="number"
            min={1}
            value={repeats}
            onChange={(e) => setRepeats(Number(e.target.value))}
            disabled={running}
            aria-invalid={!repeatsOk}
          />
        </label>
        <fieldset
          className="inline"
          data-testid="scaling-variants"
          style={{ border: 0, padding: 0, margin: 0, display: 'flex', flexWrap: 'wrap', gap: 6 }}
        >
          <legend className="sr-only">variants</legend>
          {VARIANTS.map((v) => (
            <label key={v}>
              <input
                type="checkbox"
                checked={variants.includes(v)}
                disabled={running}
                onChange={(e) => setVariants(e.target.checked ? [...variants, v] : variants.filter((x) => x !== v))}
              />{' '}
              {VARIANT_NAMES[v]}
            </label>
          ))}
        </fieldset>
        <label>
          <input type="checkbox" checked={peers.tfjs} onChange={(e) => setPeers({ ...peers, tfjs: e.target.checked })} disabled={running} />{' '}
          tfjs-webgpu peer
        </label>
        <label>
          <input type="checkbox" checked={peers.ort} onChange={(e) => setPeers({ ...peers, ort: e.target.checked })} disabled={running} />{' '}
          onnxruntime-web peer
        </label>
        <button
          type="button"
          onClick={start}
          disabled={running || !lengths.ok || !batchOk || !repeatsOk || variants.length === 0}
          data-testid="scaling-run"
        >
          {running ? 'Running…' : 'Run sweep'}
        </button>
        {running && (
          <button type="button" onClick={() => abort.current?.abort()} data-testid="scaling-cancel">
            Cancel
          </button>
        )}
        {result && (
          <>
            <button type="button" onClick={() => downloadText('bench.json', JSON.stringify(result, null, 2), 'application/json')}>
              JSON
            </button>
            <button type="button" onClick={() => downloadText('bench.md', toMarkdown(result), 'text/markdown')}>
              Markdown
            </button>
          </>
        )}
      </div>
      {!lengths.ok && (
        <p role="alert" className="infer-error">
          {lengths.error}
        </p>
      )}
      {!batchOk && (
        <p role="alert" className="infer-error">
          batch must be an integer ≥ 1
        </p>
      )}
      {variants.length === 0 && (
        <p role="alert" className="infer-error">
          choose at least one variant: {VARIANTS.map((v) => VARIANT_NAMES[v]).join(', ')}
        </p>
      )}
      {!repeatsOk && (
        <p role="alert" className="infer-error">
          repeats must be an integer ≥ 1
        </p>
      )}
      {running && (
        <p data-testid="scaling-progress">
          <progress max={Math.max(1, progress.total)} value={progress.done} /> {progress.done}/{progress.total} {progress.text}{' '}
          <span data-testid="scaling-eta" title="At the average pace so far; longer sequences come last and take longer">
            ETA about {formatDuration(progress.etaMs)}
          </span>
        </p>
      )}
      {cancelled && (
        <p role="status" data-testid="scaling-cancelled">
          {cancelled}
        </p>
      )}
      {error && (
        <p role="alert" className="infer-error">
          {error}
        </p>
      )}
      {!result && charts && (
        <div data-testid="scaling-partial">
          <p className="muted">{running ? 'Measured so far:' : 'Measured before the sweep stopped:'}</p>
          <ScalingCharts charts={charts} />
        </div>
      )}
      {result && charts && (
        <>
          <p className="muted" data-testid="scaling-adapter">
            {result.adapter.label} — {result.adapter.runtime}; batch {result.batch}, median of {result.repeats}
          </p>
          <ScalingCharts charts={charts} />
          <table className="scaling-targets">
            <thead>
              <tr>
                <th>ratio</th>
                <th>n</th>
                <th>measured</th>
                <th>target</th>
              </tr>
            </thead>
            <tbody>
              {result.targets.map((t) => (
                <tr key={t.name}>
                  <td>{t.name}</td>
                  <td>{t.n}</td>
                  <td>{t.measured === null ? '—' : t.measured.toFixed(2)}</td>
                  <td>
                    {t.target}
                    {t.note ? ` (${t.note})` : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {result.peers.length > 0 && (
            <table className="scaling-peers" data-testid="scaling-peers">
              <thead>
                <tr>
                  <th>peer</th>
                  <th>variant</th>
                  <th>mode</th>
                  <th>n</th>
                  <th>peer ms ÷ ours</th>
                </tr>
              </thead>
              <tbody>
                {result.peers.map((p) => (
                  <tr key={`${p.peer}-${p.variant}-${p.n}`}>
                    <td>{p.peer}</td>
                    <td>{VARIANT_NAMES[p.variant]}</td>
                    <td>{p.mode}</td>
                    <td>{p.n}</td>
                    <td>{p.ratioToOurs === undefined ? `${p.status}: ${p.note ?? ''}` : p.ratioToOurs.toFixed(2)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {result.rows.some((r) => r.status !== 'ok' || r.note) && (
            <ul className="muted">
              {result.rows
                .filter((r) => r.status !== 'ok' || r.note)
                .map((r) => (
                  <li key={`${r.variant}-${r.mode}-${r.n}`}>
                    {VARIANT_NAMES[r.variant]} {r.mode} n = {r.n}: {r.note ?? r.status}
                  </li>
                ))}
            </ul>
          )}
        </>
      )}
      <CommittedMemoryTable />
    </section>
  );
}
