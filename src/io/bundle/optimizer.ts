/**
 * optimizer.safetensors: the AdamW state for resuming a run, as torch.optim.AdamW names it per
 * parameter — `<name>.exp_avg` (first moment) and `<name>.exp_avg_sq` (second moment), F32,
 * the parameter's shape — with the number of steps taken in `__metadata__.step`. Only trainable
 * parameters have moments: non-trainable state (Performer's `features`) is in model.safetensors only.
 * (The PyTorch trainer restarts AdamW and drops this file from its output, python/README.md.)
 */
import { ExportError, ImportError } from '../errors';
import type { ImportBudget } from '../importLimits';
import { readSafetensors, writeSafetensors, type Tensor } from '../safetensors';
import { BUNDLE_VERSION, FORMAT_OPTIMIZER, META_FORMAT, META_STEP, META_VERSION, OPTIMIZER_FILE } from './names';
import { checkFinite, matchTensors } from './weights';

/** AdamW moments by parameter name and the step count (bias corrections continue from step + 1). */
export interface OptimizerState {
  step: number;
  expAvg: ReadonlyMap<string, Float32Array>;
  expAvgSq: ReadonlyMap<string, Float32Array>;
}

const EXP_AVG = '.exp_avg';
const EXP_AVG_SQ = '.exp_avg_sq';

/** The optimizer file's bytes; every parameter of `shapes` needs both moments. Throws `ExportError`. */
export function writeOptimizer(state: OptimizerState, shapes: ReadonlyMap<string, number[]>): Uint8Array {
  if (!Number.isSafeInteger(state.step) || state.step < 0)
    throw new ExportError('metadata', `optimizer step must be an integer ≥ 0, got ${state.step}.`);
  const tensors = new Map<string, Tensor>();
  for (const [name, shape] of shapes) {
    for (const [suffix, moments] of [
      [EXP_AVG, state.expAvg],
      [EXP_AVG_SQ, state.expAvgSq],
    ] as const) {
      const data = moments.get(name);
      if (!(data instanceof Float32Array))
        throw new ExportError('tensor', `optimizer state lacks ${name}${suffix} (a Float32Array of shape [${shape.join(', ')}]).`);
      tensors.set(name + suffix, { dtype: 'F32', shape, data });
    }
  }
  const known = new Set(shapes.keys());
  const extra = [...state.expAvg.keys(), ...state.expAvgSq.keys()].filter((k) => !known.has(k));
  if (extra.length)
    throw new ExportError('name', `optimizer state names parameter(s) the config does not have: ${extra.slice(0, 8).join(', ')}.`);
  return writeSafetensors(tensors, { [META_FORMAT]: FORMAT_OPTIMIZER, [META_VERSION]: BUNDLE_VERSION, [META_STEP]: String(state.step) });
}

/** Parse and check the optimizer file against the parameters. Throws `ImportError`. */
export function readOptimizer(bytes: Uint8Array, shapes: ReadonlyMap<string, number[]>, budget?: ImportBudget): OptimizerState {
  const limits = budget?.limits;
  const { tensors, metadata } = prefixed(() =>
    readSafetensors(bytes, { maxHeaderBytes: limits?.maxHeaderBytes, maxHeaderEntries: limits?.maxHeaderEntries, budget }),
  );
  const format = metadata.get(META_FORMAT);
  if (format !== FORMAT_OPTIMIZER)
    throw new ImportError(
      'metadata',
      `${OPTIMIZER_FILE}: __metadata__.format is ${JSON.stringify(format ?? null)}, expected ${JSON.stringify(FORMAT_OPTIMIZER)}.`,
    );
  checkVersion(OPTIMIZER_FILE, metadata.get(META_VERSION));
  const stepText = metadata.get(META_STEP) ?? '';
  if (!/^(0|[1-9][0-9]{0,14})$/.test(stepText))
    throw new ImportError(
      'metadata',
      `${OPTIMIZER_FILE}: __metadata__.step must be a non-negative integer, got ${JSON.stringify(stepText.slice(0, 40))}.`,
    );
  const all = matchTensors(OPTIMIZER_FILE, shapes, tensors, [EXP_AVG, EXP_AVG_SQ]);
  checkFinite(OPTIMIZER_FILE, all, budget, (name) => name.endsWith(EXP_AVG_SQ));
  const expAvg = new Map<string, Float32Array>();
  const expAvgSq = new Map<string, Float32Array>();
  for (const name of shapes.keys()) {
    expAvg.set(name, all.get(name + EXP_AVG)!);
    expAvgSq.set(name, all.get(name + EXP_AVG_SQ)!);
  }
  return { step: Number(stepText), expAvg, expAvgSq };
}

/** A known `version` (absent is allowed: the PyTorch reference writes none). */
export function checkVersion(file: string, version: string | undefined): void {
  if (version !== undefined && version !== BUNDLE_VERSION) {
    throw new ImportError(
      'metadata',
      `${file}: __metadata__.version ${JSON.stringify(version.slice(0, 20))} is not one this version reads (${BUNDLE_VERSION}).`,
    );
  }
}

/** Run a safetensors read, prefixing its ImportError message with the file name. */
export function prefixed<T>(read: () => T, file = OPTIMIZER_FILE): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof ImportError) throw new ImportError(err.code, `${file}: ${err.message}`, err.breach);
    throw err;
  }
}
