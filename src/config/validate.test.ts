import { describe, expect, it } from 'vitest';
import { defaultConfig } from './defaults';
import { largestBuffer } from './limits';
import { byFlag, byLabel, type KeyNamer } from './names';
import { maxListopsLength } from './rules';
import { validateConfig } from './validate';

const errorsOf = (input: unknown, opts = {}) => validateConfig(input, opts).issues.filter((i) => i.severity === 'error');
const proxy = defaultConfig('listops', 'proxy');
const nystrom = defaultConfig('listops', 'nystrom');

describe('validateConfig: single values', () => {
  it('never throws on junk and says what a config must be', () => {
    for (const junk of [null, undefined, 42, 'x', [], () => 1, Symbol('s')]) {
      const r = validateConfig(junk);
      expect(r.ok).toBe(false);
      expect(r.issues[0].message).toMatch(/must be an object/);
      expect(r.config).toEqual(defaultConfig());
    }
  });

  it('names the key, the bad value and what is allowed, and keeps the rest of the input', () => {
    const r = validateConfig({ ...proxy, layers: 40, dModel: 'wide', lr: Number.NaN, pooling: 'max', twoTower: 1, heads: 2.5 });
    const byKey = Object.fromEntries(r.issues.map((i) => [i.key, i.message]));
    expect(byKey.layers).toBe('layers 40 is above the maximum 12: allowed an integer from 1 to 12.');
    expect(byKey.dModel).toMatch(/dModel "wide" is not a finite number: allowed an integer from 4 to 1024/);
    expect(byKey.lr).toMatch(/lr is empty or not a number: allowed a number from/);
    expect(byKey.pooling).toBe('pooling "max" is not a known value: allowed one of masked-mean, mean-all.');
    expect(byKey.twoTower).toMatch(/twoTower 1 is not a boolean: allowed true or false/);
    expect(byKey.heads).toMatch(/heads 2.5 is not an integer/);
    expect(r.ok).toBe(false);
    // Bad values fall back to the default; good ones are kept.
    expect(r.config.layers).toBe(2);
    expect(r.config.seqLen).toBe(proxy.seqLen);
  });

  it('clamps out-of-range numbers with a notice when asked (the URL), instead of refusing them', () => {
    const r = validateConfig({ ...proxy, layers: 40, dropout: -1, heads: 1.6 }, { clamp: true });
    expect(r.ok).toBe(true);
    expect([r.config.layers, r.config.dropout, r.config.heads]).toEqual([12, 0, 2]);
    expect(r.issues.map((i) => [i.key, i.severity])).toEqual([
      ['layers', 'notice'],
      ['heads', 'notice'],
      ['dropout', 'notice'],
    ]);
    expect(r.issues[0].message).toBe('layers 40 is above the maximum 12: clamped to 12.');
  });

  it('reports unknown keys and missing keys as notices, and reads no inherited properties', () => {
    const input = Object.create({ layers: 7 }) as Record<string, unknown>;
    Object.assign(input, { task: 'image', attention: 'softmax', colour: 'blue' });
    const r = validateConfig(input);
    expect(r.config.layers).toBe(2);
    expect(r.issues.find((i) => i.key === 'colour')?.message).toMatch(/unknown key "colour" ignored/);
    const missing = r.issues.find((i) => i.message.startsWith('missing keys'));
    expect(missing?.message).toMatch(/image\/softmax defaults: .*layers/);
    expect(missing?.message).not.toMatch(/injection/); // proxy-only keys do not apply to softmax
    expect(r.ok).toBe(true);
  });

  it('ignores a __proto__ key from JSON without polluting anything', () => {
    const r = validateConfig(JSON.parse('{"__proto__": {"polluted": 1}, "layers": 3}'));
    expect(r.config.layers).toBe(3);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(r.issues.some((i) => i.key === '__proto__')).toBe(true);
  });
});

describe('validateConfig: how messages name the keys', () => {
  it('uses the form labels with byLabel, the label and flag with byFlag, and the key by default', () => {
    const input = { ...proxy, layers: 40, heads: 3 };
    const message = (name?: KeyNamer) => validateConfig(input, { name }).issues.map((i) => i.message);
    expect(message()).toEqual([
      'layers 40 is above the maximum 12: allowed an integer from 1 to 12.',
      'dModel 64 is not divisible by heads 3: use heads 1, 2, 4, 8, 16, or dModel 63 or 66.',
    ]);
    expect(message(byLabel)).toEqual([
      'Layers 40 is above the maximum 12: allowed an integer from 1 to 12.',
      'Width d 64 is not divisible by Heads 3: use Heads 1, 2, 4, 8, 16, or Width d 63 or 66.',
    ]);
    expect(message(byFlag)[1]).toBe(
      'Width d (--dModel) 64 is not divisible by Heads (--heads) 3: use Heads (--heads) 1, 2, 4, 8, 16, or Width d (--dModel) 63 or 66.',
    );
    expect(byLabel('colour')).toBe('colour'); // not a config key: named as given
  });

  it('reports no combination over a value it refused (the default standing in for it was never given)', () => {
    const base = { ...nystrom, seqLen: 64, listopsMaxLen: 60, listopsMinLen: 10, landmarks: 16 };
    expect(errorsOf(base)).toEqual([]);
    // The default, 128 landmarks, is more than 64 tokens: only the typed value is reported.
    expect(errorsOf({ ...base, landmarks: 0 }).map((i) => i.message)).toEqual([
      'landmarks 0 is below the minimum 1: allowed an integer from 1 to 1024.',
    ]);
    expect(errorsOf({ ...base, seqLen: 'long' }).map((i) => i.key)).toEqual(['seqLen']);
  });
});

describe('validateConfig: combinations', () => {
  it('refuses segment landmarks when n is not a multiple of m, naming both and what would work', () => {
    const [e] = errorsOf({ ...nystrom, seqLen: 1000, listopsMaxLen: 1000 });
    expect(e.key).toBe('seqLen');
    expect(e.message).toBe(
      'seqLen 1000 is not a multiple of landmarks 128 (Nyströmformer splits n into m equal segments): use seqLen 896 or 1024, or landmarks 125 or 200.',
    );
    expect(errorsOf({ ...proxy, seqLen: 1000, listopsMaxLen: 1000, injection: 'segment' })[0].message).toMatch(
      /seqLen 1000 is not a multiple of landmarks 128 \(injection 'segment'/,
    );
    // Proxyformer's other injections do not need it.
    expect(errorsOf({ ...proxy, seqLen: 1000, listopsMaxLen: 1000 })).toEqual([]);
  });

  it('refuses more landmarks than tokens', () => {
    expect(errorsOf({ ...proxy, seqLen: 64, landmarks: 128, listopsMaxLen: 60, listopsMinLen: 10 })[0].message).toBe(
      'landmarks 128 is more than seqLen 64: use at most 64 landmarks (m ≤ n), or a longer sequence.',
    );
  });

  it('checks no landmarks for the projection and kernel baselines, and warns about a Linformer k above n and a redraw beyond the run', () => {
    for (const attention of ['linformer', 'performer', 'linear'] as const) {
      // m > n and n not a multiple of m only matter for nystrom and proxy.
      expect(errorsOf({ ...defaultConfig('listops', attention), seqLen: 100, listopsMaxLen: 100, listopsMinLen: 10 }), attention).toEqual(
        [],
      );
    }
    const lin = validateConfig({ ...defaultConfig('listops', 'linformer'), seqLen: 100, listopsMaxLen: 100, listopsMinLen: 10 }).issues;
    expect(lin.find((i) => i.key === 'linformerK')?.message).toBe(
      'linformerK 128 is more than seqLen 100: E projects 100 keys up to 128 rows, which costs more than exact softmax attention and approximates nothing; use at most 100.',
    );
    const perf = validateConfig({ ...defaultConfig('listops', 'performer'), performerRedraw: 6000 }).issues;
    expect(perf.find((i) => i.key === 'performerRedraw')?.severity).toBe('notice');
    expect(
      validateConfig({ ...defaultConfig('listops', 'performer'), performerKernel: 'tanh' }).issues.find((i) => i.key === 'performerKernel')
        ?.message,
    ).toMatch(/relu, softmax/);
  });

  it('refuses d not divisible by heads, with divisors that work', () => {
    expect(errorsOf({ ...proxy, heads: 3 })[0].message).toBe(
      'dModel 64 is not divisible by heads 3: use heads 1, 2, 4, 8, 16, or dModel 63 or 66.',
    );
  });

  it('refuses even conv kernels (they would not keep the length n) but accepts 0 and odd ones', () => {
    expect(errorsOf({ ...proxy, convKernel: 34 })[0].message).toMatch(/convKernel 34 is even: use 33 or 35, or 0 for off/);
    expect(errorsOf({ ...proxy, convKernel: 0 })).toEqual([]);
    expect(errorsOf({ ...proxy, convKernel: 3 })).toEqual([]);
    // Softmax has no conv skip: its value does not matter there.
    expect(errorsOf({ ...defaultConfig('listops', 'softmax'), convKernel: 34 })).toEqual([]);
  });

  it('holds task-fixed fields to the task', () => {
    expect(errorsOf({ ...proxy, numClasses: 2 })[0].message).toBe('numClasses 2 does not match task listops, which has 10 classes.');
    expect(errorsOf({ ...defaultConfig('retrieval'), twoTower: false })[0].message).toMatch(/Retrieval compares two documents/);
    expect(errorsOf({ ...defaultConfig('text'), vocabSize: 200 })[0].message).toBe(
      'vocabSize 200 is too small for task text, whose token ids reach 256: use at least 257.',
    );
  });

  it('refuses a warm-up longer than the run and an impossible ListOps window', () => {
    expect(errorsOf({ ...proxy, warmupSteps: 6000 })[0].message).toMatch(/warmupSteps 6000 is more than steps 5000/);
    expect(errorsOf({ ...proxy, listopsMinLen: 300, listopsMaxLen: 200 })[0].key).toBe('listopsMinLen');
    expect(maxListopsLength(2, 10)).toBe(12); // root operator with 10 digits: op + 10 + close
    expect(maxListopsLength(3, 2)).toBe(10); // [op [op d d] [op d d]]: 2 + 2·(2 + 2)
    const [e] = errorsOf({ ...proxy, listopsMaxDepth: 2, listopsMinLen: 20, listopsMaxLen: 40 });
    expect(e.message).toMatch(/no ListOps tree of depth ≤ 2 with ≤ 10 arguments is longer than 12 tokens, but listopsMinLen is 20/);
  });

  it('refuses a ListOps window longer than n (a truncated tree has no value)', () => {
    expect(errorsOf({ ...proxy, seqLen: 1024 })[0].message).toBe(
      'seqLen 1024 is shorter than listopsMaxLen 1999: a truncated tree no longer determines its value; use seqLen ≥ 1999 or a shorter window.',
    );
  });

  it('never throws on an object whose properties throw', () => {
    const hostile = new Proxy(
      {},
      {
        ownKeys: () => {
          throw new Error('boom');
        },
      },
    );
    expect(validateConfig(hostile).issues[0].message).toMatch(/cannot be read/);
  });

  it('gives notices, not errors, for image truncation', () => {
    const r = validateConfig({ ...defaultConfig('image', 'proxy'), seqLen: 512 });
    expect(r.ok).toBe(true);
    expect(r.issues[0].message).toMatch(/seqLen 512 is shorter than the 28×28 = 784 pixels/);
  });

  it('refuses a model whose largest buffer exceeds the device limit, naming both numbers', () => {
    const limits = { maxStorageBufferBindingSize: 128 * 1024 * 1024, maxBufferSize: 256 * 1024 * 1024 };
    const softmaxText = defaultConfig('text', 'softmax');
    // B·H·n·n·4 = 32·2·4096·4096·4 bytes.
    expect(largestBuffer(softmaxText)).toEqual({ name: 'softmax attention [B, H, n, n]', shape: [32, 2, 4096, 4096], bytes: 4294967296 });
    const [e] = errorsOf(softmaxText, { limits });
    expect(e.message).toBe(
      "the softmax attention [B, H, n, n] buffer [32, 2, 4096, 4096] needs 4294967296 bytes (4096.0 MiB), over this device's maxStorageBufferBindingSize of 134217728 bytes (128.0 MiB): lower batchSize, seqLen or heads, or use an attention that is linear in n (nystrom, proxy, linformer, performer, linear).",
    );
    // The linear variants fit: K1 is B·H·n·m·4 = 128 MiB exactly.
    expect(errorsOf(defaultConfig('text', 'proxy'), { limits })).toEqual([]);
    expect(
      errorsOf(defaultConfig('text', 'proxy'), { limits: { maxStorageBufferBindingSize: 1 << 30, maxBufferSize: 64 << 20 } })[0].message,
    ).toMatch(/maxBufferSize of 67108864 bytes/);
  });
});
