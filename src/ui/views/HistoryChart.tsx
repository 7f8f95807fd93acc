import { useEffect, useRef } from 'react';
import { formatNumber } from '../charts/chartData';
import { useWidth } from '../charts/useWidth';

export interface HistoryPointXY {
  x: number;
  y: number;
}

/**
 * A small line chart of a value over training steps, drawn on a canvas (one refresh is a few
 * hundred line segments: cheap on the main thread while the worker trains). It draws whatever
 * points exist the moment it mounts, and again whenever they or its width change.
 */
export function HistoryChart({
  points,
  label,
  colour,
  height = 96,
  log = false,
  testId,
}: {
  points: HistoryPointXY[];
  label: string;
  colour: string;
  height?: number;
  log?: boolean;
  testId?: string;
}) {
  const [wrap, width] = useWidth<HTMLDivElement>();
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const el = canvas.current;
    const ctx = el?.getContext('2d');
    if (!el || !ctx || width <= 0) return;
    drawHistory(ctx, el, points, width, height, colour, log);
  }, [points, width, height, colour, log]);
  const last = points.at(-1);
  return (
    <div ref={wrap} className="history-chart" data-testid={testId} data-points={points.length}>
      <canvas
        ref={canvas}
        style={{ width: '100%', height }}
        role="img"
        aria-label={`${label} over training: ${points.length} points${last ? `, last ${formatNumber(last.y)} at step ${last.x}` : ''}`}
      />
    </div>
  );
}

const LEFT = 44;
const BOTTOM = 14;

/** Axes (end values only), the line and its points. */
export function drawHistory(
  ctx: CanvasRenderingContext2D,
  el: HTMLCanvasElement,
  points: HistoryPointXY[],
  width: number,
  height: number,
  colour: string,
  log: boolean,
): void {
  const dpr = typeof devicePixelRatio === 'number' ? devicePixelRatio : 1;
  el.width = Math.round(width * dpr);
  el.height = Math.round(height * dpr);
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.fillStyle = '#fafbfc';
  ctx.fillRect(0, 0, width, height);
  ctx.font = '10px system-ui, sans-serif';
  ctx.fillStyle = '#5b6472';
  const ys = points.map((p) => (log ? Math.log10(Math.max(p.y, 1e-30)) : p.y)).filter(Number.isFinite);
  if (points.length === 0 || ys.length === 0) {
    ctx.fillText('waiting for the first views…', LEFT, height / 2);
    return;
  }
  let lo = Math.min(...ys);
  let hi = Math.max(...ys);
  if (hi - lo < 1e-9) {
    lo -= 0.5 * (Math.abs(lo) || 1) * 0.1;
    hi += 0.5 * (Math.abs(hi) || 1) * 0.1;
  }
  const x0 = points[0].x;
  const x1 = Math.max(points[points.length - 1].x, x0 + 1);
  const px = (x: number) => LEFT + ((x - x0) / (x1 - x0)) * (width - LEFT - 8);
  const py = (y: number) => 4 + (1 - ((log ? Math.log10(Math.max(y, 1e-30)) : y) - lo) / (hi - lo)) * (height - BOTTOM - 8);
  const value = (t: number) => formatNumber(log ? 10 ** t : t);
  ctx.textAlign = 'right';
  ctx.fillText(value(hi), LEFT - 4, 12);
  ctx.fillText(value(lo), LEFT - 4, height - BOTTOM);
  ctx.textAlign = 'left';
  ctx.fillText(`step ${x0}`, LEFT, height - 2);
  ctx.textAlign = 'right';
  ctx.fillText(`${x1}`, width - 8, height - 2);
  ctx.strokeStyle = '#d8dce2';
  ctx.strokeRect(LEFT, 4, width - LEFT - 8, height - BOTTOM - 8);
  ctx.strokeStyle = colour;
  ctx.fillStyle = colour;
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  for (const [i, p] of points.entries()) {
    if (i === 0) ctx.moveTo(px(p.x), py(p.y));
    else ctx.lineTo(px(p.x), py(p.y));
  }
  ctx.stroke();
  if (points.length <= 200) for (const p of points) ctx.fillRect(px(p.x) - 1.5, py(p.y) - 1.5, 3, 3);
}
