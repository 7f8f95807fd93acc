import { describe, expect, it } from 'vitest';
import { placementOf } from './placement';

describe('placementOf', () => {
  it('names the threads on wasm', () => {
    expect(placementOf('wasm', 1, 'reformer')).toBe('every node on the WebAssembly CPU kernels, 1 thread');
    expect(placementOf('wasm', 2, 'proxy')).toBe('every node on the WebAssembly CPU kernels, 2 threads');
  });

  it("says on webgpu that Reformer's sorts run on the CPU kernels, and only for Reformer", () => {
    expect(placementOf('webgpu', 1, 'reformer')).toMatch(
      /compute nodes on WebGPU.*Reformer's bucket sorts \(TopK, two per layer\) run on the CPU kernels/,
    );
    for (const attention of ['softmax', 'proxy', 'nystrom', 'bigbird'] as const)
      expect(placementOf('webgpu', 1, attention)).not.toMatch(/TopK/);
  });
});
