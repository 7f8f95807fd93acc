/** The page's plan line: what the worker will do with this config on the probed backend, before Start. */
import { describe, expect, it } from 'vitest';
import type { BackendProbe } from '../engine/webgpu/probe';
import { getPreset } from '../presets';
import { planView } from './memoryPlanView';

const MiB = 1024 * 1024;
function webgpu(binding: number, buffer: number): BackendProbe {
  return {
    kind: 'webgpu',
    label: 'WebGPU · test',
    report: {
      vendor: '',
      architecture: 'test',
      device: '',
      description: '',
      isFallback: false,
      features: [],
      limits: { maxStorageBufferBindingSize: binding, maxBufferSize: buffer },
    },
    selfTest: { ok: true, n: 1, maxAbsError: 0, ms: 0 },
    timestampQuery: false,
  };
}
const cpu: BackendProbe = { kind: 'cpu', label: 'CPU reference backend', reason: 'no WebGPU' };

describe('planView', () => {
  const pathfinder = getPreset('pathfinder-proxy-paper')!.config;

  it('shows the Pathfinder paper preset as micro-batches on an ordinary adapter', () => {
    const view = planView(pathfinder, webgpu(128 * MiB, 256 * MiB))!;
    expect(view.fits).toBe(true);
    expect(view.text).toMatch(/^Memory: batch 256 as 4 × 64 · estimated \d\.\d GiB of 4\.0 GiB \(WebGPU\)$/);
  });

  it('on the CPU backend, against its stated budget', () => {
    expect(planView(pathfinder, cpu)!.text).toMatch(/^Memory: batch 256 as 8 × 32 · estimated \d\.\d GiB of 2\.0 GiB \(CPU backend\)$/);
  });

  it('says at once when a config does not fit, with the estimate, the limit and what to change', () => {
    const c = { ...getPreset('text-softmax-paper')!.config, seqLen: 8192 };
    const view = planView(c, webgpu(128 * MiB, 256 * MiB))!;
    expect(view.fits).toBe(false);
    expect(view.text).toMatch(
      /^Does not fit this WebGPU: batch 32 as 32 × 1: the softmax attention .* needs 512\.0 MiB, over this adapter's maxStorageBufferBindingSize of 128\.0 MiB: lower seqLen/,
    );
  });

  it('waits for the probe and for a valid config', () => {
    expect(planView(pathfinder, 'probing')).toBeNull();
    expect(planView(null, cpu)).toBeNull();
  });
});
