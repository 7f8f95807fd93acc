import { useEffect, useRef } from 'react';
import type { RgbaImage } from '../../data/render';

/** An RGBA image on a canvas, scaled up with crisp pixels. */
export function ImageCanvas({ image, size, label, testId }: { image: RgbaImage; size: number; label: string; testId?: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const el = ref.current;
    const ctx = el?.getContext('2d');
    if (!el || !ctx) return;
    el.width = image.width;
    el.height = image.height;
    ctx.putImageData(new ImageData(image.data.slice(), image.width, image.height), 0, 0);
  }, [image]);
  return <canvas ref={ref} className="pixelated" style={{ width: size, height: size }} role="img" aria-label={label} data-testid={testId} />;
}
