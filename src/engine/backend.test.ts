import { describe, expect, it } from 'vitest';
import { contiguousStrides, dims4, numel } from './backend';
import { backendLabel, type AdapterReport } from './webgpu/device';

describe('backend shape helpers', () => {
  it('pads shapes to four dimensions, outermost first', () => {
    expect(dims4([3, 5])).toEqual([1, 1, 3, 5]);
    expect(dims4([2, 3, 4, 5])).toEqual([2, 3, 4, 5]);
    expect(() => dims4([1, 2, 3, 4, 5])).toThrow(/at most 4/);
  });
  it('computes contiguous strides and element counts', () => {
    expect(contiguousStrides([2, 3, 4, 5])).toEqual([60, 20, 5, 1]);
    expect(numel([2, 3, 4])).toBe(24);
    expect(numel([])).toBe(1);
  });
});

describe('backend label', () => {
  const base: AdapterReport = {
    vendor: 'google',
    architecture: 'swiftshader',
    device: '',
    description: 'SwiftShader',
    isFallback: true,
    features: [],
    limits: {},
  };
  it('names the adapter and marks software adapters', () => {
    expect(backendLabel(base)).toBe('WebGPU · swiftshader (software)');
    expect(backendLabel({ ...base, vendor: 'nvidia', architecture: 'hopper', isFallback: false })).toBe('WebGPU · hopper');
    expect(backendLabel({ ...base, architecture: '', description: '', isFallback: false })).toBe('WebGPU · google');
  });
});
