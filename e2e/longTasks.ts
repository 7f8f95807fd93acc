import type { Page } from '@playwright/test';

/**
 * Hands the page's `window.__file` to the file input `testId` (as a user's choice would) while a
 * PerformanceObserver records main-thread long tasks; returns a reader of their durations in ms:
 * `during` since the change event, `all` since the observer started.
 */
export async function chooseFileWatchingLongTasks(page: Page, testId: string): Promise<() => Promise<{ during: number[]; all: number[] }>> {
  await page.evaluate((id) => {
    const w = window as unknown as { __file: File; __long: [number, number][]; __t0: number };
    w.__long = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__long.push([e.startTime, e.duration]);
    }).observe({ type: 'longtask' });
    const input = document.querySelector<HTMLInputElement>(`[data-testid="${id}"]`)!;
    const dt = new DataTransfer();
    dt.items.add(w.__file);
    input.files = dt.files;
    input.dispatchEvent(new Event('change', { bubbles: true }));
    w.__t0 = performance.now();
  }, testId);
  return () =>
    page.evaluate(() => {
      const w = window as unknown as { __long: [number, number][]; __t0: number };
      return { during: w.__long.filter(([start]) => start >= w.__t0).map(([, d]) => d), all: w.__long.map(([, d]) => d) };
    });
}
