import type { RgbaImage } from '../../data/render';
import { usePixels } from './usePixels';

/** An RGBA image on a canvas, scaled up with crisp pixels. */
export function ImageCanvas({ image, size, label, testId }: { image: RgbaImage; size: number; label: string; testId?: string }) {
  const ref = usePixels(image.data, image.width, image.height);
  return (
    <canvas ref={ref} className="pixelated" style={{ width: size, height: size }} role="img" aria-label={label} data-testid={testId} />
  );
}
