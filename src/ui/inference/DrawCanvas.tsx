import { useEffect, useRef } from 'react';

interface Props {
  /** Pixels per side (28 for digits, 32 for Pathfinder). */
  side: number;
  /** Gray pixels, row-major, 0 black … 255 white. */
  pixels: Uint8Array;
  onChange(pixels: Uint8Array): void;
}

const SCALE = 8;

/** A side × side drawing canvas: white ink on black, a soft round brush, as MNIST digits look. */
export function DrawCanvas({ side, pixels, onChange }: Props) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const drawing = useRef(false);
  useEffect(() => {
    const ctx = canvas.current?.getContext('2d');
    if (!ctx) return;
    const img = new ImageData(side, side);
    for (let p = 0; p < side * side; p++) {
      img.data[4 * p] = img.data[4 * p + 1] = img.data[4 * p + 2] = pixels[p];
      img.data[4 * p + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
  }, [pixels, side]);

  const paint = (e: React.PointerEvent<HTMLCanvasElement>) => {
    const rect = e.currentTarget.getBoundingClientRect();
    const x = ((e.clientX - rect.left) / rect.width) * side;
    const y = ((e.clientY - rect.top) / rect.height) * side;
    const next = pixels.slice();
    // Brush: full ink within radius 1, fading to nothing at 2 pixels (MNIST strokes are ~2–3 px wide, anti-aliased).
    for (let py = Math.floor(y - 2); py <= Math.ceil(y + 2); py++) {
      for (let px = Math.floor(x - 2); px <= Math.ceil(x + 2); px++) {
        if (px < 0 || py < 0 || px >= side || py >= side) continue;
        const d = Math.hypot(px + 0.5 - x, py + 0.5 - y);
        const ink = Math.round(255 * Math.min(1, Math.max(0, 2 - d)));
        const i = py * side + px;
        if (ink > next[i]) next[i] = ink;
      }
    }
    onChange(next);
  };
  return (
    <div className="infer-draw">
      <canvas
        ref={canvas}
        width={side}
        height={side}
        data-testid="infer-draw"
        aria-label={`drawing area, ${side} by ${side} pixels: draw with the mouse or a finger`}
        style={{ width: side * SCALE, height: side * SCALE, imageRendering: 'pixelated', touchAction: 'none', cursor: 'crosshair' }}
        onPointerDown={(e) => {
          drawing.current = true;
          e.currentTarget.setPointerCapture(e.pointerId);
          paint(e);
        }}
        onPointerMove={(e) => drawing.current && paint(e)}
        onPointerUp={() => (drawing.current = false)}
        onPointerCancel={() => (drawing.current = false)}
      />
      <button type="button" onClick={() => onChange(new Uint8Array(side * side))}>
        Clear
      </button>
    </div>
  );
}
