import { useMemo, useState } from 'react';
import { finiteRange, matrixToRgba, VIRIDIS_LUT } from './colormap';
import type { Matrix } from '../../model/views';
import { HeatmapAxis } from './HeatmapAxis';
import type { TokenAxis } from './tokenAxis';
import { usePixels } from './usePixels';

interface Props {
  matrix: Matrix;
  title: string;
  rowLabel: string;
  colLabel: string;
  /** Fixed scale (for comparing two matrices side by side); default: the matrix's own range. */
  range?: { lo: number; hi: number };
  /** Drawn size in CSS pixels of the longer side (at zoom 1). */
  size?: number;
  testId?: string;
  /** The tokens along an axis of token positions (labels where they fit, named in the read-out). */
  rowTokens?: TokenAxis;
  colTokens?: TokenAxis;
}

const ZOOMS = [1, 2, 4, 8];

/** A matrix on a canvas in viridis, with its scale, token axes, zoom (pan by scrolling) and a hover read-out. */
export function Heatmap({ matrix, title, rowLabel, colLabel, range, size = 220, testId, rowTokens, colTokens }: Props) {
  const [hover, setHover] = useState<{ r: number; c: number; v: number } | null>(null);
  const [zoom, setZoom] = useState(1);
  const scale = useMemo(() => range ?? finiteRange(matrix.data), [matrix, range]);
  const img = useMemo(() => matrixToRgba(matrix.data, matrix.rows, matrix.cols, scale.lo, scale.hi), [matrix, scale]);
  const aspect = matrix.cols / matrix.rows;
  const baseW = Math.max(24, Math.round(aspect >= 1 ? size : size * aspect));
  const baseH = Math.max(24, Math.round(aspect >= 1 ? size / aspect : size));
  const cssW = baseW * zoom;
  const cssH = baseH * zoom;
  const canvas = usePixels(img.pixels, img.width, img.height);
  const onMove = (e: React.MouseEvent<HTMLCanvasElement>) => {
    const rect = e.currentTarget.getBoundingClientRect();
    const c = Math.min(matrix.cols - 1, Math.floor(((e.clientX - rect.left) / rect.width) * matrix.cols));
    const r = Math.min(matrix.rows - 1, Math.floor(((e.clientY - rect.top) / rect.height) * matrix.rows));
    if (r >= 0 && c >= 0) setHover({ r, c, v: matrix.data[r * matrix.cols + c] });
  };
  const name = (label: string, i: number, axis?: TokenAxis) =>
    `${label} ${i}${axis?.labels[i] !== undefined ? ` “${axis.labels[i]}”` : ''}`;
  const zoomable = Math.max(matrix.rows, matrix.cols) > 16;
  return (
    <figure className="heatmap" data-testid={testId}>
      <figcaption>
        {title}{' '}
        <span className="muted">
          [{matrix.rows}×{matrix.cols}]
        </span>
        {zoomable && (
          <label className="heatmap-zoom">
            {' '}
            zoom{' '}
            <select value={zoom} onChange={(e) => setZoom(Number(e.currentTarget.value))} aria-label={`Zoom ${title}`}>
              {ZOOMS.map((z) => (
                <option key={z} value={z}>
                  {z}×
                </option>
              ))}
            </select>
          </label>
        )}
      </figcaption>
      <div className="heatmap-scroll" style={{ maxWidth: baseW + (rowTokens ? 34 : 0), maxHeight: baseH + (colTokens ? 34 : 0) }}>
        <div className="heatmap-grid" style={{ gridTemplateColumns: rowTokens ? '34px auto' : 'auto' }}>
          {colTokens && (
            <>
              {rowTokens ? <span /> : null}
              <HeatmapAxis axis={colTokens} side="cols" length={cssW} />
            </>
          )}
          {rowTokens && <HeatmapAxis axis={rowTokens} side="rows" length={cssH} />}
          <canvas
            ref={canvas}
            style={{ width: cssW, height: cssH, maxWidth: 'none' }}
            onMouseMove={onMove}
            onMouseLeave={() => setHover(null)}
            role="img"
            aria-label={`${title}: ${matrix.rows} ${rowLabel} by ${matrix.cols} ${colLabel}, values ${scale.lo.toPrecision(3)} to ${scale.hi.toPrecision(3)}`}
          />
        </div>
      </div>
      <ColourScale lo={scale.lo} hi={scale.hi} width={Math.max(baseW, 96)} />
      <p className="readout" aria-live="off" data-testid={testId ? `${testId}-readout` : undefined}>
        {hover
          ? `${name(rowLabel, hover.r, rowTokens)}, ${name(colLabel, hover.c, colTokens)}: ${hover.v.toPrecision(4)}`
          : `rows: ${rowLabel}, columns: ${colLabel}`}
      </p>
    </figure>
  );
}

/** The viridis scale bar with its end values. */
function ColourScale({ lo, hi, width }: { lo: number; hi: number; width: number }) {
  const stops = [0, 32, 64, 96, 128, 160, 192, 224, 255].map(
    (i) => `rgb(${VIRIDIS_LUT[3 * i]},${VIRIDIS_LUT[3 * i + 1]},${VIRIDIS_LUT[3 * i + 2]}) ${((100 * i) / 255).toFixed(0)}%`,
  );
  return (
    <div className="scale" style={{ width }}>
      <div className="scale-bar" style={{ background: `linear-gradient(to right, ${stops.join(', ')})` }} />
      <div className="scale-labels">
        <span>{lo.toPrecision(3)}</span>
        <span>{hi.toPrecision(3)}</span>
      </div>
    </div>
  );
}
