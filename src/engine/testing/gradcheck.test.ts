/**
 * Every op case, on the CPU reference: analytic gradients against float64 finite differences,
 * and the float32 reference against the float64 one (which calibrates the f32 tolerances the
 * WebGPU comparison uses).
 */
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../cpu/backend';
import { OP_CASES } from './opCases';
import type { Tolerance } from './tolerance';
import { compare, finiteDifferences, runOpCase } from './opRunner';

function expectClose(what: string, actual: ArrayLike<number>, expected: ArrayLike<number>, tol: Tolerance): void {
  const r = compare(actual, expected, tol);
  expect(
    r.ok,
    `${what}: worst element ${r.worst.index}: ${r.worst.actual} vs ${r.worst.expected} (max abs ${r.maxAbs}, tolerance ${JSON.stringify(tol)})`,
  ).toBe(true);
}

describe('op gradients (float64 finite differences)', () => {
  for (const c of OP_CASES)
    it(c.name, async () => {
      const be = new CpuBackend('f64');
      const res = await runOpCase(be, c, 3);
      const fd = await finiteDifferences(be, c, 3);
      for (const [name, g] of Object.entries(fd)) {
        expect(
          g.some((v) => v !== 0),
          `${name}: finite differences are all zero, the case tests nothing`,
        ).toBe(true);
        expectClose(`d/d${name}`, res.grads[name], g, c.fd);
      }
      expect(be.memory().liveBuffers, 'the case leaked buffers').toBe(0);
    });
});

describe('float32 reference against float64', () => {
  for (const c of OP_CASES)
    it(c.name, async () => {
      const ref = await runOpCase(new CpuBackend('f64'), c, 5);
      const got = await runOpCase(new CpuBackend('f32'), c, 5);
      expect(got.shape).toEqual(ref.shape);
      expectClose('output', got.output, ref.output, c.f32);
      for (const name of Object.keys(ref.grads)) expectClose(`d/d${name}`, got.grads[name], ref.grads[name], c.f32);
    });
});
