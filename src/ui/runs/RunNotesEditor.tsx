import { useId, useState } from 'react';
import { MAX_LABEL, MAX_NOTES } from '../../train/store/types';

interface Props {
  label: string;
  notes: string;
  onSave(label: string, notes: string): void;
  onCancel(): void;
}

/** Rename a saved run and write notes on it; the checkpoint store keeps both with the run (src/train/store/types.ts). */
export function RunNotesEditor({ label: initialLabel, notes: initialNotes, onSave, onCancel }: Props) {
  const [label, setLabel] = useState(initialLabel);
  const [notes, setNotes] = useState(initialNotes);
  const id = useId();
  const empty = label.trim().length === 0;
  return (
    <form
      className="run-notes-editor"
      data-testid="run-notes-editor"
      onSubmit={(e) => {
        e.preventDefault();
        if (!empty) onSave(label.trim(), notes.trim());
      }}
    >
      <label htmlFor={`${id}-label`}>Name</label>
      <input
        id={`${id}-label`}
        type="text"
        value={label}
        maxLength={MAX_LABEL}
        aria-invalid={empty}
        onChange={(e) => setLabel(e.currentTarget.value)}
      />
      <label htmlFor={`${id}-notes`}>Notes</label>
      <textarea id={`${id}-notes`} rows={3} value={notes} maxLength={MAX_NOTES} onChange={(e) => setNotes(e.currentTarget.value)} />
      {empty && <p className="msg-error">A run name cannot be empty: give 1–{MAX_LABEL} characters.</p>}
      <div className="actions">
        <button type="submit" className="small" disabled={empty}>
          Save
        </button>
        <button type="button" className="small" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
