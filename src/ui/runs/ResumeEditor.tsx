import { useId, useState } from 'react';
import type { RunConfig } from '../../config/schema';
import { resumeLr } from './resumeLr';

interface Props {
  name: string;
  savedLr: number;
  onResume(overrides: Partial<RunConfig> | undefined): void;
  onCancel(): void;
}

/** Resume a saved run from its last checkpoint, with its learning rate or a new one (recorded with the run). */
export function ResumeEditor({ name, savedLr, onResume, onCancel }: Props) {
  const [text, setText] = useState(String(savedLr));
  const id = useId();
  const checked = resumeLr(text, savedLr);
  return (
    <form
      className="run-notes-editor"
      data-testid="resume-editor"
      onSubmit={(e) => {
        e.preventDefault();
        if (checked.ok) onResume(checked.overrides);
      }}
    >
      <label htmlFor={`${id}-lr`}>Learning rate from here</label>
      <input
        id={`${id}-lr`}
        type="text"
        inputMode="decimal"
        value={text}
        aria-invalid={!checked.ok}
        aria-describedby={`${id}-help`}
        onChange={(e) => setText(e.currentTarget.value)}
      />
      <p id={`${id}-help`} className={checked.ok ? 'muted' : 'msg-error'} role={checked.ok ? undefined : 'alert'}>
        {checked.ok
          ? checked.overrides
            ? `${name} resumes with learning rate ${checked.overrides.lr} (saved: ${savedLr}); config.json and the metrics record the change.`
            : `${name} resumes with its saved learning rate ${savedLr}.`
          : checked.message}
      </p>
      <div className="actions">
        <button type="submit" className="small" disabled={!checked.ok}>
          Resume
        </button>
        <button type="button" className="small" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
