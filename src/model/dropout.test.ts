/** Drawn dropout: reproducible from its seed on the engine's counter-based generator, off in evaluation; column masks are 0/1. */
import { describe, expect, it } from 'vitest';
import { CpuBackend, DropoutStream, intTensor, noGrad, scope, tensor } from '../engine';
import { DropoutPlan } from './dropout';
import { buildModel } from './model';
import { tinyConfig } from './testing/configs';

const be = new CpuBackend('f32');
const B = 2;
const N = 16;
const batch = {
  tokens: intTensor(
    be,
    Array.from({ length: B * N }, (_, i) => 1 + (i % 9)),
    [B, N],
  ),
  mask: tensor(
    be,
    Array.from({ length: B * N }, (_, i) => (i % N < 13 ? 1 : 0)),
    [B, N],
  ),
};

describe('dropout', () => {
  it('a training forward is reproduced by its dropout seed, and another seed draws other masks', async () => {
    const model = buildModel(be, tinyConfig('proxy', { dropout: 0.3 }), 2);
    const logits = (o: Parameters<typeof model.forward>[1]) => noGrad(() => scope(() => model.forward(batch, o).logits)).read();
    const a = Array.from(await logits({ train: true, dropoutSeed: 11 }));
    expect(Array.from(await logits({ train: true, dropoutSeed: 11 }))).toEqual(a);
    expect(Array.from(await logits({ train: true, dropoutSeed: 12 }))).not.toEqual(a);
    // Evaluation drops nothing: the same as explicit masks that name no site.
    const evaluation = Array.from(await logits({ train: false }));
    expect(evaluation).not.toEqual(a);
    expect(Array.from(await logits({ train: true, masks: new Map() }))).toEqual(evaluation);
  });

  it('decomposed-dropout column masks are 0/1 keep masks, Bernoulli(1 − p)', async () => {
    const plan = new DropoutPlan(null, new DropoutStream(5));
    const r = await plan.columns('layers.0.attn.columns', [4, 2, 128], 0.25, batch.mask)!.read();
    expect(new Set(r)).toEqual(new Set([0, 1]));
    const dropped = r.filter((x) => x === 0).length / r.length;
    expect(dropped).toBeGreaterThan(0.2);
    expect(dropped).toBeLessThan(0.3);
    expect(new DropoutPlan(null, null).columns('layers.0.attn.columns', [4, 2, 128], 0.25, batch.mask)).toBeNull();
  });

  it('explicit masks are checked by shape', () => {
    const model = buildModel(be, tinyConfig('softmax'), 2);
    const masks = new Map([['embed.dropout', tensor(be, new Array(B * N * 8).fill(1), [B, N, 8])]]);
    expect(() => noGrad(() => scope(() => model.forward(batch, { train: true, masks })))).toThrow(
      /mask embed.dropout has shape \[2, 16, 8\], expected \[2, 16, 16\]/,
    );
  });
});
