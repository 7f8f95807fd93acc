/**
 * Per-kernel work counts: the cost functions give the flops and bytes a dispatch must move, the
 * timer adds them up by kernel beside the GPU time, a kernel with no cost function stays null
 * (shown as not counted), and share of peak names what bounds the kernel.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebGpuBackend } from './backend';
import { kernelCost, shareOfPeak } from './costs';
import { acquireGpu, type GpuContext } from './device';
import { nodeGpu } from './node';

let ctx: GpuContext;
beforeAll(async () => {
  ctx = await acquireGpu({ features: ['timestamp-query'] }, nodeGpu());
});
afterAll(() => ctx?.destroy());

describe('kernel costs', () => {
  it('counts a product as 2·m·n·k flops per batch entry and its least traffic as bytes', () => {
    const v = { m: 8, n: 4, k: 16, acc: 0 };
    expect(kernelCost('matmul', 'matmul_reg4', v, [1, 2, 3])).toEqual({
      flops: 3 * 2 * 8 * 4 * 16,
      bytes: 3 * 4 * (8 * 16 + 16 * 4 + 8 * 4),
    });
    expect(kernelCost('matmul', 'matmul_tiled', { ...v, acc: 1 }, [1, 1, 1])!.bytes).toBe(4 * (8 * 16 + 16 * 4 + 2 * 8 * 4));
    expect(kernelCost('softmax', 'softmax', { rows: 3, cols: 5, acc: 0 }, [3])).toEqual({ flops: 75, bytes: 120 });
    // The fused Linear: the product plus one bias add per output; its inputs, bias and output once.
    expect(kernelCost('linear', 'linear_forward', { rows: 8, k: 16, n: 4, heads: 1, seq: 1 }, [1, 1, 1])).toEqual({
      flops: 2 * 8 * 4 * 16 + 8 * 4,
      bytes: 4 * (8 * 16 + 4 * 16 + 4 + 8 * 4),
    });
    expect(kernelCost('unknownFamily', 'x', {}, [1])).toBeNull();
    expect(kernelCost('optimizer', 'clip_coefficient', { maxNorm: 1 }, [1])).toBeNull();
  });

  it('share of peak is the larger of the compute and memory shares, and names it', () => {
    expect(shareOfPeak(2e9, 1e6, 10, { gflops: 400, gbps: 100 })).toEqual({ gflops: 200, gbps: 0.1, share: 0.5, bound: 'compute' });
    expect(shareOfPeak(1e6, 4e8, 10, { gflops: 400, gbps: 100 })).toMatchObject({ gbps: 40, share: 0.4, bound: 'memory' });
  });

  it('the timer adds flops and bytes up by kernel beside its GPU time', async () => {
    const be = new WebGpuBackend(ctx, { timing: true });
    const p = {
      batch: 2,
      m: 16,
      n: 8,
      k: 32,
      transA: false,
      transB: false,
      strideA: 16 * 32,
      strideB: 32 * 8,
      alpha: 1,
      accumulate: false,
    };
    const a = be.alloc(2 * 16 * 32, 'f32', 'scratch', 'a');
    const b = be.alloc(2 * 32 * 8, 'f32', 'scratch', 'b');
    const out = be.alloc(2 * 16 * 8, 'f32', 'scratch', 'out');
    const clip = be.alloc(1, 'f32', 'scratch', 'clip');
    be.fill(a, 1);
    be.fill(b, 1);
    be.matmulWith('naive', a, b, out, p);
    be.matmulWith('naive', a, b, out, p);
    be.clipCoefficient(out, clip, 1);
    const r = await be.timing();
    if (!r.available) throw new Error(r.reason);
    const byName = Object.fromEntries(r.kernels.map((k) => [k.name, k]));
    expect(byName['matmul naive']).toMatchObject({
      count: 2,
      flops: 2 * 2 * 2 * 16 * 8 * 32,
      bytes: 2 * 2 * 4 * (16 * 32 + 32 * 8 + 16 * 8),
    });
    expect(byName.fill).toMatchObject({ count: 2, flops: 0, bytes: 4 * (2 * 16 * 32 + 2 * 32 * 8) });
    expect(byName.clipCoefficient).toMatchObject({ count: 1, flops: null, bytes: null });
    be.dispose();
  });
});
