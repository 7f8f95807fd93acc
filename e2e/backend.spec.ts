import { expect, test } from '@playwright/test';
import { watchConsole } from './console';

test('the built app finds a WebGPU adapter, runs a compute check in page and worker, and shows the badge', async ({ page }) => {
  const watch = watchConsole(page);
  const response = await page.goto('/');
  // Cross-origin isolation, needed by onnxruntime-web's threads.
  expect(response?.headers()['cross-origin-opener-policy']).toBe('same-origin');
  expect(response?.headers()['cross-origin-embedder-policy']).toBe('require-corp');
  expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(true);

  const badge = page.getByTestId('backend-badge');
  await expect(badge).toHaveAttribute('data-state', 'webgpu');
  await expect(badge).toHaveText(/^WebGPU · .+/);
  type Probe = { kind: string; reason?: string; selfTest: { ok: boolean; maxAbsError: number }; report: { isFallback: boolean } };
  const backend = await page.evaluate(
    () => (window as unknown as { __playground: { backend: { page: Probe; worker: Probe } } }).__playground.backend,
  );
  for (const where of ['page', 'worker'] as const) {
    const probe = backend[where];
    expect(probe.kind, `${where}: ${probe.reason ?? ''}`).toBe('webgpu');
    expect(probe.selfTest.ok).toBe(true);
    expect(probe.selfTest.maxAbsError).toBeLessThanOrEqual(1e-6);
  }
  // SwiftShader is a software adapter: the badge must say so.
  if (backend.worker.report.isFallback) await expect(badge).toContainText('(software)');
  expect(watch.problems).toEqual([]);
});
