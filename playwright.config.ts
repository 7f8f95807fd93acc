import { defineConfig } from '@playwright/test';

// Debian's Chromium, never a downloaded browser (no network on CI). Flags (docs/testing.md "Chromium (end-to-end tests and the app)"):
// WebGPU needs --enable-unsafe-webgpu; the Vulkan/ANGLE SwiftShader flags keep a WebGPU canvas
// from losing its device on the first frame; the network flags keep Chromium off the closed network.
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const quiet = ['--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
export const WEBGPU_ARGS = [
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--use-vulkan=swiftshader',
  '--use-angle=swiftshader',
  '--enable-precise-memory-info',
  ...quiet,
];

const port = Number(process.env.E2E_PORT ?? 4173);

export default defineConfig({
  testDir: 'e2e',
  // The GPU process takes both cores: one worker, generous timeouts (first pipeline compiles are slow).
  workers: 1,
  timeout: 180_000,
  expect: { timeout: 60_000 },
  retries: 0,
  reporter: [['list']],
  use: { baseURL: `http://127.0.0.1:${port}`, viewport: { width: 1280, height: 720 } },
  webServer: {
    command: `npx vite preview --host 127.0.0.1 --port ${port} --strictPort`,
    url: `http://127.0.0.1:${port}`,
    reuseExistingServer: false,
    timeout: 60_000,
  },
  projects: [
    { name: 'webgpu', testIgnore: /no-webgpu/, use: { launchOptions: { executablePath: CHROMIUM, args: WEBGPU_ARGS } } },
    // The same browser without WebGPU: the page must say so and name what runs instead.
    { name: 'no-webgpu', testMatch: /no-webgpu/, use: { launchOptions: { executablePath: CHROMIUM, args: quiet } } },
  ],
});
