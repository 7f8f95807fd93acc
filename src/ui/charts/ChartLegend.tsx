import { memo } from 'react';

export interface LegendItem {
  label: string;
  colour: string;
  /** Drawn as a dashed swatch (a reference line, not a series). */
  dashed?: boolean;
}

/**
 * The series of a chart, as plain HTML under it rather than recharts' Legend: the legend does
 * not change while metrics stream in, and recharts' Legend re-rendered with every refresh.
 * The SVG/PNG export draws these items into the exported picture (exportChart.ts).
 */
export const ChartLegend = memo(
  function ChartLegend({ items }: { items: readonly LegendItem[] }) {
    return (
      <ul className="chart-legend">
        {items.map((item) => (
          <li key={item.label} data-colour={item.colour} data-dashed={item.dashed ? 'true' : undefined}>
            <span
              className="swatch"
              style={item.dashed ? { borderTop: `2px dashed ${item.colour}` } : { background: item.colour }}
              aria-hidden="true"
            />
            {item.label}
          </li>
        ))}
      </ul>
    );
  },
  (a, b) =>
    a.items.length === b.items.length &&
    a.items.every((x, i) => x.label === b.items[i].label && x.colour === b.items[i].colour && x.dashed === b.items[i].dashed),
);
