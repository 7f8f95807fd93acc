import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../engine';
import { MetricsBuffer } from '../io/metrics';
import { captureCheckpoint, parseCheckpoint, restoreCheckpoint } from './checkpoint';
import { taskFor } from './taskFromConfig';
import { tinyConfig } from './testing';
import { Trainer, countCorrect, dropoutSeedFor, redrawDue } from './trainer';

async function run(trainer: Trainer, steps: number): Promise<number[]> {
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) {
    trainer.trainStep();
    if (i % 2 === 1 || i === steps - 1) losses.push(...(await trainer.readPending()).values.map((v) => v.loss));
  }
  return losses;
}

describe('Trainer (CPU reference backend)', () => {
  it('a run restored from a checkpoint continues bit-identically to one never interrupted', async () => {
    // Dropout everywhere and Proxyformer's decomposed dropout: every random draw must resume too.
    const config = tinyConfig('proxy', { dropout: 0.1, decomposedDropoutRate: 0.2 });
    const task = await taskFor(config);
    const straight = new Trainer(new CpuBackend('f32'), config, task);
    const reference = await run(straight, 8);

    const first = new Trainer(new CpuBackend('f32'), config, task);
    const before = await run(first, 4);
    const bytes = await captureCheckpoint(first, { metrics: MetricsBuffer.fromCsv('step,loss\n1,2.5\n') });
    first.dispose();
    const second = new Trainer(new CpuBackend('f32'), config, task);
    const contents = parseCheckpoint(bytes);
    expect(contents.step).toBe(4);
    expect(contents.metrics.rows()).toEqual([{ step: 1, loss: 2.5 }]);
    restoreCheckpoint(second, contents);
    const after = await run(second, 4);
    expect([...before, ...after]).toEqual(reference); // exact equality, not a tolerance
    expect(second.step).toBe(8);
    straight.dispose();
    second.dispose();
  });

  it('Performer: redraws the features every performerRedraw steps from (initSeed, step), and a resumed run redraws the same', async () => {
    const config = tinyConfig('performer', { performerRedraw: 3, dropout: 0.1 });
    expect([0, 1, 2, 3, 4, 5, 6].map((s) => redrawDue(config, s))).toEqual([false, false, false, true, false, false, true]);
    expect(redrawDue({ ...config, performerRedraw: 0 }, 3)).toBe(false);
    expect(redrawDue({ ...config, attention: 'linear' }, 3)).toBe(false);
    const task = await taskFor(config);
    const features = (t: Trainer) =>
      t.model.params
        .get('layers.0.attn.features')
        .read()
        .then((d) => Array.from(d));
    const straight = new Trainer(new CpuBackend('f32'), config, task);
    const initial = await features(straight);
    await run(straight, 3);
    expect(await features(straight)).toEqual(initial); // steps 0, 1, 2 use the init draw
    const probe = new Trainer(new CpuBackend('f32'), config, task);
    probe.model.redrawFeatures(config.initSeed, 3);
    const drawn = await features(probe);
    probe.dispose();
    await run(straight, 1); // step 3 redraws first
    expect(await features(straight)).toEqual(drawn);
    expect(drawn).not.toEqual(initial);
    const reference = [...(await run(straight, 4))];

    const first = new Trainer(new CpuBackend('f32'), config, task);
    await run(first, 4);
    const bytes = await captureCheckpoint(first);
    first.dispose();
    const second = new Trainer(new CpuBackend('f32'), config, task);
    restoreCheckpoint(second, parseCheckpoint(bytes)); // features are in the checkpoint, without AdamW moments
    expect(await features(second)).toEqual(drawn);
    expect(await run(second, 4)).toEqual(reference); // the redraw before step 6 is the same
    straight.dispose();
    second.dispose();
  });

  it('keeps memory flat across steps (no per-step growth of the pool)', async () => {
    const config = tinyConfig('nystrom');
    const be = new CpuBackend('f32');
    const trainer = new Trainer(be, config, await taskFor(config));
    await run(trainer, 3);
    const after3 = be.memory();
    await run(trainer, 6);
    const after9 = be.memory();
    expect(after9.inUse).toEqual(after3.inUse);
    expect(after9.allocated).toBe(after3.allocated);
    expect(after9.liveBuffers).toBe(after3.liveBuffers);
    trainer.dispose();
  });

  it('evaluates a split and refuses a checkpoint that does not fit the model, naming what is wrong', async () => {
    const config = tinyConfig('softmax');
    const task = await taskFor(config);
    const trainer = new Trainer(new CpuBackend('f32'), config, task);
    const ev = await trainer.evaluate('validation', 2);
    expect(ev.examples).toBe(8);
    expect(ev.accuracy).toBeGreaterThanOrEqual(0);
    expect(ev.accuracy).toBeLessThanOrEqual(1);
    expect(Number.isFinite(ev.loss)).toBe(true);
    const bytes = await captureCheckpoint(trainer);
    const other = new Trainer(new CpuBackend('f32'), tinyConfig('softmax', { dModel: 32 }), task);
    expect(() => restoreCheckpoint(other, parseCheckpoint(bytes))).toThrow(
      /does not fit this model: weight .* has \d+ values, the model needs/,
    );
    expect(() => parseCheckpoint(new Uint8Array([1, 2, 3]))).toThrow();
    trainer.dispose();
    other.dispose();
  });
});

describe('non-finite detection', () => {
  it('flags NaN weights even when the loss stays finite behind a ReLU', async () => {
    const config = tinyConfig('nystrom');
    const trainer = new Trainer(new CpuBackend('f32'), config, await taskFor(config));
    trainer.trainStep();
    expect((await trainer.readPending()).finite).toBe(true);
    const name = 'embed.tokens.weight';
    trainer.model.params.load(name, new Float32Array(trainer.model.params.get(name).size).fill(NaN));
    trainer.trainStep();
    const r = await trainer.readPending();
    expect(r.finite).toBe(false);
    trainer.dispose();
  });
});

describe('training helpers', () => {
  it('counts correct argmax predictions', () => {
    expect(countCorrect([0, 1, 0, 5, 2, 1], new Int32Array([1, 0]), 2)).toBe(1);
  });
  it('draws unrelated dropout seeds per step', () => {
    const seeds = new Set(Array.from({ length: 1000 }, (_, s) => dropoutSeedFor(7, s)));
    expect(seeds.size).toBe(1000);
    expect(dropoutSeedFor(7, 3)).toBe(dropoutSeedFor(7, 3));
  });
});
