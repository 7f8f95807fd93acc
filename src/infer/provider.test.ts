/**
 * The execution-provider choice: `auto` takes WASM without an adapter AND on a software one
 * (SwiftShader, isFallbackAdapter), WebGPU only on hardware, and says why; an explicit choice is
 * kept, `webgpu` without an adapter is refused. probeAdapter reads the adapter's info the way
 * the backend badge does (a fake navigator.gpu stands in for the browser's).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { chooseProvider, probeAdapter } from './provider';

const hardware = { name: 'ampere', software: false };
const swiftshader = { name: 'swiftshader', software: true };

describe('chooseProvider', () => {
  it('auto: WASM without an adapter or on a software adapter, WebGPU on hardware, each with its reason', () => {
    expect(chooseProvider('auto', null)).toEqual({ provider: 'wasm', reason: 'auto: no WebGPU adapter in this browser' });
    const soft = chooseProvider('auto', swiftshader);
    expect(soft.provider).toBe('wasm');
    expect(soft.reason).toMatch(/^auto: the WebGPU adapter \(swiftshader\) is a software one.*choose webgpu to use it anyway$/);
    expect(chooseProvider('auto', hardware)).toEqual({ provider: 'webgpu', reason: 'auto: hardware WebGPU adapter (ampere)' });
  });

  it('an explicit choice is kept, also webgpu on a software adapter; webgpu without one is refused', () => {
    expect(chooseProvider('webgpu', swiftshader)).toEqual({ provider: 'webgpu', reason: 'chosen' });
    expect(chooseProvider('wasm', hardware)).toEqual({ provider: 'wasm', reason: 'chosen' });
    expect(() => chooseProvider('webgpu', null)).toThrow(/no WebGPU adapter; choose wasm/);
  });
});

/** A stand-in adapter with the fields describeAdapter reads. */
function fakeAdapter(info: Partial<GPUAdapterInfo> & { isFallbackAdapter?: boolean }): GPUAdapter {
  return {
    info: { vendor: '', architecture: '', device: '', description: '', ...info },
    limits: {},
    features: new Set(),
  } as unknown as GPUAdapter;
}

describe('probeAdapter', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('is null without navigator.gpu, without an adapter, or when requestAdapter throws', async () => {
    vi.stubGlobal('navigator', {});
    expect(await probeAdapter()).toBeNull();
    vi.stubGlobal('navigator', { gpu: { requestAdapter: async () => null } });
    expect(await probeAdapter()).toBeNull();
    vi.stubGlobal('navigator', {
      gpu: {
        requestAdapter: async () => {
          throw new Error('blocked');
        },
      },
    });
    expect(await probeAdapter()).toBeNull();
  });

  it('names the adapter and tells software (by architecture or isFallbackAdapter) from hardware', async () => {
    for (const [info, expected] of [
      [
        { vendor: 'google', architecture: 'swiftshader' },
        { name: 'swiftshader', software: true },
      ],
      [
        { vendor: 'intel', description: 'Some emulator', isFallbackAdapter: true },
        { name: 'Some emulator', software: true },
      ],
      [
        { vendor: 'nvidia', architecture: 'ampere' },
        { name: 'ampere', software: false },
      ],
    ] as const) {
      vi.stubGlobal('navigator', { gpu: { requestAdapter: async () => fakeAdapter(info) } });
      expect(await probeAdapter()).toEqual(expected);
    }
  });
});
