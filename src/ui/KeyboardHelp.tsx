/**
 * Keyboard access to the page: a skip link (the first thing Tab reaches) that moves the focus to
 * the run toolbar's Start button, past the configuration form, and a shortcut sheet, a modal
 * dialog that "?" (or the toolbar's Shortcuts button) opens and Escape closes, listing every
 * command's key from the command registry (src/ui/commands.ts), so the sheet cannot disagree
 * with the buttons. The skip link is a button, not an `<a href="#…">`: the URL's hash carries
 * the configuration (src/config/url.ts), and a fragment link would overwrite it.
 */
import { useEffect, useRef } from 'react';
import { COMMANDS, opensShortcutSheet, SHEET_KEY, shortcutHint } from './commands';

const SHEET_ID = 'shortcut-sheet';

/** Focus Start, or the first enabled run control while Start is disabled (a run is active; Copy link always is). */
function focusRunControls() {
  const toolbar = document.getElementById('run-controls');
  const start = toolbar?.querySelector<HTMLButtonElement>('button[data-command="start"]:not(:disabled)');
  (start ?? toolbar?.querySelector<HTMLButtonElement>('button:not(:disabled)'))?.focus();
}

/** Open the shortcut sheet (the run toolbar's "Shortcuts" button). */
export function openShortcutSheet() {
  const sheet = document.getElementById(SHEET_ID) as HTMLDialogElement | null;
  if (sheet && !sheet.open) sheet.showModal();
}

/** The skip link and the shortcut sheet. */
export function KeyboardHelp() {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const onKey = (ev: KeyboardEvent) => {
      const target = ev.target as HTMLElement | null;
      const press = {
        key: ev.key,
        shiftKey: ev.shiftKey,
        ctrlKey: ev.ctrlKey,
        metaKey: ev.metaKey,
        altKey: ev.altKey,
        targetTag: target?.tagName,
        targetEditable: target?.isContentEditable ?? false,
      };
      if (!opensShortcutSheet(press) || dialog.current?.open) return;
      ev.preventDefault();
      dialog.current?.showModal();
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, []);
  return (
    <>
      <button type="button" className="skip-link" data-testid="skip-to-start" onClick={focusRunControls}>
        Skip to Start
      </button>
      <dialog ref={dialog} id={SHEET_ID} className="shortcut-sheet" aria-labelledby="shortcut-sheet-title" data-testid="shortcut-sheet">
        <h2 id="shortcut-sheet-title">Keyboard shortcuts</h2>
        <p className="muted">Keys act on the page, not while a field has the focus.</p>
        <table>
          <tbody>
            {COMMANDS.filter((c) => c.shortcut !== null).map((c) => (
              <tr key={c.id}>
                <td>
                  <kbd>{shortcutHint(c.shortcut)}</kbd>
                </td>
                <td>
                  <strong>{c.label}</strong>: {c.description}
                </td>
              </tr>
            ))}
            <tr>
              <td>
                <kbd>{SHEET_KEY}</kbd>
              </td>
              <td>
                <strong>Shortcuts</strong>: open this sheet (Escape closes it)
              </td>
            </tr>
            <tr>
              <td>
                <kbd>Tab</kbd>
              </td>
              <td>
                <strong>Skip to Start</strong>: the first Tab stop of the page; Enter moves the focus to Start
              </td>
            </tr>
          </tbody>
        </table>
        <form method="dialog">
          <button type="submit" data-testid="shortcuts-close">
            Close
          </button>
        </form>
      </dialog>
    </>
  );
}
