import { useEffect, useId, useState } from 'react';
import { allowedText, issuesFor, paramSpec, type ConfigIssue, type ConfigKey, type ParamSpec } from '../../config';
import { parseNumberInput } from '../../store/configForm';

interface Props {
  name: ConfigKey;
  value: unknown;
  issues: readonly ConfigIssue[];
  /** A run is active and this key is cold: locked until the run stops. */
  locked: boolean;
  onChange(key: ConfigKey, value: unknown): void;
}

/** One hyperparameter generated from its schema entry: input, range, hot/cold tag, provenance, help, inline messages. */
export function ParamField({ name, value, issues, locked, onChange }: Props) {
  const spec = paramSpec(name);
  const id = useId();
  const helpId = `${id}-help`;
  const msgId = `${id}-msg`;
  const mine = issuesFor(issues, name).filter((i) => i.key === name || i.severity === 'error');
  const hasError = mine.some((i) => i.severity === 'error');
  const describedBy = [helpId, mine.length > 0 ? msgId : ''].filter(Boolean).join(' ');
  return (
    <div className={`field${hasError ? ' field-error' : ''}`} data-key={name}>
      <div className="field-head">
        <label htmlFor={id} title={spec.help}>
          {spec.label}
        </label>
        <span
          className={`tag tag-${spec.apply}`}
          title={
            spec.apply === 'hot' ? 'Applied from the next step, also mid-run' : 'Changing it needs a rebuild: locked while a run is active'
          }
        >
          {spec.apply === 'hot' ? 'live' : 'rebuild'}
        </span>
        {spec.provenance && (
          <span className={`tag prov-${spec.provenance.source}`} title={spec.provenance.note}>
            {spec.provenance.source === 'paper' ? 'paper' : 'our reading'}
          </span>
        )}
      </div>
      <Input
        id={id}
        spec={spec}
        name={name}
        value={value}
        disabled={locked}
        invalid={hasError}
        describedBy={describedBy}
        onChange={onChange}
      />
      <p id={helpId} className="help" title={spec.help}>
        <span className="range">{rangeText(spec)}.</span> {spec.help}
        {spec.provenance && (
          <span className="prov-note">
            {' '}
            {spec.provenance.source === 'paper' ? 'Paper:' : 'Our reading:'} {spec.provenance.note}
          </span>
        )}
      </p>
      {mine.length > 0 && (
        <div id={msgId} className="messages" aria-live="polite">
          {mine.map((i, k) => (
            <p key={k} className={i.severity === 'error' ? 'msg-error' : 'msg-notice'} data-testid={`issue-${name}`}>
              {i.message}
            </p>
          ))}
        </div>
      )}
    </div>
  );
}

function rangeText(spec: ParamSpec): string {
  const a = allowedText(spec);
  return a.charAt(0).toUpperCase() + a.slice(1);
}

interface InputProps {
  id: string;
  name: ConfigKey;
  spec: ParamSpec;
  value: unknown;
  disabled: boolean;
  invalid: boolean;
  describedBy: string;
  onChange(key: ConfigKey, value: unknown): void;
}

function Input({ id, name, spec, value, disabled, invalid, describedBy, onChange }: InputProps) {
  const common = { id, disabled, 'aria-invalid': invalid, 'aria-describedby': describedBy, name } as const;
  if (spec.type === 'bool') {
    return <input {...common} type="checkbox" checked={value === true} onChange={(e) => onChange(name, e.currentTarget.checked)} />;
  }
  if (spec.type === 'enum') {
    return (
      <select {...common} value={String(value)} onChange={(e) => onChange(name, e.currentTarget.value)}>
        {spec.values.map((v) => (
          <option key={v} value={v} title={spec.valueHelp?.[v]}>
            {spec.valueHelp?.[v] ? `${v} — ${spec.valueHelp[v]}` : v}
          </option>
        ))}
      </select>
    );
  }
  if (spec.type === 'text') {
    // Dataset keys are set by "Use this dataset" in the Your data panel; shown, not typed.
    return <input {...common} type="text" readOnly value={String(value)} maxLength={spec.maxLength} spellCheck={false} />;
  }
  return <NumberInput {...common} spec={spec} value={value as number} onValue={(v) => onChange(name, v)} />;
}

/** A number field that keeps what the user typed (even garbage) and reports the parsed value (NaN for garbage). */
function NumberInput(props: {
  id: string;
  name: string;
  disabled: boolean;
  'aria-invalid': boolean;
  'aria-describedby': string;
  spec: ParamSpec & { min: number; max: number; step?: number };
  value: number;
  onValue(v: number): void;
}) {
  const { spec, value, onValue, ...rest } = props;
  const [text, setText] = useState(String(value));
  // biome-ignore lint/correctness/useExhaustiveDependencies: only a new value from outside resets the text, never the typing
  useEffect(() => {
    // Follow external changes (a preset, a link) without fighting the user's typing.
    const parsed = parseNumberInput(text);
    if (!(Object.is(parsed, value) || (Number.isNaN(parsed) && Number.isNaN(value)))) setText(Number.isNaN(value) ? text : String(value));
  }, [value]);
  return (
    <input
      {...rest}
      type="text"
      inputMode="decimal"
      autoComplete="off"
      spellCheck={false}
      value={text}
      onChange={(e) => {
        setText(e.currentTarget.value);
        onValue(parseNumberInput(e.currentTarget.value));
      }}
    />
  );
}
