import { describe, expect, it } from 'vitest';
import { kernelRows } from './kernelShare';

describe('kernels table rows', () => {
  const kernels = [
    { name: 'matmul reg4', ms: 10, calls: 4, flops: 2e9, bytes: 1e7 },
    { name: 'softmax', ms: 5, calls: 2, flops: 1e6, bytes: 2e8 },
    { name: 'clipCoefficient', ms: 5, calls: 1, flops: null, bytes: null },
  ];

  it('gives GFLOP/s, GB/s and the share of the probed peak with what bounds each kernel', () => {
    const [mm, sm, clip] = kernelRows(kernels, { gflops: 400, gbps: 100 });
    expect(mm).toMatchObject({ timeShare: 0.5, gflops: 200, gbps: 1, peakShare: 0.5, bound: 'compute' });
    expect(sm).toMatchObject({ timeShare: 0.25, gbps: 40, peakShare: 0.4, bound: 'memory' });
    expect(clip).toMatchObject({ gflops: null, gbps: null, peakShare: null, bound: null });
  });

  it('keeps the rates but no share when there is no peak probe', () => {
    expect(kernelRows(kernels, null)[0]).toMatchObject({ gflops: 200, peakShare: null, bound: null });
    expect(kernelRows(kernels, null, 1)).toHaveLength(1);
  });
});
