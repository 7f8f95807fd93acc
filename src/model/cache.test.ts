/**
 * Injection 'none': Q̃, K̃, K2 and Z are computed once per forward for the whole batch, and in
 * evaluation (no tape) cached until `weightsVersion` changes; cached and fresh results agree.
 */
import { describe, expect, it } from 'vitest';
import { CpuBackend, intTensor, noGrad, scope, tensor } from '../engine';
import { buildModel } from './model';
import { tinyConfig } from './testing/configs';
import { randomWeights } from './testing/parity';

const be = new CpuBackend('f32');
const B = 3;
const N = 16;

function setup() {
  const model = buildModel(be, tinyConfig('proxy', { injection: 'none' }), 1);
  const load = (seed: number) => {
    for (const [name, w] of randomWeights(
      model.params.entries().map(([k, t]) => [k, t.shape]),
      seed,
    ))
      model.params.load(name, w.data);
    model.weightsChanged();
  };
  const tokens = intTensor(
    be,
    Array.from({ length: B * N }, (_, i) => 1 + (i % 10)),
    [B, N],
  );
  const mask = tensor(
    be,
    Array.from({ length: B * N }, (_, i) => (i % N < 12 ? 1 : 0)),
    [B, N],
  );
  const batch = { tokens, mask, labels: intTensor(be, [0, 1, 2], [B]) };
  const evalLogits = () => noGrad(() => scope(() => model.forward(batch, { train: false }).logits));
  return { model, load, batch, evalLogits };
}

describe("injection 'none': input-independent K2 and Z", () => {
  it('are computed once per layer per forward, not per sample, while training', () => {
    const { model, batch } = setup();
    scope(() => model.forward(batch, { train: true, dropoutSeed: 1 }));
    expect(model.fixedComputations()).toBe(model.config.layers);
  });

  it('are cached in evaluation until the weights version changes, and the cache gives the same logits', async () => {
    const { model, load, batch, evalLogits } = setup();
    load(3);
    const first = await evalLogits().read();
    const second = await evalLogits().read();
    expect(model.fixedComputations()).toBe(model.config.layers); // the second call used the cache
    expect(Array.from(second)).toEqual(Array.from(first));
    // Fresh computation (tape on, so not cacheable) agrees with the cached one.
    const fresh = await scope(() => model.forward(batch, { train: false }).logits).read();
    for (let i = 0; i < fresh.length; i++) expect(fresh[i]).toBeCloseTo(first[i], 6);

    load(4); // new weights: the version moves, the cache is stale
    const after = await evalLogits().read();
    expect(model.fixedComputations()).toBe(3 * model.config.layers);
    expect(Array.from(after)).not.toEqual(Array.from(first));
    const freshAfter = await scope(() => model.forward(batch, { train: false }).logits).read();
    for (let i = 0; i < freshAfter.length; i++) expect(freshAfter[i]).toBeCloseTo(after[i], 6);
  });

  it('a stale cache is what a forgotten version bump would give (the bump is needed)', async () => {
    const { model, batch, evalLogits } = setup();
    const before = await evalLogits().read();
    for (const [name, w] of randomWeights(
      model.params.entries().map(([k, t]) => [k, t.shape]),
      8,
    ))
      model.params.load(name, w.data);
    const stale = await evalLogits().read();
    const fresh = await scope(() => model.forward(batch, { train: false }).logits).read();
    expect(Array.from(stale)).not.toEqual(Array.from(before)); // other weights did change the logits …
    expect(Array.from(stale)).not.toEqual(Array.from(fresh)); // … but K2 and Z came from the old proxies
    model.weightsChanged();
    const bumped = await evalLogits().read();
    for (let i = 0; i < fresh.length; i++) expect(bumped[i]).toBeCloseTo(fresh[i], 6);
  });
});
