/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { coiServiceWorker } from './scripts/vite/coiServiceWorker.ts';
import { contentSecurityPolicy } from './scripts/vite/csp.ts';

// Cross-origin isolation: onnxruntime-web's threads and SharedArrayBuffer need both headers,
// on the dev server and on the preview server that `npm start` uses.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig(({ command }) => ({
  // The build uses relative URLs, so dist/ works from any static host and any sub-path
  // (`/user/repo/` on GitHub Pages); the dev server stays at the root.
  base: command === 'build' ? './' : '/',
  plugins: [react(), coiServiceWorker()],
  server: { host: '127.0.0.1', port: 5173, headers: { ...isolation, 'Content-Security-Policy': contentSecurityPolicy(true) } },
  preview: {
    host: '127.0.0.1',
    port: 4173,
    strictPort: true,
    headers: { ...isolation, 'Content-Security-Policy': contentSecurityPolicy() },
  },
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
  test: {
    include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'],
    // Dawn (the `webgpu` package) is a native addon: forks isolate it per file, and one
    // fork at a time keeps the software Vulkan driver from fighting for the two cores.
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
}));
