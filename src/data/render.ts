/**
 * What the model sees, for the UI: ListOps tokens back to an expression, Pathfinder and MNIST
 * tokens back to grayscale images (RGBA bytes ready for a canvas ImageData), mail tokens back
 * to text. Padding (id 0) is skipped everywhere.
 */

import { symbolOf } from './listops/grammar';
import type { Example, TaskName } from './task';

export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

export type Rendered = { kind: 'text'; texts: string[] } | { kind: 'image'; image: RgbaImage };

/** ListOps tokens as text, e.g. "[MAX 2 9 [MIN 4 7 ] 0 ]". */
export function listOpsToText(tokens: ArrayLike<number>): string {
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i++) if (tokens[i] !== 0) out.push(symbolOf(tokens[i]));
  return out.join(' ');
}

/** Byte tokens (byte + 1) back to text, decoded as UTF-8 with replacement characters. */
export function bytesToText(tokens: ArrayLike<number>): string {
  const bytes: number[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t === 0) continue;
    if (t < 1 || t > 256) throw new Error(`byte token ${t} at position ${i} is outside 1..256`);
    bytes.push(t - 1);
  }
  return new TextDecoder('utf-8', { fatal: false }).decode(new Uint8Array(bytes));
}

/** Pixel tokens (pixel + 1), row-major, as an RGBA gray image of width × height (padding drawn black). */
export function pixelTokensToRgba(tokens: ArrayLike<number>, width: number, height: number): RgbaImage {
  if (tokens.length < width * height) throw new Error(`image of ${width}×${height} needs ${width * height} tokens, got ${tokens.length}`);
  const data = new Uint8ClampedArray(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    const v = tokens[p] === 0 ? 0 : tokens[p] - 1;
    data[4 * p] = data[4 * p + 1] = data[4 * p + 2] = v;
    data[4 * p + 3] = 255;
  }
  return { width, height, data };
}

/** An example of a task, rendered for display (`customKind`: what a user dataset holds). */
export function renderExample(task: TaskName, ex: Example, customKind: 'text' | 'pairs' | 'image' = 'text'): Rendered {
  switch (task) {
    case 'custom':
      if (customKind === 'image') return renderExample('image', ex);
      return renderExample(customKind === 'pairs' ? 'retrieval' : 'text', ex);
    case 'listops':
      return { kind: 'text', texts: [listOpsToText(ex.tokens)] };
    case 'text':
      return { kind: 'text', texts: [bytesToText(ex.tokens)] };
    case 'retrieval':
      return { kind: 'text', texts: [bytesToText(ex.tokens), bytesToText(ex.tokens2 ?? [])] };
    case 'image': {
      const side = Math.round(Math.sqrt(ex.tokens.length));
      return { kind: 'image', image: pixelTokensToRgba(ex.tokens, side, side) };
    }
    case 'pathfinder': {
      const side = Math.round(Math.sqrt(ex.tokens.length));
      if (side * side !== ex.tokens.length) throw new Error(`Pathfinder example has ${ex.tokens.length} tokens, not a square image`);
      return { kind: 'image', image: pixelTokensToRgba(ex.tokens, side, side) };
    }
  }
}
