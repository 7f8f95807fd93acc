/**
 * Builds e2e/pages/inference.html into a temporary folder and serves it with a preview server
 * on a free port, with the project's config (COOP/COEP headers, React plugin), so the
 * inference specs need nothing from the app's build.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, preview } from 'vite';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface InferencePageServer {
  /** The test page's URL. */
  url: string;
  /** A scratch folder, removed by close(). */
  dir: string;
  close(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** Build and serve the page (about a second to build). */
export async function startInferencePage(): Promise<InferencePageServer> {
  const dir = mkdtempSync(join(tmpdir(), 'inference-e2e-'));
  const outDir = join(dir, 'dist');
  const inline = { root: ROOT, configFile: join(ROOT, 'vite.config.ts'), logLevel: 'warn' as const, publicDir: false as const };
  await build({ ...inline, build: { outDir, emptyOutDir: true, rollupOptions: { input: join(ROOT, 'e2e/pages/inference.html') } } });
  const port = await freePort();
  const server = await preview({ ...inline, build: { outDir }, preview: { host: '127.0.0.1', port, strictPort: true } });
  return {
    url: `http://127.0.0.1:${port}/e2e/pages/inference.html`,
    dir,
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
