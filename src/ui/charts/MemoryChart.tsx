import { createContext, memo, useContext, useMemo, useState } from 'react';
import { Area, AreaChart, CartesianGrid, ReferenceLine, Tooltip, useXAxisScale, useYAxisScale, XAxis, YAxis } from 'recharts';
import type { MetricName, MetricsBuffer } from '../../io/metrics';
import { ChartLegend } from './ChartLegend';
import { alignedRows, formatNumber, hasValues, peakOf, pointBudget } from './chartData';
import { stackedAreaPaths } from './linePath';
import { PALETTE, stepLabel, TICK } from './MetricChart';
import { linearAxis, runStepAxis, sameAxis } from './ticks';
import { useInspecting } from './useInspecting';
import { useStaggered } from './useStaggered';
import { useSteady } from './useSteady';
import { useVisible } from './useVisible';
import { useWidth } from './useWidth';

/** Category label and its columns: in use between steps, and the split at the moment of the peak. */
const CATEGORIES: { label: string; between: MetricName; atPeak: MetricName; colour: string }[] = [
  { label: 'weights', between: 'memWeights', atPeak: 'memPeakWeights', colour: PALETTE[0] },
  { label: 'gradients', between: 'memGradients', atPeak: 'memPeakGradients', colour: PALETTE[1] },
  { label: 'optimizer', between: 'memOptimizer', atPeak: 'memPeakOptimizer', colour: PALETTE[2] },
  { label: 'activations', between: 'memActivations', atPeak: 'memPeakActivations', colour: PALETTE[3] },
  { label: 'scratch', between: 'memScratch', atPeak: 'memPeakScratch', colour: PALETTE[4] },
];
export type MemoryView = 'atPeak' | 'between';
const MARGIN = { top: 14, right: 16, bottom: 0, left: 0 };
const bytes = (v: number) => formatNumber(v, 'bytes');
const PEAK = '#D55E00';

/** The rows and the categories drawn (a context, so a refresh skips recharts' components). */
const RowsContext = createContext<{ rows: Record<string, number>[]; keys: MetricName[]; colours: string[] }>({
  rows: [],
  keys: [],
  colours: [],
});

/** The stacked areas drawn with the chart's scales (see SeriesPaths for why not recharts' <Area>). */
function StackedAreas() {
  const { rows, keys, colours } = useContext(RowsContext);
  const x = useXAxisScale();
  const y = useYAxisScale();
  if (!x || !y) return null;
  return (
    <g className="series-areas">
      {stackedAreaPaths(rows, 'step', keys, x, y).map((d, i) => (
        <path key={keys[i]} className="series-area" d={d} fill={colours[i]} fillOpacity={0.55} stroke={colours[i]} />
      ))}
    </g>
  );
}

/**
 * GPU memory in use by category (the engine's buffer pool), stacked, with the peak marked.
 * Lean while metrics stream in, like MetricChart: given axes, own paths, HTML legend; recharts'
 * Areas and Tooltip while the user inspects the chart.
 */
export const MemoryChart = memo(function MemoryChart({
  buffer,
  version: latestVersion,
  height = 170,
  stagger = 0,
  xMax,
}: {
  buffer: MetricsBuffer;
  version: number;
  height?: number;
  stagger?: number;
  xMax?: number;
}) {
  const [ref, width] = useWidth<HTMLDivElement>();
  const visible = useVisible(ref);
  const version = useStaggered(latestVersion, stagger, visible);
  const { inspecting, handlers } = useInspecting();
  const [chosen, setView] = useState<MemoryView>('atPeak');
  // biome-ignore lint/correctness/useExhaustiveDependencies: version: the buffer is mutated outside React, and the version says when it grew
  const shaped = useMemo(() => {
    // Runs from before the peak split was logged (older bundles) only have the between-steps view.
    const hasPeakSplit = CATEGORIES.some((c) => hasValues(buffer, c.atPeak));
    const view: MemoryView = chosen === 'atPeak' && !hasPeakSplit ? 'between' : chosen;
    const present = CATEGORIES.filter((c) => hasValues(buffer, c[view])).map((c) => ({ ...c, key: c[view] }));
    const rows = alignedRows(
      buffer,
      present.map((c) => c.key),
      pointBudget(width - 60),
    );
    const peak = peakOf(buffer, 'memPeak');
    let top = peak?.value ?? 0;
    for (const r of rows)
      top = Math.max(
        top,
        present.reduce((sum, c) => sum + r[c.key], 0),
      );
    const first = rows.length > 0 ? rows[0].step : 0;
    const last = rows.length > 0 ? rows[rows.length - 1].step : 1;
    const x = runStepAxis(first, last, xMax);
    return { rows, peak, present, x, y: linearAxis(0, top, 5, 1024), view, hasPeakSplit };
  }, [buffer, version, width, xMax, chosen]);
  const { rows, peak, present } = shaped;
  const x = useSteady(shaped.x, sameAxis);
  const y = useSteady(shaped.y, sameAxis);
  const drawn = useMemo(() => ({ rows, keys: present.map((c) => c.key), colours: present.map((c) => c.colour) }), [rows, present]);
  const peakValue = peak?.value ?? null;
  const peakStep = peak?.step ?? null;
  const legend = useMemo(
    () => [...present.map((c) => ({ label: c.label, colour: c.colour })), ...(peak ? [{ label: 'peak', colour: PEAK, dashed: true }] : [])],
    [present, peak],
  );
  // As in MetricChart: the chart element changes with its axes, size, peak or mode only; a
  // refresh reaches StackedAreas through RowsContext.
  // biome-ignore lint/correctness/useExhaustiveDependencies: rows change on every refresh, and only matter while inspecting
  const chart = useMemo(
    () =>
      width > 0 ? (
        <AreaChart width={width} height={height} data={inspecting ? rows : undefined} margin={MARGIN}>
          <CartesianGrid stroke="#e6e8eb" />
          <XAxis dataKey="step" type="number" domain={x.domain} ticks={x.ticks} allowDataOverflow tick={TICK} interval={0} />
          <YAxis
            type="number"
            width={70}
            tick={TICK}
            interval={0}
            ticks={y.ticks}
            domain={y.domain}
            allowDataOverflow
            tickFormatter={bytes}
          />
          {inspecting && <Tooltip isAnimationActive={false} formatter={(v) => bytes(Number(v))} labelFormatter={stepLabel} />}
          {inspecting ? (
            present.map((c) => (
              <Area
                key={c.key}
                dataKey={c.key}
                name={c.label}
                stackId="mem"
                stroke={c.colour}
                fill={c.colour}
                fillOpacity={0.55}
                isAnimationActive={false}
              />
            ))
          ) : (
            <StackedAreas />
          )}
          {peakValue !== null && (
            <ReferenceLine
              y={peakValue}
              stroke={PEAK}
              strokeDasharray="4 3"
              label={{ value: `peak ${bytes(peakValue)} (step ${peakStep})`, position: 'insideTopRight', fontSize: 11, fill: '#8a2b00' }}
            />
          )}
        </AreaChart>
      ) : null,
    [width, height, x, y, peakValue, peakStep, present.length, shaped.view, inspecting, inspecting ? rows : null],
  );
  // One element carries the ref whatever is shown: its width and visibility are watched from the
  // first render, and a chart that gets its first figures must not lose them (an empty box that was
  // swapped for the chart left the observers on a detached element, and the chart never refreshed).
  return (
    <div ref={ref} className="metric-chart-frame">
      {present.length === 0 ? (
        <p className="empty" style={{ height }}>
          No memory figures yet (the worker reports the buffer pool by category with every step).
        </p>
      ) : (
        <>
          {shaped.hasPeakSplit && (
            <label className="inline chart-option">
              Stack{' '}
              <select
                value={shaped.view}
                onChange={(e) => setView(e.currentTarget.value as MemoryView)}
                aria-label="Memory by category: which moment"
              >
                <option value="atPeak">at the peak (mid-step)</option>
                <option value="between">between steps</option>
              </select>
            </label>
          )}
          <div className="metric-chart" data-view={shaped.view} {...handlers}>
            {chart && (
              <>
                <RowsContext.Provider value={drawn}>{chart}</RowsContext.Provider>
                <ChartLegend items={legend} />
              </>
            )}
          </div>
        </>
      )}
    </div>
  );
});
