import { memo, useMemo } from 'react';
import { CartesianGrid, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import type { MetricName, MetricsBuffer } from '../../io/metrics';
import { ChartLegend } from './ChartLegend';
import { formatNumber, pointBudget, shapeSeries } from './chartData';
import { SeriesContext, SeriesPaths, SPARSE } from './SeriesPaths';
import { extent, linearAxis, logAxis, runStepAxis, sameAxis, type Axis } from './ticks';
import { useInspecting } from './useInspecting';
import { useSteady } from './useSteady';
import { useStaggered } from './useStaggered';
import { useVisible } from './useVisible';
import { useWidth } from './useWidth';

export interface SeriesSpec {
  buffer: MetricsBuffer;
  metric: MetricName;
  label: string;
  colour: string;
}

/** Colour-blind-safe categorical colours (Okabe & Ito). */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];

interface Props {
  series: SeriesSpec[];
  /** Re-shape when this changes (the store's metrics version). */
  version: number;
  smoothing: number;
  log: boolean;
  height?: number;
  unit?: '' | 'bytes' | '%';
  /** Refresh this long after the others' (ms), so the panel's charts re-render in different frames. */
  stagger?: number;
  /** The run's last step, when known: the step axis spans [0, xMax] and holds still while the run fills it. */
  xMax?: number;
}

// Props recharts copies into its store stay the same objects between renders: a new object
// would count as a change and cost a store update and a synchronous re-render.
export const TICK = { fontSize: 11 };
// Room on the right for half of the last step label (400 was clipped with 8).
const MARGIN = { top: 4, right: 16, bottom: 0, left: 0 };
const FORMAT = {
  '': (v: number) => formatNumber(v),
  bytes: (v: number) => formatNumber(v, 'bytes'),
  '%': (v: number) => formatNumber(v, '%'),
};
export const stepLabel = (l: unknown) => `step ${String(l)}`;

/** Fixed axis of a fraction shown as a percentage. */
const PERCENT: Axis = { domain: [0, 1], ticks: [0, 0.25, 0.5, 0.75, 1] };

/**
 * Lines of metrics against the step: raw (faint when smoothed) and smoothed, ≤ 2 points per
 * pixel, no animation. What the chart does while metrics stream in is kept lean, because
 * recharts re-renders its store's subscribers synchronously on every data change (a main-thread
 * long task on a slow machine): the axes' domains and ticks are computed here (ticks.ts), the
 * lines are paths drawn with the chart's scales (SeriesPaths) and the legend is plain HTML
 * (ChartLegend). While the pointer or focus is on the chart, recharts' own Lines and Tooltip
 * take over, so hovering shows the values.
 */
export const MetricChart = memo(function MetricChart({
  series,
  version: latestVersion,
  smoothing,
  log,
  height = 170,
  unit = '',
  stagger = 0,
  xMax,
}: Props) {
  const [ref, width] = useWidth<HTMLDivElement>();
  const visible = useVisible(ref);
  const version = useStaggered(latestVersion, stagger, visible);
  const { inspecting, handlers } = useInspecting();
  // biome-ignore lint/correctness/useExhaustiveDependencies: version: the buffer is mutated outside React, and the version says when it grew
  const shaped = useMemo(
    () => series.map((s) => ({ ...s, data: shapeSeries(s.buffer, s.metric, { maxPoints: pointBudget(width - 60), smoothing, log }) })),
    [series, version, width, smoothing, log],
  );
  const axes = useMemo(() => {
    const e = extent(shaped.flatMap((s) => [s.data.raw, s.data.smooth]));
    if (e === null) return null;
    const y = log ? logAxis(e.y[0], e.y[1]) : unit === '%' ? PERCENT : linearAxis(e.y[0], e.y[1], 5);
    return { x: runStepAxis(e.x[0], e.x[1], xMax), y };
  }, [shaped, log, unit, xMax]);
  const xAxis = useSteady(axes?.x ?? null, sameAxis);
  const yAxis = useSteady(axes?.y ?? null, sameAxis);
  const legend = useMemo(() => series.map((s) => ({ label: s.label, colour: s.colour })), [series]);
  const hidden = shaped.reduce((a, s) => a + s.data.hiddenNonPositive, 0);
  // The chart element is rebuilt only when its axes, size or mode change; a metrics refresh
  // reaches SeriesPaths through SeriesContext alone, so recharts' own components (and store)
  // sit still while the worker streams metrics. While inspecting, recharts' Lines get the data.
  // biome-ignore lint/correctness/useExhaustiveDependencies: shaped changes on every refresh, and only matters while inspecting
  const chart = useMemo(
    () =>
      width > 0 && xAxis && yAxis ? (
        <LineChart width={width} height={height} margin={MARGIN}>
          <CartesianGrid stroke="#e6e8eb" />
          <XAxis
            dataKey="x"
            type="number"
            domain={xAxis.domain}
            ticks={xAxis.ticks}
            allowDataOverflow
            allowDuplicatedCategory={false}
            tick={TICK}
            interval={0}
          />
          <YAxis
            type="number"
            scale={log ? 'log' : 'linear'}
            domain={yAxis.domain}
            ticks={yAxis.ticks}
            allowDataOverflow
            width={52}
            tick={TICK}
            interval={0}
            tickFormatter={FORMAT[unit]}
          />
          {inspecting && <Tooltip isAnimationActive={false} formatter={(v) => FORMAT[unit](Number(v))} labelFormatter={stepLabel} />}
          {!inspecting && <SeriesPaths />}
          {inspecting &&
            shaped.map((s) => [
              <Line
                key={`${s.label}-raw`}
                data={s.data.raw}
                dataKey="y"
                name={s.data.smoothed ? `${s.label} (raw)` : s.label}
                stroke={s.colour}
                strokeOpacity={s.data.smoothed ? 0.3 : 1}
                dot={s.data.raw.length <= SPARSE ? { r: 2.5, fill: s.colour, strokeOpacity: 1 } : false}
                isAnimationActive={false}
                strokeWidth={1.2}
              />,
              s.data.smoothed ? (
                <Line
                  key={`${s.label}-smooth`}
                  data={s.data.smooth}
                  dataKey="y"
                  name={s.label}
                  stroke={s.colour}
                  dot={false}
                  isAnimationActive={false}
                  strokeWidth={1.6}
                />
              ) : null,
            ])}
        </LineChart>
      ) : null,
    [width, height, xAxis, yAxis, log, unit, inspecting, inspecting ? shaped : null],
  );
  return (
    <div ref={ref} className="metric-chart" data-empty={axes === null} {...handlers}>
      {axes === null ? (
        <p className="empty" style={{ height }}>
          No data yet.
        </p>
      ) : (
        chart && (
          <>
            <SeriesContext.Provider value={shaped}>{chart}</SeriesContext.Provider>
            <ChartLegend items={legend} />
          </>
        )
      )}
      {hidden > 0 && <p className="help">{hidden} points ≤ 0 are not drawn on the log scale.</p>}
    </div>
  );
});
