import { COMMANDS, SHEET_KEY, shortcutHint } from './commands';
import { openShortcutSheet } from './KeyboardHelp';
import { MemoryPlanLine } from './MemoryPlanLine';
import { runCommand, useCommands } from './useCommands';

/** The run toolbar: one button per command of the registry, with its shortcut hint. */
export function RunControls() {
  const { ctx, feedback, dismiss } = useCommands();
  return (
    <div className="run-controls">
      <div className="toolbar" id="run-controls" role="toolbar" aria-label="Run controls">
        {COMMANDS.map((c) => (
          <button
            key={c.id}
            type="button"
            className={`cmd cmd-${c.id}`}
            data-command={c.id}
            disabled={!c.enabled(ctx)}
            title={`${c.description}${c.shortcut ? ` (shortcut ${shortcutHint(c.shortcut)})` : ''}`}
            aria-keyshortcuts={c.shortcut ?? undefined}
            onClick={() => runCommand(c, ctx)}
          >
            {c.label}
            {/* biome-ignore lint/a11y/noAriaHiddenOnFocusable: a <kbd> is not focusable (a false positive); the hint is hidden because aria-keyshortcuts announces the key */}
            {c.shortcut && <kbd aria-hidden="true">{shortcutHint(c.shortcut)}</kbd>}
          </button>
        ))}
        <button type="button" className="cmd" data-testid="shortcuts-open" aria-keyshortcuts={SHEET_KEY} onClick={openShortcutSheet}>
          Shortcuts
          {/* biome-ignore lint/a11y/noAriaHiddenOnFocusable: as above, aria-keyshortcuts announces the key */}
          <kbd aria-hidden="true">{SHEET_KEY}</kbd>
        </button>
      </div>
      <MemoryPlanLine />
      {feedback && (
        <p className="feedback" role="status" data-testid="command-feedback">
          {feedback.text}
          {feedback.link && (
            <input
              className="share-link"
              data-testid="share-link"
              readOnly
              value={feedback.link}
              aria-label="Link to this configuration"
              onFocus={(e) => e.currentTarget.select()}
            />
          )}
          <button type="button" className="link" onClick={dismiss}>
            Dismiss
          </button>
        </p>
      )}
    </div>
  );
}
