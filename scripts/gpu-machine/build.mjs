// Bundles scripts/bench.ts (or another entry point, such as scripts/bench-kernels.ts) into one ES
// module for the GPU machine (no node_modules there): `webgpu` stays external (it is laid out
// beside the bundle as node_modules/webgpu), Vite-style `?raw` WGSL imports become string
// modules, everything else (tfjs included) is inlined.
//   node scripts/gpu-machine/build.mjs <outfile> [entry, default scripts/bench.ts]
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const outfile = process.argv[2];
const entry = process.argv[3] ?? 'scripts/bench.ts';
if (!outfile) {
  console.error('usage: node scripts/gpu-machine/build.mjs <outfile.mjs> [entry.ts]');
  process.exit(2);
}

const rawText = {
  name: 'raw-text',
  setup(b) {
    b.onResolve({ filter: /\?raw$/ }, (args) => ({
      path: resolve(args.resolveDir, args.path.slice(0, -'?raw'.length)),
      namespace: 'raw-text',
    }));
    b.onLoad({ filter: /.*/, namespace: 'raw-text' }, async (args) => ({
      contents: `export default ${JSON.stringify(await readFile(args.path, 'utf8'))};`,
      loader: 'js',
    }));
  },
};

await build({
  entryPoints: [resolve(root, entry)],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['webgpu'],
  plugins: [rawText],
  // tfjs (CommonJS inside) calls require(); give the ES module one.
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  logLevel: 'warning',
  legalComments: 'none',
});
console.log(`bundled ${entry} -> ${outfile}`);
