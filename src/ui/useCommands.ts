/** Binds the command registry to the stores and to the keyboard (one listener for the page). */
import { useEffect, useMemo, useState } from 'react';
import { configStore, shareLink, useConfig } from '../store/configStore';
import { studyRunner, useStudy } from '../store/studyRunner';
import { isActive, trainingClient, useTraining } from '../store/trainingStore';
import { downloadBlob, downloadText } from './download';
import { bundleFileName } from '../io/bundle/names';
import { bundleOfExport } from './exportBundle';
import type { BundleCheckpoint } from '../train/protocol';
import { commandForKey, COMMANDS, type Command, type CommandActions, type CommandContext } from './commands';

/** Transient feedback of the last command (a copied link, a refused action). */
export interface CommandFeedback {
  text: string;
  link?: string;
}

let feedbackListener: ((f: CommandFeedback) => void) | null = null;

/** Download the run's bundle as it is now (`last`) or its best-validation checkpoint (`best`); the message says which. */
function exportBundle(client: ReturnType<typeof trainingClient>, which: BundleCheckpoint, say: (f: CommandFeedback) => void): void {
  say({ text: `Reading the ${which === 'best' ? 'best-validation checkpoint' : 'weights'} from the worker…` });
  client.exportRun(which).then(
    (run) => {
      const bytes = bundleOfExport(run);
      const name = bundleFileName(run.runId, run.checkpoint, run.step);
      downloadBlob(name, new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/zip' }));
      const what = run.checkpoint === 'best' ? 'the best-validation checkpoint' : 'the last step';
      say({ text: `Bundle of step ${run.step} (${what}) downloaded as ${name} (${(bytes.length / 1024).toFixed(0)} KiB).` });
    },
    (e: Error) => say({ text: `Export failed: ${e.message}` }),
  );
}

/** Page-level actions of every command. */
function actions(): CommandActions {
  const client = trainingClient();
  const say = (f: CommandFeedback) => feedbackListener?.(f);
  return {
    start: () => {
      const { config, ok, preset } = configStore.getState();
      if (!ok) return say({ text: 'The configuration has errors: fix the marked fields first.' });
      client.start(config, preset ?? 'custom');
    },
    pause: () => client.pause(),
    resume: () => client.resume(),
    step: () => client.step(1),
    stop: () => client.stop(),
    reset: () => client.reset(),
    copyLink: () => {
      const link = shareLink();
      if (link === null) return say({ text: 'The configuration has errors: a link would not reproduce it.' });
      const done = () => say({ text: 'Link copied.', link });
      const failed = () => say({ text: 'The clipboard is not available here: copy the link below.', link });
      if (navigator.clipboard?.writeText) navigator.clipboard.writeText(link).then(done, failed);
      else failed();
    },
    refreshViews: () => {
      const s = viewRequest.get();
      client.requestViews(s.example, s.split);
    },
    exportBundle: () => exportBundle(client, 'last', say),
    exportBest: () => exportBundle(client, 'best', say),
    downloadCsv: () => {
      const runId = client.store.getState().runId;
      if (runId === null) return;
      downloadText(`${runId}-metrics.csv`, client.metrics(runId).toCsv(), 'text/csv');
    },
  };
}

/** Which example the attention views are computed on (set by the attention panel). */
export const viewRequest = (() => {
  let value: { example: number; split: 'validation' | 'test' } = { example: 0, split: 'validation' };
  return { get: () => value, set: (v: typeof value) => (value = v) };
})();

/** The command context from the stores. */
function useCommandContext(): CommandContext {
  const runState = useTraining((s) => s.runState);
  const canRecover = useTraining((s) => s.failure?.canResume ?? false);
  const runId = useTraining((s) => s.runId);
  useTraining((s) => s.metricsVersion);
  const configOk = useConfig((s) => s.ok);
  const ablationActive = useStudy((s) => s.current !== null);
  return { runState, configOk, canRecover, hasMetrics: trainingClient().hasMetrics(runId), ablationActive };
}

/** Run a command if its rule allows it now. */
export function runCommand(cmd: Command, ctx: CommandContext): boolean {
  if (!cmd.enabled(ctx)) return false;
  try {
    actions()[cmd.id]();
  } catch (e) {
    feedbackListener?.({ text: `${cmd.label} failed: ${(e as Error).message}` });
  }
  return true;
}

/** Install the page's keyboard shortcuts; returns the context and the last feedback. */
export function useCommands(): { ctx: CommandContext; feedback: CommandFeedback | null; dismiss(): void } {
  const ctx = useCommandContext();
  const [feedback, setFeedback] = useState<CommandFeedback | null>(null);
  useEffect(() => {
    feedbackListener = setFeedback;
    return () => {
      feedbackListener = null;
    };
  }, []);
  const ctxKey = JSON.stringify(ctx);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new ctx object every render; its JSON says when it changed
  const current = useMemo(() => ctx, [ctxKey]);
  useEffect(() => {
    const onKey = (ev: KeyboardEvent) => {
      // A modal dialog (the shortcut sheet) has the keyboard: no command runs behind it.
      if (document.querySelector('dialog[open]')) return;
      const target = ev.target as HTMLElement | null;
      const cmd = commandForKey({
        key: ev.key,
        shiftKey: ev.shiftKey,
        ctrlKey: ev.ctrlKey,
        metaKey: ev.metaKey,
        altKey: ev.altKey,
        targetTag: target?.tagName,
        targetEditable: target?.isContentEditable ?? false,
      });
      if (cmd && runCommand(cmd, current)) ev.preventDefault();
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, [current]);
  return { ctx: current, feedback, dismiss: () => setFeedback(null) };
}

export { COMMANDS, isActive, studyRunner };
