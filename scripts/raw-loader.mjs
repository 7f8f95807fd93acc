// Node module hooks that give plain Node (and tsx) Vite's `?raw` imports, so the engine's
// `import code from './kernels/x.wgsl?raw'` works in command-line tools and benchmarks too.
// Registered by scripts/node-raw.mjs: `node --import ./scripts/node-raw.mjs --import tsx file.ts`.
import { readFile } from 'node:fs/promises';

export async function resolve(specifier, context, next) {
  if (specifier.endsWith('?raw')) {
    const url = new URL(specifier, context.parentURL);
    return { url: url.href, format: 'module', shortCircuit: true };
  }
  return next(specifier, context);
}

export async function load(url, context, next) {
  if (url.endsWith('?raw')) {
    const text = await readFile(new URL(url.slice(0, -'?raw'.length)), 'utf8');
    return { format: 'module', source: `export default ${JSON.stringify(text)};`, shortCircuit: true };
  }
  return next(url, context);
}
