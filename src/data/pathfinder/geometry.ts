/** Plane geometry for the Pathfinder dashes ("paddles"), in pixel units of the final image. */

export interface Segment {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  /** Index of the snake the dash belongs to. */
  snake: number;
}

/** Distance from point (px, py) to segment (x0,y0)–(x1,y1). */
export function pointSegmentDistance(px: number, py: number, x0: number, y0: number, x1: number, y1: number): number {
  const dx = x1 - x0;
  const dy = y1 - y0;
  const len2 = dx * dx + dy * dy;
  let t = len2 > 0 ? ((px - x0) * dx + (py - y0) * dy) / len2 : 0;
  t = t < 0 ? 0 : Math.min(t, 1);
  const ex = x0 + t * dx - px;
  const ey = y0 + t * dy - py;
  return Math.sqrt(ex * ex + ey * ey);
}

function cross(ax: number, ay: number, bx: number, by: number): number {
  return ax * by - ay * bx;
}

/** Distance between two segments (0 when they cross). */
export function segmentDistance(a: Segment, b: Segment): number {
  const d1x = a.x1 - a.x0,
    d1y = a.y1 - a.y0,
    d2x = b.x1 - b.x0,
    d2y = b.y1 - b.y0;
  const denom = cross(d1x, d1y, d2x, d2y);
  if (denom !== 0) {
    const t = cross(b.x0 - a.x0, b.y0 - a.y0, d2x, d2y) / denom;
    const u = cross(b.x0 - a.x0, b.y0 - a.y0, d1x, d1y) / denom;
    if (t >= 0 && t <= 1 && u >= 0 && u <= 1) return 0;
  }
  return Math.min(
    pointSegmentDistance(a.x0, a.y0, b.x0, b.y0, b.x1, b.y1),
    pointSegmentDistance(a.x1, a.y1, b.x0, b.y0, b.x1, b.y1),
    pointSegmentDistance(b.x0, b.y0, a.x0, a.y0, a.x1, a.y1),
    pointSegmentDistance(b.x1, b.y1, a.x0, a.y0, a.x1, a.y1),
  );
}

/** Absolute difference of two angles (radians), in [0, π]. */
export function angleDifference(a: number, b: number): number {
  let d = Math.abs(a - b) % (2 * Math.PI);
  if (d > Math.PI) d = 2 * Math.PI - d;
  return d;
}
