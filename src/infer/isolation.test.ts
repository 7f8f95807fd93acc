import { describe, expect, it } from 'vitest';
import { isolationFrom } from './isolation';

const base = { controlled: false, hardwareConcurrency: 2, secureContext: true, serviceWorkers: true };

describe('isolationFrom', () => {
  it('with isolation, wasm gets every core up to 4 and says where isolation came from', () => {
    expect(isolationFrom({ ...base, crossOriginIsolated: true })).toMatchObject({ isolated: true, how: 'headers', wasmThreads: 2 });
    expect(isolationFrom({ ...base, crossOriginIsolated: true, controlled: true, hardwareConcurrency: 16 })).toMatchObject({
      how: 'service worker',
      wasmThreads: 4,
    });
    expect(isolationFrom({ ...base, crossOriginIsolated: true, hardwareConcurrency: 0 }).wasmThreads).toBe(1);
  });

  it('without isolation, one thread and the reason in the summary', () => {
    const s = isolationFrom({ ...base, crossOriginIsolated: false });
    expect(s).toMatchObject({ isolated: false, how: 'none', wasmThreads: 1 });
    expect(s.summary).toContain('1 thread');
    expect(isolationFrom({ ...base, crossOriginIsolated: false, secureContext: false }).summary).toContain('secure context');
    expect(isolationFrom({ ...base, crossOriginIsolated: undefined, serviceWorkers: false }).summary).toContain('no service workers');
  });
});
