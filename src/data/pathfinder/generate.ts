/**
 * Pathfinder images by the rules of LRA's pathfinder32 (drewlinsley/pathfinder `snakes2.py`
 * with LRA's parameters; docs/tasks.md "Pathfinder"), a simplified port:
 *
 * 1. label uniform in {0, 1};
 * 2. two target snakes are seeded: the first tail on a pixel centre outside a border band of
 *    2·seedDistance (as snakes2.py's `initialize_two_seeds` blocks it), a random whole-degree
 *    orientation, its first dash of paddleLength; the second tail on the pixel at seedDistance
 *    from the first in a random whole-degree direction, with its own orientation;
 * 3. the two target snakes grow alternately, one dash each per round, to contourLength dashes:
 *    the next dash starts a gap of `margin` past the last dash's end and points at one of the
 *    integer points (at the drawing scale) on the circle of radius paddleLength + margin; a
 *    candidate's weight is (1 − occupied(end))·(1 − occupied(middle))·max(cos(min(|Δθ|·
 *    continuity, π/2)), 0)², occupied meaning outside the padded image or within the
 *    clearance of a dash other than the snake's previous one (the dilated occupancy mask); a
 *    drawn dash that comes within the clearance of such a dash is redrawn up to 2 times
 *    (max_paddle_retrial), and a snake that cannot grow restarts the whole pair;
 * 4. distractor snakes of distractorLength dashes are seeded on free pixel centres and grown
 *    the same way; a distractor that fails is dropped (allow_incomplete in the original);
 * 5. markers: origin snake o uniform; one disc of markerRadius on o's start tip, the other on
 *    o's end tip (label 1) or on the other snake's end tip (label 0);
 * 6. drawn at antialias scale 2 (raster.ts), dashes at 2 × 0.75 = 1.5 intensity, markers 1.0.
 *
 * Differences from snakes2.py, stated for the UI: no single-paddle distractors (the LRA
 * wrapper disables them); consecutive dashes of a snake are `margin` apart and a dash keeps a
 * clearance of 3·margin from every other dash (in the original both footprints are dilated
 * by margin before the overlap test, and the gap between dashes is 2·margin), so that a
 * contour is almost always the only 8-connected path of lit pixels between its ends — the
 * tests trace the rendered pixels to check the labels. The larger clearance crowds the image
 * sooner, so fewer distractors fit (about 2.7 of 5 at contour length 14). The statistics therefore differ a little from the
 * released PNGs: "LRA-like", not LRA.
 */

import type { Sfc32 } from '../rng';
import { checkInt } from '../task';
import { angleDifference, pointSegmentDistance, segmentDistance, type Segment } from './geometry';
import { Canvas } from './raster';

export interface PathfinderRules {
  size: number;
  padding: number;
  antialiasScale: number;
  paddleLength: number;
  paddleThickness: number;
  margin: number;
  markerRadius: number;
  seedDistance: number;
  contourLength: number;
  continuity: number;
  distractorLength: number;
  distractors: number;
  paddleIntensity: number;
  markerIntensity: number;
}

/** LRA's pathfinder32 parameters for a contour length (14 hard, 9 medium, 6 easy); distractors ⌊L/3⌋ dashes, ⌊20/that⌋ of them (4 and 5 at L = 14, as in LRA). */
export function lraPathfinderRules(contourLength: 6 | 9 | 14): PathfinderRules {
  const distractorLength = Math.floor(contourLength / 3);
  return {
    size: 32,
    padding: 1,
    antialiasScale: 2,
    paddleLength: 2,
    paddleThickness: 0.5,
    margin: 1,
    markerRadius: 1.5,
    seedDistance: 7,
    contourLength,
    continuity: 1,
    distractorLength,
    distractors: Math.floor(20 / distractorLength),
    paddleIntensity: 2 * 0.75,
    markerIntensity: 1,
  };
}

/** Throws unless the rules are usable. */
export function checkPathfinderRules(r: PathfinderRules): void {
  checkInt('Pathfinder size', r.size, 8, 256);
  checkInt('Pathfinder contourLength', r.contourLength, 1, 64);
  checkInt('Pathfinder distractorLength', r.distractorLength, 1, 64);
  checkInt('Pathfinder distractors', r.distractors, 0, 64);
  checkInt('Pathfinder antialiasScale', r.antialiasScale, 1, 8);
  for (const k of ['paddleLength', 'paddleThickness', 'margin', 'markerRadius', 'seedDistance', 'continuity'] as const) {
    if (!(r[k] > 0)) throw new Error(`Pathfinder ${k} must be > 0, got ${r[k]}`);
  }
}

export interface PathfinderGeometry {
  segments: Segment[];
  /** Snake s: its role and its dashes, in drawing order (snakes 0 and 1 are the targets). */
  snakes: { role: 'target' | 'distractor'; dashes: number }[];
  /** Marker centres: [start tip of the origin snake, the other end]. */
  markers: [number, number][];
  /** The snake whose start tip carries the first marker. */
  origin: number;
}

export interface PathfinderImage {
  pixels: Uint8Array;
  label: number;
  geometry: PathfinderGeometry;
  /** Pair restarts needed (a measure of how crowded the rules are). */
  restarts: number;
}

const MAX_PAIR_RESTARTS = 500;
const MAX_SEED_TRIES = 200;

/** Unit directions (and their angles) to the integer points, at the drawing scale, on a circle of radius r·scale. */
function circleDirections(radius: number, scale: number): { ux: Float64Array; uy: Float64Array; angle: Float64Array } {
  const key = `${radius}x${scale}`;
  const cached = DIRECTIONS.get(key);
  if (cached) return cached;
  const R = radius * scale;
  const ux: number[] = [],
    uy: number[] = [];
  const m = Math.ceil(R) + 1;
  for (let dy = -m; dy <= m; dy++)
    for (let dx = -m; dx <= m; dx++) {
      const h = Math.hypot(dx, dy);
      if (Math.round(h) === Math.round(R)) {
        ux.push(dx / h);
        uy.push(dy / h);
      }
    }
  const dirs = { ux: Float64Array.from(ux), uy: Float64Array.from(uy), angle: Float64Array.from(ux, (x, i) => Math.atan2(uy[i], x)) };
  DIRECTIONS.set(key, dirs);
  return dirs;
}
const DIRECTIONS = new Map<string, ReturnType<typeof circleDirections>>();

/** Grid cell size (pixels) of the spatial index of dashes. */
const CELL = 4;

class Scene {
  readonly segs: Segment[] = [];
  readonly dirs: ReturnType<typeof circleDirections>;
  readonly clearance: number;
  /** Per grid cell, the dashes whose clearance zone touches it: a point query reads one cell. */
  private readonly cells: Segment[][];
  private readonly cols: number;

  constructor(readonly r: PathfinderRules) {
    this.dirs = circleDirections(r.paddleLength + r.margin, r.antialiasScale);
    this.clearance = 3 * r.margin;
    this.cols = Math.ceil(r.size / CELL) + 1;
    this.cells = Array.from({ length: this.cols * this.cols }, () => []);
  }
  add(s: Segment): void {
    this.segs.push(s);
    const c = this.clearance;
    const i0 = this.cell(Math.min(s.x0, s.x1) - c),
      i1 = this.cell(Math.max(s.x0, s.x1) + c);
    const j0 = this.cell(Math.min(s.y0, s.y1) - c),
      j1 = this.cell(Math.max(s.y0, s.y1) + c);
    for (let j = j0; j <= j1; j++) for (let i = i0; i <= i1; i++) this.cells[j * this.cols + i].push(s);
  }
  /** Removes the dashes added after the first n. */
  truncate(n: number): void {
    const gone = new Set(this.segs.splice(n));
    for (const cell of this.cells) while (cell.length && gone.has(cell[cell.length - 1])) cell.pop();
  }
  private cell(v: number): number {
    const k = Math.floor(v / CELL);
    return k < 0 ? 0 : k >= this.cols ? this.cols - 1 : k;
  }
  inside(x: number, y: number): boolean {
    const lo = this.r.padding,
      hi = this.r.size - this.r.padding;
    return x >= lo && x <= hi && y >= lo && y <= hi;
  }
  /** Inside the padded image and at least the clearance from every dash but `except`. */
  free(x: number, y: number, except?: Segment): boolean {
    if (!this.inside(x, y)) return false;
    for (const t of this.cells[this.cell(y) * this.cols + this.cell(x)]) {
      if (t !== except && pointSegmentDistance(x, y, t.x0, t.y0, t.x1, t.y1) < this.clearance) return false;
    }
    return true;
  }
  crowds(s: Segment, except?: Segment): boolean {
    for (const t of this.segs) if (t !== except && segmentDistance(s, t) < this.clearance) return true;
    return false;
  }
  /** The first dash from a tail in direction theta, or null when it leaves the image or crowds another. */
  firstDash(x: number, y: number, theta: number, snake: number): Segment | null {
    const s = { x0: x, y0: y, x1: x + this.r.paddleLength * Math.cos(theta), y1: y + this.r.paddleLength * Math.sin(theta), snake };
    if (!this.free(x, y) || !this.free(s.x1, s.y1) || this.crowds(s)) return null;
    return s;
  }
  /** Adds the dash that follows `cur`, or returns null when the snake is stuck. */
  step(rng: Sfc32, cur: Segment): Segment | null {
    const { paddleLength: L, margin: g, continuity } = this.r;
    const { ux, uy, angle } = this.dirs;
    const theta = Math.atan2(cur.y1 - cur.y0, cur.x1 - cur.x0);
    const weights = new Float64Array(ux.length);
    let total = 0;
    for (let c = 0; c < ux.length; c++) {
      const turn = Math.min(angleDifference(angle[c], theta) * continuity, Math.PI / 2);
      const cw = Math.max(Math.cos(turn), 0) ** 2;
      if (cw < 1e-12) continue;
      const ex = cur.x1 + (L + g) * ux[c],
        ey = cur.y1 + (L + g) * uy[c];
      const mx = cur.x1 + (g + L / 2) * ux[c],
        my = cur.y1 + (g + L / 2) * uy[c];
      if (!this.free(ex, ey, cur) || !this.free(mx, my, cur)) continue;
      weights[c] = cw;
      total += cw;
    }
    if (total === 0) return null;
    for (let tryNo = 0; tryNo < 3; tryNo++) {
      let u = rng.float() * total;
      let c = 0;
      while (c < weights.length - 1 && (weights[c] === 0 || u >= weights[c])) {
        u -= weights[c];
        c++;
      }
      const s = {
        x0: cur.x1 + g * ux[c],
        y0: cur.y1 + g * uy[c],
        x1: cur.x1 + (L + g) * ux[c],
        y1: cur.y1 + (L + g) * uy[c],
        snake: cur.snake,
      };
      if (!this.crowds(s, cur)) {
        this.add(s);
        return s;
      }
    }
    return null;
  }
}

const degrees = (rng: Sfc32) => ((rng.int(360) - 180) * Math.PI) / 180;

/** A random free pixel centre at least `band` pixels inside the border, or null. */
function freePixel(rng: Sfc32, sc: Scene, band: number): [number, number] | null {
  const span = sc.r.size - 2 * band;
  if (span < 1) throw new Error(`Pathfinder: border band ${band} leaves no room at size ${sc.r.size}`);
  for (let t = 0; t < MAX_SEED_TRIES; t++) {
    const x = band + rng.int(span) + 0.5,
      y = band + rng.int(span) + 0.5;
    if (sc.free(x, y)) return [x, y];
  }
  return null;
}

/** Seeds and grows the two target snakes alternately; null when they do not fit (the caller restarts). */
function targetPair(rng: Sfc32, r: PathfinderRules): Scene | null {
  const sc = new Scene(r);
  const tail = freePixel(rng, sc, Math.min(2 * r.seedDistance, Math.floor((r.size - 1) / 2)));
  if (!tail) return null;
  let a = sc.firstDash(tail[0], tail[1], degrees(rng), 0);
  if (!a) return null;
  sc.add(a);
  const phi = (rng.int(360) * Math.PI) / 180;
  const bx = Math.floor(tail[0] + r.seedDistance * Math.cos(phi)) + 0.5,
    by = Math.floor(tail[1] + r.seedDistance * Math.sin(phi)) + 0.5;
  let b = sc.firstDash(bx, by, degrees(rng), 1);
  if (!b) return null;
  sc.add(b);
  for (let n = 1; n < r.contourLength; n++) {
    const na = sc.step(rng, a);
    if (!na) return null;
    const nb = sc.step(rng, b);
    if (!nb) return null;
    a = na;
    b = nb;
  }
  return sc;
}

/** One Pathfinder image with its label and stroke geometry, consuming `rng`. */
export function generatePathfinder(rng: Sfc32, r: PathfinderRules): PathfinderImage {
  const label = rng.int(2);
  let sc: Scene | null = targetPair(rng, r);
  let restarts = 0;
  while (!sc) {
    if (++restarts > MAX_PAIR_RESTARTS)
      throw new Error(`Pathfinder: target snakes of ${r.contourLength} dashes did not fit in ${MAX_PAIR_RESTARTS} tries at size ${r.size}`);
    sc = targetPair(rng, r);
  }
  const snakes: PathfinderGeometry['snakes'] = [
    { role: 'target', dashes: r.contourLength },
    { role: 'target', dashes: r.contourLength },
  ];
  for (let d = 0; d < r.distractors; d++) {
    const id = snakes.length;
    const tail = freePixel(rng, sc, r.padding);
    if (!tail) continue;
    let cur = sc.firstDash(tail[0], tail[1], degrees(rng), id);
    if (!cur) continue;
    const before = sc.segs.length;
    sc.add(cur);
    for (let n = 1; n < r.distractorLength && cur; n++) cur = sc.step(rng, cur);
    if (!cur) {
      sc.truncate(before);
      continue;
    }
    snakes.push({ role: 'distractor', dashes: r.distractorLength });
  }
  const origin = rng.int(2);
  const dashesOf = (s: number) => sc!.segs.filter((g) => g.snake === s);
  const start = dashesOf(origin)[0];
  const endSnake = label === 1 ? origin : 1 - origin;
  const endDashes = dashesOf(endSnake);
  const end = endDashes[endDashes.length - 1];
  const markers: [number, number][] = [
    [start.x0, start.y0],
    [end.x1, end.y1],
  ];
  const canvas = new Canvas(r.size, r.antialiasScale);
  for (const s of sc.segs) canvas.line(s, r.paddleThickness, r.paddleIntensity);
  for (const [x, y] of markers) canvas.disc(x, y, r.markerRadius, r.markerIntensity);
  return { pixels: canvas.toPixels(), label, geometry: { segments: sc.segs, snakes, markers, origin }, restarts };
}
