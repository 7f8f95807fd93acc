/** The e2e bench page: `window.__benchPage.run(options)` runs the browser benchmark and returns its JSON, logging progress into the page. */
import { runBrowserBench, type BrowserBenchOptions } from '../browser';
import type { SweepResult } from '../sweep';

declare global {
  interface Window {
    __benchPage: { run(opts: BrowserBenchOptions): Promise<SweepResult> };
  }
}

const log = document.getElementById('log')!;
window.__benchPage = {
  run: (opts) =>
    runBrowserBench(opts, (e) => {
      const line = e.kind === 'phase' ? e.text : e.kind === 'peer' ? `${e.row.peer} ${e.row.variant} n=${e.row.n}: ${e.row.status}` : e.progress.row ? `${e.progress.done}/${e.progress.total} ${e.progress.variant} ${e.progress.row.mode} n=${e.progress.n}: ${e.progress.row.status}` : '';
      if (line) log.textContent += `${line}\n`;
    }),
};
