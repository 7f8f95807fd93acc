import { useMemo, useState } from 'react';
import { matrixToRgba, VIRIDIS_LUT } from './colormap';
import { colourScale, flatNotice, type MatrixKind } from './colourScale';
import { exportHeatmapPng, exportHeatmapSvg, type HeatmapFigure } from './exportHeatmap';
import { useFigure, useScaleMode } from './heatmapOptions';
import type { Matrix } from '../../model/views';
import { HeatmapAxis } from './HeatmapAxis';
import type { TokenAxis } from './tokenAxis';
import { usePixels } from './usePixels';

interface Props {
  matrix: Matrix;
  title: string;
  rowLabel: string;
  colLabel: string;
  /** Fixed scale (for comparing two matrices side by side); used while the page's scale mode is "own". */
  range?: { lo: number; hi: number };
  /** What the values are, for the absolute scale; default: what the enclosing ViewsFigure knows of this matrix, else 'free'. */
  kind?: MatrixKind;
  /** The range of this factor over every layer and head, for the shared scale; default: from the enclosing ViewsFigure. */
  shared?: { lo: number; hi: number };
  /** Drawn size in CSS pixels of the longer side (at zoom 1). */
  size?: number;
  testId?: string;
  /** Leave out the scale bar's end values, the readout, zoom and the export buttons (small multiples: the grid has its own). */
  compact?: boolean;
  /** The tokens along an axis of token positions (labels where they fit, named in the read-out). */
  rowTokens?: TokenAxis;
  colTokens?: TokenAxis;
}

const ZOOMS = [1, 2, 4, 8];

/**
 * A matrix on a canvas in viridis, with its scale, token axes, zoom (pan by scrolling), a hover
 * read-out (row, column, token, value), a notice when the map is nearly flat (min–max colours
 * would draw noise as a pattern), and SVG/PNG export with title, axes, run and step. The colour
 * range follows the page's scale mode (src/ui/views/colourScale.ts).
 */
export function Heatmap({
  matrix,
  title,
  rowLabel,
  colLabel,
  range,
  kind: kindProp,
  shared: sharedProp,
  size = 220,
  testId,
  compact = false,
  rowTokens,
  colTokens,
}: Props) {
  const [hover, setHover] = useState<{ r: number; c: number; v: number } | null>(null);
  const [zoom, setZoom] = useState(1);
  const [exportError, setExportError] = useState<string | null>(null);
  const mode = useScaleMode();
  const { source, info } = useFigure(matrix.data);
  const kind = kindProp ?? info?.kind ?? 'free';
  const shared = sharedProp ?? info?.shared;
  const scale = useMemo(
    () => (mode === 'own' && range ? { ...range, basis: 'fixed for comparison' } : colourScale(matrix.data, mode, kind, shared)),
    [matrix, mode, kind, shared, range],
  );
  const flat = useMemo(() => flatNotice(matrix.data), [matrix]);
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
  const exportAs = (format: 'svg' | 'png') => async () => {
    setExportError(null);
    if (!canvas.current) return;
    const f: HeatmapFigure = {
      canvas: canvas.current,
      width: baseW,
      height: baseH,
      lo: scale.lo,
      hi: scale.hi,
      caption: {
        title: `${title} [${matrix.rows}×${matrix.cols}]`,
        source,
        xLabel: `columns: ${colLabel}`,
        yLabel: `rows: ${rowLabel}`,
        notes: [`colour scale: ${scale.basis}`, ...(flat ? [flat] : [])],
      },
    };
    const fileName = (testId ?? title).replace(/[^\w-]+/g, '-');
    try {
      if (format === 'svg') exportHeatmapSvg(f, fileName);
      else await exportHeatmapPng(f, fileName);
    } catch (e) {
      setExportError(`Export failed: ${(e as Error).message}`);
    }
  };
  const name = (label: string, i: number, axis?: TokenAxis) =>
    `${label} ${i}${axis?.labels[i] !== undefined ? ` “${axis.labels[i]}”` : ''}`;
  const zoomable = Math.max(matrix.rows, matrix.cols) > 16;
  return (
    <figure className="heatmap" data-testid={testId} data-flat={flat !== null} data-scale-lo={scale.lo} data-scale-hi={scale.hi}>
      <figcaption>
        {title}{' '}
        <span className="muted">
          [{matrix.rows}×{matrix.cols}]
        </span>
        {!compact && (
          <span className="chart-actions">
            <button type="button" className="small" onClick={exportAs('svg')} aria-label={`Export ${title} as SVG`}>
              SVG
            </button>
            <button type="button" className="small" onClick={exportAs('png')} aria-label={`Export ${title} as PNG`}>
              PNG
            </button>
          </span>
        )}
        {zoomable && !compact && (
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
        <div className="heatmap-axes" style={{ gridTemplateColumns: rowTokens ? '34px auto' : 'auto' }}>
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
      {!compact && <ColourScale lo={scale.lo} hi={scale.hi} width={Math.max(baseW, 96)} basis={scale.basis} />}
      {flat && (
        <p className="flat-notice" data-testid={testId ? `${testId}-flat` : undefined}>
          {flat}
          {scale.basis.startsWith('own') ? '; the own min–max scale stretches this over the whole colour bar' : ''}
        </p>
      )}
      {!compact && (
        <p className="readout" aria-live="off" data-testid={testId ? `${testId}-readout` : undefined}>
          {hover
            ? `${name(rowLabel, hover.r, rowTokens)}, ${name(colLabel, hover.c, colTokens)}: ${hover.v.toPrecision(4)}`
            : `rows: ${rowLabel}, columns: ${colLabel}`}
        </p>
      )}
      {exportError && <p className="msg-error">{exportError}</p>}
    </figure>
  );
}

/** The viridis scale bar with its end values and how they were chosen. */
function ColourScale({ lo, hi, width, basis }: { lo: number; hi: number; width: number; basis: string }) {
  const stops = [0, 32, 64, 96, 128, 160, 192, 224, 255].map(
    (i) => `rgb(${VIRIDIS_LUT[3 * i]},${VIRIDIS_LUT[3 * i + 1]},${VIRIDIS_LUT[3 * i + 2]}) ${((100 * i) / 255).toFixed(0)}%`,
  );
  return (
    <div className="scale" style={{ width }} title={`colour scale: ${basis}`}>
      <div className="scale-bar" style={{ background: `linear-gradient(to right, ${stops.join(', ')})` }} />
      <div className="scale-labels">
        <span>{lo.toPrecision(3)}</span>
        <span>{hi.toPrecision(3)}</span>
      </div>
    </div>
  );
}
