/**
 * Tensors against the parameters a config defines (the contract's state_dict names and
 * shapes, `parameterShapes`): every problem is collected and named at once — missing,
 * unexpected, wrong dtype, wrong shape — so one message says everything that is wrong.
 */
import type { RunConfig } from '../../config';
import { ImportError } from '../errors';
import type { ImportBudget } from '../importLimits';
import { checkExportConfig, isStateName, parameterShapes } from '../onnx/config';
import type { Tensor } from '../safetensors';

const LIST = 12;

/**
 * The config's state names and shapes: every parameter and the non-trainable state (Performer's
 * `features`), as model.safetensors holds them. A config the graph cannot express is an `ImportError('config')`.
 */
export function expectedShapes(config: RunConfig): Map<string, number[]> {
  try {
    checkExportConfig(config);
  } catch (err) {
    throw new ImportError('config', `the config cannot describe a model: ${err instanceof Error ? err.message : String(err)}.`);
  }
  return parameterShapes(config);
}

/** The trainable subset of `expectedShapes`: what optimizer.safetensors covers (state has no moments). */
export function optimizerShapes(shapes: ReadonlyMap<string, number[]>): Map<string, number[]> {
  return new Map([...shapes].filter(([name]) => !isStateName(name)));
}

/**
 * F32 weights in the config's parameter order, checked name by name; `suffixes` maps each
 * parameter to several tensors (the optimizer's `.exp_avg`, `.exp_avg_sq`). Throws `ImportError('mismatch')`.
 */
export function matchTensors(
  file: string,
  shapes: ReadonlyMap<string, number[]>,
  tensors: ReadonlyMap<string, Tensor>,
  suffixes: readonly string[] = [''],
): Map<string, Float32Array> {
  const want = new Map<string, number[]>();
  for (const [name, shape] of shapes) for (const s of suffixes) want.set(name + s, shape);
  const missing = [...want.keys()].filter((k) => !tensors.has(k));
  const extra = [...tensors.keys()].filter((k) => !want.has(k));
  const dtypes: string[] = [];
  const misShaped: string[] = [];
  for (const [name, t] of tensors) {
    const shape = want.get(name);
    if (!shape) continue;
    if (t.dtype !== 'F32') dtypes.push(`${name} is ${t.dtype}`);
    else if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i]))
      misShaped.push(`${name} is [${t.shape.join(', ')}], expected [${shape.join(', ')}]`);
  }
  const problems: string[] = [];
  if (missing.length) problems.push(`missing ${list(missing)}`);
  if (extra.length) problems.push(`unexpected ${list(extra)} (not parameters of this config)`);
  if (dtypes.length) problems.push(`not F32: ${list(dtypes)} (bundles hold F32 only)`);
  if (misShaped.length) problems.push(`wrong shape: ${list(misShaped)}`);
  if (problems.length)
    throw new ImportError('mismatch', `${file} does not fit the config (${shapes.size} parameters): ${problems.join('; ')}.`);
  const out = new Map<string, Float32Array>();
  for (const name of want.keys()) out.set(name, tensors.get(name)!.data as Float32Array);
  return out;
}

/**
 * Refuse a tensor holding NaN or ±Infinity — or, where `nonNegative` says so (AdamW's second
 * moments), a negative value — naming the tensor and the first bad element. Run before
 * anything is loaded: a diverged run's weights must not silently replace a good state.
 */
export function checkFinite(
  file: string,
  tensors: ReadonlyMap<string, Float32Array>,
  budget?: ImportBudget,
  nonNegative: (name: string) => boolean = () => false,
): void {
  for (const [name, data] of tensors) {
    budget?.check(`checking ${name}`);
    const signed = !nonNegative(name);
    for (let i = 0; i < data.length; i++) {
      const v = data[i];
      // v - v is NaN exactly for NaN and ±Infinity.
      if (v - v !== 0 || (!signed && v < 0)) {
        const rule = signed ? 'every value must be finite' : 'a second moment must be finite and ≥ 0';
        throw new ImportError(
          'non-finite',
          `${file}: tensor ${name} holds ${v} at element ${i} of ${data.length}; ${rule}. Nothing was loaded.`,
        );
      }
    }
  }
}

function list(items: string[]): string {
  const shown = items.slice(0, LIST).map((s) => (s.length > 120 ? `${s.slice(0, 120)}…` : s));
  return shown.join(', ') + (items.length > LIST ? ` and ${items.length - LIST} more` : '');
}
