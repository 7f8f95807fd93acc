/**
 * A plain static file server for dist/, the way GitHub Pages serves a project site: under a
 * sub-path (`/user/repo/`), with content types and nothing else — no COOP/COEP headers, so
 * cross-origin isolation has to come from the page's service worker.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.bin': 'application/octet-stream',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

export interface StaticHost {
  url: string;
  /** Every response's headers, by path, so a test can show that none adds isolation. */
  sentHeaders: Map<string, Record<string, string>>;
  close(): Promise<void>;
}

/** Serve `root` at `http://127.0.0.1:<free port><prefix>`. */
export async function serveStatic(root: string, prefix: string): Promise<StaticHost> {
  const base = resolve(root);
  if (!existsSync(join(base, 'index.html'))) throw new Error(`${base}/index.html is missing: run \`npx vite build\` first`);
  const sentHeaders = new Map<string, Record<string, string>>();
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]);
    if (!path.startsWith(prefix)) return void res.writeHead(404).end();
    let file = normalize(join(base, path.slice(prefix.length)));
    if (!file.startsWith(base)) return void res.writeHead(403).end();
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file)) return void res.writeHead(404).end();
    const headers = { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Content-Length': String(statSync(file).size) };
    sentHeaders.set(path, headers);
    res.writeHead(200, headers);
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}${prefix}`,
    sentHeaders,
    close: () => new Promise((ok) => server.close(() => ok())),
  };
}
