/**
 * SVG path data for the live charts' lines and stacked areas, drawn with the chart's own
 * recharts scales (SeriesPaths, MemoryChart). Pure string building, tested without a DOM.
 */

/** A recharts scale function: a data value to a pixel, or undefined outside what it knows. */
export type Scale = (value: number) => number | undefined;

/** One decimal is well under a pixel and keeps the path strings short. */
const px = (v: number) => Math.round(v * 10) / 10;

/** "M x,y L x,y …" through the points; a non-finite point breaks the line (a new M after it). */
export function linePath(points: readonly { x: number; y: number }[], x: Scale, y: Scale): string {
  let d = '';
  let pen = false;
  for (const p of points) {
    const sx = Number.isFinite(p.x) && Number.isFinite(p.y) ? x(p.x) : undefined;
    const sy = sx === undefined ? undefined : y(p.y);
    if (sx === undefined || sy === undefined || !Number.isFinite(sx) || !Number.isFinite(sy)) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${px(sx)},${px(sy)}`;
    pen = true;
  }
  return d;
}

/**
 * Closed paths of stacked areas over rows sharing an x column: layer k spans from the sum of
 * the layers below it to that sum plus its own value (missing values count as 0).
 */
export function stackedAreaPaths(
  rows: readonly Record<string, number>[],
  xKey: string,
  keys: readonly string[],
  x: Scale,
  y: Scale,
): string[] {
  const below = rows.map(() => 0);
  return keys.map((key) => {
    const top: string[] = [];
    const bottom: string[] = [];
    rows.forEach((row, i) => {
      const sx = x(row[xKey]);
      const v = Number.isFinite(row[key]) ? row[key] : 0;
      const y0 = y(below[i]);
      const y1 = y(below[i] + v);
      below[i] += v;
      if (sx === undefined || y0 === undefined || y1 === undefined) return;
      top.push(`${px(sx)},${px(y1)}`);
      bottom.push(`${px(sx)},${px(y0)}`);
    });
    if (top.length === 0) return '';
    return `M${top.join('L')}L${bottom.reverse().join('L')}Z`;
  });
}
