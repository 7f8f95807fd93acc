/**
 * A shader's uniform parameters, declared once for both sides: `uniforms({ rows: 'u32', eps: 'f32' })`
 * generates the WGSL `struct` the shader reads (prepended to its source by `shader()`) and packs
 * values by name into a uniform slot on the TypeScript side, so the two can never disagree on
 * the order or type of a field (tfjs-backend-webgpu declares a program's uniforms beside its
 * shader the same way).
 *
 * Only 4-byte scalars are allowed: field i then sits at byte offset 4·i in WGSL's uniform
 * layout (alignment 4, size 4, no padding between scalars), which is what `pack` writes.
 */

export type UniformType = 'u32' | 'i32' | 'f32';

const TYPES: readonly UniformType[] = ['u32', 'i32', 'f32'];
const IDENT = /^[A-Za-z][A-Za-z0-9_]*$/;

/** The values a dispatch passes: every field without a default is required. */
export type UniformValues<S extends Record<string, UniformType>, D extends string> = {
  readonly [K in Exclude<keyof S & string, D>]: number;
} & {
  readonly [K in D]?: number;
};

export interface UniformLayout<S extends Record<string, UniformType> = Record<string, UniformType>, D extends string = string> {
  /** Field names in declaration (= memory) order. */
  readonly names: readonly (keyof S & string)[];
  readonly types: readonly UniformType[];
  /** Byte offset of each field in the struct (4·index). */
  readonly offsets: readonly number[];
  /** Bytes of the struct as WGSL lays it out in the uniform address space. */
  readonly bytes: number;
  /** The WGSL declaration `struct <name> { … }`. */
  struct(name: string): string;
  /**
   * Write `values` at byte `base` of `view` (little-endian, as the GPU reads it). A field left
   * out takes its declared default; one with neither is an error naming `opName` and the field.
   */
  pack(view: DataView, base: number, values: UniformValues<S, D>, opName: string): void;
}

/**
 * Declare a uniform struct: `spec` lists the fields in memory order, `defaults` gives values
 * for fields some kernels of the shader do not read (so their callers can leave them out).
 */
export function uniforms<const S extends Record<string, UniformType>, const D extends keyof S & string = never>(
  spec: S,
  defaults: { readonly [K in D]: number } = {} as { readonly [K in D]: number },
): UniformLayout<S, D> {
  const names = Object.keys(spec) as (keyof S & string)[];
  if (names.length === 0) throw new Error('uniforms: declare at least one field');
  const types = names.map((n) => spec[n]);
  names.forEach((n, i) => {
    if (!IDENT.test(n)) throw new Error(`uniforms: field name "${n}" is not a WGSL identifier (a letter, then letters, digits or _)`);
    if (!TYPES.includes(types[i])) throw new Error(`uniforms: field "${n}" has type ${String(types[i])}; allowed: ${TYPES.join(', ')}`);
  });
  for (const d of Object.keys(defaults))
    if (!(d in spec)) throw new Error(`uniforms: default for "${d}", which is not a declared field (${names.join(', ')})`);
  // Parallel arrays, read on every dispatch: no per-dispatch lookups beyond the values object.
  const fallback = names.map((n) => (defaults as Record<string, number | undefined>)[n]);
  const offsets = names.map((_, i) => 4 * i);
  return {
    names,
    types,
    offsets,
    bytes: 4 * names.length,
    struct: (name) => `struct ${name} {\n${names.map((n, i) => `  ${n}: ${types[i]},`).join('\n')}\n}\n`,
    pack(view, base, values, opName) {
      const given = values as Record<string, number | undefined>;
      for (let i = 0; i < names.length; i++) {
        const v = given[names[i]] ?? fallback[i];
        if (v === undefined) throw new Error(`${opName}: uniform field "${names[i]}" has no value and no default`);
        const at = base + 4 * i;
        const t = types[i];
        if (t === 'f32') view.setFloat32(at, v, true);
        else if (t === 'i32') {
          if (!Number.isInteger(v) || v < -0x80000000 || v > 0x7fffffff)
            throw new Error(`${opName}: uniform field "${names[i]}" = ${v} is not an i32`);
          view.setInt32(at, v, true);
        } else {
          if (!Number.isInteger(v) || v < 0 || v > 0xffffffff)
            throw new Error(`${opName}: uniform field "${names[i]}" = ${v} is not a u32`);
          view.setUint32(at, v, true);
        }
      }
    },
  };
}
