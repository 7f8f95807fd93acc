/**
 * Tracing the rendered image, independently of the generator's bookkeeping: are the two
 * marker discs joined by lit pixels? Connected components (8-neighbour) of pixels brighter
 * than a threshold, starting from every pixel under the first marker's disc. Used by the
 * tests to check that labels match what is drawn.
 */

/** True when a path of pixels > threshold joins the disc around marker a to the disc around marker b. */
export function markersConnected(
  pixels: Uint8Array,
  size: number,
  a: [number, number],
  b: [number, number],
  radius: number,
  threshold: number,
): boolean {
  const inDisc = (x: number, y: number, m: [number, number]) => Math.hypot(x + 0.5 - m[0], y + 0.5 - m[1]) <= radius;
  const seen = new Uint8Array(size * size);
  const stack: number[] = [];
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const p = y * size + x;
      if (inDisc(x, y, a) && pixels[p] > threshold) {
        seen[p] = 1;
        stack.push(p);
      }
    }
  while (stack.length) {
    const p = stack.pop()!;
    const x = p % size,
      y = (p - x) / size;
    if (inDisc(x, y, b)) return true;
    for (let dy = -1; dy <= 1; dy++)
      for (let dx = -1; dx <= 1; dx++) {
        const nx = x + dx,
          ny = y + dy;
        if (nx < 0 || ny < 0 || nx >= size || ny >= size) continue;
        const q = ny * size + nx;
        if (!seen[q] && pixels[q] > threshold) {
          seen[q] = 1;
          stack.push(q);
        }
      }
  }
  return false;
}
