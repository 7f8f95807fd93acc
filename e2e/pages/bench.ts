/**
 * The e2e bench page: `window.__benchPage.run(options)` runs the browser benchmark and returns its
 * JSON, logging progress into the page; `?view` mounts the Scaling view instead, with its sweep
 * shrunk to test sizes (8 landmarks, conv 3) so a tiny length list runs on a software adapter.
 */
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { ScalingView } from '../../src/ui/scaling/ScalingView';
import { runBrowserBench, type BrowserBenchOptions } from '../../src/bench/browser';
import type { SweepResult } from '../../src/bench/sweep';

declare global {
  interface Window {
    __benchPage: { run(opts: BrowserBenchOptions): Promise<SweepResult> };
  }
}

const log = document.getElementById('log')!;
window.__benchPage = {
  run: (opts) =>
    runBrowserBench(opts, (e) => {
      const line =
        e.kind === 'phase'
          ? e.text
          : e.kind === 'peer'
            ? `${e.row.peer} ${e.row.variant} n=${e.row.n}: ${e.row.status}`
            : e.progress.row
              ? `${e.progress.done}/${e.progress.total} ${e.progress.variant} ${e.progress.row.mode} n=${e.progress.n}: ${e.progress.row.status}`
              : '';
      if (line) log.textContent += `${line}\n`;
    }),
};

if (new URLSearchParams(location.search).has('view')) {
  const root = document.createElement('div');
  document.body.appendChild(root);
  createRoot(root).render(
    createElement(ScalingView, {
      run: (opts, onEvent) => runBrowserBench({ ...opts, warmup: 0, overrides: { landmarks: 8, convKernel: 3 } }, onEvent),
    }),
  );
}
