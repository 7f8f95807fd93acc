/**
 * Words used across src/engine/webgpu:
 * - a *shader* is one WGSL module: a `kernels/<name>.wgsl` file, the shared WGSL snippets it
 *   uses, and its uniform struct generated from one `uniforms()` declaration;
 * - a *kernel* is one compute entry point of a shader, with the storage buffers it binds (in
 *   order, after the uniform at binding 0): one pipeline per override-constant set;
 * - a *kernel family* is a `kernels/<family>.ts` module: its shaders, kernels and the
 *   `Backend` methods that dispatch them.
 * The pipeline cache builds explicit layouts from the bindings, so every dispatch uses one
 * uniform buffer with a dynamic offset.
 */
import type { UniformLayout } from './uniforms';

/** 'r' = read-only storage, 'w' = read-write storage. */
export type Access = 'r' | 'w';

/** The uniform struct's name in every shader. */
const STRUCT = 'P';

export interface Shader<L extends UniformLayout = UniformLayout> {
  /** Names the shader module (`<name>.wgsl` in labels). */
  readonly name: string;
  /** The full WGSL text: the generated uniform struct, then the snippets, then the shader. */
  readonly code: string;
  readonly uniforms: L;
}

export interface Kernel<L extends UniformLayout = UniformLayout> {
  readonly shader: Shader<L>;
  readonly entry: string;
  readonly bindings: readonly Access[];
  /** `shader.entry`: the pipeline cache's key when no constants are set. */
  readonly id: string;
  /** The bindings as one string ('rrw'): the bind-group layout's key. */
  readonly signature: string;
}

/**
 * A shader from its source and the snippets it calls (prepended in order); the source must not
 * declare the uniform struct itself, which is generated from `layout` as `struct P`. `enables`
 * are WGSL extensions (`subgroups`) the text needs: the device must have their features.
 */
export function shader<L extends UniformLayout>(
  name: string,
  layout: L,
  source: string,
  snippets: readonly string[] = [],
  enables: readonly string[] = [],
): Shader<L> {
  if (new RegExp(`\\bstruct\\s+${STRUCT}\\s*\\{`).test(source))
    throw new Error(`shader ${name}: the source declares struct ${STRUCT}; it is generated from the uniforms() declaration`);
  const head = enables.map((e) => `enable ${e};`);
  return { name, code: [...head, layout.struct(STRUCT), ...snippets, source].join('\n'), uniforms: layout };
}

/** A kernel: entry point `entry` of `s`, binding storage buffers with the accesses in `bindings` ('rrw'). */
export function kernel<L extends UniformLayout>(s: Shader<L>, entry: string, bindings: string): Kernel<L> {
  if (!/^[rw]+$/.test(bindings)) throw new Error(`kernel ${s.name}.${entry}: bindings "${bindings}" must be a string of r and w`);
  return { shader: s, entry, bindings: bindings.split('') as Access[], id: `${s.name}.${entry}`, signature: bindings };
}
