/**
 * Retrieval, the stand-in for LRA's byte-level ACL Anthology citation matching: two mails,
 * two towers, label 1 when both belong to the same THREAD (same class, same subject once
 * Re:/Fwd:/[list] prefixes are removed; replies quote each other, so this is matching on
 * content, like citing papers). The subject line itself is not in the tokens (bodies only).
 *
 * Harder than "same class": every negative partner is drawn from another thread OF THE SAME
 * CLASS, and each positive pair (a, b) gets exactly one negative (a, c), so the classes are
 * balanced 50/50 and neither "is it spam" nor "how often does this mail appear" gives the
 * label away. Positives: all pairs of a thread, at most 4·(thread size) of them (a seeded
 * choice), so the largest threads do not dominate. Threads never straddle splits (see the
 * split rule), so no pair and no mail is in two splits.
 */

import { dedupeNote, dedupeSplits } from '../dedupe';
import { hash53 } from '../hash';
import { streamRng, type Sfc32 } from '../rng';
import {
  batchIndices,
  checkInt,
  countClasses,
  packBatch,
  SPLITS,
  splitKey,
  type Batch,
  type ClassBalance,
  type Example,
  type Split,
  type TaskSource,
} from '../task';
import type { SpamCorpus } from './load';
import { bytesToTokens, itemsOfSplit, shuffleInPlace } from './stored';
import { mailBytes } from './text';

export interface RetrievalConfig {
  seqLen: number;
}

/** Presets: `paper` 2 × 4K bytes (LRA: 4000 per document, Nyströmformer pads to 4096), `small` 2 × 1K. */
export const RETRIEVAL_PRESETS: Record<'paper' | 'small', RetrievalConfig> = { paper: { seqLen: 4096 }, small: { seqLen: 1024 } };

const PAIRS_PER_THREAD_MEMBER = 4;

export interface MailPair {
  a: number;
  b: number;
  label: number;
}

/** The pairs of one split, deterministic for the seed (only mails in `kept`, when given). */
function buildPairs(corpus: SpamCorpus, split: Split, rng: Sfc32, kept?: ReadonlySet<number>): MailPair[] {
  const { thread, labels } = corpus.index;
  const members = new Map<number, number[]>();
  for (const m of itemsOfSplit(corpus.index.split, split)) {
    if (thread[m] < 0 || (kept && !kept.has(m))) continue;
    if (!members.has(thread[m])) members.set(thread[m], []);
    members.get(thread[m])!.push(m);
  }
  const byClass: number[][] = [[], []];
  for (const ms of members.values()) for (const m of ms) byClass[labels[m]].push(m);
  const pairs: MailPair[] = [];
  const taken = new Set<string>();
  const key = (x: number, y: number) => (x < y ? `${x},${y}` : `${y},${x}`);
  for (const ms of [...members.values()]) {
    const all: [number, number][] = [];
    for (let i = 0; i < ms.length; i++) for (let j = i + 1; j < ms.length; j++) all.push([ms[i], ms[j]]);
    const chosen = shuffleInPlace(all, rng).slice(0, PAIRS_PER_THREAD_MEMBER * ms.length);
    for (const [a, b] of chosen) {
      pairs.push({ a, b, label: 1 });
      taken.add(key(a, b));
      const pool = byClass[labels[a]];
      let c = -1;
      for (let t = 0; t < 1000 && c < 0; t++) {
        const cand = pool[rng.int(pool.length)];
        if (thread[cand] !== thread[a] && !taken.has(key(a, cand))) c = cand;
      }
      if (c < 0) throw new Error(`Retrieval: no negative partner for mail ${a} in the ${split} split (too few threads of its class)`);
      taken.add(key(a, c));
      pairs.push({ a, b: c, label: 0 });
    }
  }
  // Random tower order, then a seeded order of the examples.
  for (const p of pairs) if (rng.int(2)) [p.a, p.b] = [p.b, p.a];
  return shuffleInPlace(pairs, rng);
}

export class RetrievalTask implements TaskSource {
  readonly name = 'retrieval' as const;
  readonly vocabSize = 257;
  readonly numClasses = 2;
  readonly twoTower = true;
  readonly seqLen: number;
  readonly splitSizes: Record<Split, number>;
  readonly info: string;
  readonly pairs: Record<Split, MailPair[]>;

  constructor(
    private readonly corpus: SpamCorpus,
    config: RetrievalConfig,
    readonly dataSeed: number,
  ) {
    checkInt('Retrieval seqLen', config.seqLen, 1, corpus.index.maxBytes);
    this.seqLen = config.seqLen;
    const pairs = {} as Record<Split, MailPair[]>;
    // Mails that give a tower the same seqLen bytes as an earlier mail are left out before
    // pairing (src/data/dedupe.ts), so no two pairs are the same input and the 50/50 balance holds.
    const mails = {} as Record<Split, number[]>;
    for (const s of SPLITS) mails[s] = itemsOfSplit(corpus.index.split, s);
    const unique = dedupeSplits(mails, (m) => hash53(mailBytes(corpus, m).subarray(0, this.seqLen)));
    const kept = new Set(SPLITS.flatMap((s) => unique.orders[s]));
    for (const s of SPLITS) pairs[s] = buildPairs(corpus, s, streamRng(dataSeed, 3, splitKey(s)), kept);
    this.pairs = pairs;
    this.splitSizes = { train: this.pairs.train.length, validation: this.pairs.validation.length, test: this.pairs.test.length };
    const ix = corpus.index;
    this.info = [
      `Retrieval: do these two mails belong to the same thread (2 classes)? Two towers with shared weights each read one mail body as bytes, token = byte + 1 (vocabulary 257), ${this.seqLen} tokens per tower.`,
      `LRA matches ACL Anthology papers by citation (2 × 4000 bytes). Stand-in here: pairs from the SpamAssassin corpus (npm ${ix.source.package} ${ix.source.version}); a thread is the mails of one class sharing a subject without Re:/Fwd:/[list] prefixes (subjects are not shown to the model). Negatives pair a mail with one from another thread of the same class, one negative per positive (exactly 50/50).`,
      `Split rule: ${ix.splitRule} Pairs are formed inside a split, so no pair or mail is in two splits.`,
      dedupeNote(unique.removed, `mails with the same first ${this.seqLen} bytes`),
    ].join('\n');
  }

  example(split: Split, i: number): Example {
    checkInt(`${split} example index`, i, 0, this.splitSizes[split] - 1);
    const p = this.pairs[split][i];
    return {
      tokens: bytesToTokens(mailBytes(this.corpus, p.a), this.seqLen),
      tokens2: bytesToTokens(mailBytes(this.corpus, p.b), this.seqLen),
      label: p.label,
    };
  }

  batch(split: Split, index: number, batchSize: number): Batch {
    return packBatch(
      batchIndices(this.splitSizes[split], index, batchSize).map((i) => this.example(split, i)),
      this.seqLen,
      true,
    );
  }

  classBalance(split: Split, limit?: number): ClassBalance {
    return countClasses(this, (i) => this.pairs[split][i].label, split, limit);
  }
}
