/**
 * The frame of an exported figure (a chart or a heatmap): the title, where the figure comes from
 * (run and step), the axis labels and any notes around the drawing, so an exported picture says
 * what it shows without the page around it. And the SVG → PNG step both exports share.
 */

const SVG_NS = 'http://www.w3.org/2000/svg';

export interface FigureCaption {
  title: string;
  /** Where the figure comes from, e.g. "run quick-listops-proxy-3, step 120". */
  source?: string;
  /** What the horizontal and vertical axes are. */
  xLabel?: string;
  yLabel?: string;
  /** Lines under the figure (a colour scale's basis, a "nearly flat" notice). */
  notes?: string[];
}

const TITLE_ROW = 18;
const TEXT_ROW = 14;
const Y_LABEL_COLUMN = 18;

function text(x: number, y: number, content: string, attrs: Record<string, string> = {}): SVGTextElement {
  const t = document.createElementNS(SVG_NS, 'text');
  t.setAttribute('x', String(x));
  t.setAttribute('y', String(y));
  for (const [k, v] of Object.entries(attrs)) t.setAttribute(k, v);
  t.textContent = content;
  return t;
}

/**
 * A standalone SVG document: `inner` (width × height, placed as a nested svg) with the caption
 * around it, and `below` (an element of `belowHeight` px, e.g. a chart's legend) under the x label.
 */
export function framedFigure(
  inner: SVGSVGElement,
  width: number,
  height: number,
  caption: FigureCaption,
  fontFamily: string,
  below?: { element: SVGElement; height: number },
): string {
  const left = caption.yLabel ? Y_LABEL_COLUMN : 0;
  const top = TITLE_ROW + (caption.source ? TEXT_ROW : 0) + 4;
  const xRow = caption.xLabel ? TEXT_ROW : 0;
  const notes = caption.notes ?? [];
  const totalW = Math.round(left + width);
  const totalH = Math.round(top + height + xRow + (below?.height ?? 0) + notes.length * TEXT_ROW + 4);
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('xmlns', SVG_NS);
  svg.setAttribute('width', String(totalW));
  svg.setAttribute('height', String(totalH));
  svg.setAttribute('viewBox', `0 0 ${totalW} ${totalH}`);
  svg.setAttribute('style', `font-family: ${fontFamily}; font-size: 11px; background: #fff`);
  const bg = document.createElementNS(SVG_NS, 'rect');
  bg.setAttribute('width', '100%');
  bg.setAttribute('height', '100%');
  bg.setAttribute('fill', '#fff');
  svg.appendChild(bg);
  svg.appendChild(text(4, 14, caption.title, { 'font-size': '13px', 'font-weight': 'bold', fill: '#1d2430', class: 'figure-title' }));
  if (caption.source) svg.appendChild(text(4, 14 + TEXT_ROW, caption.source, { fill: '#5b6472', class: 'figure-source' }));
  inner.setAttribute('x', String(left));
  inner.setAttribute('y', String(top));
  svg.appendChild(inner);
  if (caption.yLabel) {
    const cy = top + height / 2;
    svg.appendChild(
      text(12, cy, caption.yLabel, {
        transform: `rotate(-90 12 ${cy})`,
        'text-anchor': 'middle',
        fill: '#3b4350',
        class: 'figure-y-label',
      }),
    );
  }
  let y = top + height;
  if (caption.xLabel) {
    svg.appendChild(text(left + width / 2, y + 11, caption.xLabel, { 'text-anchor': 'middle', fill: '#3b4350', class: 'figure-x-label' }));
    y += xRow;
  }
  if (below) {
    const g = document.createElementNS(SVG_NS, 'g');
    g.setAttribute('transform', `translate(${left} ${y})`);
    g.appendChild(below.element);
    svg.appendChild(g);
    y += below.height;
  }
  for (const note of notes) {
    svg.appendChild(text(4, y + 11, note, { fill: '#5b6472', class: 'figure-note' }));
    y += TEXT_ROW;
  }
  return new XMLSerializer().serializeToString(svg);
}

/** An SVG document drawn through a canvas at `scale` times its size, as PNG. */
export async function svgToPng(svgText: string, scale = 2): Promise<Blob> {
  const url = URL.createObjectURL(new Blob([svgText], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    await new Promise<void>((resolve, reject) => {
      img.onload = () => resolve();
      img.onerror = () => reject(new Error('the figure SVG could not be drawn as an image'));
      img.src = url;
    });
    const canvas = document.createElement('canvas');
    canvas.width = img.width * scale;
    canvas.height = img.height * scale;
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2D canvas context for the PNG export');
    ctx.scale(scale, scale);
    ctx.drawImage(img, 0, 0);
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
    if (!blob) throw new Error('the canvas produced no PNG');
    return blob;
  } finally {
    URL.revokeObjectURL(url);
  }
}
