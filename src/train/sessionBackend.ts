/**
 * The backend a training session runs on, kept across runs while the choice stays the same, and
 * replaced when its device is lost: the loss is noticed (`lost`), a read that would never settle
 * on the dead device is raced against it (`watch`), and the next `ensure` asks for a new one.
 */
import type { RunConfig } from '../config';
import type { WebGpuBackend } from '../engine/webgpu/backend';
import { tunePendingKernels, tuningPending } from './adapterKernels';
import type { BackendHandle } from './backendFactory';
import { MemoryPlanError, planLine, planMemory, type MemoryPlan, type RequestedLimits } from './memoryPlan';
import type { BackendChoice, FromWorker } from './protocol';

export class SessionBackend {
  /** The backend kind asked for last (a rebuild after a device loss asks for the same). */
  choice: BackendChoice = 'auto';
  /** The buffer limits asked for last (a rebuild after a device loss asks for the same); null: the defaults. */
  private limits: RequestedLimits | null = null;
  private handle: BackendHandle | null = null;
  private deviceLost = false;
  /** The memory plan of the current run (its micro-batches hold across rebuilds). */
  plan: MemoryPlan | null = null;

  constructor(
    private readonly create: (choice: BackendChoice, limits: RequestedLimits | null) => Promise<BackendHandle>,
    private readonly post: (msg: FromWorker) => void,
  ) {}

  /** Whether the current backend's device was lost (its buffers are gone). */
  get lost(): boolean {
    return this.deviceLost;
  }

  /**
   * The backend for `choice`: the current one, or a new one (announced to the page). `limits`
   * (default: those asked for last) replaces a device created with smaller buffer limits.
   */
  async ensure(choice: BackendChoice, limits: RequestedLimits | null = this.limits): Promise<BackendHandle> {
    if (this.handle && this.choice === choice && !this.deviceLost && grants(this.handle, limits)) return this.handle;
    if (!this.deviceLost) this.handle?.backend.dispose();
    this.choice = choice;
    this.limits = limits;
    this.deviceLost = false;
    const h = await this.create(choice, limits);
    this.handle = h;
    this.announce(h);
    void h.lost?.then(() => {
      if (this.handle === h) this.deviceLost = true;
    });
    return h;
  }

  /**
   * The backend a run trains on, planned before anything is built or loaded: refuses a config
   * that does not fit (MemoryPlanError, with the plan's message), asks for a device with the
   * adapter's limits when the plan needs them, and announces the plan to the page.
   */
  async forRun(choice: BackendChoice, config: RunConfig, runId: string): Promise<{ handle: BackendHandle; plan: MemoryPlan }> {
    let handle = await this.ensure(choice);
    const plan = planMemory(config, handle.adapterLimits ? { kind: 'webgpu', adapterLimits: handle.adapterLimits } : { kind: 'cpu' });
    if (!plan.ok) throw new MemoryPlanError(plan.message!);
    if (plan.requestLimits) handle = await this.ensure(choice, plan.requestLimits);
    this.plan = plan;
    const line = planLine(plan);
    this.post({ type: 'plan', runId, line, microBatches: plan.microBatches, estimateBytes: plan.estimate.total, budgetBytes: plan.budget });
    return { handle, plan };
  }

  private announce(h: BackendHandle): void {
    this.post({ type: 'backend', kind: h.kind, label: h.label, reason: h.reason, timestampQuery: h.timestampQuery, adapter: h.adapter });
  }

  /** Whether the last steps met shape classes that are not tuned yet (a cheap check, once per step). */
  get tuningDue(): boolean {
    return !!this.handle?.tuner && tuningPending(this.handle.backend as WebGpuBackend);
  }

  /** Tune those classes (between steps) and tell the page what was chosen. */
  async tunePending(): Promise<void> {
    const h = this.handle;
    if (!h?.tuner || !h.adapter) return;
    await tunePendingKernels(h.backend as WebGpuBackend, h.tuner, h.adapter);
    this.announce(h);
  }

  /** A read on a lost device may never settle: race it against the loss. */
  watch<T>(p: Promise<T>): Promise<T> {
    const lost = this.handle?.lost;
    if (!lost) return p;
    // When the loss wins the race, `p` still rejects later (Dawn aborts the read with an
    // AbortError): that rejection is expected and already reported as the loss, not unhandled.
    p.catch(() => undefined);
    return Promise.race([p, lost.then((err) => Promise.reject(err))]);
  }
}

/** Whether a backend's device has at least `limits` (the CPU has no buffer limits). */
function grants(h: BackendHandle, limits: RequestedLimits | null): boolean {
  const have = h.backend.limits();
  if (!limits || !have) return true;
  return have.maxStorageBufferBindingSize >= limits.maxStorageBufferBindingSize && have.maxBufferSize >= limits.maxBufferSize;
}
