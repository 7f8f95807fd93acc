// `npm start`: build the app and serve it on 127.0.0.1 with the cross-origin-isolation
// headers (COOP same-origin, COEP require-corp) that onnxruntime-web's threads need.
import { execFileSync } from 'node:child_process';
import { build, preview } from 'vite';

// The real corpora (SpamAssassin, MNIST) become compact files under public/data once; the app
// fetches them from its own origin.
execFileSync('npx', ['tsx', 'scripts/prepare-corpora.ts'], { stdio: 'inherit' });

const port = Number(process.env.PORT ?? 4173);
await build({ logLevel: 'warn' });
const server = await preview({ preview: { host: '127.0.0.1', port, strictPort: true } });
console.log(`\nProxyformer Playground: http://127.0.0.1:${port}/  (Ctrl+C to stop)`);
server.printUrls();
