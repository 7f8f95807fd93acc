/**
 * One training session in Node, as the browser worker runs it: WebGPU through Dawn (or the CPU
 * reference backend), corpora from public/data, checkpoints as files under `out`. Shared by
 * `npm run train` and `npm run study`; the caller watches the session's messages.
 */
import { fsFetcher } from './corpora/fs-fetch';
import type { RunConfig } from '../src/config';
import { nodeGpu } from '../src/engine/webgpu/node';
import { createBackend } from '../src/train/backendFactory';
import type { TuneStore } from '../src/engine/webgpu/autotune/store';
import type { BackendChoice, FromWorker } from '../src/train/protocol';
import { TrainingSession } from '../src/train/session';
import { FileCheckpointStore } from '../src/train/store/files';
import { taskFor } from '../src/train/taskFromConfig';

export interface HeadlessRun {
  config: RunConfig;
  runId: string;
  out: string;
  backend: BackendChoice;
  resume?: boolean;
  /** With `resume`: hot config keys to change (a lower lr); recorded in the run's config and metrics. */
  overrides?: Partial<RunConfig>;
  /** Where a `custom` task's prepared dataset comes from (docs/user-data.md). */
  datasets?: Parameters<typeof taskFor>[2];
  /** Every message the session posts, in order. */
  observe?(msg: FromWorker): void;
  /** Where kernel choices tuned for the adapter are kept (docs/kernels.md; asked for, so software adapters too); absent: tuning off. */
  tuning?: TuneStore | null;
}

/** Train until the session finishes (exit code 0) or fails (1); the session stays readable afterwards. */
export async function trainHeadless(run: HeadlessRun): Promise<{ code: number; session: TrainingSession; backend: string }> {
  const store = new FileCheckpointStore(run.out);
  for (const file of await store.cleanUp()) console.log(`removed ${file}: a temporary file left by a killed write`);
  let done: (code: number) => void = () => undefined;
  const finished = new Promise<number>((r) => (done = r));
  let backend = '';
  const session = new TrainingSession({
    post(msg: FromWorker) {
      run.observe?.(msg);
      if (msg.type === 'backend') backend = msg.label;
      else if (msg.type === 'failure' && (!msg.canResume || msg.kind !== 'device-lost')) done(1);
      else if (msg.type === 'state' && msg.state === 'finished') done(0);
      else if (msg.type === 'state' && msg.state === 'failed') done(1);
    },
    createBackend: (choice, limits) =>
      createBackend(choice, choice === 'cpu' ? undefined : nodeGpu(), { limits, tuning: run.tuning ?? null, tuneSoftware: true }),
    loadTask: (config) => taskFor(config, fsFetcher('public/data'), run.datasets),
    store,
    yieldToEvents: () => new Promise((r) => setImmediate(r)),
    now: () => performance.now(),
    jsHeap: () => process.memoryUsage().heapUsed,
  });
  const { config, runId, backend: choice, resume, overrides } = run;
  await session.handle({ type: 'start', config, runId, backend: choice, resume, overrides: resume ? overrides : undefined });
  return { code: await finished, session, backend };
}
