/**
 * The Content-Security-Policy (scripts/vite/csp.ts) on the preview server that `npm start` and
 * these tests use, and on the dev server: the header is sent, and the app starts (the backend
 * badge reaches its state) without one CSP violation, console
 * error or warning.
 */
import { expect, test, type Page } from '@playwright/test';
import { createServer } from 'node:net';
import { createServer as createViteServer } from 'vite';
import { contentSecurityPolicy } from '../scripts/vite/csp';
import { watchConsole } from './console';

/** Record every `securitypolicyviolation` event of the page and its frames from the first script on. */
async function watchViolations(page: Page): Promise<() => Promise<string[]>> {
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __csp: string[] }).__csp = seen;
    document.addEventListener('securitypolicyviolation', (e) =>
      seen.push(`${e.effectiveDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber}`),
    );
  });
  return () => page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);
}

async function startsClean(page: Page, url: string, policy: string): Promise<void> {
  const watch = watchConsole(page);
  const violations = await watchViolations(page);
  const response = await page.goto(url);
  expect(response?.headers()['content-security-policy']).toBe(policy);
  await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-state', /^(webgpu|cpu)$/);
  await expect(page.locator('h1')).toBeVisible();
  expect(await violations()).toEqual([]);
  expect(watch.problems).toEqual([]);
}

test('npm start / vite preview sends the CSP and the app starts without a violation', async ({ page }) => {
  await startsClean(page, '/', contentSecurityPolicy());
  // Inline styles are allowed (chart exports), inline scripts never.
  expect(contentSecurityPolicy()).not.toMatch(/script-src[^;]*'unsafe-inline'/);
});

test('the dev server sends its CSP and the app starts without a violation', async ({ page }) => {
  test.setTimeout(300_000);
  const port = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
  const server = await createViteServer({ logLevel: 'warn', server: { port, strictPort: true } });
  await server.listen();
  try {
    await startsClean(page, `http://127.0.0.1:${port}/`, contentSecurityPolicy(true));
  } finally {
    await server.close();
  }
});
