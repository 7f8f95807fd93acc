import { issuesFor, paramSpec, type ConfigKey, type Group } from '../../config';
import { NO_QUICK_PRESET, PRESET_LIST } from '../../presets';
import { configStore, useConfig } from '../../store/configStore';
import { visibleKeys } from '../../store/configForm';
import { isActive, trainingClient, useTraining } from '../../store/trainingStore';
import { ParamField } from './ParamField';

const GROUPS: [Group, string][] = [
  ['task', 'Task'],
  ['model', 'Model'],
  ['attention', 'Attention'],
  ['proxyformer', 'Proxyformer'],
  ['optimisation', 'Optimisation'],
  ['schedule', 'Schedule'],
  ['seeds', 'Seeds'],
];

/** The configuration form: presets first, then every hyperparameter that applies, grouped, from the schema. */
export function ConfigPanel() {
  const values = useConfig((s) => s.values);
  const issues = useConfig((s) => s.issues);
  const preset = useConfig((s) => s.preset);
  const ok = useConfig((s) => s.ok);
  const linkNotices = useConfig((s) => s.linkNotices);
  const active = useTraining((s) => isActive(s.runState));
  const keys = visibleKeys(values);
  const presetInfo = PRESET_LIST.find((p) => p.name === preset);
  const general = issues.filter((i) => i.key === '');
  const errorCount = issues.filter((i) => i.severity === 'error').length;

  const change = (key: ConfigKey, value: unknown) => {
    configStore.getState().set(key, value);
    if (!active || paramSpec(key).apply !== 'hot') return;
    const st = configStore.getState();
    if (issuesFor(st.issues, key).some((i) => i.severity === 'error')) return;
    trainingClient().update({ [key]: st.config[key] });
  };

  return (
    <form className="panel config-panel" aria-label="Configuration" onSubmit={(e) => e.preventDefault()}>
      <h2>Configuration</h2>
      {linkNotices.length > 0 && (
        <div className="notice" role="status" data-testid="link-notices">
          <strong>The link was adjusted:</strong>
          <ul>
            {linkNotices.map((n, i) => (
              <li key={i}>{n.message}</li>
            ))}
          </ul>
          <button type="button" className="link" onClick={() => configStore.getState().dismissLinkNotices()}>
            Dismiss
          </button>
        </div>
      )}
      <div className="field">
        <label htmlFor="preset">Preset</label>
        <select
          id="preset"
          data-testid="preset"
          value={preset ?? ''}
          disabled={active}
          onChange={(e) => e.currentTarget.value && configStore.getState().applyPreset(e.currentTarget.value)}
        >
          {preset === null && <option value="">custom (edited)</option>}
          {PRESET_LIST.map((p) => (
            <option key={p.name} value={p.name} title={p.description}>
              {p.title}
            </option>
          ))}
        </select>
        <p className="help">
          {presetInfo ? presetInfo.description : 'Edited: the link below the controls reproduces exactly these values.'}
        </p>
        <p className="help" data-testid="no-quick-preset">
          {NO_QUICK_PRESET}
        </p>
      </div>
      {active && (
        <p className="notice" data-testid="locked-note">
          A run is active: settings marked <span className="tag tag-cold">rebuild</span> are locked (changing them needs a new model: Stop,
          then Start). Settings marked <span className="tag tag-hot">live</span> apply from the next step.
        </p>
      )}
      {!ok && (
        <p className="msg-error" role="alert" data-testid="config-errors">
          {errorCount} {errorCount === 1 ? 'problem keeps' : 'problems keep'} the run from starting (marked below).
        </p>
      )}
      {general.map((i, k) => (
        <p key={k} className={i.severity === 'error' ? 'msg-error' : 'msg-notice'}>
          {i.message}
        </p>
      ))}
      {GROUPS.map(([group, title]) => {
        const inGroup = keys.filter((k) => paramSpec(k).group === group);
        if (inGroup.length === 0) return null;
        return (
          <fieldset key={group} className={`group group-${group}`}>
            <legend>{title}</legend>
            {group === 'proxyformer' && (
              <p className="help">
                The paper states proxies, an input-injection module, a contrastive loss (τ = 0.07) and column-wise decomposed dropout (p =
                0.1); its code is not public, so each formula is a switch. Tags say which values are the paper&apos;s words and which are
                our reading.
              </p>
            )}
            {inGroup.map((k) => (
              <ParamField
                key={k}
                name={k}
                value={values[k]}
                issues={issues}
                locked={active && paramSpec(k).apply === 'cold'}
                onChange={change}
              />
            ))}
          </fieldset>
        );
      })}
    </form>
  );
}
