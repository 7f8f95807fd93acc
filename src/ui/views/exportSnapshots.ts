/**
 * The snapshot sequence as a set of PNGs in a zip: one frame per snapshot, each with the run's
 * name, the step, the example, layer and head, and the key factors (keyFactors.ts) side by side
 * with their titles and value ranges. Frames are drawn one at a time on a canvas and encoded by
 * the browser (canvas.toBlob), so the main thread never holds a long task.
 */
import { zipSync } from 'fflate';
import type { AttentionViews } from '../../store/attentionViews';
import { finiteRange, matrixToRgba } from './colormap';
import { keyFactors } from './keyFactors';

const CELL = 220;
const PAD = 12;
const HEAD = 40;

/** The file name of frame i (zero-padded, so they sort in order). */
export function frameName(i: number, step: number): string {
  return `frame-${String(i).padStart(3, '0')}-step-${step}.png`;
}

/** Draw one snapshot's frame on `canvas`; false when the head has no factors. */
export function drawFrame(canvas: HTMLCanvasElement, v: AttentionViews, layer: number, head: number, run: string): boolean {
  const factors = keyFactors(v, layer, head);
  if (factors.length === 0) return false;
  canvas.width = PAD + factors.length * (CELL + PAD);
  canvas.height = HEAD + CELL + 36;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('the browser gave no 2D canvas to draw the frames on');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.fillStyle = '#1d2530';
  ctx.font = 'bold 14px system-ui, sans-serif';
  ctx.fillText(`${run} · step ${v.step}`, PAD, 18);
  ctx.font = '12px system-ui, sans-serif';
  ctx.fillText(`${v.attention} · ${v.split} example ${v.example.index} · layer ${layer}, head ${head}`, PAD, 34);
  ctx.imageSmoothingEnabled = false;
  factors.forEach((f, i) => {
    const scale = f.range ?? finiteRange(f.matrix.data);
    const img = matrixToRgba(f.matrix.data, f.matrix.rows, f.matrix.cols, scale.lo, scale.hi);
    const tmp = document.createElement('canvas');
    tmp.width = img.width;
    tmp.height = img.height;
    tmp.getContext('2d')?.putImageData(new ImageData(img.pixels.slice(), img.width, img.height), 0, 0);
    const aspect = f.matrix.cols / f.matrix.rows;
    const w = aspect >= 1 ? CELL : CELL * aspect;
    const h = aspect >= 1 ? CELL / aspect : CELL;
    const x = PAD + i * (CELL + PAD);
    ctx.drawImage(tmp, x, HEAD, w, h);
    ctx.fillStyle = '#1d2530';
    ctx.fillText(f.title, x, HEAD + CELL + 14);
    ctx.fillStyle = '#5b6472';
    ctx.fillText(`rows ${f.rowLabel}, cols ${f.colLabel}; ${scale.lo.toPrecision(3)} … ${scale.hi.toPrecision(3)}`, x, HEAD + CELL + 30);
  });
  return true;
}

function pngOf(canvas: HTMLCanvasElement): Promise<Uint8Array> {
  return new Promise((resolve, reject) =>
    canvas.toBlob(
      (b) =>
        b ? b.arrayBuffer().then((a) => resolve(new Uint8Array(a)), reject) : reject(new Error('the browser could not encode a PNG')),
      'image/png',
    ),
  );
}

/** All snapshots as PNG frames in one zip (stored, not deflated: PNGs are compressed already). */
export async function snapshotsZip(snapshots: AttentionViews[], layer: number, head: number, run: string): Promise<Uint8Array> {
  const canvas = document.createElement('canvas');
  const files: Record<string, Uint8Array> = {};
  for (const [i, v] of snapshots.entries()) {
    if (!drawFrame(canvas, v, layer, head, run))
      throw new Error(`snapshot ${i} (step ${v.step}) has no maps for layer ${layer}, head ${head}`);
    files[frameName(i, v.step)] = await pngOf(canvas);
  }
  return zipSync(files, { level: 0 });
}
