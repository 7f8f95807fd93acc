import { useMemo, useState } from 'react';
import { matrixToRgba, VIRIDIS_LUT } from './colormap';
import { colourScale, flatNotice, type MatrixKind } from './colourScale';
import { exportHeatmapPng, exportHeatmapSvg, type HeatmapFigure } from './exportHeatmap';
import { useFigure, useScaleMode } from './heatmapOptions';
import type { Matrix } from '../../model/views';
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
  /** Drawn size in CSS pixels of the longer side. */
  size?: number;
  testId?: string;
  /** Leave out the scale bar's end values, the readout and the export buttons (small multiples: the grid has its own). */
  compact?: boolean;
}

/**
 * A matrix on a canvas in viridis, with its scale, a hover readout (row, column, value), a
 * notice when the map is nearly flat (min–max colours would draw noise as a pattern), and SVG/PNG
 * export with title, axes, run and step. The colour range follows the page's scale mode
 * (src/ui/views/colourScale.ts).
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
}: Props) {
  const [hover, setHover] = useState<{ r: number; c: number; v: number } | null>(null);
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
  const cssW = Math.max(24, Math.round(aspect >= 1 ? size : size * aspect));
  const cssH = Math.max(24, Math.round(aspect >= 1 ? size / aspect : size));
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
      width: cssW,
      height: cssH,
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
    const name = (testId ?? title).replace(/[^\w-]+/g, '-');
    try {
      if (format === 'svg') exportHeatmapSvg(f, name);
      else await exportHeatmapPng(f, name);
    } catch (e) {
      setExportError(`Export failed: ${(e as Error).message}`);
    }
  };
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
      </figcaption>
      <canvas
        ref={canvas}
        style={{ width: cssW, height: cssH }}
        onMouseMove={onMove}
        onMouseLeave={() => setHover(null)}
        role="img"
        aria-label={`${title}: ${matrix.rows} ${rowLabel} by ${matrix.cols} ${colLabel}, values ${scale.lo.toPrecision(3)} to ${scale.hi.toPrecision(3)}`}
      />
      {!compact && <ColourScale lo={scale.lo} hi={scale.hi} width={Math.max(cssW, 96)} basis={scale.basis} />}
      {flat && (
        <p className="flat-notice" data-testid={testId ? `${testId}-flat` : undefined}>
          {flat}
          {scale.basis.startsWith('own') ? '; the own min–max scale stretches this over the whole colour bar' : ''}
        </p>
      )}
      {!compact && (
        <p className="readout" aria-live="off">
          {hover ? `${rowLabel} ${hover.r}, ${colLabel} ${hover.c}: ${hover.v.toPrecision(4)}` : `rows: ${rowLabel}, columns: ${colLabel}`}
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
