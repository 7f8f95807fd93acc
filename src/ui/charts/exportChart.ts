/**
 * Export a rendered recharts chart: the SVG serialised as it is drawn (with a white
 * background and the page font inlined), or a PNG drawn from that SVG through a canvas.
 */
import { downloadBlob } from '../download';

/** The chart's SVG as a standalone document string. */
function chartSvgText(container: HTMLElement): string {
  // The chart's own surface, not a legend icon (legend icons are small svg.recharts-surface too).
  const surfaces = [...container.querySelectorAll<SVGSVGElement>('svg.recharts-surface')].filter(
    (el) => !el.closest('.recharts-legend-wrapper'),
  );
  const svg = surfaces.sort((a, b) => area(b) - area(a))[0];
  if (!svg) throw new Error('no chart drawn yet: nothing to export');
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const { width, height: drawn } = svg.getBoundingClientRect();
  const legend = legendOf(container);
  const height = drawn + (legend.length > 0 ? LEGEND_ROW : 0);
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('width', String(Math.round(width)));
  clone.setAttribute('height', String(Math.round(height)));
  clone.setAttribute('viewBox', `0 0 ${Math.round(width)} ${Math.round(height)}`);
  if (legend.length > 0) clone.appendChild(legendGroup(legend, width, drawn));
  clone.setAttribute('style', `font-family: ${getComputedStyle(container).fontFamily}; font-size: 11px; background: #fff`);
  const bg = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
  bg.setAttribute('width', '100%');
  bg.setAttribute('height', '100%');
  bg.setAttribute('fill', '#fff');
  clone.insertBefore(bg, clone.firstChild);
  return new XMLSerializer().serializeToString(clone);
}

/** Height of the legend row added under an exported chart (px). */
const LEGEND_ROW = 18;
const SVG_NS = 'http://www.w3.org/2000/svg';

/** The chart's HTML legend (ChartLegend): label, colour and whether it is a dashed reference. */
function legendOf(container: HTMLElement): { label: string; colour: string; dashed: boolean }[] {
  return [...container.querySelectorAll<HTMLElement>('.chart-legend li')].map((li) => ({
    label: li.textContent ?? '',
    colour: li.dataset.colour ?? '#000',
    dashed: li.dataset.dashed === 'true',
  }));
}

/** The legend as SVG, centred in a row under the drawing, so the exported picture says what each line is. */
function legendGroup(items: { label: string; colour: string; dashed: boolean }[], width: number, top: number): SVGGElement {
  const g = document.createElementNS(SVG_NS, 'g');
  g.setAttribute('class', 'chart-legend');
  // 11px sans-serif averages about 6 px a character; the row need not be exact to be legible.
  const widths = items.map((i) => 18 + 6 * i.label.length + 12);
  let x = Math.max(0, (width - widths.reduce((a, b) => a + b, 0)) / 2);
  const y = top + LEGEND_ROW / 2;
  items.forEach((item, k) => {
    const line = document.createElementNS(SVG_NS, 'line');
    for (const [a, v] of [
      ['x1', x],
      ['x2', x + 14],
      ['y1', y],
      ['y2', y],
    ] as const)
      line.setAttribute(a, String(v));
    line.setAttribute('stroke', item.colour);
    line.setAttribute('stroke-width', '3');
    if (item.dashed) line.setAttribute('stroke-dasharray', '4 3');
    const text = document.createElementNS(SVG_NS, 'text');
    text.setAttribute('x', String(x + 18));
    text.setAttribute('y', String(y + 4));
    text.setAttribute('fill', '#3b4350');
    text.textContent = item.label;
    g.append(line, text);
    x += widths[k];
  });
  return g;
}

function area(el: Element): number {
  const r = el.getBoundingClientRect();
  return r.width * r.height;
}

/** Download the chart as SVG. */
export function exportSvg(container: HTMLElement, name: string): void {
  downloadBlob(`${name}.svg`, new Blob([chartSvgText(container)], { type: 'image/svg+xml' }));
}

/** Download the chart as PNG at twice its drawn size. */
export async function exportPng(container: HTMLElement, name: string): Promise<void> {
  const text = chartSvgText(container);
  const url = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    await new Promise<void>((resolve, reject) => {
      img.onload = () => resolve();
      img.onerror = () => reject(new Error('the chart SVG could not be drawn as an image'));
      img.src = url;
    });
    const scale = 2;
    const canvas = document.createElement('canvas');
    canvas.width = img.width * scale;
    canvas.height = img.height * scale;
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2D canvas context for the PNG export');
    ctx.scale(scale, scale);
    ctx.drawImage(img, 0, 0);
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
    if (!blob) throw new Error('the canvas produced no PNG');
    downloadBlob(`${name}.png`, blob);
  } finally {
    URL.revokeObjectURL(url);
  }
}
