import { memo, useMemo } from 'react';
import { CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import type { MetricName, MetricsBuffer } from '../../train/metrics';
import { formatNumber, pointBudget, shapeSeries } from './chartData';
import { useStaggered } from './useStaggered';
import { useVisible } from './useVisible';
import { useWidth } from './useWidth';

export interface SeriesSpec {
  buffer: MetricsBuffer;
  metric: MetricName;
  label: string;
  colour: string;
}

/** Series with at most this many points (validation, every k steps) are drawn with dots. */
const SPARSE = 30;

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
}

/** Lines of metrics against the step: raw (faint when smoothed) and smoothed, ≤ 2 points per pixel, no animation. */
export const MetricChart = memo(function MetricChart({ series, version: latestVersion, smoothing, log, height = 170, unit = '', stagger = 0 }: Props) {
  const [ref, width] = useWidth<HTMLDivElement>();
  const visible = useVisible(ref);
  const version = useStaggered(latestVersion, stagger, visible);
  const shaped = useMemo(
    () => series.map((s) => ({ ...s, data: shapeSeries(s.buffer, s.metric, { maxPoints: pointBudget(width - 60), smoothing, log }) })),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [series, version, width, smoothing, log],
  );
  const empty = shaped.every((s) => s.data.raw.length === 0);
  const hidden = shaped.reduce((a, s) => a + s.data.hiddenNonPositive, 0);
  return (
    <div ref={ref} className="metric-chart" data-empty={empty}>
      {empty ? (
        <p className="empty" style={{ height }}>No data yet.</p>
      ) : width > 0 && (
        <LineChart width={width} height={height} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid stroke="#e6e8eb" />
          <XAxis dataKey="x" type="number" domain={['dataMin', 'dataMax']} allowDuplicatedCategory={false} tick={{ fontSize: 11 }} interval={0} tickCount={5} />
          <YAxis type="number" scale={log ? 'log' : 'linear'} domain={unit === '%' && !log ? [0, 1] : ['auto', 'auto']} allowDataOverflow={false} width={52} tick={{ fontSize: 11 }} interval={0} tickCount={5} tickFormatter={(v: number) => formatNumber(v, unit)} />
          <Tooltip isAnimationActive={false} formatter={(v) => formatNumber(Number(v), unit)} labelFormatter={(l) => `step ${l}`} />
          <Legend wrapperStyle={{ fontSize: 11 }} />
          {shaped.map((s) => [
            <Line key={`${s.label}-raw`} data={s.data.raw} dataKey="y" name={smoothing > 0 ? `${s.label} (raw)` : s.label} stroke={s.colour}
              strokeOpacity={smoothing > 0 ? 0.3 : 1} dot={s.data.raw.length <= SPARSE ? { r: 2.5, fill: s.colour, strokeOpacity: 1 } : false} isAnimationActive={false} legendType={smoothing > 0 ? 'none' : 'line'} strokeWidth={1.2} />,
            smoothing > 0 ? <Line key={`${s.label}-smooth`} data={s.data.smooth} dataKey="y" name={s.label} stroke={s.colour} dot={false} isAnimationActive={false} strokeWidth={1.6} /> : null,
          ])}
        </LineChart>
      )}
      {hidden > 0 && <p className="help">{hidden} points ≤ 0 are not drawn on the log scale.</p>}
    </div>
  );
});
