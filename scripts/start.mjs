// `npm start`: build the app and serve it on 127.0.0.1 with the cross-origin-isolation
// headers (COOP same-origin, COEP require-corp) that onnxruntime-web's threads need.
import { build, preview } from 'vite';

const port = Number(process.env.PORT ?? 4173);
await build({ logLevel: 'warn' });
const server = await preview({ preview: { host: '127.0.0.1', port, strictPort: true } });
console.log(`\nProxyformer Playground: http://127.0.0.1:${port}/  (Ctrl+C to stop)`);
server.printUrls();
