/**
 * Arguments of `npm run train -- --preset <name> [--steps N] [--out DIR] [--backend webgpu|cpu]
 * [--<config key> <value>]...`. Any key of the config schema can be set; values are parsed by
 * the schema's type and the whole config is validated, so a bad flag gets the same message
 * the form would show. Never throws: problems come back as messages.
 */
import { byFlag, CONFIG_KEYS, paramSpec, validateConfig, type ConfigKey, type RunConfig } from '../../config';
import { DEFAULT_PRESET, getPreset, PRESET_LIST } from '../../presets';
import { quickDataConfig } from '../../presets/userData';
import { checkRunId } from '../store/types';
import { datasetKeys } from '../userDataTask';
import { DATA_USAGE } from './data';
import { decodeDataset } from '../../data/userData';

export interface TrainArgs {
  preset: string;
  config: RunConfig;
  out: string;
  backend: 'webgpu' | 'cpu';
  runId: string;
  resume: boolean;
  logEvery: number;
  /** The config keys given as flags: with --resume, they override the saved run's config (hot keys only). */
  overrides: Partial<RunConfig>;
  /** `--tune`: matmul tuned for the adapter, kept in the Node tuning cache (docs/kernels.md); `--clear-tune-cache` empties it first. */
  tune: boolean;
  clearTuneCache: boolean;
}

export type ParsedArgs = { ok: true; args: TrainArgs; notices: string[] } | { ok: false; errors: string[]; help: boolean };

export const USAGE = `usage: npm run train -- [--preset NAME] [--steps N] [--out DIR] [--backend webgpu|cpu]
                       [--run-id ID] [--resume] [--log-every N] [--tune] [--clear-tune-cache] [--<config key> VALUE]...
                       [--data FILE [data options]]
${DATA_USAGE}
presets: ${PRESET_LIST.map((p) => p.name).join(', ')}
config keys: ${CONFIG_KEYS.join(', ')}`;

function parseValue(key: ConfigKey, raw: string): unknown {
  const spec = paramSpec(key);
  switch (spec.type) {
    case 'int':
    case 'float': {
      const n = Number(raw);
      return raw.trim() === '' || Number.isNaN(n) ? raw : n;
    }
    case 'bool':
      return raw === 'true' || raw === '1' ? true : raw === 'false' || raw === '0' ? false : raw;
    case 'enum':
    case 'text':
      return raw;
  }
}

/** A prepared dataset the run trains on (`--data`, read by scripts/train.ts before parsing). */
export interface DatasetChoice {
  id: string;
  file: Uint8Array;
}

/**
 * Parse argv (without the node and script entries and without the data flags, see data.ts).
 * With a dataset, the base is the quick model sized to it unless --preset is given; the
 * dataset's keys come next and explicit config flags last.
 */
export function parseTrainArgs(argv: readonly string[], dataset?: DatasetChoice): ParsedArgs {
  const errors: string[] = [];
  let presetGiven = false;
  let preset = DEFAULT_PRESET;
  let out = 'runs';
  let backend: 'webgpu' | 'cpu' = 'webgpu';
  let runId = '';
  let resume = false;
  const switches = new Set<string>();
  let logEvery = 10;
  const overrides: Record<string, unknown> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') return { ok: false, errors: [], help: true };
    if (!arg.startsWith('--')) {
      errors.push(`unexpected argument ${JSON.stringify(arg)}: options start with --`);
      continue;
    }
    let [name, value] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    if (name === 'resume') {
      resume = true;
      continue;
    }
    if (name === 'tune' || name === 'clear-tune-cache') {
      switches.add(name);
      continue;
    }
    if (value === undefined) {
      if (i + 1 >= argv.length) {
        errors.push(`--${name} needs a value`);
        continue;
      }
      value = argv[++i];
    }
    switch (name) {
      case 'preset':
        preset = value;
        presetGiven = true;
        break;
      case 'out':
        out = value;
        break;
      case 'run-id':
        runId = value;
        break;
      case 'log-every':
        logEvery = Number(value);
        if (!Number.isInteger(logEvery) || logEvery < 1) errors.push(`--log-every ${JSON.stringify(value)} must be a positive integer`);
        break;
      case 'backend':
        if (value === 'webgpu' || value === 'cpu') backend = value;
        else errors.push(`--backend ${JSON.stringify(value)} is not known: use webgpu or cpu`);
        break;
      default:
        if ((CONFIG_KEYS as readonly string[]).includes(name)) overrides[name] = parseValue(name as ConfigKey, value);
        else errors.push(`--${name} is not an option or a config key (see --help)`);
    }
  }
  const base = getPreset(preset);
  if (!base) errors.push(`preset ${JSON.stringify(preset)} does not exist: use one of ${PRESET_LIST.map((p) => p.name).join(', ')}`);
  if (errors.length > 0 || !base) return { ok: false, errors, help: false };
  let start: Record<string, unknown> = { ...base.config };
  let name = preset;
  if (dataset) {
    const keys = datasetKeys(dataset.id, dataset.file);
    const quick = presetGiven ? {} : quickDataConfig(decodeDatasetHeader(dataset.file));
    start = { ...start, ...quick, ...keys };
    name = presetGiven ? `${preset}-${dataset.id.slice(0, 8)}` : `data-${slug(keys.dataName ?? '')}-${dataset.id.slice(0, 8)}`;
  }
  const { config, issues, ok } = validateConfig({ ...start, ...overrides }, { name: byFlag });
  const problems = issues.filter((x) => x.severity === 'error').map((x) => x.message);
  if (!ok) return { ok: false, errors: problems, help: false };
  // Checked here, before anything is written: the run id names a folder under --out.
  const id = runId || `${name}-${config.initSeed}`;
  try {
    checkRunId(id);
  } catch (e) {
    return { ok: false, errors: [`--run-id: ${(e as Error).message}`], help: false };
  }
  const given = Object.fromEntries(Object.keys(overrides).map((k) => [k, config[k as ConfigKey]])) as Partial<RunConfig>;
  return {
    ok: true,
    args: {
      preset: name,
      config,
      out,
      backend,
      runId: id,
      resume,
      logEvery,
      overrides: given,
      tune: switches.has('tune'),
      clearTuneCache: switches.has('clear-tune-cache'),
    },
    notices: issues.filter((x) => x.severity === 'notice').map((x) => x.message),
  };
}

/** A dataset name as part of a run id (letters, digits, '.', '_', '-'). */
function slug(name: string): string {
  return (
    name
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/^[-.]+|-+$/g, '')
      .slice(0, 40) || 'dataset'
  );
}

function decodeDatasetHeader(file: Uint8Array) {
  return decodeDataset(file).header;
}
