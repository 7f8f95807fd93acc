/**
 * Cross-origin isolation on hosts that send no headers (GitHub Pages and other static hosts):
 * serves coi-serviceworker's script at the site root in development and emits it next to
 * index.html in the build, and loads it first thing in the page. The script registers itself as
 * a service worker on the page's own origin (a service worker controls only the folder it is
 * served from and below, so it must sit beside index.html, not under assets/), adds COOP/COEP
 * to every response and reloads once. Where the server already sends the headers (`npm start`,
 * the dev server) the page is isolated and the script does nothing.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Plugin } from 'vite';

export const COI_SCRIPT = 'coi-serviceworker.js';

export function coiServiceWorker(): Plugin {
  const source = () => readFileSync(createRequire(import.meta.url).resolve('coi-serviceworker/coi-serviceworker.min.js'), 'utf8');
  return {
    name: 'coi-serviceworker',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        if (req.url?.split('?')[0] !== `/${COI_SCRIPT}`) return next();
        res.setHeader('Content-Type', 'text/javascript');
        res.end(source());
      });
    },
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: COI_SCRIPT, source: source() });
    },
    transformIndexHtml(_html, ctx) {
      // Only the app's page: test pages built elsewhere (e2e/pages/*.html) sit in sub-folders,
      // where a relative script would 404, and are served with the headers anyway.
      if (ctx.path !== '/index.html') return;
      // Relative, so the page finds it under any sub-path (`/user/repo/`). A classic script that
      // runs before the app: on a host without headers it registers the worker and reloads.
      return [{ tag: 'script', attrs: { src: `./${COI_SCRIPT}` }, injectTo: 'head-prepend' }];
    },
  };
}
