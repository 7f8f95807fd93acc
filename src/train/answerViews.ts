/** The worker's answer to a views request: the views of one example and what computing them cost (live pacing reads it). */
import type { FromWorker, ToWorker, ViewsPayload } from './protocol';
import type { Trainer } from './trainer';

export interface ViewsDeps {
  post(msg: FromWorker): void;
  now(): number;
  views?(trainer: Trainer, split: 'validation' | 'test', example: number): Promise<ViewsPayload>;
}

/** Compute and post the views asked for; nothing without a trainer or a views function. */
export async function answerViews(deps: ViewsDeps, trainer: Trainer | null, msg: Extract<ToWorker, { type: 'views' }>): Promise<void> {
  if (!trainer || !deps.views) return;
  // Training steps still queued on the GPU are not the views' cost: wait for them before the
  // clock starts, or the pacing (livePacing.ts) would space refreshes by seconds of training work.
  await trainer.backend.settled();
  const t0 = deps.now();
  const views = await deps.views(trainer, msg.split, msg.example);
  deps.post({ type: 'views', requestId: msg.requestId, views: { ...views, computeMs: deps.now() - t0 } });
}

/**
 * Holds the training loop while views are computed. The views wait for read-backs; if the loop
 * went on recording steps meanwhile, every read-back would queue behind the new steps (in
 * Chromium on a software adapter one refresh took minutes instead of a tenth of a second).
 */
export class ViewsGate {
  private busy: Promise<void> | null = null;

  /** Run `work` with the gate closed (it closes before `work` first awaits). */
  run(work: () => Promise<void>): Promise<void> {
    const p = work().finally(() => {
      if (this.busy === p) this.busy = null;
    });
    this.busy = p;
    return p;
  }

  /** Whether views are being computed now (the loop checks it so an open gate costs no promise per step). */
  get holding(): boolean {
    return this.busy !== null;
  }

  /** Resolves once no views are being computed (failures are the caller of `run`'s to report). */
  async idle(): Promise<void> {
    while (this.busy) await this.busy.catch(() => undefined);
  }
}
