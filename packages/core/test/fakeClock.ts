import type { IdempotencyOptions, IdempotencyStore } from '@oncely/core';
import { type Clock, IdempotencyEngine, type LambdaContextLike, resolveOptions } from '@oncely/core/engine';

interface Timer {
  atMs: number;
  readonly seq: number;
  readonly fire: () => void;
  readonly everyMs?: number;
}

// Lets every promise chain that can move on do so (a macrotask runs after all queued microtasks).
const settle = async (): Promise<void> => {
  for (let round = 0; round < 5; round++) await new Promise((resolve) => setImmediate(resolve));
};

/**
 * A clock that moves only when told: `advance(ms)` fires every sleep and interval due on the way,
 * in time order, letting the engine's promise chains run between them.
 */
export class FakeClock implements Clock {
  #nowMs: number;
  #seq = 0;
  readonly #timers: Timer[] = [];

  constructor(startMs = Date.UTC(2026, 0, 1)) {
    this.#nowMs = startMs;
  }

  now(): number {
    return this.#nowMs;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.#timers.push({ atMs: this.#nowMs + Math.max(0, ms), seq: this.#seq++, fire: resolve });
    });
  }

  every(intervalMs: number, tick: () => void): () => void {
    const timer: Timer = { atMs: this.#nowMs + intervalMs, seq: this.#seq++, fire: tick, everyMs: intervalMs };
    this.#timers.push(timer);
    return () => {
      const index = this.#timers.indexOf(timer);
      if (index >= 0) this.#timers.splice(index, 1);
    };
  }

  /** Timers still pending (sleeps and intervals). */
  get pending(): number {
    return this.#timers.length;
  }

  /** Moves time forward by `ms`, firing what falls due, in order. */
  async advance(ms: number): Promise<void> {
    const targetMs = this.#nowMs + ms;
    for (;;) {
      await settle();
      const due = this.#timers
        .filter((timer) => timer.atMs <= targetMs)
        .sort((a, b) => a.atMs - b.atMs || a.seq - b.seq)[0];
      if (due === undefined) break;
      this.#nowMs = Math.max(this.#nowMs, due.atMs);
      if (due.everyMs === undefined) this.#timers.splice(this.#timers.indexOf(due), 1);
      else due.atMs += due.everyMs;
      due.fire();
    }
    this.#nowMs = targetMs;
    await settle();
  }

  /**
   * Advances from timer to timer until `promise` settles (at most `limitMs`); returns how long
   * that took. A promise that no timer can settle stops the advance where nothing is left to fire.
   */
  async until(promise: Promise<unknown>, limitMs = 60_000): Promise<number> {
    let settled = false;
    promise.then(
      () => {
        settled = true;
      },
      () => {
        settled = true;
      },
    );
    const fromMs = this.#nowMs;
    await settle();
    while (!settled && this.#nowMs - fromMs < limitMs) {
      const nextMs = Math.min(...this.#timers.map((timer) => timer.atMs));
      if (!Number.isFinite(nextMs)) break;
      await this.advance(Math.min(nextMs, fromMs + limitMs) - this.#nowMs);
    }
    return this.#nowMs - fromMs;
  }
}

/** A Lambda context whose remaining time counts down on `clock`. */
export const lambdaContextOn = (clock: Clock, remainingMs = 30_000): LambdaContextLike => {
  const deadlineMs = clock.now() + remainingMs;
  return { getRemainingTimeInMillis: () => Math.max(0, deadlineMs - clock.now()) };
};

/**
 * A guarded function on an engine that runs on `clock` (the front doors run on the system
 * clock; they map onto this same engine).
 */
export const guardOn = <E, R>(
  clock: Clock,
  fn: (event: E, context?: unknown) => Promise<R>,
  options: IdempotencyOptions,
  env: Record<string, string | undefined> = {},
): ((event: E, context?: unknown) => Promise<R>) => {
  const engine = new IdempotencyEngine(resolveOptions(options, env), {
    defaultKeyPrefix: 'clock',
    frontDoor: 'a test',
    clock,
  });
  return (event, context) => engine.execute([event, context], () => fn(event, context));
};

/** A store whose operations take `delays[operation]` ms on `clock` before they apply (a slow network). */
export const slowStore = (
  inner: IdempotencyStore,
  clock: Clock,
  delays: Partial<Record<keyof IdempotencyStore, number>>,
): IdempotencyStore => {
  const pause = async (operation: keyof IdempotencyStore): Promise<void> => {
    const delayMs = delays[operation];
    if (delayMs !== undefined) await clock.sleep(delayMs);
  };
  return {
    acquire: async (lock) => {
      await pause('acquire');
      return inner.acquire(lock);
    },
    complete: async (completion) => {
      await pause('complete');
      return inner.complete(completion);
    },
    release: async (key, owner) => {
      await pause('release');
      return inner.release(key, owner);
    },
    extend: async (key, owner, untilMs, expiresAtSec) => {
      await pause('extend');
      return inner.extend(key, owner, untilMs, expiresAtSec);
    },
    get: async (key) => {
      await pause('get');
      return inner.get(key);
    },
  };
};
