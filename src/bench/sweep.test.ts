/**
 * The sweep at tiny sizes on the WebGPU backend (SwiftShader in CI): result and report shape,
 * positive figures, and a real property of the models that holds on any adapter: softmax's
 * memory per sequence grows faster with length than Proxyformer's. Speed is never asserted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireGpu, type GpuContext } from '../engine/webgpu/device';
import { nodeGpu } from '../engine/webgpu/node';
import { WebGpuBackend } from '../engine/webgpu/backend';
import { toMarkdown } from './report';
import {
  budgetOverrides,
  checkSweepOptions,
  fitBatch,
  runSweep,
  SweepCancelled,
  targetsOf,
  VARIANTS,
  type PeerRow,
  type Row,
  type SweepResult,
} from './sweep';

let ctx: GpuContext;
let backend: WebGpuBackend;
let result: SweepResult;
const lengths = [32, 128];

beforeAll(async () => {
  ctx = await acquireGpu({}, nodeGpu());
  backend = new WebGpuBackend(ctx);
  const adapter = {
    label: backend.label,
    vendor: ctx.report.vendor,
    architecture: ctx.report.architecture,
    device: ctx.report.device,
    description: ctx.report.description,
    isFallback: ctx.report.isFallback,
    runtime: 'vitest + Dawn',
  };
  const limits = {
    maxStorageBufferBindingSize: ctx.device.limits.maxStorageBufferBindingSize,
    maxBufferSize: ctx.device.limits.maxBufferSize,
  };
  result = await runSweep(backend, adapter, {
    variants: [...VARIANTS],
    lengths,
    batch: 1,
    warmup: 0,
    repeats: 2,
    overrides: { ...budgetOverrides(8), convKernel: 3 },
    limits,
  });
}, 240_000); // eleven variants (three of them fused) × two lengths × two modes

afterAll(() => {
  backend?.dispose();
  ctx?.destroy();
});

const row = (variant: Row['variant'], mode: Row['mode'], n: number) =>
  result.rows.find((r) => r.variant === variant && r.mode === mode && r.n === n)!;

describe('runSweep (tiny, on the test adapter)', () => {
  it('stops between two measurements when cancelled, having reported the rows so far', async () => {
    const controller = new AbortController();
    const rows: Row[] = [];
    const run = runSweep(
      backend,
      result.adapter,
      { variants: ['softmax', 'proxy'], lengths: [32, 64], batch: 1, warmup: 0, repeats: 1, signal: controller.signal },
      (p) => {
        if (!p.row) return;
        rows.push(p.row);
        controller.abort(); // after the first measurement
      },
    );
    await expect(run).rejects.toThrow(SweepCancelled);
    await expect(run).rejects.toThrow('the sweep was cancelled after 1 of 8 measurements');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ variant: 'softmax', n: 32, status: 'ok' });
  }, 60_000);

  it('measures every variant, mode and length with positive figures', () => {
    expect(result.schema).toBe('proxyformer-bench/1');
    expect(result.rows).toHaveLength(VARIANTS.length * 2 * lengths.length);
    for (const r of result.rows) {
      expect(r.status, `${r.variant} ${r.mode} ${r.n}: ${r.note}`).toBe('ok');
      expect(r.ms!.count).toBe(2);
      expect(r.ms!.min).toBeGreaterThan(0);
      expect(r.ms!.min).toBeLessThanOrEqual(r.ms!.median);
      expect(r.ms!.median).toBeLessThanOrEqual(r.ms!.max);
      expect(r.sequencesPerSecond).toBeCloseTo(1000 / r.ms!.median, 6);
      expect(r.tokensPerSecond).toBeCloseTo(r.sequencesPerSecond! * r.n, 6);
      expect(r.peakBytesPerSequence).toBeGreaterThan(0);
    }
  });

  it("softmax's memory per sequence grows faster with length than Proxyformer's (n×n attention against n×m kernels)", () => {
    const growth = (v: Row['variant']) => row(v, 'train', 128).peakBytesPerSequence! / row(v, 'train', 32).peakBytesPerSequence!;
    expect(growth('softmax')).toBeGreaterThan(growth('proxy'));
    // The same for the projection and kernel baselines (n×k, n×features, d_h×d_h instead of n×n).
    for (const v of ['linformer', 'performer', 'linear'] as const) expect(growth('softmax'), v).toBeGreaterThan(growth(v));
    // A training step keeps more alive (saved activations, gradients, AdamW state) than inference.
    expect(row('proxy', 'train', 128).peakBytesPerSequence!).toBeGreaterThan(row('proxy', 'inference', 128).peakBytesPerSequence!);
  });

  it('fits a growth exponent per variant and mode, and reports the target ratios at the longest common length', () => {
    expect(result.growth).toHaveLength(VARIANTS.length * 2);
    for (const g of result.growth) {
      expect(g.lengths).toEqual(lengths);
      expect(Number.isFinite(g.fit.exponent)).toBe(true);
    }
    expect(result.targets).toHaveLength(6);
    for (const t of result.targets) {
      expect(t.n).toBe(128);
      expect(t.measured).toBeGreaterThan(0);
      expect(t.note).toMatch(/measured at n = 128/);
    }
  });

  it('writes markdown naming the adapter, batch and lengths, with one table per mode', () => {
    const md = toMarkdown(result);
    expect(md).toContain(result.adapter.label);
    expect(md).toContain(`vendor \`${result.adapter.vendor}\``);
    expect(md).toContain('Batch 1, lengths 32, 128');
    expect(md).toContain('## Training step');
    expect(md).toContain('## Inference');
    expect(md).toContain('| Proxyformer | 128 | 1 |');
    expect(md).toContain('## Growth');
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  });
});

describe('fitBatch and option checks (no device)', () => {
  const limits = { maxStorageBufferBindingSize: 1 << 20 };
  it('reports what does not fit with the bytes needed and the limit, instead of allocating', () => {
    const r = fitBatch('softmax', 1024, 4, {}, limits, false);
    // Softmax attention [4, 2, 1024, 1024] f32 = 32 MiB.
    expect(r).toEqual({ error: expect.stringContaining('needs 33554432 bytes') });
    expect((r as { error: string }).error).toContain('limit 1048576 bytes (maxStorageBufferBindingSize)');
  });
  it('with shrinkBatch, halves the batch until it fits and says so; refuses when even batch 1 is over', () => {
    const small = { maxStorageBufferBindingSize: 8 << 20 };
    const r = fitBatch('softmax', 1024, 4, {}, small, true);
    expect(r).toMatchObject({ batch: 1, note: expect.stringMatching(/^batch 1: does not fit/) });
    expect(fitBatch('softmax', 4096, 4, {}, small, true)).toEqual({ error: expect.stringContaining('even batch 1 needs') });
    expect(fitBatch('proxy', 1024, 4, {}, small, true)).toEqual({ batch: 4 });
  });
  it('refuses bad options by name', () => {
    const ok = { variants: ['proxy' as const], lengths: [64], batch: 1, warmup: 0, repeats: 1 };
    expect(() => checkSweepOptions({ ...ok, variants: ['lsh' as never] })).toThrow(
      /"lsh" is not one of softmax, nystrom, proxy, linformer, performer, linear, bigbird, reformer/,
    );
    expect(() => checkSweepOptions({ ...ok, batch: 0 })).toThrow(/batch 0/);
    expect(() => checkSweepOptions({ ...ok, lengths: [] })).toThrow(/at least one sequence length/);
    expect(() => checkSweepOptions({ ...ok, repeats: 0 })).toThrow(/repeats 0/);
  });
});

describe('targetsOf (no device)', () => {
  const ok = (variant: Row['variant'], n: number, seqs: number, mem: number): Row => ({
    variant,
    mode: 'train',
    n,
    batch: 4,
    status: 'ok',
    sequencesPerSecond: seqs,
    peakBytesPerSequence: mem,
    ms: { median: 4000 / seqs, q1: 0, q3: 0, min: 0, max: 0, count: 1 },
  });
  const rows = [
    ok('softmax', 4096, 10, 1000),
    ok('proxy', 4096, 45, 70),
    ok('nystrom', 4096, 40, 80),
    ok('softmax-fused', 4096, 12, 90),
    ok('nystrom-fused', 4096, 38, 60),
    ok('proxy-fused', 4096, 44, 55),
    ok('softmax', 2048, 30, 300),
    ok('proxy', 2048, 60, 40),
  ];
  const peer = (peerName: string, mode: Row['mode'], n: number, ratio: number): PeerRow => ({
    peer: peerName,
    variant: 'proxy',
    mode,
    n,
    batch: 4,
    status: 'ok',
    ratioToOurs: ratio,
  });

  it('measures the ratios at n = 4096 against the targets, reporting misses as they are', () => {
    const t = targetsOf(rows);
    expect(t.map((x) => [x.n, x.measured, x.met])).toEqual([
      [4096, 4.5, true],
      [4096, 0.07, true],
      [4096, 45 / 40, true],
      [4096, 0.055, true],
      [4096, 55 / 60, true],
      [4096, 44 / 12, true],
    ]);
    const slow = targetsOf([ok('softmax', 4096, 10, 1000), ok('proxy', 4096, 20, 500)]);
    expect(slow[0]).toMatchObject({ measured: 2, met: false });
    expect(slow[1]).toMatchObject({ measured: 0.5, met: false });
    expect(slow[2]).toMatchObject({ measured: null, met: null, note: 'no length where both proxy and nystrom ran' });
  });

  it('adds the peer lines (tfjs ≥ 3, onnxruntime-web ≥ 1.5) at 4096 or the longest length a peer ran', () => {
    const t = targetsOf(rows, [
      peer('tfjs 4.22.0 (webgpu)', 'train', 2048, 3.5),
      peer('onnxruntime-web (webgpu EP)', 'inference', 4096, 1.2),
    ]);
    expect(t).toHaveLength(8);
    expect(t[6]).toMatchObject({ n: 2048, measured: 3.5, met: true, note: 'measured at n = 2048, the target is for n = 4096' });
    expect(t[7]).toMatchObject({ n: 4096, measured: 1.2, met: false });
  });
});
