/**
 * Shared setup of the WebGPU-against-CPU kernel tests (`backend.test.ts`, `nnKernels.test.ts`,
 * `dispatch.test.ts`): one device, one backend and one twin per test file, with the seeded
 * random inputs. Call `setUpGpuTwin()` at the top of the file; `ctx`, `gpu` and `tw` are set in
 * its `beforeAll` (live bindings: read them inside tests).
 */
import { afterAll, beforeAll, expect } from 'vitest';
import { CpuBackend } from '../../cpu/backend';
import { WebGpuBackend } from '../backend';
import { acquireGpu, type GpuContext } from '../device';
import { nodeGpu } from '../node';
import { Twin, type TwinBuf, describeDiff, randomArray, seededRandom, type Tolerance } from './twin';

export let ctx: GpuContext;
export let gpu: WebGpuBackend;
export let tw: Twin;
export const rand = seededRandom(20261128);

export function setUpGpuTwin(): void {
  beforeAll(async () => {
    ctx = await acquireGpu({ optionalFeatures: ['timestamp-query'] }, nodeGpu());
    gpu = new WebGpuBackend(ctx);
    tw = new Twin(new CpuBackend('f32'), gpu);
  });
  afterAll(() => {
    gpu?.dispose();
    ctx?.destroy();
  });
}

export async function expectClose(what: string, t: TwinBuf, tol: Tolerance): Promise<void> {
  const d = await tw.compare(t, tol);
  expect(d.ok, describeDiff(what, d, tol)).toBe(true);
}

export const rnd = (n: number, lo = -1, hi = 1): TwinBuf => tw.buf(randomArray(rand, n, lo, hi));
