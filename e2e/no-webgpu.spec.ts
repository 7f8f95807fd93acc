import { expect, test } from '@playwright/test';

test('without WebGPU the page says so and names what runs instead', async ({ page }) => {
  await page.goto('/');
  const badge = page.getByTestId('backend-badge');
  await expect(badge).toHaveAttribute('data-state', 'cpu');
  await expect(badge).toContainText('No WebGPU');
  await expect(badge).toContainText('CPU reference backend');
  await expect(badge).toContainText('WebGPU is not available');
});
