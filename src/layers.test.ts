/**
 * The layers of src/: every import between top-level folders goes down the order below, never
 * up, so no two folders import each other (directly or around a cycle). Imports are read with a
 * regular expression (static `import … from`, `export … from`, side-effect `import '…'`, dynamic
 * `import('…')` and `new URL('…', import.meta.url)` for workers); only relative paths are
 * resolved, packages are not layers. Tests and test helpers count like any other file.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Bottom to top; a file may import its own layer and the layers before it. Why this order:
 * - engine: tensors, autograd, the CPU and WebGPU backends; needs nothing else.
 * - data: the Long Range Arena task generators and corpora; plain arrays, needs nothing else.
 * - config: the run configuration and its validation (src/config; the old path src/model/config counts as the same layer);
 *   the model, the file formats, the presets and the UI forms all read it.
 * - presets: named configs; they only need config, and the training CLI picks them by name.
 * - io: file formats (safetensors, run bundles, ONNX export) and the metrics record they carry;
 *   they need config only, and the model's PyTorch parity helper writes safetensors.
 * - model: the transformer on the engine; needs engine, config and (for parity tests) io.
 * - train: the trainer, session and worker; needs model, data, io (checkpoints), presets (CLI).
 * - infer: inference on imported runs; needs model, io (bundles, ONNX) and data (inputs).
 * - bench: the scaling sweep; trains (train) and compares with onnxruntime (infer, io).
 * - study: multi-seed studies (definitions, statistics, tables); reads presets and config.
 * - store: the page's state (zustand); drives the training worker (train) and presets.
 * - ui: the React components; may use everything below.
 * - app: src/main.tsx, the entry point.
 */
const ORDER = ['engine', 'data', 'config', 'presets', 'io', 'model', 'train', 'infer', 'bench', 'study', 'store', 'ui', 'app'] as const;
type Layer = (typeof ORDER)[number];

const SRC = dirname(fileURLToPath(import.meta.url));

/** The layer of a file under src/ (by path relative to src/, with `/` separators). */
function layerOf(path: string): Layer {
  const parts = path.split('/');
  if (parts.length === 1) return 'app';
  if (parts[0] === 'model' && parts[1] === 'config') return 'config';
  const layer = parts[0] as Layer;
  if (!ORDER.includes(layer))
    throw new Error(
      `src/${path} is in the folder src/${parts[0]}, which has no layer: add it to ORDER in src/layers.test.ts (one of ${ORDER.join(', ')})`,
    );
  return layer;
}

const IMPORT =
  /(?:^|[^\w.])(?:import|export)\s[^'"`;]*?from\s*['"]([^'"]+)['"]|(?:^|[^\w.])import\s*\(\s*['"]([^'"]+)['"]\s*\)|(?:^|[^\w.])import\s+['"]([^'"]+)['"]|new URL\(\s*['"]([^'"]+)['"]\s*,\s*import\.meta\.url/g;

/** The specifiers a source imports (packages included). */
function importsOf(source: string): string[] {
  return [...source.matchAll(IMPORT)].map((m) => m[1] ?? m[2] ?? m[3] ?? m[4]);
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

/** The file a relative specifier names, or null when it points outside src/ or at a package. */
function resolveImport(from: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  const base = resolve(dirname(from), spec.replace(/\?.*$/, ''));
  if (!base.startsWith(SRC + sep)) return null;
  for (const c of [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts'), join(base, 'index.tsx')])
    if (existsSync(c) && statSync(c).isFile()) return c;
  throw new Error(`${relative(SRC, from)} imports '${spec}', which names no file`);
}

interface Edge {
  from: string;
  to: string;
  fromLayer: Layer;
  toLayer: Layer;
}

function edges(): Edge[] {
  const rel = (f: string) => relative(SRC, f).split(sep).join('/');
  // This file is left out: its own test strings look like imports.
  return sourceFiles(SRC)
    .filter((f) => f !== fileURLToPath(import.meta.url))
    .flatMap((file) =>
      importsOf(readFileSync(file, 'utf8'))
        .map((spec) => resolveImport(file, spec))
        .filter((t): t is string => t !== null)
        .map((t) => ({ from: rel(file), to: rel(t), fromLayer: layerOf(rel(file)), toLayer: layerOf(rel(t)) })),
    );
}

/** The cycles among layers of a graph, each as its layers in order (Tarjan's strongly connected components of more than one node). */
function layerCycles(graph: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const out: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (stack.includes(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        component.unshift(w);
      } while (w !== v);
      if (component.length > 1) out.push(component);
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return out;
}

describe('layers of src/', () => {
  const all = edges();
  const across = all.filter((e) => e.fromLayer !== e.toLayer);

  it('reads the imports it checks', () => {
    expect(
      importsOf(
        "import a from './a';\nimport type { B } from \"../b\";\nexport * from './c';\nconst d = await import('./d');\nimport './e.css';\nnew Worker(new URL('./f.ts', import.meta.url));",
      ),
    ).toEqual(['./a', '../b', './c', './d', './e.css', './f.ts']);
    expect(across.length).toBeGreaterThan(50); // the regular expression found the real graph
    expect(layerOf('model/config/index.ts')).toBe('config');
    expect(layerOf('model/model.ts')).toBe('model');
    expect(layerOf('main.tsx')).toBe('app');
  });

  it('finds a cycle when there is one', () => {
    const g = new Map([
      ['io', new Set(['train'])],
      ['train', new Set(['model', 'io'])],
      ['model', new Set<string>()],
    ]);
    expect(layerCycles(g)).toEqual([['io', 'train']]);
  });

  it('has no cycle between top-level folders', () => {
    const graph = new Map<string, Set<string>>();
    for (const e of across) {
      if (!graph.has(e.fromLayer)) graph.set(e.fromLayer, new Set());
      graph.get(e.fromLayer)!.add(e.toLayer);
    }
    const cycles = layerCycles(graph).map((c) => {
      const inCycle = across.filter((e) => c.includes(e.fromLayer) && c.includes(e.toLayer));
      return `${c.join(' <-> ')}:\n${inCycle.map((e) => `  ${e.from} -> ${e.to}`).join('\n')}`;
    });
    expect(cycles, cycles.join('\n')).toEqual([]);
  });

  it('imports only downward, in the order engine, data, config, presets, io, model, train, infer, bench, store, ui, app', () => {
    const upward = across
      .filter((e) => ORDER.indexOf(e.toLayer) > ORDER.indexOf(e.fromLayer))
      .map((e) => `${e.from} -> ${e.to} (${e.fromLayer} below ${e.toLayer})`);
    expect(upward, `upward imports:\n${upward.join('\n')}`).toEqual([]);
  });
});
