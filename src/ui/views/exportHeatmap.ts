/**
 * Export a heatmap as SVG or PNG: the drawn pixels (as an embedded PNG, never smoothed), its
 * colour bar with the end values, and the frame of every exported figure
 * (src/ui/charts/figureSvg.ts): title, run and step, row and column meanings, the scale's basis
 * and a "nearly flat" notice when there is one.
 */
import { framedFigure, svgToPng, type FigureCaption } from '../charts/figureSvg';
import { downloadBlob } from '../download';
import { VIRIDIS_LUT } from './colormap';

const SVG_NS = 'http://www.w3.org/2000/svg';
const BAR = 10;
const BAR_LABELS = 14;

export interface HeatmapFigure {
  /** The heatmap's canvas (its pixels are the matrix, block-averaged). */
  canvas: HTMLCanvasElement;
  /** Drawn size in CSS pixels. */
  width: number;
  height: number;
  lo: number;
  hi: number;
  caption: FigureCaption;
}

function el<K extends keyof SVGElementTagNameMap>(name: K, attrs: Record<string, string | number>): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG_NS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

/** The heatmap and its colour bar as a standalone SVG document. */
export function heatmapSvgText(f: HeatmapFigure): string {
  const w = Math.max(f.width, 120);
  const inner = el('svg', { width: w, height: f.height + 6 + BAR + BAR_LABELS, viewBox: `0 0 ${w} ${f.height + 6 + BAR + BAR_LABELS}` });
  inner.appendChild(
    el('image', {
      href: f.canvas.toDataURL('image/png'),
      width: f.width,
      height: f.height,
      preserveAspectRatio: 'none',
      style: 'image-rendering: pixelated',
      class: 'heatmap-pixels',
    }),
  );
  const gradient = el('linearGradient', { id: 'viridis' });
  for (const i of [0, 32, 64, 96, 128, 160, 192, 224, 255])
    gradient.appendChild(
      el('stop', {
        offset: `${((100 * i) / 255).toFixed(0)}%`,
        'stop-color': `rgb(${VIRIDIS_LUT[3 * i]},${VIRIDIS_LUT[3 * i + 1]},${VIRIDIS_LUT[3 * i + 2]})`,
      }),
    );
  const defs = el('defs', {});
  defs.appendChild(gradient);
  inner.appendChild(defs);
  const barTop = f.height + 6;
  inner.appendChild(el('rect', { x: 0, y: barTop, width: w, height: BAR, fill: 'url(#viridis)', class: 'colour-bar' }));
  for (const [x, anchor, v] of [
    [0, 'start', f.lo],
    [w, 'end', f.hi],
  ] as const) {
    const t = el('text', { x, y: barTop + BAR + 11, 'text-anchor': anchor, fill: '#3b4350' });
    t.textContent = v.toPrecision(3);
    inner.appendChild(t);
  }
  return framedFigure(inner, w, f.height + 6 + BAR + BAR_LABELS, f.caption, getComputedStyle(f.canvas).fontFamily);
}

/** Download the heatmap as SVG. */
export function exportHeatmapSvg(f: HeatmapFigure, name: string): void {
  downloadBlob(`${name}.svg`, new Blob([heatmapSvgText(f)], { type: 'image/svg+xml' }));
}

/** Download the heatmap as PNG at twice its drawn size. */
export async function exportHeatmapPng(f: HeatmapFigure, name: string): Promise<void> {
  downloadBlob(`${name}.png`, await svgToPng(heatmapSvgText(f)));
}
