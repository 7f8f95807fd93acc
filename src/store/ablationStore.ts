/**
 * The study runner: queues one of the studies of src/presets/studies.ts for one base config —
 * the paper's ablation (full Proxyformer, without injection, without the contrastive loss,
 * without decomposed dropout, Nyströmformer, softmax) or the paper's comparison (softmax,
 * Linformer, Performer, Nyströmformer, Proxyformer) — and runs them one after another through
 * the training client, collecting a results table.
 */
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import type { ConfigIssue, RunConfig } from '../config';
import { STUDIES, type Ablation, type StudyName } from '../presets';
import { summarizeRun, type RunResult } from './runSummary';
import { isActive, trainingClient, type TrainingClient } from './trainingStore';

export type AblationStatus = 'queued' | 'running' | 'finished' | 'failed' | 'skipped' | 'cancelled';

export interface AblationItem {
  ablation: Ablation;
  config: RunConfig;
  issues: ConfigIssue[];
  status: AblationStatus;
  runId: string | null;
  result: RunResult | null;
  /** Why it failed or was skipped. */
  note: string | null;
}

export interface AblationState {
  /** The study queued last (its items below). */
  study: StudyName;
  items: AblationItem[];
  /** Index of the running item, or null. */
  current: number | null;
}

/** An ablation runner bound to a training client. */
export class AblationRunner {
  readonly store = createStore<AblationState>()(() => ({ study: 'ablation', items: [], current: null }));
  private sawActive = false;

  constructor(private readonly client: TrainingClient) {
    client.store.subscribe((s) => this.onTraining(s.runState, s.runId, s.failure !== null));
  }

  /** Whether a study is queued or running. */
  get active(): boolean {
    return this.store.getState().current !== null;
  }

  /** Queue a study for `base` and start its first run. Runs whose config is invalid are skipped with the validator's message. */
  start(base: RunConfig, study: StudyName = 'ablation'): void {
    if (this.active) throw new Error('a study is already running: cancel it first');
    const items: AblationItem[] = STUDIES[study].runs(base).map((r) => ({
      ablation: r.ablation,
      config: r.config,
      issues: r.issues,
      runId: null,
      result: null,
      status: r.ok ? 'queued' : 'skipped',
      note: r.ok
        ? null
        : r.issues
            .filter((i) => i.severity === 'error')
            .map((i) => i.message)
            .join(' '),
    }));
    this.store.setState({ study, items, current: null });
    this.advance();
  }

  /** Stop the running item and drop the rest of the queue. */
  cancel(): void {
    const { items, current } = this.store.getState();
    if (current === null) return;
    this.store.setState({
      current: null,
      items: items.map((it) => (it.status === 'queued' || it.status === 'running' ? { ...it, status: 'cancelled' } : it)),
    });
    if (isActive(this.client.store.getState().runState)) this.client.stop();
  }

  private advance(): void {
    const { items } = this.store.getState();
    const next = items.findIndex((it) => it.status === 'queued');
    if (next < 0) {
      this.store.setState({ current: null });
      return;
    }
    this.sawActive = false;
    const item = items[next];
    const runId = this.client.start(
      item.config,
      `${this.store.getState().study === 'ablation' ? 'ablation' : 'comparison'}: ${item.ablation.label}`,
    );
    this.store.setState({ current: next, items: items.map((it, i) => (i === next ? { ...it, status: 'running', runId } : it)) });
  }

  private onTraining(runState: string, runId: string | null, failed: boolean): void {
    const { items, current } = this.store.getState();
    if (current === null) return;
    const item = items[current];
    if (item.runId === null || runId !== item.runId) return;
    if (failed && isActive(runState as never)) {
      if (item.status === 'failed') return; // already stopped; wait for the run to end
      // A failed study run is stopped, reported, and the study goes on with the next one.
      const f = this.client.store.getState().failure;
      this.patch(current, { status: 'failed', note: f?.message ?? 'the run failed' });
      this.client.stop();
      return;
    }
    if (isActive(runState as never)) {
      this.sawActive = true;
      return;
    }
    if (!this.sawActive && runState !== 'failed') return;
    const finishedRunId = item.runId;
    const evals = this.client.store.getState().evals[finishedRunId] ?? [];
    const result = summarizeRun(this.client.metrics(finishedRunId), evals);
    const status: AblationStatus = items[current].status === 'failed' || runState === 'failed' ? 'failed' : 'finished';
    const note = status === 'failed' ? (items[current].note ?? this.client.store.getState().stateMessage ?? 'the run failed') : null;
    this.patch(current, { status, result, note });
    this.advance();
  }

  private patch(index: number, change: Partial<AblationItem>): void {
    const { items } = this.store.getState();
    this.store.setState({ items: items.map((it, i) => (i === index ? { ...it, ...change } : it)) });
  }
}

let pageRunner: AblationRunner | null = null;

/** The page's ablation runner. */
export function ablationRunner(): AblationRunner {
  pageRunner ??= new AblationRunner(trainingClient());
  return pageRunner;
}

/** React hook over the page's ablation runner. */
export function useAblation<T>(select: (s: AblationState) => T): T {
  return useStore(ablationRunner().store, select);
}
