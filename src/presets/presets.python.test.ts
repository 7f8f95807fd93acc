/**
 * The same config JSON means the same run on both sides: every preset is accepted by the
 * PyTorch reference's `ModelConfig` (python/proxyformer/config.py) and survives its round
 * trip unchanged, and combinations this validator refuses are refused there too.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defaultConfig, validateConfig, type RunConfig } from '../config';
import { PRESET_LIST } from './index';

const PYTHON_DIR = fileURLToPath(new URL('../../python', import.meta.url));

// config.py imports only the standard library; loading it by path avoids the package's torch import.
const SCRIPT = `
import importlib.util, json, os, sys
path = os.path.join(sys.argv[1], 'proxyformer', 'config.py')
spec = importlib.util.spec_from_file_location('proxyformer_config', path)
m = importlib.util.module_from_spec(spec); sys.modules['proxyformer_config'] = m; spec.loader.exec_module(m)
out = {}
for name, d in json.loads(sys.stdin.read()).items():
    try:
        out[name] = {'ok': True, 'back': m.ModelConfig.from_dict(d).to_dict()}
    except m.ConfigError as e:
        out[name] = {'ok': False, 'error': str(e)}
print(json.dumps(out))
`;

function pythonVerdicts(configs: Record<string, RunConfig>): Record<string, { ok: boolean; back?: RunConfig; error?: string }> {
  return JSON.parse(execFileSync('/usr/bin/python3', ['-c', SCRIPT, PYTHON_DIR], { input: JSON.stringify(configs), encoding: 'utf8' }));
}

describe('presets against the PyTorch reference config', () => {
  it('every preset is accepted by python ModelConfig and round-trips unchanged', () => {
    const verdicts = pythonVerdicts(Object.fromEntries(PRESET_LIST.map((p) => [p.name, p.config])));
    for (const p of PRESET_LIST) expect(verdicts[p.name], p.name).toEqual({ ok: true, back: p.config });
  });

  it('combinations refused here are refused there', () => {
    const proxy = defaultConfig('image', 'proxy');
    const bad: Record<string, RunConfig> = {
      heads: { ...proxy, heads: 3 },
      convKernel: { ...proxy, convKernel: 34 },
      segments: { ...defaultConfig('image', 'nystrom'), seqLen: 1000 },
    };
    for (const c of Object.values(bad)) expect(validateConfig(c).ok).toBe(false);
    const verdicts = pythonVerdicts(bad);
    for (const name of Object.keys(bad)) expect(verdicts[name].ok, name).toBe(false);
  });
});
