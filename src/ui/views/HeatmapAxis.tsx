import { useMemo } from 'react';
import { labelStride, shortLabel, type TokenAxis } from './tokenAxis';
import { usePixels } from './usePixels';

/**
 * The tokens along one side of a heatmap: every k-th label where they fit (k so that labels stay
 * 11 px apart), or for image tasks a strip of the pixels' grey levels.
 */
export function HeatmapAxis({ axis, side, length }: { axis: TokenAxis; side: 'rows' | 'cols'; length: number }) {
  const count = axis.labels.length;
  const stride = labelStride(count, length);
  const cell = length / Math.max(1, count);
  if (axis.grey) return <GreyStrip grey={axis.grey} side={side} length={length} />;
  const shown: number[] = [];
  for (let i = 0; i < count; i += stride) shown.push(i);
  return (
    <div
      className={`heatmap-axis heatmap-axis-${side}`}
      style={side === 'rows' ? { height: length } : { width: length }}
      aria-hidden="true"
    >
      {shown.map((i) => (
        <span key={i} style={side === 'rows' ? { top: (i + 0.5) * cell } : { left: (i + 0.5) * cell }}>
          {shortLabel(axis.labels[i])}
        </span>
      ))}
    </div>
  );
}

function GreyStrip({ grey, side, length }: { grey: Uint8ClampedArray; side: 'rows' | 'cols'; length: number }) {
  const pixels = useMemo(() => {
    const out = new Uint8ClampedArray(4 * grey.length);
    for (let i = 0; i < grey.length; i++) {
      out[4 * i] = out[4 * i + 1] = out[4 * i + 2] = grey[i];
      out[4 * i + 3] = 255;
    }
    return out;
  }, [grey]);
  const ref = usePixels(pixels, side === 'cols' ? grey.length : 1, side === 'cols' ? 1 : grey.length);
  return (
    <div className={`heatmap-strip heatmap-strip-${side}`} aria-hidden="true">
      <canvas ref={ref} style={side === 'cols' ? { width: length, height: 8 } : { width: 8, height: length }} />
    </div>
  );
}
