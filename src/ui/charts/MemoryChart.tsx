import { createContext, memo, useContext, useMemo, useState } from 'react';
import { Area, AreaChart, CartesianGrid, ReferenceLine, Tooltip, useXAxisScale, useYAxisScale, XAxis, YAxis } from 'recharts';
import type { MetricName, MetricsBuffer } from '../../train/metrics';
import { ChartLegend } from './ChartLegend';
import { alignedRows, formatNumber, hasValues, peakOf, pointBudget } from './chartData';
import { stackedAreaPaths } from './linePath';
import { PALETTE } from './MetricChart';
import { linearAxis, sameAxis, stepAxis } from './ticks';
import { useStaggered } from './useStaggered';
import { useSteady } from './useSteady';
import { useVisible } from './useVisible';
import { useWidth } from './useWidth';

const CATEGORIES: [MetricName, string][] = [
  ['memWeights', 'weights'], ['memGradients', 'gradients'], ['memOptimizer', 'optimizer'], ['memActivations', 'activations'], ['memScratch', 'scratch'],
];
const TICK = { fontSize: 11 };
const MARGIN = { top: 14, right: 16, bottom: 0, left: 0 };
const bytes = (v: number) => formatNumber(v, 'bytes');
const stepLabel = (l: unknown) => `step ${String(l)}`;
const PEAK = '#D55E00';

/** The rows and the categories drawn (a context, so a refresh skips recharts' components). */
const RowsContext = createContext<{ rows: Record<string, number>[]; keys: MetricName[] }>({ rows: [], keys: [] });

/** The stacked areas drawn with the chart's scales (see SeriesPaths for why not recharts' <Area>). */
function StackedAreas() {
  const { rows, keys } = useContext(RowsContext);
  const x = useXAxisScale();
  const y = useYAxisScale();
  if (!x || !y) return null;
  return (
    <g className="series-areas">
      {stackedAreaPaths(rows, 'step', keys, x, y).map((d, i) => (
        <path key={keys[i]} className="series-area" d={d} fill={PALETTE[i]} fillOpacity={0.55} stroke={PALETTE[i]} />
      ))}
    </g>
  );
}

/**
 * GPU memory in use by category (the engine's buffer pool), stacked, with the peak marked.
 * Lean while metrics stream in, like MetricChart: given axes, own paths, HTML legend; recharts'
 * Areas and Tooltip while the user inspects the chart.
 */
export const MemoryChart = memo(function MemoryChart({ buffer, version: latestVersion, height = 170, stagger = 0, xMax }: { buffer: MetricsBuffer; version: number; height?: number; stagger?: number; xMax?: number }) {
  const [ref, width] = useWidth<HTMLDivElement>();
  const visible = useVisible(ref);
  const version = useStaggered(latestVersion, stagger, visible);
  const [inspecting, setInspecting] = useState(false);
  const shaped = useMemo(() => {
    const present = CATEGORIES.filter(([c]) => hasValues(buffer, c));
    const rows = alignedRows(buffer, present.map(([c]) => c), pointBudget(width - 60));
    const peak = peakOf(buffer, 'memPeak');
    let top = peak?.value ?? 0;
    for (const r of rows) top = Math.max(top, present.reduce((sum, [c]) => sum + r[c], 0));
    const first = rows.length > 0 ? rows[0].step : 0;
    const last = rows.length > 0 ? rows[rows.length - 1].step : 1;
    const x = xMax !== undefined && xMax >= last && first >= 0 ? stepAxis(0, xMax) : stepAxis(first, last);
    return { rows, peak, present, x, y: linearAxis(0, top, 5, 1024) };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [buffer, version, width, xMax]);
  const { rows, peak, present } = shaped;
  const x = useSteady(shaped.x, sameAxis);
  const y = useSteady(shaped.y, sameAxis);
  const drawn = useMemo(() => ({ rows, keys: present.map(([c]) => c) }), [rows, present]);
  const peakValue = peak?.value ?? null;
  const peakStep = peak?.step ?? null;
  const legend = useMemo(() => [
    ...present.map(([, label], i) => ({ label, colour: PALETTE[i] })),
    ...(peak ? [{ label: 'peak', colour: PEAK, dashed: true }] : []),
  ], [present, peak]);
  // As in MetricChart: the chart element changes with its axes, size, peak or mode only; a
  // refresh reaches StackedAreas through RowsContext.
  const chart = useMemo(() => (width > 0 ? (
    <AreaChart width={width} height={height} data={inspecting ? rows : undefined} margin={MARGIN}>
      <CartesianGrid stroke="#e6e8eb" />
      <XAxis dataKey="step" type="number" domain={x.domain} ticks={x.ticks} allowDataOverflow tick={TICK} interval={0} />
      <YAxis type="number" width={70} tick={TICK} interval={0} ticks={y.ticks} domain={y.domain} allowDataOverflow tickFormatter={bytes} />
      {inspecting && <Tooltip isAnimationActive={false} formatter={(v) => bytes(Number(v))} labelFormatter={stepLabel} />}
      {inspecting
        ? present.map(([c, label], i) => <Area key={c} dataKey={c} name={label} stackId="mem" stroke={PALETTE[i]} fill={PALETTE[i]} fillOpacity={0.55} isAnimationActive={false} />)
        : <StackedAreas />}
      {peakValue !== null && <ReferenceLine y={peakValue} stroke={PEAK} strokeDasharray="4 3" label={{ value: `peak ${bytes(peakValue)} (step ${peakStep})`, position: 'insideTopRight', fontSize: 11, fill: '#8a2b00' }} />}
    </AreaChart>
  ) : null),
  // eslint-disable-next-line react-hooks/exhaustive-deps
  [width, height, x, y, peakValue, peakStep, present.length, inspecting, inspecting ? rows : null]);
  if (present.length === 0) return <div ref={ref}><p className="empty" style={{ height }}>No memory figures yet (the worker reports the buffer pool by category).</p></div>;
  return (
    <div ref={ref} className="metric-chart" onPointerEnter={() => setInspecting(true)} onPointerLeave={() => setInspecting(false)} onFocus={() => setInspecting(true)} onBlur={() => setInspecting(false)}>
      {chart && (
        <>
          <RowsContext.Provider value={drawn}>{chart}</RowsContext.Provider>
          <ChartLegend items={legend} />
        </>
      )}
    </div>
  );
});
