import type { IdempotencyLogger } from './logger.js';
import type { IdempotencyStore } from './store.js';

/** A heartbeat lease: a short lock renewed while the call runs. */
export interface LeaseOptions {
  /** How long one lease lasts. A crashed or frozen call frees its key within this time. */
  durationMs: number;
  /** Renew the lease while the call runs (default true); `false` makes it a plain short lock. */
  renew?: boolean;
}

// Renew three times per lease, so one lost renewal never lets the lease lapse.
const RENEWALS_PER_LEASE = 3;

/**
 * Renews one call's lease with owner-fenced `extend` writes until `stop()`, never beyond the
 * call's hard deadline (the Lambda's). The timer is unref'd: it never keeps a process alive.
 */
export class LeaseRenewal {
  #untilMs: number;
  #stopped = false;
  #inFlight = false;
  readonly #timer: NodeJS.Timeout;

  constructor(
    private readonly lock: {
      key: string;
      owner: string;
      untilMs: number;
      hardDeadlineMs: number;
      /** The record's expiry as the lock was written; renewals only ever move it later. */
      expiresAtSec: number;
    },
    private readonly durationMs: number,
    private readonly store: IdempotencyStore,
    private readonly logger: IdempotencyLogger,
  ) {
    this.#untilMs = lock.untilMs;
    this.#timer = setInterval(() => void this.#renew(), Math.max(1, Math.floor(durationMs / RENEWALS_PER_LEASE)));
    this.#timer.unref();
  }

  /** Until when the lease is known to be held. */
  get untilMs(): number {
    return this.#untilMs;
  }

  stop(): void {
    this.#stopped = true;
    clearInterval(this.#timer);
  }

  async #renew(): Promise<void> {
    if (this.#stopped || this.#inFlight) return;
    const untilMs = Math.min(Date.now() + this.durationMs, this.lock.hardDeadlineMs);
    if (untilMs <= this.#untilMs) return;
    this.#inFlight = true;
    try {
      // The record must not expire before the lease it carries ends.
      const expiresAtSec = Math.max(this.lock.expiresAtSec, Math.ceil(untilMs / 1000));
      const outcome = await this.store.extend(this.lock.key, this.lock.owner, untilMs, expiresAtSec);
      if (this.#stopped) return;
      if (outcome === 'ok') {
        this.#untilMs = untilMs;
      } else {
        this.logger.warn('The lease was lost (another call took the key); renewal stops', { key: this.lock.key });
        this.stop();
      }
    } catch (error) {
      if (!this.#stopped)
        this.logger.warn('Renewing the lease failed; retrying at the next beat', { key: this.lock.key, error });
    } finally {
      this.#inFlight = false;
    }
  }
}
