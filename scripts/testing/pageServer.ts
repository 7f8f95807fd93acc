/**
 * Builds one HTML entry of the repository (a test or benchmark page) into a temporary folder
 * and serves it with a preview server on a free port, with the project's Vite config (COOP/COEP
 * headers, React plugin), so an end-to-end spec needs nothing from the app's build.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, preview } from 'vite';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface PageServer {
  /** The page's URL. */
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

/** Build and serve `html` (a path relative to the repository root, e.g. `e2e/pages/inference.html`). */
export async function startPage(html: string, scratchPrefix: string): Promise<PageServer> {
  const dir = mkdtempSync(join(tmpdir(), `${scratchPrefix}-`));
  const outDir = join(dir, 'dist');
  const inline = { root: ROOT, configFile: join(ROOT, 'vite.config.ts'), logLevel: 'warn' as const, publicDir: false as const };
  await build({ ...inline, build: { outDir, emptyOutDir: true, rollupOptions: { input: join(ROOT, html) } } });
  const port = await freePort();
  const server = await preview({ ...inline, build: { outDir }, preview: { host: '127.0.0.1', port, strictPort: true } });
  return {
    url: `http://127.0.0.1:${port}/${html}`,
    dir,
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
