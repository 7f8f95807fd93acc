import { describe, expect, it } from 'vitest';
import { defaultConfig } from './defaults';
import { CONFIG_KEYS, paramSpec, type RunConfig } from './schema';
import { uniformStream } from '../engine/cpu/random';
import { ATTENTIONS, LRA_TASKS } from './spec';
import { decodeHash, encodeHash } from './url';

describe('URL hash', () => {
  it('starts with the version and uses the short keys', () => {
    const hash = encodeHash(defaultConfig('listops', 'proxy'));
    expect(hash.startsWith('v=1&t=listops&at=proxy&')).toBe(true);
    expect(hash).toContain('&m=128&');
    expect(hash).toContain('&tau=0.07&');
    expect(hash).toContain('&lr=0.0001&');
    expect(hash.length).toBeLessThan(600);
  });

  it('round-trips every paper preset exactly, with no issue', () => {
    for (const task of LRA_TASKS) {
      for (const attention of ATTENTIONS) {
        const c = defaultConfig(task, attention);
        const back = decodeHash(`#${encodeHash(c)}`);
        expect(back.issues).toEqual([]);
        expect(back.filledFromDefaults).toEqual([]);
        expect(back.config).toEqual(c);
      }
    }
  });

  it('round-trips awkward values (tiny floats, booleans, every enum) exactly', () => {
    const c: RunConfig = {
      ...defaultConfig('image', 'proxy'),
      lr: 3.3333333333333335e-5,
      adamEps: 1e-12,
      weightDecay: 0.012345678901234568,
      cycleMomentum: false,
      injection: 'segment',
      seqLen: 784,
      landmarks: 49,
      imageSize: 28,
      pooling: 'mean-all',
      decomposedDropout: 'z-columns',
      contrastive: 'uniformity',
      proxyParam: 'per-head',
      dataSeed: 4294967295,
      initSeed: 17,
      convKernel: 0,
    };
    const back = decodeHash(encodeHash(c));
    expect(back.issues).toEqual([]);
    expect(back.config).toEqual(c);
  });

  it('leaves out keys that do not apply to the variant, and fills them from the defaults', () => {
    const softmax = defaultConfig('listops', 'softmax');
    const hash = encodeHash(softmax);
    expect(hash).not.toMatch(/(^|&)inj=/);
    expect(hash).toMatch(/&adr=0.1/);
    expect(hash).not.toMatch(/(^|&)img=/); // an image-only key
    expect(decodeHash(hash).config).toEqual(softmax);
    const r = decodeHash('v=1&t=listops&at=softmax&inj=none&ly=3');
    expect(r.config.injection).toBe('attend');
    expect(r.config.layers).toBe(3);
    expect(r.issues[0].message).toBe('URL key inj (injection) does not apply to listops with softmax attention: ignored.');
  });

  it('clamps out-of-range values with a visible notice and keeps the rest', () => {
    const r = decodeHash('v=1&t=image&at=softmax&ly=99&dr=-3&n=512&b=0');
    expect([r.config.layers, r.config.dropout, r.config.batchSize, r.config.seqLen]).toEqual([12, 0, 1, 512]);
    const messages = r.issues.map((i) => i.message);
    expect(messages).toContain('layers 99 is above the maximum 12: clamped to 12.');
    expect(messages).toContain('dropout -3 is below the minimum 0: clamped to 0.');
    expect(messages).toContain('batchSize 0 is below the minimum 1: clamped to 1.');
    expect(r.ok).toBe(true);
    expect(r.filledFromDefaults).toContain('dModel');
  });

  it('refuses garbage per key without losing the rest, and ignores unknown keys with a notice', () => {
    const r = decodeHash('v=1&t=listops&at=nystrom&d=abc&pool=max&cm=yes&lr=0x10&ly=3&zz=9&m');
    expect(r.config.attention).toBe('nystrom');
    expect(r.config.layers).toBe(3);
    expect(r.config.dModel).toBe(64);
    expect(r.config.pooling).toBe('masked-mean');
    expect(r.config.cycleMomentum).toBe(true);
    expect(r.config.lr).toBe(1e-4);
    const byKey = Object.fromEntries(r.issues.map((i) => [i.key, i]));
    expect(byKey.dModel.message).toBe(
      'URL key d (dModel): "abc" is not a number; allowed an integer from 4 to 1024. Ignored: using the default.',
    );
    expect(byKey.pooling.message).toMatch(/"max" is not a known value; allowed one of masked-mean, mean-all/);
    expect(byKey.cycleMomentum.message).toMatch(/"yes" is not 1 or 0/);
    expect(byKey.lr.message).toMatch(/"0x10" is not a number/);
    expect(byKey.zz.message).toBe('unknown URL key "zz" ignored.');
    expect(r.issues.every((i) => i.severity === 'notice')).toBe(true);
    expect(r.ok).toBe(true);
  });

  it('reports a missing or foreign version, a duplicated key and bad %-escapes', () => {
    const r = decodeHash('t=text&t=image&v=7&ly=%E0%A4%A&d=32');
    expect(r.config.task).toBe('text');
    expect(r.config.dModel).toBe(32);
    const m = r.issues.map((i) => i.message).join('\n');
    expect(m).toMatch(/given twice: the first value is kept/);
    expect(m).toMatch(/hash version "7" is not 1/);
    expect(m).toMatch(/not key=value with valid %-escapes/);
    expect(decodeHash('ly=3').issues[0].message).toMatch(/has no version/);
  });

  it('reads hand-typed exponents, with or without %-escapes', () => {
    const r = decodeHash('v=1&lr=1e-3&fdf=1e+4&df=1e%2B1');
    expect([r.config.lr, r.config.finalDivFactor, r.config.divFactor]).toEqual([1e-3, 1e4, 10]);
  });

  it('still reports invalid combinations as errors, so nothing starts', () => {
    const r = decodeHash('v=1&t=listops&at=nystrom&n=1000');
    expect(r.ok).toBe(false);
    expect(r.issues.find((i) => i.severity === 'error')?.message).toMatch(/seqLen 1000 is not a multiple of landmarks 128/);
  });

  it('an empty hash is the default config', () => {
    expect(decodeHash('')).toEqual({ config: defaultConfig(), issues: [], ok: true, filledFromDefaults: [] });
    expect(decodeHash('#').config).toEqual(defaultConfig());
  });

  it('never throws on a few hundred random hashes, and always returns a complete config', () => {
    const rand = uniformStream(20240917);
    const urlKeys = CONFIG_KEYS.map((k) => paramSpec(k).url);
    const alphabet = 'abcz019-.e+&=%#_~ é\u0000\uffff';
    const pieces = [
      '1e400',
      '-0',
      'NaN',
      'Infinity',
      '',
      '%',
      '%zz',
      '1.5',
      '1e-9',
      '999999999999999999999',
      'proxy',
      'segment',
      'true',
      '__proto__',
      'constructor',
    ];
    const hashes: string[] = [];
    for (let i = 0; i < 400; i++) {
      const parts: string[] = [];
      const count = Math.floor(rand() * 12);
      for (let j = 0; j < count; j++) {
        const key = rand() < 0.8 ? urlKeys[Math.floor(rand() * urlKeys.length)] : randomText(rand, alphabet);
        const value = rand() < 0.5 ? pieces[Math.floor(rand() * pieces.length)] : randomText(rand, alphabet);
        parts.push(rand() < 0.9 ? `${key}=${value}` : key);
      }
      hashes.push((rand() < 0.5 ? '#' : '') + parts.join(rand() < 0.9 ? '&' : '&&'));
    }
    for (const hash of hashes) {
      const r = decodeHash(hash);
      for (const key of CONFIG_KEYS) expect(r.config[key], `${hash} → ${key}`).not.toBeUndefined();
      expect(Object.keys(r.config).sort()).toEqual([...CONFIG_KEYS].sort());
      // What decodes re-encodes to itself.
      expect(decodeHash(encodeHash(r.config)).config).toEqual(r.config);
    }
  });
});

function randomText(rand: () => number, alphabet: string): string {
  let s = '';
  const n = Math.floor(rand() * 8);
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(rand() * alphabet.length)];
  return s;
}
