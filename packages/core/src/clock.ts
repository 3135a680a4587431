/**
 * Where the engine reads the time and waits: every time read and every sleep of the lifecycle
 * (locks, leases, retries, waiting for a running call) goes through one, so tests can run the
 * lifecycle on a fake clock instead of sleeping for real.
 *
 * @example
 * ```ts
 * const engine = new IdempotencyEngine(resolveOptions({ store }), { defaultKeyPrefix: 'payments', frontDoor: 'test', clock });
 * ```
 */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Resolves after `ms` milliseconds. */
  sleep(ms: number): Promise<void>;
  /**
   * Calls `tick` every `intervalMs` until the returned function is called. It never keeps a
   * process alive (a lease renewal must not hold a finished script open).
   */
  every(intervalMs: number, tick: () => void): () => void;
}

/**
 * The real clock: `Date.now` and timers, read at each call (so Jest's fake timers apply too).
 *
 * @example
 * ```ts
 * await systemClock.sleep(50);
 * ```
 */
export const systemClock: Clock = Object.freeze({
  now: () => Date.now(),
  sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms))),
  every: (intervalMs: number, tick: () => void) => {
    const timer = setInterval(tick, intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  },
});
