/**
 * The layers × heads grid and the heatmap scale, rendered to static markup (no browser: effects do
 * not run, so the canvases stay empty, but every cell, its colour range and its flat notice are
 * in the markup). A nearly uniform K2 in one head is flagged; with the shared scale every cell
 * spans the factor's range over all layers and heads, with the absolute one 0–1.
 */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { afterEach, describe, expect, it } from 'vitest';
import type { Matrix } from '../../model/views';
import type { AttentionViews, HeadViews } from '../../store/attentionViews';
import { availableFactors, sharedRanges } from './factors';
import { HeatmapGrid } from './HeatmapGrid';
import { setScaleMode, ViewsFigure } from './heatmapOptions';

const m = (values: number[], rows: number, cols: number): Matrix => ({ rows, cols, data: Float32Array.from(values) });

/** 2 layers × 3 heads; K2 of layer 1 head 2 nearly uniform (0.49–0.51), the others peaked. */
function views(): AttentionViews {
  const heads: HeadViews[][] = [0, 1].map((l) =>
    [0, 1, 2].map((h) => ({
      kernel2: l === 1 && h === 2 ? m([0.5, 0.5, 0.49, 0.51], 2, 2) : m([0.9, 0.1, 0.2 + 0.1 * h, 0.8 - 0.1 * h], 2, 2),
      z: m([1 + l, -h, 0, 2], 2, 2),
    })),
  );
  return {
    step: 7,
    task: 'listops',
    attention: 'proxy',
    seqLen: 2,
    landmarks: 2,
    budget: { name: 'm', value: 2 },
    split: 'validation',
    example: { index: 0, tokens: Int32Array.from([1, 2]), label: 0 },
    heads,
  };
}

function render(v: AttentionViews): string {
  const grid = createElement(HeatmapGrid, { views: v, word: 'proxy' });
  return renderToStaticMarkup(createElement(ViewsFigure, { views: v, source: 'run r, step 7' }, grid));
}

/** The colour range of each cell, by its test id `grid-<layer>-<head>`. */
function cellRanges(html: string): Map<string, [number, number]> {
  const out = new Map<string, [number, number]>();
  for (const match of html.matchAll(/data-testid="(grid-\d-\d)" data-flat="(true|false)" data-scale-lo="([^"]+)" data-scale-hi="([^"]+)"/g))
    out.set(match[1], [Number(match[3]), Number(match[4])]);
  return out;
}

afterEach(() => setScaleMode('own'));

describe('HeatmapGrid', () => {
  it('draws one cell per layer and head, flags the nearly flat one, and takes K2 by default', () => {
    const html = render(views());
    expect(html).toContain('data-factor="kernel2"');
    expect(html.match(/<th scope="row">/g)).toHaveLength(2);
    expect(html.match(/<th scope="col">/g)).toHaveLength(3);
    expect(html.match(/<canvas/g)).toHaveLength(6);
    expect(html).toMatch(/data-testid="grid-1-2" data-flat="true"/);
    expect(html).toContain('data-testid="grid-1-2-flat"');
    expect(html.match(/data-flat="true"/g)).toHaveLength(1);
    // Own scale: the flat cell spans only its own 0.49–0.51.
    const own = cellRanges(html);
    expect(own.get('grid-1-2')?.[0]).toBeCloseTo(0.49, 6);
    expect(own.get('grid-1-2')?.[1]).toBeCloseTo(0.51, 6);
    expect(html).toContain('Each map has its own min–max colour scale');
  });

  it('shared: every cell on the factor’s range over all layers and heads; absolute: 0–1 for K2', () => {
    const v = views();
    setScaleMode('shared');
    const shared = cellRanges(render(v));
    const expected = sharedRanges(v).kernel2!;
    expect(shared.size).toBe(6);
    for (const [lo, hi] of shared.values()) expect([lo, hi]).toEqual([expected.lo, expected.hi]);
    expect(expected.lo).toBeCloseTo(0.1, 6);
    expect(expected.hi).toBeCloseTo(0.9, 6);
    setScaleMode('absolute');
    const html = render(v);
    for (const range of cellRanges(html).values()) expect(range).toEqual([0, 1]);
    expect(html).toContain('One colour scale for every map (absolute 0 to 1)');
  });

  it('lists only the factors the views hold', () => {
    expect(availableFactors(views()).map((f) => f.field)).toEqual(['kernel2', 'z']);
  });
});
