/**
 * The backend a training session runs on, kept across runs while the choice stays the same, and
 * replaced when its device is lost: the loss is noticed (`lost`), a read that would never settle
 * on the dead device is raced against it (`watch`), and the next `ensure` asks for a new one.
 */
import type { BackendHandle } from './backendFactory';
import type { BackendChoice, FromWorker } from './protocol';

export class SessionBackend {
  /** The backend kind asked for last (a rebuild after a device loss asks for the same). */
  choice: BackendChoice = 'auto';
  private handle: BackendHandle | null = null;
  private deviceLost = false;

  constructor(
    private readonly create: (choice: BackendChoice) => Promise<BackendHandle>,
    private readonly post: (msg: FromWorker) => void,
  ) {}

  /** Whether the current backend's device was lost (its buffers are gone). */
  get lost(): boolean {
    return this.deviceLost;
  }

  /** The backend for `choice`: the current one, or a new one (announced to the page). */
  async ensure(choice: BackendChoice): Promise<BackendHandle> {
    if (this.handle && this.choice === choice && !this.deviceLost) return this.handle;
    if (!this.deviceLost) this.handle?.backend.dispose();
    this.choice = choice;
    this.deviceLost = false;
    const h = await this.create(choice);
    this.handle = h;
    this.post({ type: 'backend', kind: h.kind, label: h.label, reason: h.reason, timestampQuery: h.timestampQuery });
    void h.lost?.then(() => {
      if (this.handle === h) this.deviceLost = true;
    });
    return h;
  }

  /** A read on a lost device may never settle: race it against the loss. */
  watch<T>(p: Promise<T>): Promise<T> {
    const lost = this.handle?.lost;
    if (!lost) return p;
    return Promise.race([p, lost.then((err) => Promise.reject(err))]);
  }
}
