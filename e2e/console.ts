import type { Page } from '@playwright/test';

/**
 * Collects console errors and warnings and uncaught page errors. WebGPU validation errors
 * reach the console as warnings, so a test that watched only errors would miss them.
 */
export function watchConsole(page: Page, allow: RegExp[] = []): { problems: string[] } {
  const problems: string[] = [];
  page.on('console', (msg) => {
    const type = msg.type();
    if (type !== 'error' && type !== 'warning') return;
    const text = msg.text();
    if (allow.some((re) => re.test(text))) return;
    problems.push(`${type}: ${text}`);
  });
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  return { problems };
}
