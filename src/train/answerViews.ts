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
  const t0 = deps.now();
  const views = await deps.views(trainer, msg.split, msg.example);
  deps.post({ type: 'views', requestId: msg.requestId, views: { ...views, computeMs: deps.now() - t0 } });
}
