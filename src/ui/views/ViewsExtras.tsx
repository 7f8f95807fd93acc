import { useMemo, useState } from 'react';
import { CartesianGrid, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import type { Task } from '../../config';
import { formatNumber } from '../charts/chartData';
import { logAxisOf, stepAxis } from '../charts/ticks';
import { useWidth } from '../charts/useWidth';
import { pixelTokensToRgba } from '../../data/render';
import { cssColour, VIRIDIS_LUT } from './colormap';
import { ImageCanvas } from './ImageCanvas';
import { overlayImage, tokenLabels } from './inputs';
import type { Matrix } from '../../model/views';

/** ‖I − K2·Z‖ per Newton–Schulz-style iteration, on a log scale. */
export function ResidualChart({ residual }: { residual: number[] }) {
  const [ref, width] = useWidth<HTMLDivElement>();
  const data = residual.map((y, x) => ({ x, y })).filter((p) => p.y > 0 && Number.isFinite(p.y));
  // Our own axes (ticks.ts): recharts' 'auto' log ticks repeated one label when the residual barely moved.
  const y = logAxisOf(residual);
  const x = data.length > 0 ? stepAxis(data[0].x, data[data.length - 1].x) : null;
  return (
    <div ref={ref} className="metric-chart" data-testid="pinv-residual">
      {width > 0 && x && y && (
        <LineChart width={Math.min(width, 360)} height={140} data={data} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid stroke="#e6e8eb" />
          <XAxis
            dataKey="x"
            type="number"
            domain={x.domain}
            ticks={x.ticks}
            interval={0}
            tick={{ fontSize: 11 }}
            label={{ value: 'iteration', position: 'insideBottomRight', fontSize: 11, offset: -2 }}
          />
          <YAxis
            dataKey="y"
            scale="log"
            domain={y.domain}
            ticks={y.ticks}
            interval={0}
            width={56}
            tick={{ fontSize: 11 }}
            tickFormatter={(v: number) => formatNumber(v)}
          />
          <Tooltip isAnimationActive={false} formatter={(v) => formatNumber(Number(v))} labelFormatter={(l) => `iteration ${l}`} />
          <Line dataKey="y" name="residual" stroke="#0072B2" dot isAnimationActive={false} />
        </LineChart>
      )}
      {data.length === 0 && <p className="help">No positive residuals to draw.</p>}
    </div>
  );
}

/** Nyströmformer's landmarks: landmark j is the mean of the j-th of m equal segments of the sequence. */
export function SegmentStrip({ n, m }: { n: number; m: number }) {
  const seg = n / m;
  const w = 600;
  return (
    <svg
      className="segment-strip"
      viewBox={`0 0 ${w} 30`}
      width="100%"
      height={30}
      role="img"
      aria-label={`${m} landmarks, each the mean of ${seg} consecutive tokens`}
      data-testid="landmark-segments"
    >
      {Array.from({ length: m }, (_, j) => (
        <rect
          key={j}
          x={(j * w) / m}
          y={4}
          width={w / m}
          height={16}
          fill={cssColour(j % 2, 0, 1.6)}
          stroke="#fff"
          strokeWidth={m > 64 ? 0 : 0.5}
        >
          <title>
            landmark {j}: tokens {j * seg}–{(j + 1) * seg - 1}
          </title>
        </rect>
      ))}
      <text x={0} y={29} fontSize={9}>
        token 0
      </text>
      <text x={w} y={29} fontSize={9} textAnchor="end">
        token {n - 1}
      </text>
    </svg>
  );
}

/** Each landmark's or proxy's attention over the input (its K3 row): images for image tasks, a token strip otherwise. */
export function K3OverInput({ task, kernel3, tokens, imageSide }: { task: Task; kernel3: Matrix; tokens: Int32Array; imageSide?: number }) {
  const [showAll, setShowAll] = useState(false);
  const [proxy, setProxy] = useState(0);
  const m = kernel3.rows;
  const n = kernel3.cols;
  const row = (j: number) => kernel3.data.subarray(j * n, (j + 1) * n);
  if (imageSide !== undefined && (task === 'image' || task === 'pathfinder')) {
    const shown = showAll ? m : Math.min(m, 24);
    const plain = new Int32Array(imageSide * imageSide);
    plain.set(tokens.subarray(0, imageSide * imageSide));
    return (
      <div>
        <OverlayLegend
          low="low weight"
          high="high weight"
          note="each overlay from its own minimum to its maximum, blended over the grey input (more opaque where higher)"
        />
        <div className="overlay-grid" data-testid="k3-images">
          <figure className="overlay overlay-input">
            <ImageCanvas image={pixelTokensToRgba(plain, imageSide, imageSide)} size={72} label="the input alone" testId="k3-input" />
            <figcaption>input</figcaption>
          </figure>
          {Array.from({ length: shown }, (_, j) => (
            <figure key={j} className="overlay">
              <ImageCanvas image={overlayImage(tokens, imageSide, row(j))} size={72} label={`landmark or proxy ${j} over the input`} />
              <figcaption>{j}</figcaption>
            </figure>
          ))}
        </div>
        {m > 24 && (
          <button type="button" className="small" onClick={() => setShowAll(!showAll)}>
            {showAll ? 'Show 24' : `Show all ${m}`}
          </button>
        )}
      </div>
    );
  }
  return <TokenStrip task={task} weights={row(Math.min(proxy, m - 1))} tokens={tokens} n={n} m={m} proxy={proxy} setProxy={setProxy} />;
}

function TokenStrip({
  task,
  weights,
  tokens,
  n,
  m,
  proxy,
  setProxy,
}: {
  task: Task;
  weights: Float32Array;
  tokens: Int32Array;
  n: number;
  m: number;
  proxy: number;
  setProxy(j: number): void;
}) {
  const limit = Math.min(n, 1024);
  const labels = useMemo(() => tokenLabels(task, tokens, limit), [task, tokens, limit]);
  let max = 0;
  for (let i = 0; i < limit; i++) max = Math.max(max, weights[i]);
  return (
    <div>
      <label className="inline">
        Landmark / proxy{' '}
        <input
          type="number"
          min={0}
          max={m - 1}
          value={proxy}
          onChange={(e) => setProxy(Math.max(0, Math.min(m - 1, Math.floor(Number(e.currentTarget.value) || 0))))}
        />
      </label>
      <OverlayLegend low="0" high={max.toPrecision(3)} note="this row’s weight behind each token (the largest is the top of the scale)" />
      <p className="token-plain" data-testid="k3-plain" title="the input alone">
        {labels.join(' ')}
      </p>
      <div className="token-strip" data-testid="k3-strip">
        {labels.map((t, i) => {
          const w = weights[i];
          return (
            <span
              key={i}
              style={{ background: cssColour(w, 0, max), color: w > 0.6 * max ? '#000' : '#fff' }}
              title={`token ${i} ${t}: ${w.toPrecision(3)}`}
            >
              {t}
            </span>
          );
        })}
      </div>
      {n > limit && (
        <p className="help">
          Showing the first {limit} of {n} tokens.
        </p>
      )}
    </div>
  );
}

/** The colour key of an overlay: viridis from `low` to `high`, and how the weights were scaled. */
function OverlayLegend({ low, high, note }: { low: string; high: string; note: string }) {
  const stops = [0, 64, 128, 192, 255].map(
    (i) => `rgb(${VIRIDIS_LUT[3 * i]},${VIRIDIS_LUT[3 * i + 1]},${VIRIDIS_LUT[3 * i + 2]}) ${((100 * i) / 255).toFixed(0)}%`,
  );
  return (
    <div className="overlay-legend" data-testid="overlay-legend">
      <span>{low}</span>
      <span className="overlay-legend-bar" style={{ background: `linear-gradient(to right, ${stops.join(', ')})` }} />
      <span>{high}</span> <span className="muted">{note}</span>
    </div>
  );
}
