import type { Clock } from './clock.js';
import { lockTerm } from './lockTerm.js';
import type { IdempotencyLogger } from './logger.js';
import type { IdempotencyStore } from './store.js';

// Renew three times per lease, so one lost renewal never lets the lease lapse.
const RENEWALS_PER_LEASE = 3;

/**
 * Renews one call's lease with owner-fenced `extend` writes until `stop()`, never beyond the
 * call's hard deadline (the Lambda's). The clock's timer never keeps a process alive.
 */
export class LeaseRenewal {
  #untilMs: number;
  #expiresAtSec: number;
  #stopped = false;
  #inFlight = false;
  readonly #stopTimer: () => void;

  constructor(
    private readonly lock: {
      key: string;
      owner: string;
      untilMs: number;
      hardDeadlineMs: number | undefined;
      /** The record's expiry as the lock was written; renewals only ever move it later. */
      expiresAtSec: number;
    },
    private readonly durationMs: number,
    private readonly store: IdempotencyStore,
    private readonly logger: IdempotencyLogger,
    private readonly clock: Clock,
  ) {
    this.#untilMs = lock.untilMs;
    this.#expiresAtSec = lock.expiresAtSec;
    this.#stopTimer = clock.every(Math.max(1, Math.floor(durationMs / RENEWALS_PER_LEASE)), () => void this.#renew());
  }

  /** Until when the lease is known to be held. */
  get untilMs(): number {
    return this.#untilMs;
  }

  stop(): void {
    this.#stopped = true;
    this.#stopTimer();
  }

  async #renew(): Promise<void> {
    if (this.#stopped || this.#inFlight) return;
    const term = lockTerm({
      nowMs: this.clock.now(),
      leaseMs: this.durationMs,
      hardDeadlineMs: this.lock.hardDeadlineMs,
      leastExpiresAtSec: this.#expiresAtSec,
    });
    if (term.lockedUntilMs <= this.#untilMs) return;
    this.#inFlight = true;
    try {
      const outcome = await this.store.extend(this.lock.key, this.lock.owner, term.lockedUntilMs, term.expiresAtSec);
      if (this.#stopped) return;
      if (outcome === 'ok') {
        this.#untilMs = term.lockedUntilMs;
        this.#expiresAtSec = term.expiresAtSec;
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
