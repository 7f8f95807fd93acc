/**
 * BigBird on the CPU backend: the block pattern (window, global, distinct random blocks from
 * the seed), the layer against a plain masked-softmax reference written here from the pattern,
 * reduction to exact softmax attention when one or two blocks cover the sequence, padding,
 * the random blocks as loadable state, memory linear in n at a fixed block size, and the views.
 */
import { describe, expect, it } from 'vitest';
import { CpuBackend, backward, intTensor, noGrad, scope, tensor } from '../engine';
import type { ModelConfig } from '../config';
import { blockLayout, checkRandomBlocks, drawRandomBlocks, slotCount, sparseBlocks } from './attention/bigbirdBlocks';
import { Initialiser } from './init';
import { buildModel, type Model } from './model';
import { tinyConfig } from './testing/configs';
import { randomWeights } from './testing/parity';

const be = new CpuBackend('f64');

function randomModel(c: ModelConfig, seed = 5, backend = be): Model {
  const m = buildModel(backend, c, 3);
  for (const [name, w] of randomWeights(
    m.params.entries().map(([k, t]) => [k, t.shape]),
    seed,
  ))
    if (!m.params.isState(name)) m.params.load(name, w.data);
  return m;
}

async function logits(m: Model, tokens: number[], mask: number[], rows: number): Promise<Float64Array> {
  const n = tokens.length / rows;
  const backend = m.params.backend;
  const out = noGrad(() =>
    scope(
      () => m.forward({ tokens: intTensor(backend, tokens, [rows, n]), mask: tensor(backend, mask, [rows, n]) }, { train: false }).logits,
    ),
  );
  const data = Float64Array.from(await out.read());
  out.dispose();
  return data;
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.max(...Array.from(a, (x, i) => Math.abs(x - b[i])));

describe('block pattern', () => {
  it('random blocks are distinct, outside the window and the global blocks, and follow the seed', () => {
    const [nb, r] = [12, 3];
    const a = drawRandomBlocks(new Initialiser(1), nb, r);
    expect(a.length).toBe(10 * 3);
    expect(checkRandomBlocks(a, nb, r)).toBeNull();
    for (let row = 0; row < 10; row++) {
      const picks = Array.from(a.subarray(row * r, row * r + r));
      expect(new Set(picks).size).toBe(r);
      for (const p of picks) expect([row, row + 1, row + 2, 0, nb - 1]).not.toContain(p);
    }
    expect(Array.from(drawRandomBlocks(new Initialiser(1), nb, r))).toEqual(Array.from(a));
    expect(Array.from(drawRandomBlocks(new Initialiser(2), nb, r))).not.toEqual(Array.from(a));
    expect(checkRandomBlocks([1, ...a.subarray(1)], nb, r)).toMatch(/query block 1: random block 1 is not one of/);
  });

  it('where fewer blocks than r are free, the rest are −1 and their slots are masked; duplicates count once', () => {
    const [nb, r, b] = [5, 3, 2];
    const draw = drawRandomBlocks(new Initialiser(4), nb, r);
    // Query block 1 (window 0–2, globals 0 and 4): only block 3 is free.
    expect(Array.from(draw.subarray(0, 3))).toEqual([3, -1, -1]);
    const layout = blockLayout(nb, b, r, draw);
    const width = slotCount(r) * b;
    expect(layout.gather.length).toBe(sparseBlocks(nb) * width);
    // Every sparse query block attends to the union of its blocks exactly once.
    for (let row = 0; row < sparseBlocks(nb); row++) {
      const valid = Array.from({ length: width }, (_, j) => layout.slotValid[row * width + j]);
      const keys = Array.from({ length: width }, (_, j) => layout.gather[row * width + j]).filter((_, j) => valid[j] > 0);
      expect(new Set(keys).size).toBe(keys.length);
      const blocks = new Set(keys.map((p) => Math.floor(p / b)));
      const patternRow = Array.from(layout.pattern.subarray((row + 1) * nb, (row + 2) * nb));
      expect(patternRow.map((x, j) => (x > 0 ? j : -1)).filter((j) => j >= 0)).toEqual([...blocks].sort((x, y) => x - y));
    }
    // Global rows see every block.
    expect(Array.from(layout.pattern.subarray(0, nb))).toEqual([1, 1, 1, 1, 1]);
    expect(layout.pattern[1 * nb + 3]).toBe(2); // the random block is marked
  });
});

describe('BigBird attention', () => {
  it('equals a masked softmax over the pattern’s keys (a plain reference from the views’ q, k)', async () => {
    const c = tinyConfig('bigbird', { seqLen: 24, bigbirdBlock: 3, bigbirdRandom: 2, layers: 1 });
    const m = randomModel(c);
    const tokens = [3, 7, 1, 9, 4, 4, 2, 8, 10, 5, 6, 1, 3, 2, 5, 9, 1, 1, 3, 7, 8, 0, 0, 0];
    const views = await m.views({ tokens });
    const pattern = views.layers[0].heads[0].blockPattern!;
    expect([pattern.rows, pattern.cols]).toEqual([8, 8]);
    const n = 24;
    // The reference: exact softmax restricted to the blocks of the pattern (and valid keys).
    for (const head of views.layers[0].heads) {
      const approx = head.approximation!;
      for (let i = 0; i < n; i++) {
        const qb = Math.floor(i / 3);
        let z = 0;
        for (let j = 0; j < n; j++) if (pattern.data[qb * 8 + Math.floor(j / 3)] > 0 && tokens[j] !== 0) z += head.exact!.data[i * n + j];
        for (let j = 0; j < n; j++) {
          const allowed = pattern.data[qb * 8 + Math.floor(j / 3)] > 0 && tokens[j] !== 0;
          const want = allowed ? head.exact!.data[i * n + j] / z : 0;
          expect(Math.abs(approx.data[i * n + j] - want)).toBeLessThan(1e-6);
        }
      }
      // Sparse rows really are sparse: a middle row misses some blocks.
      expect(Array.from(pattern.data.subarray(3 * 8, 4 * 8)).filter((x) => x === 0).length).toBeGreaterThan(0);
    }
  });

  it('with one or two blocks covering the sequence it is exact softmax attention (same weights)', async () => {
    for (const block of [16, 8]) {
      // The same random weights for both (the softmax model's names: BigBird only adds its state).
      const soft = randomModel(tinyConfig('softmax'));
      const bird = buildModel(be, tinyConfig('bigbird', { bigbirdBlock: block }), 3);
      for (const [name, t] of soft.params.entries()) bird.params.load(name, await t.read());
      const tokens = [3, 7, 1, 9, 4, 4, 2, 8, 10, 5, 6, 1, 3, 2, 0, 0];
      const mask = tokens.map((t) => (t ? 1 : 0));
      expect(maxDiff(await logits(bird, tokens, mask, 1), await logits(soft, tokens, mask, 1))).toBeLessThan(1e-12);
    }
  });

  it('padded tokens do not change the valid outputs; a valid token does', async () => {
    const m = randomModel(tinyConfig('bigbird', { bigbirdBlock: 2 }));
    const mask = [...Array(11).fill(1), ...Array(5).fill(0), ...Array(16).fill(1)];
    const base = [3, 7, 1, 9, 4, 4, 2, 8, 10, 5, 6, 0, 0, 0, 0, 0, 2, 5, 9, 1, 1, 3, 7, 8, 4, 6, 10, 2, 3, 5, 7, 9];
    const padded = base.map((t, i) => (mask[i] === 0 ? 1 + (i % 10) : t));
    const valid = base.map((t, i) => (i === 3 ? 5 : t));
    const a = await logits(m, base, mask, 2);
    expect(maxDiff(await logits(m, padded, mask, 2), a)).toBeLessThan(1e-9);
    expect(maxDiff((await logits(m, valid, mask, 2)).subarray(0, 3), a.subarray(0, 3))).toBeGreaterThan(1e-4);
  });

  it('random_blocks is state: not trained, drawn from the seed, and a loaded draw changes the pattern (a bad one is refused)', async () => {
    const c = tinyConfig('bigbird', { seqLen: 32, bigbirdBlock: 2, bigbirdRandom: 3 });
    const m = buildModel(be, c, 0);
    const name = 'layers.0.attn.random_blocks';
    expect(m.params.isState(name)).toBe(true);
    expect(m.params.get(name).shape).toEqual([14, 3]);
    expect(m.params.params().some((t) => t.name.endsWith('random_blocks'))).toBe(false);
    const other = buildModel(be, c, 1);
    const [mine, theirs] = [await m.params.get(name).read(), await other.params.get(name).read()];
    expect(Array.from(mine)).not.toEqual(Array.from(theirs));
    const tokens = Array.from({ length: 32 }, (_, i) => 1 + (i % 10));
    const before = await m.views({ tokens });
    m.params.load(name, theirs);
    const after = await m.views({ tokens });
    expect(Array.from(after.layers[0].heads[0].blockPattern!.data)).not.toEqual(Array.from(before.layers[0].heads[0].blockPattern!.data));
    const bad = Float64Array.from(theirs);
    bad[0] = 1; // query block 1's own window
    expect(() => m.params.load(name, bad)).toThrow(/random_blocks: query block 1: random block 1 is not one of/);
    expect(Array.from(await m.params.get(name).read())).toEqual(Array.from(theirs)); // nothing written
  });

  it('memory grows linearly in n at a fixed block size (pool peak of a training step)', async () => {
    const peaks: number[] = [];
    for (const n of [64, 128, 256]) {
      const backend = new CpuBackend('f32');
      const c = tinyConfig('bigbird', { seqLen: n, bigbirdBlock: 8, layers: 1, dropout: 0, attentionDropout: 0 });
      const m = randomModel(c, 5, backend);
      const weights = backend.memory().allocated;
      const tokens = Array.from({ length: 2 * n }, (_, i) => 1 + (i % 10));
      scope(() => {
        const r = m.forward(
          {
            tokens: intTensor(backend, tokens, [2, n]),
            mask: tensor(backend, Array(2 * n).fill(1), [2, n]),
            labels: intTensor(backend, [0, 1], [2]),
          },
          { train: true, dropoutSeed: 0 },
        );
        backward(r.loss!);
        return r.loss!;
      }).dispose();
      peaks.push(backend.memory().peak - weights);
    }
    // Doubling n doubles the activations (and a little more for the larger position table).
    expect(peaks[1] / peaks[0]).toBeLessThan(2.3);
    expect(peaks[2] / peaks[1]).toBeLessThan(2.3);
    expect(peaks[1] / peaks[0]).toBeGreaterThan(1.7);
  });
});
