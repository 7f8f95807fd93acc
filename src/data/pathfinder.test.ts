import { describe, expect, it } from 'vitest';
import { hash53 } from './hash';
import { generatePathfinder, lraPathfinderRules, type PathfinderImage } from './pathfinder/generate';
import { createPathfinderTask, pixelsToTokens, type PathfinderConfig } from './pathfinder/task';
import { markersConnected } from './pathfinder/trace';
import { streamRng } from './rng';

// Tracing: 8-connected pixels brighter than 40/255, from the pixels under one marker's disc to
// the other's. Positives are always connected (consecutive dashes are 1 px apart); a negative
// is traced as connected when a distractor or the other contour passes within a pixel or two
// of a marker or stroke, which the clearance rule makes rare but not impossible.
const TRACE_THRESHOLD = 40;
const MIN_AGREEMENT = { 14: 0.88, 9: 0.92, 6: 0.92 } as const;

function sample(contour: 6 | 9 | 14, n: number, seed: number): PathfinderImage[] {
  const rules = lraPathfinderRules(contour);
  return Array.from({ length: n }, (_, i) => generatePathfinder(streamRng(seed, 77, i), rules));
}

describe('Pathfinder', () => {
  it('labels agree with tracing the rendered strokes between the markers', () => {
    for (const contour of [14, 9, 6] as const) {
      const images = sample(contour, 250, 1);
      let agree = 0,
        missedPositives = 0;
      for (const im of images) {
        const [a, b] = im.geometry.markers;
        const connected = markersConnected(im.pixels, 32, a, b, 1.5, TRACE_THRESHOLD);
        if (Number(connected) === im.label) agree++;
        else if (im.label === 1) missedPositives++;
      }
      console.log(`Pathfinder contour ${contour}: tracing agrees with the label on ${agree}/${images.length}`);
      expect(missedPositives).toBe(0);
      expect(agree / images.length).toBeGreaterThanOrEqual(MIN_AGREEMENT[contour]);
    }
  });

  it('draws the geometry of the rules: dash lengths, contour lengths, seed distance, markers on the right tips', () => {
    const rules = lraPathfinderRules(14);
    for (const im of sample(14, 60, 2)) {
      const g = im.geometry;
      const dashes = (s: number) => g.segments.filter((d) => d.snake === s);
      expect(dashes(0).length).toBe(14);
      expect(dashes(1).length).toBe(14);
      expect(g.snakes.filter((s) => s.role === 'distractor').length).toBeLessThanOrEqual(rules.distractors);
      for (const s of g.snakes.slice(2).keys()) expect(dashes(s + 2).length).toBe(rules.distractorLength);
      for (const d of g.segments) expect(Math.hypot(d.x1 - d.x0, d.y1 - d.y0)).toBeCloseTo(rules.paddleLength, 9);
      // The second tail sits on the pixel at seedDistance from the first (rounded to a pixel centre).
      const tipDistance = Math.hypot(dashes(0)[0].x0 - dashes(1)[0].x0, dashes(0)[0].y0 - dashes(1)[0].y0);
      expect(Math.abs(tipDistance - rules.seedDistance)).toBeLessThanOrEqual(Math.SQRT2 / 2 + 1e-9);
      const start = dashes(g.origin)[0];
      expect(g.markers[0]).toEqual([start.x0, start.y0]);
      const endSnake = dashes(im.label ? g.origin : 1 - g.origin);
      expect(g.markers[1]).toEqual([endSnake[13].x1, endSnake[13].y1]);
      for (const d of g.segments)
        for (const v of [d.x0, d.y0, d.x1, d.y1]) expect(v >= rules.padding && v <= 32 - rules.padding).toBe(true);
      // Markers are drawn brighter (1.0) than a thin dash can get (0.75 at most after the downsample).
      for (const [mx, my] of g.markers) expect(im.pixels[Math.floor(my) * 32 + Math.floor(mx)]).toBeGreaterThanOrEqual(150);
    }
  });

  const config: PathfinderConfig = { rules: lraPathfinderRules(9), sizes: { train: 10000, validation: 200, test: 200 } };

  it('same seed gives byte-identical batches, another seed differs; tokens are pixel + 1', () => {
    const a = createPathfinderTask(config, 5),
      b = createPathfinderTask(config, 5),
      c = createPathfinderTask(config, 6);
    for (const split of ['train', 'validation', 'test'] as const) {
      const x = a.batch(split, 1, 6),
        y = b.batch(split, 1, 6),
        z = c.batch(split, 1, 6);
      expect(Buffer.from(x.tokens.buffer).equals(Buffer.from(y.tokens.buffer))).toBe(true);
      expect(x.labels).toEqual(y.labels);
      expect(Buffer.from(x.tokens.buffer).equals(Buffer.from(z.tokens.buffer))).toBe(false);
      expect(x.tokens.length).toBe(6 * 1024);
      expect(x.tokens.every((t) => t >= 1 && t <= 256)).toBe(true);
      expect(x.mask.every((m) => m === 1)).toBe(true);
    }
    const im = generatePathfinder(streamRng(1, 2), config.rules);
    expect(Array.from(pixelsToTokens(im.pixels).slice(0, 64))).toEqual(Array.from(im.pixels.slice(0, 64), (p) => p + 1));
  });

  it('no image is in two splits', () => {
    const t = createPathfinderTask({ ...config, sizes: { train: 400, validation: 200, test: 200 } }, 8);
    const seen = new Map<number, string>();
    for (const split of ['validation', 'test', 'train'] as const) {
      for (let i = 0; i < t.splitSizes[split]; i++) {
        const h = hash53(t.example(split, i).tokens);
        expect(seen.has(h), `${split} ${i}`).toBe(false);
        seen.set(h, split);
      }
    }
  });

  it('class balance: positives are 50% ± 8% of 400 examples of each evaluation split (binomial sd 2.5%)', () => {
    const t = createPathfinderTask({ ...config, sizes: { train: 10, validation: 400, test: 400 } }, 3);
    for (const split of ['validation', 'test'] as const) {
      const b = t.classBalance(split);
      expect(b.measured).toBe(400);
      expect(Math.abs(b.counts[1] / 400 - 0.5)).toBeLessThan(0.08);
    }
  });

  it('rejects bad rules with a message naming the parameter', () => {
    expect(() => createPathfinderTask({ ...config, rules: { ...config.rules, contourLength: 0 } }, 1)).toThrow(
      /contourLength must be an integer/,
    );
  });
});
