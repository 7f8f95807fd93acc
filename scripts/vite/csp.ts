/**
 * The Content-Security-Policy that `npm start` (vite preview) and the dev server send: the
 * page loads scripts, styles, workers, data and WebAssembly from its own origin only, and
 * nothing may frame it or post forms elsewhere. The exceptions, each for one reason:
 * - script-src 'wasm-unsafe-eval': onnxruntime-web compiles its .wasm (WebAssembly.instantiate
 *   is "eval" to CSP).
 * - script-src 'unsafe-eval': onnxruntime-web's WebGPU (JSEP) build, which the inference panel
 *   loads for both its webgpu and wasm providers, creates embind's method callers with
 *   `new Function` (in its JSEP glue script, ort-wasm-simd-threaded.jsep.mjs);
 *   without it no session can be created ("Evaluating a string as JavaScript violates …").
 *   Inline scripts stay forbidden.
 * - img-src data: blob: — the favicon is a data: URL (index.html) and the chart's PNG export
 *   draws the SVG from a blob: URL (src/ui/charts/exportChart.ts).
 * - style-src 'unsafe-inline': the chart exports serialize recharts' SVG, whose elements carry
 *   style attributes, and re-parse it (src/ui/charts/exportChart.ts); without it the SVG/PNG export
 *   of every chart raised a CSP error. Styles only: inline scripts stay forbidden.
 * The dev server needs two more, for its own tooling only: React Refresh's inline preamble
 * script ('unsafe-inline' for scripts) and the HMR websocket.
 */
const POLICY: Record<string, string[]> = {
  'default-src': ["'self'"],
  'script-src': ["'self'", "'wasm-unsafe-eval'", "'unsafe-eval'"],
  'worker-src': ["'self'"],
  'connect-src': ["'self'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'style-src': ["'self'", "'unsafe-inline'"],
  'font-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
};

const DEV_EXTRA: Record<string, string[]> = {
  'script-src': ["'unsafe-inline'"],
  'connect-src': ['ws:'],
};

/** The policy as a header value; `dev` adds what the dev server's HMR and React Refresh need. */
export function contentSecurityPolicy(dev = false): string {
  return Object.entries(POLICY)
    .map(([directive, sources]) => [directive, ...sources, ...(dev ? (DEV_EXTRA[directive] ?? []) : [])].join(' '))
    .join('; ');
}
