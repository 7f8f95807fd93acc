import { createContext, useContext } from 'react';
import { useXAxisScale, useYAxisScale } from 'recharts';
import type { ShapedSeries } from './chartData';
import { linePath } from './linePath';

export interface ShapedSpec {
  label: string;
  colour: string;
  data: ShapedSeries;
}

/** The shaped series of the chart around it (a context, so a refresh skips recharts' components). */
export const SeriesContext = createContext<readonly ShapedSpec[]>([]);

/** Series with at most this many points (validation, every k steps) are drawn with dots. */
export const SPARSE = 30;

/**
 * A chart's lines while metrics stream in, drawn with the chart's recharts scales (a child of
 * the LineChart). recharts' own <Line> goes through the chart's store on every data change
 * (register, recompute, a synchronous re-render in the next animation frame); with axes whose
 * domains and ticks are given, only these paths re-render on a refresh (they read the data
 * from SeriesContext) and nothing else moves.
 * MetricChart swaps in recharts' <Line>s and Tooltip while the user inspects the chart.
 */
export function SeriesPaths() {
  const series = useContext(SeriesContext);
  const x = useXAxisScale();
  const y = useYAxisScale();
  if (!x || !y) return null;
  return (
    <g className="series-lines">
      {series.map((s) => (
        <g key={s.label} className="series" data-label={s.label}>
          <path
            className="series-curve"
            d={linePath(s.data.raw, x, y)}
            fill="none"
            stroke={s.colour}
            strokeOpacity={s.data.smoothed ? 0.3 : 1}
            strokeWidth={1.2}
          />
          {s.data.smoothed && (
            <path className="series-curve" d={linePath(s.data.smooth, x, y)} fill="none" stroke={s.colour} strokeWidth={1.6} />
          )}
          {s.data.raw.length <= SPARSE &&
            s.data.raw.map((p) => {
              const cx = x(p.x);
              const cy = y(p.y);
              return cx === undefined || cy === undefined ? null : <circle key={p.x} cx={cx} cy={cy} r={2.5} fill={s.colour} />;
            })}
        </g>
      ))}
    </g>
  );
}
