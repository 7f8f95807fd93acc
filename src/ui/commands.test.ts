import { describe, expect, it } from 'vitest';
import { command, commandForKey, COMMANDS, opensShortcutSheet, shortcutHint, type CommandContext } from './commands';

const ctx = (over: Partial<CommandContext> = {}): CommandContext => ({
  runState: 'idle',
  configOk: true,
  canRecover: false,
  hasMetrics: false,
  ablationActive: false,
  ...over,
});
const key = (k: string, over: Partial<Parameters<typeof commandForKey>[0]> = {}) => ({
  key: k,
  shiftKey: false,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  ...over,
});

describe('command registry', () => {
  it('has unique ids, labels and shortcuts', () => {
    for (const field of ['id', 'label', 'shortcut'] as const) {
      const values = COMMANDS.map((c) => c[field]).filter((v) => v !== null);
      expect(new Set(values).size, field).toBe(values.length);
    }
    expect(() => command('nope' as never)).toThrow(/unknown command nope; known: start/);
  });

  it('enables run controls by run state', () => {
    const enabledIn = (state: CommandContext['runState']) => COMMANDS.filter((c) => c.enabled(ctx({ runState: state }))).map((c) => c.id);
    expect(enabledIn('idle')).toEqual(['start', 'copyLink']);
    expect(enabledIn('running')).toEqual(['pause', 'stop', 'reset', 'copyLink', 'refreshViews', 'exportBundle', 'exportBest']);
    expect(enabledIn('paused')).toEqual(['resume', 'step', 'stop', 'reset', 'copyLink', 'refreshViews', 'exportBundle', 'exportBest']);
    expect(enabledIn('finished')).toEqual(['start', 'reset', 'copyLink', 'refreshViews', 'exportBundle', 'exportBest']);
  });

  it('keeps Start disabled while the config is invalid or an ablation study runs', () => {
    expect(command('start').enabled(ctx({ configOk: false }))).toBe(false);
    expect(command('start').enabled(ctx({ ablationActive: true }))).toBe(false);
    expect(command('downloadCsv').enabled(ctx({ hasMetrics: true }))).toBe(true);
  });

  it('maps keys to commands, Shift distinguishes Reset from Resume, never while typing or with modifiers', () => {
    expect(commandForKey(key('s'))?.id).toBe('start');
    expect(commandForKey(key('S', { shiftKey: false }))?.id).toBe('start');
    expect(commandForKey(key('r'))?.id).toBe('resume');
    expect(commandForKey(key('R', { shiftKey: true }))?.id).toBe('reset');
    expect(commandForKey(key('s', { targetTag: 'INPUT' }))).toBeNull();
    expect(commandForKey(key('s', { targetTag: 'select' }))).toBeNull();
    expect(commandForKey(key('s', { targetEditable: true }))).toBeNull();
    expect(commandForKey(key('s', { ctrlKey: true }))).toBeNull();
    expect(commandForKey(key('s', { targetTag: 'BUTTON' }))?.id).toBe('start');
    expect(commandForKey(key('q'))).toBeNull();
  });

  it('opens the shortcut sheet on ?, with or without Shift, never while typing or with Ctrl/Meta/Alt', () => {
    expect(opensShortcutSheet(key('?', { shiftKey: true }))).toBe(true);
    expect(opensShortcutSheet(key('?', { targetTag: 'BUTTON' }))).toBe(true);
    expect(opensShortcutSheet(key('?', { targetTag: 'TEXTAREA' }))).toBe(false);
    expect(opensShortcutSheet(key('?', { targetEditable: true }))).toBe(false);
    expect(opensShortcutSheet(key('?', { ctrlKey: true }))).toBe(false);
    expect(opensShortcutSheet(key('/'))).toBe(false);
    // No command takes the sheet's key.
    expect(commandForKey(key('?', { shiftKey: true }))).toBeNull();
  });

  it('formats shortcut hints', () => {
    expect(shortcutHint('s')).toBe('S');
    expect(shortcutHint('Shift+R')).toBe('⇧R');
    expect(shortcutHint(null)).toBe('');
  });
});
