/**
 * Buffer groups (`Backend.allocGroup`) on the CPU reference and on WebGPU: parts at aligned
 * offsets that kernels, writes, reads and clears address on their own; a whole that one kernel
 * runs over (AdamW with a per-block weight decay, the squared norm); accounting that counts the
 * parts in use and gives the memory back with the last handle.
 */
import { describe, expect, it } from 'vitest';
import { GROUP_ALIGN, type AdamWParams, type Backend, type Buf } from '../backend';
import { CpuBackend } from '../cpu/backend';
import { gpu, setUpGpuTwin } from './testing/gpuTwin';

setUpGpuTwin();

const close = (got: ArrayLike<number>, want: ArrayLike<number>, tol = 1e-6) => {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++)
    expect(Math.abs(got[i] - want[i]), `element ${i}: ${got[i]} vs ${want[i]}`).toBeLessThanOrEqual(tol);
};

async function groups(be: Backend): Promise<void> {
  const before = be.memory();
  const sizes = [3, 70, 1];
  const g = be.allocGroup(sizes, 'f32', 'weights', ['a', 'b', 'c']);
  expect(g.offsets).toEqual([0, GROUP_ALIGN, 3 * GROUP_ALIGN]);
  expect(g.whole.size).toBe(4 * GROUP_ALIGN);
  expect(be.memory().inUse.weights - before.inUse.weights).toBe(74 * 4 * (be.kind === 'cpu' ? 2 : 1));
  const values = sizes.map((n, p) => Array.from({ length: n }, (_, i) => 10 * p + i + 1));
  g.parts.forEach((b, p) => {
    be.write(b, values[p]);
  });
  // A kernel on a part stays inside it: fill the middle part, then write one element back.
  be.fill(g.parts[1], 0);
  be.write(g.parts[1], [5], 69);
  const whole = await be.read(g.whole);
  const want = new Array(4 * GROUP_ALIGN).fill(0);
  for (let i = 0; i < values[0].length; i++) want[i] = values[0][i];
  want[GROUP_ALIGN + 69] = 5;
  want[3 * GROUP_ALIGN] = values[2][0];
  close(whole, want, 0);
  close(await be.read(g.parts[2]), values[2], 0);
  for (const b of [...g.parts, g.whole]) be.free(b);
  expect(be.memory().inUse.weights).toBe(before.inUse.weights);
  await expect((async () => be.read(g.parts[0]))()).rejects.toThrow(/used after free/);
}

/** One AdamW over the wholes with a decay per block equals one per part with its own decay. */
async function adamwOverGroup(be: Backend): Promise<void> {
  const sizes = [5, 130, 64];
  const decays = [0.1, 0, 0.3];
  const make = () =>
    ['w', 'g', 'm', 'v'].map((k) =>
      be.allocGroup(
        sizes,
        'f32',
        'optimizer',
        sizes.map((_, i) => `${k}${i}`),
      ),
    );
  const seedValues = (g: { parts: Buf[] }, salt: number, lo: number) =>
    g.parts.forEach((b, p) => {
      be.write(
        b,
        Array.from({ length: b.size }, (_, i) => lo + Math.sin(salt + 7 * p + i)),
      );
    });
  const [one, many] = [make(), make()];
  for (const set of [one, many])
    set.forEach((g, k) => {
      seedValues(g, k, k === 3 ? 1.5 : 0);
    });
  const scale = be.alloc(1, 'f32', 'scratch', 'scale');
  be.write(scale, [0.5]);
  const blocks = be.alloc(one[0].whole.size / GROUP_ALIGN, 'f32', 'optimizer', 'decay blocks');
  const table: number[] = [];
  sizes.forEach((n, p) => {
    for (let b = 0; b < Math.ceil(n / GROUP_ALIGN); b++) table.push(decays[p]);
  });
  be.write(blocks, table);
  const p: AdamWParams = { lr: 0.01, beta1: 0.9, beta2: 0.99, eps: 1e-6, weightDecay: 123, step: 3 };
  be.adamw(one[0].whole, one[1].whole, one[2].whole, one[3].whole, scale, p, blocks);
  for (let i = 0; i < sizes.length; i++)
    be.adamw(many[0].parts[i], many[1].parts[i], many[2].parts[i], many[3].parts[i], scale, { ...p, weightDecay: decays[i] });
  for (const k of [0, 2, 3])
    for (let i = 0; i < sizes.length; i++) close(await be.read(one[k].parts[i]), await be.read(many[k].parts[i]), 0);
  // The gaps stay zero: nothing there to update.
  expect(Array.from(await be.read(one[0].whole)).slice(5, GROUP_ALIGN)).toEqual(new Array(GROUP_ALIGN - 5).fill(0));
  const norm = be.alloc(1, 'f32', 'scratch', 'norm');
  be.sumSquares(one[1].whole, norm, false);
  let want = 0;
  for (const b of one[1].parts) for (const x of await be.read(b)) want += x * x;
  close(await be.read(norm), [want], 1e-4 * want);
}

describe('buffer groups', () => {
  it('CPU reference: parts at aligned offsets, a whole over them, accounting', async () => {
    await groups(new CpuBackend('f64'));
    await adamwOverGroup(new CpuBackend('f32'));
  });
  it('WebGPU: the same through bind offsets, writes, reads and clears of parts', async () => {
    await groups(gpu);
    await adamwOverGroup(gpu);
  });
});
