import { useEffect, useRef } from 'react';

/**
 * A canvas ref that shows `pixels` (RGBA, width × height) at the canvas's own resolution, redrawn
 * when they change; CSS sizes the canvas. Heatmaps, the inference factors and the task's images
 * all draw this way.
 */
export function usePixels(pixels: Uint8ClampedArray, width: number, height: number) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const el = ref.current;
    const ctx = el?.getContext('2d');
    if (!el || !ctx) return;
    el.width = width;
    el.height = height;
    // A copy: ImageData must own a plain buffer, and the caller's array stays its own.
    ctx.putImageData(new ImageData(pixels.slice(), width, height), 0, 0);
  }, [pixels, width, height]);
  return ref;
}
