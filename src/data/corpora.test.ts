import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fsFetcher } from '../../scripts/corpora/fs-fetch';
import { prepareCorpora } from '../../scripts/corpora/prepare';
import { ImageTask } from './corpora/image';
import { loadMnistCorpus, loadSpamCorpus, type MnistCorpus, type SpamCorpus } from './corpora/load';
import { RetrievalTask } from './corpora/retrieval';
import { mailBytes, TextTask } from './corpora/text';
import { hash53 } from './hash';
import { SPLITS } from './task';

const root = fileURLToPath(new URL('../..', import.meta.url));
const nodeModules = join(root, 'node_modules');
let outA: string, outB: string;
let spam: SpamCorpus, mnist: MnistCorpus;
const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');
const FILES = ['spam.bin', 'spam.json', 'mnist.bin', 'mnist.json'];

beforeAll(async () => {
  outA = mkdtempSync(join(tmpdir(), 'corpora-a-'));
  outB = mkdtempSync(join(tmpdir(), 'corpora-b-'));
  prepareCorpora({ outDir: outA, nodeModules });
  spam = await loadSpamCorpus(fsFetcher(outA));
  mnist = await loadMnistCorpus(fsFetcher(outA));
});
afterAll(() => {
  rmSync(outA, { recursive: true, force: true });
  rmSync(outB, { recursive: true, force: true });
});

describe('corpus preparation', () => {
  it('is reproducible byte for byte and skips work when up to date', () => {
    const res = prepareCorpora({ outDir: outB, nodeModules });
    expect(res.skipped).toBe(false);
    for (const f of FILES) expect(sha(join(outB, f)), f).toBe(sha(join(outA, f)));
    expect(prepareCorpora({ outDir: outB, nodeModules }).skipped).toBe(true);
  });

  it('fails with a message naming the missing package', () => {
    const empty = mkdtempSync(join(tmpdir(), 'no-modules-'));
    try {
      expect(() => prepareCorpora({ outDir: outB, nodeModules: empty, force: true })).toThrow(
        /corpus package "@stdlib\/datasets-spam-assassin" is missing/,
      );
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('the loader rejects files that do not match their index', async () => {
    const get = fsFetcher(outA);
    await expect(loadSpamCorpus(async (f) => (f === 'spam.bin' ? (await get(f)).subarray(1) : get(f)))).rejects.toThrow(
      /offsets end at \d+ but spam.bin holds/,
    );
  });
});

describe('Text (SpamAssassin spam vs ham)', () => {
  it('splits never share a mail or a body, and class balance is within the stated bound (spam 25%–40%)', () => {
    const t = new TextTask(spam, { seqLen: 1024 }, 1);
    const seen = new Map<number, string>();
    for (const s of SPLITS) {
      for (let i = 0; i < t.splitSizes[s]; i++) {
        const h = hash53(mailBytes(spam, t.mailOf(s, i)));
        expect(seen.has(h)).toBe(false);
        seen.set(h, s);
      }
      const b = t.classBalance(s);
      expect(b.measured).toBe(t.splitSizes[s]);
      expect(b.counts[1] / b.measured).toBeGreaterThan(0.25);
      expect(b.counts[1] / b.measured).toBeLessThan(0.4);
    }
    // Every mail is in one split, except those whose first 1024 bytes repeat an earlier mail's
    // (src/data/dedupe.ts); the task's info states how many.
    const dropped = spam.index.count - seen.size;
    expect(seen.size).toBe(t.splitSizes.train + t.splitSizes.validation + t.splitSizes.test);
    expect(t.info).toContain(`${dropped} examples dropped`);
    expect(t.splitSizes.train / spam.index.count).toBeGreaterThan(0.75);
  });

  it('tokens are bytes + 1, truncated/padded to seqLen; same seed identical, other seed a different order', () => {
    const a = new TextTask(spam, { seqLen: 512 }, 1),
      b = new TextTask(spam, { seqLen: 512 }, 1),
      c = new TextTask(spam, { seqLen: 512 }, 2);
    const x = a.batch('train', 3, 4);
    expect(Buffer.from(x.tokens.buffer).equals(Buffer.from(b.batch('train', 3, 4).tokens.buffer))).toBe(true);
    expect(Buffer.from(x.tokens.buffer).equals(Buffer.from(c.batch('train', 3, 4).tokens.buffer))).toBe(false);
    for (let r = 0; r < 4; r++) {
      const bytes = mailBytes(spam, a.mailOf('train', 12 + r));
      for (let j = 0; j < 512; j++) {
        expect(x.tokens[r * 512 + j]).toBe(j < bytes.length ? bytes[j] + 1 : 0);
        expect(x.mask[r * 512 + j]).toBe(j < bytes.length ? 1 : 0);
      }
    }
    expect(() => new TextTask(spam, { seqLen: 5000 }, 1)).toThrow(/Text seqLen must be an integer in \[1, 4096\]/);
  });
});

describe('Retrieval (same-thread mail pairs)', () => {
  it('pairs stay inside one split, positives share a thread, negatives share the class but not the thread, 50/50', () => {
    const t = new RetrievalTask(spam, { seqLen: 256 }, 1);
    const { thread, labels, split } = spam.index;
    const splitOfMail = new Map<number, string>();
    for (const s of SPLITS) {
      const code = { train: 0, validation: 1, test: 2 }[s];
      const keys = new Set<string>();
      for (const p of t.pairs[s]) {
        expect(split[p.a]).toBe(code);
        expect(split[p.b]).toBe(code);
        for (const m of [p.a, p.b]) {
          expect(splitOfMail.get(m) ?? s).toBe(s);
          splitOfMail.set(m, s);
        }
        expect(labels[p.a]).toBe(labels[p.b]);
        expect(thread[p.a] >= 0 && thread[p.b] >= 0).toBe(true);
        expect(thread[p.a] === thread[p.b]).toBe(p.label === 1);
        const k = p.a < p.b ? `${p.a},${p.b}` : `${p.b},${p.a}`;
        expect(keys.has(k)).toBe(false);
        keys.add(k);
      }
      const b = t.classBalance(s);
      expect(b.counts[0]).toBe(b.counts[1]);
      expect(b.measured).toBeGreaterThan(100);
    }
  });

  it('batches have two towers; same seed identical, other seed differs', () => {
    const a = new RetrievalTask(spam, { seqLen: 128 }, 4),
      b = new RetrievalTask(spam, { seqLen: 128 }, 4),
      c = new RetrievalTask(spam, { seqLen: 128 }, 5);
    const x = a.batch('validation', 0, 8);
    expect(x.tokens2!.length).toBe(8 * 128);
    expect(x.mask2!.length).toBe(8 * 128);
    const y = b.batch('validation', 0, 8);
    expect(Buffer.from(x.tokens2!.buffer).equals(Buffer.from(y.tokens2!.buffer))).toBe(true);
    expect(Buffer.from(x.tokens.buffer).equals(Buffer.from(c.batch('validation', 0, 8).tokens.buffer))).toBe(false);
    const p = a.pairs.validation[3];
    expect(x.tokens2![3 * 128]).toBe(mailBytes(spam, p.b)[0] + 1);
    expect(x.labels[3]).toBe(p.label);
  });
});

describe('Image (MNIST)', () => {
  it('10000 distinct digits, split by hash, each digit 7%–13% of every split', () => {
    const t = new ImageTask(mnist, { seqLen: 784 }, 1);
    expect(mnist.index.count).toBe(10000);
    const seen = new Set<number>();
    for (const s of SPLITS) {
      for (let i = 0; i < t.splitSizes[s]; i++) {
        const h = hash53(t.example(s, i).tokens);
        expect(seen.has(h)).toBe(false);
        seen.add(h);
      }
      const b = t.classBalance(s);
      for (const c of b.counts) {
        expect(c / b.measured).toBeGreaterThan(0.07);
        expect(c / b.measured).toBeLessThan(0.13);
      }
    }
  });

  it('pixel tokens are pixel + 1 and padding to 1024 is masked', () => {
    const t = new ImageTask(mnist, { seqLen: 1024 }, 2);
    const x = t.batch('test', 0, 2);
    const d = t.digitOf('test', 1);
    for (let p = 0; p < 784; p++) expect(x.tokens[1024 + p]).toBe(mnist.pixels[d * 784 + p] + 1);
    expect(Array.from(x.mask.subarray(1024 + 780, 1024 + 790))).toEqual([1, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
    expect(x.labels[1]).toBe(mnist.index.labels[d]);
    expect(() => new ImageTask(mnist, { seqLen: 0 }, 1)).toThrow(/seqLen must be an integer/);
    expect(() => new ImageTask(mnist, { seqLen: 196, imageSize: 9 as 14 }, 1)).toThrow(/imageSize must be 28, 14 or 7/);
  });

  it('imageSize 14 averages 2×2 blocks into 196 tokens (the quick presets)', () => {
    const t = new ImageTask(mnist, { seqLen: 196, imageSize: 14 }, 3);
    const ex = t.example('train', 5);
    const d = t.digitOf('train', 5);
    expect(ex.tokens.length).toBe(196);
    const px = (y: number, x: number) => mnist.pixels[d * 784 + y * 28 + x];
    for (const [y, x] of [
      [0, 0],
      [7, 6],
      [13, 13],
      [5, 9],
    ]) {
      const mean = (px(2 * y, 2 * x) + px(2 * y, 2 * x + 1) + px(2 * y + 1, 2 * x) + px(2 * y + 1, 2 * x + 1)) / 4;
      expect(ex.tokens[y * 14 + x]).toBe(Math.round(mean) + 1);
    }
    expect(t.batch('train', 0, 4).mask.every((m) => m === 1)).toBe(true);
    expect(t.info).toMatch(/14×14 .*averaged in 2×2 blocks/);
  });
});
