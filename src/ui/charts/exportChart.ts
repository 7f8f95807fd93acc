/**
 * Export a rendered recharts chart: the SVG serialised as it is drawn (with a white
 * background and the page font inlined), or a PNG drawn from that SVG through a canvas.
 */
import { downloadBlob } from '../download';

/** The chart's SVG as a standalone document string. */
export function chartSvgText(container: HTMLElement): string {
  // The chart's own surface, not a legend icon (legend icons are small svg.recharts-surface too).
  const surfaces = [...container.querySelectorAll<SVGSVGElement>('svg.recharts-surface')].filter((el) => !el.closest('.recharts-legend-wrapper'));
  const svg = surfaces.sort((a, b) => area(b) - area(a))[0];
  if (!svg) throw new Error('no chart drawn yet: nothing to export');
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const { width, height } = svg.getBoundingClientRect();
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('width', String(Math.round(width)));
  clone.setAttribute('height', String(Math.round(height)));
  clone.setAttribute('style', `font-family: ${getComputedStyle(container).fontFamily}; font-size: 11px; background: #fff`);
  const bg = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
  bg.setAttribute('width', '100%');
  bg.setAttribute('height', '100%');
  bg.setAttribute('fill', '#fff');
  clone.insertBefore(bg, clone.firstChild);
  return new XMLSerializer().serializeToString(clone);
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
