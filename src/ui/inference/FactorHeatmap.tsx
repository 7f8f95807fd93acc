import { useMemo } from 'react';
import { finiteRange, matrixToRgba } from '../views/colormap';
import { usePixels } from '../views/usePixels';

interface Props {
  /** Row-major rows × cols values. */
  data: Float32Array;
  rows: number;
  cols: number;
  title: string;
}

/** One attention factor of one head as a viridis canvas, with its shape and value range. */
export function FactorHeatmap({ data, rows, cols, title }: Props) {
  const range = useMemo(() => finiteRange(data), [data]);
  const img = useMemo(() => matrixToRgba(data, rows, cols, range.lo, range.hi, 512), [data, rows, cols, range]);
  const canvas = usePixels(img.pixels, img.width, img.height);
  const side = 240;
  const aspect = cols / rows;
  return (
    <figure className="infer-heatmap" data-testid="infer-heatmap">
      <figcaption>
        {title}{' '}
        <span className="muted">
          [{rows}×{cols}], {range.lo.toPrecision(3)} … {range.hi.toPrecision(3)}
        </span>
      </figcaption>
      <canvas
        ref={canvas}
        role="img"
        aria-label={`${title}: ${rows} by ${cols}, values ${range.lo.toPrecision(3)} to ${range.hi.toPrecision(3)}`}
        style={{
          width: aspect >= 1 ? side : Math.max(24, side * aspect),
          height: aspect >= 1 ? Math.max(24, side / aspect) : side,
          imageRendering: 'pixelated',
        }}
      />
    </figure>
  );
}
