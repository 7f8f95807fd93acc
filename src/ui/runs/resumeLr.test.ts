import { describe, expect, it } from 'vitest';
import { resumeLr } from './resumeLr';

describe('resumeLr', () => {
  it('keeps the saved learning rate unless another is typed', () => {
    expect(resumeLr('0.001', 1e-3)).toEqual({ ok: true, overrides: undefined });
    expect(resumeLr(' 3e-4 ', 1e-3)).toEqual({ ok: true, overrides: { lr: 3e-4 } });
  });

  it('refuses what the form refuses, naming the field and the allowed range', () => {
    for (const bad of ['', 'abc', '0', '-1e-3', '2', 'Infinity']) {
      const r = resumeLr(bad, 1e-3);
      expect(r.ok, bad).toBe(false);
      if (!r.ok) expect(r.message).toMatch(/^Learning rate .*allowed a number from 0\.000001 to 1\.$/);
    }
  });
});
