/**
 * Builds src/bench/page/bench.html into a temporary folder and serves it with a preview server
 * (the project's config: COOP/COEP headers) on a free port, for e2e/bench.spec.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, preview } from 'vite';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface BenchPageServer {
  url: string;
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

/** Build and serve the bench page. */
export async function startBenchPage(): Promise<BenchPageServer> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-e2e-'));
  const outDir = join(dir, 'dist');
  const inline = { root: ROOT, configFile: join(ROOT, 'vite.config.ts'), logLevel: 'warn' as const, publicDir: false as const };
  await build({ ...inline, build: { outDir, emptyOutDir: true, rollupOptions: { input: join(ROOT, 'src/bench/page/bench.html') } } });
  const port = await freePort();
  const server = await preview({ ...inline, build: { outDir }, preview: { port, strictPort: true, host: '127.0.0.1' } });
  return {
    url: `http://127.0.0.1:${port}/src/bench/page/bench.html`,
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
