/**
 * Export a rendered recharts chart: the SVG serialised as it is drawn, framed with its title,
 * run and step, axis labels and legend (figureSvg.ts), or a PNG drawn from that SVG.
 */
import { downloadBlob } from '../download';
import { framedFigure, svgToPng, type FigureCaption } from './figureSvg';

/** The chart's SVG, framed with its caption, as a standalone document string. */
function chartSvgText(container: HTMLElement, caption: FigureCaption): string {
  // The chart's own surface, not a legend icon (legend icons are small svg.recharts-surface too).
  const surfaces = [...container.querySelectorAll<SVGSVGElement>('svg.recharts-surface')].filter(
    (el) => !el.closest('.recharts-legend-wrapper'),
  );
  const svg = surfaces.sort((a, b) => area(b) - area(a))[0];
  if (!svg) throw new Error('no chart drawn yet: nothing to export');
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const { width, height } = svg.getBoundingClientRect();
  const legend = legendOf(container);
  clone.setAttribute('width', String(Math.round(width)));
  clone.setAttribute('height', String(Math.round(height)));
  clone.setAttribute('viewBox', `0 0 ${Math.round(width)} ${Math.round(height)}`);
  const below = legend.length > 0 ? { element: legendGroup(legend, width, 0), height: LEGEND_ROW } : undefined;
  return framedFigure(clone, width, height, caption, getComputedStyle(container).fontFamily, below);
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
export function exportSvg(container: HTMLElement, name: string, caption: FigureCaption): void {
  downloadBlob(`${name}.svg`, new Blob([chartSvgText(container, caption)], { type: 'image/svg+xml' }));
}

/** Download the chart as PNG at twice its drawn size. */
export async function exportPng(container: HTMLElement, name: string, caption: FigureCaption): Promise<void> {
  downloadBlob(`${name}.png`, await svgToPng(chartSvgText(container, caption)));
}
