/**
 * A handful of the engine's checks in Chromium (software WebGPU): every kernel family against
 * the CPU reference, and the two-layer MLP's loss curve on WebGPU against the CPU.
 */
import { expect, test } from '@playwright/test';
import { watchConsole } from './console';

test('the engine kernels and a training curve match the CPU reference in Chromium', async ({ page }) => {
  const watch = watchConsole(page);
  await page.goto('/');
  await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-state', 'webgpu');
  const out = await page.evaluate(() =>
    (
      globalThis as unknown as {
        __engineChecks: () => Promise<{ adapter: string; results: { name: string; ok: boolean; detail: string }[] }>;
      }
    ).__engineChecks(),
  );
  expect(out.adapter).toMatch(/^WebGPU · /);
  expect(out.results.length).toBeGreaterThanOrEqual(10);
  for (const r of out.results) expect(r.ok, `${r.name}: ${r.detail}`).toBe(true);
  expect(watch.problems).toEqual([]);
});
