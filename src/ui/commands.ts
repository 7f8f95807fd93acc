/**
 * The one registry of user commands: every run control button and every keyboard shortcut
 * comes from this table, so a label, its shortcut hint and its enabled rule cannot disagree.
 */
import type { RunState } from '../train/protocol';

/** What a command's `enabled` rule may look at (plain data, so the rules are unit-testable). */
export interface CommandContext {
  runState: RunState;
  /** The form's config passes the validator (no error). */
  configOk: boolean;
  /** The worker offered to resume from its last checkpoint after a failure. */
  canRecover: boolean;
  /** There are metrics rows to export. */
  hasMetrics: boolean;
  /** An ablation study is queued or running. */
  ablationActive: boolean;
}

/** What a command does; the page binds these to the stores. */
export interface CommandActions {
  start(): void;
  pause(): void;
  resume(): void;
  step(): void;
  stop(): void;
  reset(): void;
  copyLink(): void;
  refreshViews(): void;
  downloadCsv(): void;
  exportBundle(): void;
  exportBest(): void;
}

export type CommandId = keyof CommandActions;

export interface Command {
  id: CommandId;
  label: string;
  /** A single key (`s`) or `Shift+R`; null when the command has no shortcut. */
  shortcut: string | null;
  /** One line for the tooltip and the aria description. */
  description: string;
  enabled(ctx: CommandContext): boolean;
}

const active = (s: RunState) => s === 'running' || s === 'paused' || s === 'building';

/** Every command, in toolbar order. */
export const COMMANDS: readonly Command[] = [
  {
    id: 'start',
    label: 'Start',
    shortcut: 's',
    description: 'Build the model from the form and train from step 0',
    enabled: (c) => c.configOk && !active(c.runState) && !c.ablationActive,
  },
  { id: 'pause', label: 'Pause', shortcut: 'p', description: 'Pause after the current step', enabled: (c) => c.runState === 'running' },
  { id: 'resume', label: 'Resume', shortcut: 'r', description: 'Continue a paused run', enabled: (c) => c.runState === 'paused' },
  { id: 'step', label: 'Step', shortcut: 'n', description: 'Train exactly one step while paused', enabled: (c) => c.runState === 'paused' },
  {
    id: 'stop',
    label: 'Stop',
    shortcut: 'x',
    description: 'Stop the run (evaluates the best checkpoint on the test split)',
    enabled: (c) => active(c.runState),
  },
  {
    id: 'reset',
    label: 'Reset',
    shortcut: 'Shift+R',
    description: 'Drop the model and clear the current run',
    enabled: (c) => c.runState !== 'idle' && !c.ablationActive,
  },
  { id: 'copyLink', label: 'Copy link', shortcut: 'l', description: 'Copy a link that reproduces this configuration', enabled: () => true },
  {
    id: 'refreshViews',
    label: 'Refresh views',
    shortcut: 'v',
    description: 'Compute the attention views for the chosen example now',
    enabled: (c) => c.runState === 'running' || c.runState === 'paused' || c.runState === 'finished',
  },
  {
    id: 'exportBundle',
    label: 'Export bundle',
    shortcut: 'e',
    description: 'Download the run as a bundle: model.safetensors, config.json, metrics.csv, optimizer state and model.onnx',
    enabled: (c) => c.runState === 'paused' || c.runState === 'finished' || c.runState === 'running',
  },
  {
    id: 'exportBest',
    label: 'Export best',
    shortcut: 'b',
    description: 'Download the bundle of the best-validation checkpoint (the weights the test accuracy is measured on)',
    enabled: (c) => c.runState === 'paused' || c.runState === 'finished' || c.runState === 'running',
  },
  {
    id: 'downloadCsv',
    label: 'Download CSV',
    shortcut: 'd',
    description: 'Download every metrics row of the current run',
    enabled: (c) => c.hasMetrics,
  },
];

/** A command by id (throws on an unknown id: a typo in the page is a bug, not a silent no-op). */
export function command(id: CommandId): Command {
  const found = COMMANDS.find((c) => c.id === id);
  if (!found) throw new Error(`unknown command ${id}; known: ${COMMANDS.map((c) => c.id).join(', ')}`);
  return found;
}

/** The parts of a KeyboardEvent the matcher reads. */
export interface KeyLike {
  key: string;
  shiftKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  /** Tag name of the focused element (`INPUT`, `BUTTON`, …) and whether it is editable. */
  targetTag?: string;
  targetEditable?: boolean;
}

const TYPING_TAGS = new Set(['INPUT', 'TEXTAREA', 'SELECT']);

/** Keys typed into a field, or chorded with Ctrl/Meta/Alt, belong to the field or the browser, not to the page. */
function typedOrChorded(ev: KeyLike): boolean {
  if (ev.ctrlKey || ev.metaKey || ev.altKey) return true;
  return ev.targetEditable === true || (ev.targetTag !== undefined && TYPING_TAGS.has(ev.targetTag.toUpperCase()));
}

/** The key that opens the shortcut sheet (Shift+/ on most layouts; the key value is what counts). */
export const SHEET_KEY = '?';

/** Whether a key press opens the shortcut sheet (same rule as the commands: not while typing, not chorded). */
export function opensShortcutSheet(ev: KeyLike): boolean {
  return ev.key === SHEET_KEY && !typedOrChorded(ev);
}

/** The command a key press triggers, or null (never while the user types in a field, never with Ctrl/Meta/Alt). */
export function commandForKey(ev: KeyLike, commands: readonly Command[] = COMMANDS): Command | null {
  if (typedOrChorded(ev)) return null;
  for (const c of commands) {
    if (c.shortcut === null) continue;
    const shift = c.shortcut.startsWith('Shift+');
    const key = shift ? c.shortcut.slice(6) : c.shortcut;
    if (shift !== ev.shiftKey) continue;
    if (ev.key.toLowerCase() === key.toLowerCase()) return c;
  }
  return null;
}

/** The hint shown on a button (`S`, `⇧R`). */
export function shortcutHint(shortcut: string | null): string {
  if (shortcut === null) return '';
  return shortcut.startsWith('Shift+') ? `⇧${shortcut.slice(6).toUpperCase()}` : shortcut.toUpperCase();
}
