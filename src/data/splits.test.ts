/**
 * No split shares a model input with another, and no input repeats within a split, for every
 * task at the lengths and image sizes the presets use (inputs hashed as the model sees them:
 * after truncation to seqLen and pooling). The corpora were de-duplicated on whole mails only,
 * which let 28 Text validation/test inputs equal a training input at 1024 bytes.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { fsFetcher } from '../../scripts/corpora/fs-fetch';
import { ImageTask } from './corpora/image';
import { loadMnistCorpus, loadSpamCorpus, type MnistCorpus, type SpamCorpus } from './corpora/load';
import { RetrievalTask } from './corpora/retrieval';
import { TextTask } from './corpora/text';
import { hash53 } from './hash';
import { createListOpsTask } from './listops/task';
import { SPLITS, type Example, type Split } from './task';

let spam: SpamCorpus;
let mnist: MnistCorpus;
beforeAll(async () => {
  spam = await loadSpamCorpus(fsFetcher('public/data'));
  mnist = await loadMnistCorpus(fsFetcher('public/data'));
});

interface Source {
  splitSizes: Record<Split, number>;
  example(split: Split, i: number): Example;
}

/** Input hashes per split (train limited to `trainLimit` for generated tasks), then the overlaps. */
function overlaps(task: Source, seqLen: number, trainLimit = Infinity): { across: number; within: number; counts: Record<Split, number> } {
  const seen = new Map<number, Split>();
  let across = 0;
  let within = 0;
  const counts = {} as Record<Split, number>;
  for (const s of SPLITS) {
    const n = Math.min(task.splitSizes[s], s === 'train' ? trainLimit : Infinity);
    counts[s] = n;
    for (let i = 0; i < n; i++) {
      const ex = task.example(s, i);
      const h = ex.tokens2
        ? hash53([hash53(ex.tokens.subarray(0, seqLen)), hash53(ex.tokens2.subarray(0, seqLen))].sort((a, b) => a - b))
        : hash53(ex.tokens.subarray(0, seqLen));
      const where = seen.get(h);
      if (where === undefined) seen.set(h, s);
      else if (where === s) within++;
      else across++;
    }
  }
  return { across, within, counts };
}

describe('splits never share a model input', () => {
  it.each([64, 1024, 4096])('Text at %i bytes', (seqLen) => {
    const r = overlaps(new TextTask(spam, { seqLen }, 0), seqLen);
    expect(r).toMatchObject({ across: 0, within: 0 });
  });
  it('Text at 1024 bytes drops the repeats that whole-mail de-duplication let through, and says so', () => {
    const t = new TextTask(spam, { seqLen: 1024 }, 0);
    expect(t.info).toMatch(/examples dropped because the model would see the same input/);
    expect(spam.index.count - (t.splitSizes.train + t.splitSizes.validation + t.splitSizes.test)).toBeGreaterThan(0);
  });
  it.each([256, 1024])('Retrieval at %i bytes per tower', (seqLen) => {
    expect(overlaps(new RetrievalTask(spam, { seqLen }, 0), seqLen)).toMatchObject({ across: 0, within: 0 });
  });
  it.each([
    [7, 49],
    [14, 196],
    [28, 784],
  ] as const)('Image at %i×%i', (imageSize, seqLen) => {
    expect(overlaps(new ImageTask(mnist, { seqLen, imageSize }, 0), seqLen)).toMatchObject({ across: 0, within: 0 });
  });
  it('ListOps (short trees; generated train examples, first 2000)', () => {
    const task = createListOpsTask(
      { rules: { minLength: 16, maxLength: 64, maxDepth: 6, maxArgs: 5 }, sizes: { train: 20000, validation: 500, test: 500 }, seqLen: 64 },
      0,
    );
    expect(overlaps(task, 64, 2000).across).toBe(0);
  });
});
