/** The bench page (e2e/pages/bench.html), built and served on a free port for e2e/bench.spec.ts. */
import { startPage, type PageServer } from '../../scripts/testing/pageServer';

export type BenchPageServer = PageServer;

/** Build and serve the bench page. */
export function startBenchPage(): Promise<BenchPageServer> {
  return startPage('e2e/pages/bench.html', 'bench-e2e');
}
