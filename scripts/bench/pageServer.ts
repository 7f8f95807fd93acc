/** The bench page (src/bench/page/bench.html), built and served on a free port for e2e/bench.spec.ts. */
import { startPage, type PageServer } from '../testing/pageServer';

export type BenchPageServer = PageServer;

/** Build and serve the bench page. */
export function startBenchPage(): Promise<BenchPageServer> {
  return startPage('src/bench/page/bench.html', 'bench-e2e');
}
