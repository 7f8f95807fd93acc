/**
 * One factor for every layer (rows) and every head (columns) at once, as small multiples (the
 * layout of BertViz's model view): which heads are peaked, which flat, which alike. Each cell is
 * a compact Heatmap on the page's colour scale; with the shared scale all cells use one range,
 * which the grid's bar states, so colours compare across layers and heads.
 */
import { useMemo, useState } from 'react';
import type { AttentionViews } from '../../store/attentionViews';
import { colourScale } from './colourScale';
import { availableFactors, sharedRanges, type MatrixField } from './factors';
import { Heatmap } from './Heatmap';
import { useScaleMode } from './heatmapOptions';

/** The grid for one factor of `views`, with a factor picker. `word`: what the panel calls a landmark (proxy, projected key). */
export function HeatmapGrid({ views, word }: { views: AttentionViews; word: string }) {
  const factors = useMemo(() => availableFactors(views), [views]);
  const [picked, setPicked] = useState<MatrixField>('kernel2');
  const mode = useScaleMode();
  const ranges = useMemo(() => sharedRanges(views), [views]);
  const factor = factors.find((f) => f.field === picked) ?? factors[0];
  if (!factor) return null;
  const named = (label: string) => label.replace('landmark', word);
  const first = views.heads[0][0][factor.field];
  const gridScale = first ? colourScale(first.data, mode, factor.kind, ranges[factor.field]) : null;
  const heads = views.heads[0].length;
  return (
    <div className="view-block heatmap-grid" data-testid="heatmap-grid" data-factor={factor.field}>
      <h3>Every layer and head at once</h3>
      <p className="help">
        One factor for all layers (rows) and heads (columns), as small maps: which heads are peaked, which flat, which alike.
      </p>
      <label className="inline">
        Factor{' '}
        <select value={factor.field} onChange={(e) => setPicked(e.currentTarget.value as MatrixField)} data-testid="heatmap-grid-factor">
          {factors.map((f) => (
            <option key={f.field} value={f.field}>
              {f.title}
            </option>
          ))}
        </select>
      </label>{' '}
      <span className="muted">
        rows of the grid: layers 0–{views.heads.length - 1}; columns: heads 0–{heads - 1}. In each map, rows: {named(factor.rowLabel)},
        columns: {named(factor.colLabel)}.
        {gridScale &&
          (mode === 'own'
            ? ' Each map has its own min–max colour scale: compare shapes, not colours.'
            : ` One colour scale for every map (${gridScale.basis}): ${gridScale.lo.toPrecision(3)} to ${gridScale.hi.toPrecision(3)}.`)}
      </span>
      <table className="grid-table">
        <thead>
          <tr>
            <th />
            {Array.from({ length: heads }, (_, h) => (
              <th key={h} scope="col">
                head {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {views.heads.map((layer, l) => (
            <tr key={l}>
              <th scope="row">layer {l}</th>
              {layer.map((head, h) => {
                const matrix = head[factor.field];
                return (
                  <td key={h}>
                    {matrix && (
                      <Heatmap
                        matrix={matrix}
                        title={`layer ${l} head ${h}`}
                        rowLabel={named(factor.rowLabel)}
                        colLabel={named(factor.colLabel)}
                        kind={factor.kind}
                        shared={ranges[factor.field]}
                        size={96}
                        compact
                        testId={`grid-${l}-${h}`}
                      />
                    )}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
