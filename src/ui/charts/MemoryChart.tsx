import { memo, useMemo } from 'react';
import { Area, AreaChart, CartesianGrid, Legend, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';
import type { MetricName, MetricsBuffer } from '../../train/metrics';
import { alignedRows, formatNumber, hasValues, peakOf, pointBudget } from './chartData';
import { PALETTE } from './MetricChart';
import { useStaggered } from './useStaggered';
import { useVisible } from './useVisible';
import { useWidth } from './useWidth';

const CATEGORIES: [MetricName, string][] = [
  ['memWeights', 'weights'], ['memGradients', 'gradients'], ['memOptimizer', 'optimizer'], ['memActivations', 'activations'], ['memScratch', 'scratch'],
];

/** GPU memory in use by category (the engine's buffer pool), stacked, with the peak marked. */
export const MemoryChart = memo(function MemoryChart({ buffer, version: latestVersion, height = 170, stagger = 0 }: { buffer: MetricsBuffer; version: number; height?: number; stagger?: number }) {
  const [ref, width] = useWidth<HTMLDivElement>();
  const visible = useVisible(ref);
  const version = useStaggered(latestVersion, stagger, visible);
  const { rows, peak, present } = useMemo(() => {
    const present = CATEGORIES.filter(([c]) => hasValues(buffer, c));
    return { rows: alignedRows(buffer, present.map(([c]) => c), pointBudget(width - 60)), peak: peakOf(buffer, 'memPeak'), present };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [buffer, version, width]);
  if (present.length === 0) return <div ref={ref}><p className="empty" style={{ height }}>No memory figures yet (the worker reports the buffer pool by category).</p></div>;
  return (
    <div ref={ref} className="metric-chart">
      {width > 0 && (
        <AreaChart width={width} height={height} data={rows} margin={{ top: 14, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid stroke="#e6e8eb" />
          <XAxis dataKey="step" type="number" domain={['dataMin', 'dataMax']} tick={{ fontSize: 11 }} interval={0} tickCount={5} />
          <YAxis width={60} tick={{ fontSize: 11 }} interval={0} tickCount={5} tickFormatter={(v: number) => formatNumber(v, 'bytes')} domain={[0, (max: number) => Math.max(max, peak?.value ?? 0)]} />
          <Tooltip isAnimationActive={false} formatter={(v) => formatNumber(Number(v), 'bytes')} labelFormatter={(l) => `step ${l}`} />
          <Legend wrapperStyle={{ fontSize: 11 }} />
          {present.map(([c, label], i) => (
            <Area key={c} dataKey={c} name={label} stackId="mem" stroke={PALETTE[i]} fill={PALETTE[i]} fillOpacity={0.55} isAnimationActive={false} />
          ))}
          {peak && <ReferenceLine y={peak.value} stroke="#D55E00" strokeDasharray="4 3" label={{ value: `peak ${formatNumber(peak.value, 'bytes')} (step ${peak.step})`, position: 'insideTopRight', fontSize: 11, fill: '#8a2b00' }} />}
        </AreaChart>
      )}
    </div>
  );
});
