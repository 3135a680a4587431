import { randomUUID } from 'node:crypto';
import { shouldCache } from './cachedError.js';
import { type Clock, systemClock } from './clock.js';
import type { Decision } from './decision.js';
import { continuedLockOwner, durableExecutionOf, durableOwner } from './durable.js';
import { IdempotencyPersistenceError } from './errors.js';
import { confirmLease, endLock, type HeldLock, holdLock, type TakenLock } from './heldLock.js';
import { identifyCall } from './identify.js';
import {
  type DurableContextLike,
  findInvocationContext,
  type LambdaContextLike,
  lambdaContextOf,
} from './lambdaContext.js';
import { LocalCache } from './localCache.js';
import { hardDeadline, lockTerm } from './lockTerm.js';
import { contextlessLock, type ResolvedOptions } from './options.js';
import { type CallOutcome, type OutcomeStore, releaseLock, storeOutcome } from './outcome.js';
import { claimDefaultKeyPrefix } from './prefixRegistry.js';
import type { IdempotencyRecord } from './record.js';
import { answerWith } from './responses.js';
import type { AcquireResult, LockRequest } from './store.js';
import { acquireWithRetries, DEADLINE_MARGIN_MS, retryAcquire } from './storeRetries.js';
import { type Replies, replayVerdict, type Verdict } from './verdict.js';
import { RecordPoller, settle, type Waiting } from './waiting.js';

export type { HeldLock } from './heldLock.js';

/** What to do with a call: run it under a lock, run it unguarded, or answer with a replay. */
export type Start =
  | { readonly action: 'run'; readonly lock: HeldLock }
  | { readonly action: 'run-unguarded' }
  | { readonly action: 'replay'; readonly result: unknown };

/** Who built an engine, and the clock it runs on. */
export interface EngineSetup {
  /** The key prefix when `keyPrefix` is not set; claimed for this process. */
  readonly defaultKeyPrefix: string;
  /** Names the front door in the error for a prefix claimed twice. */
  readonly frontDoor: string;
  /** The function or method behind the door: wrapping it again may reuse its prefix. */
  readonly guarded?: object | undefined;
  /** Default `systemClock`; tests pass a fake one. */
  readonly clock?: Clock | undefined;
}

const RUN_UNGUARDED: Start = Object.freeze({ action: 'run-unguarded' });
// A refused lock whose record may be taken over is tried again; a store that keeps refusing is broken.
const MAX_ACQUIRE_ROUNDS = 3;

/**
 * The one lifecycle behind every front door: derive the key, acquire the lock, then
 * `finish` (complete, fenced on owner) or `abandon` (release, fenced on owner). Each call's
 * decision is reported to `onDecision` once: by `start` when the handler does not run under
 * the lock, otherwise when the call ends.
 *
 * @example
 * ```ts
 * const engine = new IdempotencyEngine(resolveOptions({ store }), { defaultKeyPrefix: 'payments', frontDoor: 'makeIdempotent' });
 * const result = await engine.execute([event, context], () => handler(event, context));
 * ```
 */
export class IdempotencyEngine {
  readonly #options: ResolvedOptions;
  readonly #keyPrefix: string;
  readonly #clock: Clock;
  readonly #localCache: LocalCache | undefined;
  // Where outcomes are stored (the store, and this container's cache of results), and whence replays come.
  readonly #outcomes: OutcomeStore & Replies;
  // What a call that meets a lock it cannot take needs: the record's reader, the clock, the replies.
  readonly #waiting: Waiting;

  constructor(options: ResolvedOptions, { defaultKeyPrefix, frontDoor, guarded, clock = systemClock }: EngineSetup) {
    this.#options = options;
    this.#keyPrefix = options.keyPrefix ?? defaultKeyPrefix;
    this.#clock = clock;
    this.#localCache = options.localCache && new LocalCache(options.localCache);
    this.#outcomes = { ...options, clock, localCache: this.#localCache };
    this.#waiting = { ...this.#outcomes, poller: new RecordPoller(options.store, clock) };
    if (options.keyPrefix === undefined) claimDefaultKeyPrefix(defaultKeyPrefix, frontDoor, guarded);
    if (options.disabled) {
      options.logger.warn(
        'Idempotency is disabled by ONCELY_DISABLED=true or POWERTOOLS_IDEMPOTENCY_DISABLED: every call runs',
        { keyPrefix: this.#keyPrefix },
      );
    }
  }

  get keyPrefix(): string {
    return this.#keyPrefix;
  }

  /** Runs `invoke` at most once per key and answers replays from the store. */
  async execute<T>(args: readonly unknown[], invoke: () => T | Promise<T>): Promise<T> {
    const { payloadArgument, responses } = this.#options;
    const payload = args[payloadArgument];
    const invocationContext = findInvocationContext(args);
    let start: Start;
    if (responses === undefined) {
      // `start`'s steps with its `#begin` awaited here: one async step less per call.
      const startedMs = this.#clock.now();
      let verdict: Verdict;
      try {
        verdict = await this.#begin(payload, invocationContext, startedMs);
      } catch (error) {
        throw this.#storeFailed(error, startedMs);
      }
      start = this.#conclude(verdict, startedMs);
    } else {
      start = await answerWith(responses, this.start(payload, invocationContext));
    }
    if (start.action === 'replay') return start.result as T;
    if (start.action === 'run-unguarded') return invoke();
    let result: T;
    try {
      result = await invoke();
    } catch (error) {
      await this.abandon(start.lock, error);
      throw error;
    }
    await this.finish(start.lock, result);
    return result;
  }

  /**
   * Derives the key and takes the lock, or returns the stored result of an earlier call.
   * `invocationContext` is the context the handler received: a Lambda context, or a durable
   * execution context (its Lambda context sets the deadline).
   */
  async start(payload: unknown, invocationContext: LambdaContextLike | DurableContextLike | undefined): Promise<Start> {
    const startedMs = this.#clock.now();
    let verdict: Verdict;
    try {
      verdict = await this.#begin(payload, invocationContext, startedMs);
    } catch (error) {
      throw this.#storeFailed(error, startedMs);
    }
    return this.#conclude(verdict, startedMs);
  }

  // The store failed before the call could run (the lock write, a read while waiting): reported, and rethrown.
  #storeFailed(error: unknown, startedMs: number): unknown {
    // A store may reject with anything, `undefined` included.
    this.#report((error as { key?: string } | null | undefined)?.key, 'store-failed', startedMs);
    return error;
  }

  // Reports the verdict's decision (a call that runs under the lock reports when it ends) and
  // returns its start or throws its error.
  #conclude(verdict: Verdict, startedMs: number): Start {
    if (verdict.decision !== undefined) this.#report(verdict.key, verdict.decision, startedMs);
    if ('error' in verdict) throw verdict.error;
    return verdict.start;
  }

  async #begin(
    payload: unknown,
    invocationContext: LambdaContextLike | DurableContextLike | undefined,
    startedMs: number,
  ): Promise<Verdict> {
    const options = this.#options;
    if (options.disabled) return { key: undefined, decision: 'disabled', start: RUN_UNGUARDED };
    const context = lambdaContextOf(invocationContext);
    let identity: ReturnType<typeof identifyCall>;
    try {
      identity = identifyCall(options, this.#keyPrefix, payload, context);
    } catch (error) {
      return { key: undefined, decision: 'no-key', error };
    }
    if (identity === undefined) return { key: undefined, decision: 'no-key', start: RUN_UNGUARDED };
    const { key, validation } = identity;

    const cached = this.#localCache?.get(key, startedMs);
    if (cached !== undefined) {
      options.logger.debug('Replaying from the local cache', { key });
      const { data, error, notStored, expiresAtSec } = cached;
      const record: IdempotencyRecord = {
        key,
        status: 'COMPLETED',
        expiresAtSec,
        data,
        error,
        notStored,
        validation: cached.validation,
      };
      return replayVerdict(this.#outcomes, record, validation, 'replayed', cached);
    }

    const durable = durableExecutionOf(invocationContext);
    // Without a Lambda deadline the lock is a heartbeat lease, so it lasts as long as the call
    // does and frees within one lease after a crash.
    const lease = options.lock ?? (context ? undefined : contextlessLock);
    const waitUntilMs = options.waitMs === undefined ? undefined : this.#waitDeadline(options.waitMs, context);
    for (let round = 1; ; round++) {
      const nowMs = this.#clock.now();
      if (round > MAX_ACQUIRE_ROUNDS && (waitUntilMs === undefined || nowMs > waitUntilMs)) {
        throw new IdempotencyPersistenceError(
          `The store refused the lock for key "${key}" ${round - 1} times although its record could be taken over; ` +
            "check that the store's clock and condition agree with oncely's (see the store contract suite).",
          { key },
        );
      }
      let owner = durable ? durableOwner(durable) : randomUUID();
      const hardDeadlineMs = hardDeadline(nowMs, context);
      const term = lockTerm({
        nowMs,
        leaseMs: lease?.durationMs,
        hardDeadlineMs,
        leastExpiresAtSec: Math.floor(nowMs / 1000) + options.expiresAfterSeconds,
      });
      const { lockedUntilMs, expiresAtSec } = term;
      const request: LockRequest = { key, owner, validation, nowMs, lockedUntilMs, expiresAtSec };
      // The first write is made here, and the retries (acquireWithRetries, with the same owner)
      // entered only after a failure: one async step less on every call.
      let acquired: AcquireResult;
      try {
        acquired = await options.store.acquire(request);
      } catch (error) {
        acquired = await retryAcquire(this.#outcomes, request, error);
      }
      // A durable function's replay invocation runs the handler again from the start, over the lock
      // its suspended earlier invocation still holds: the lock is taken over under that invocation's
      // owner (the store admits an INPROGRESS record's own owner), only for the same execution.
      const continued = acquired.acquired ? undefined : continuedLockOwner(acquired.existing, durable);
      if (continued !== undefined) {
        options.logger.debug('Continuing the lock of an earlier invocation of this durable execution', { key });
        owner = continued;
        acquired = await acquireWithRetries(this.#outcomes, {
          key,
          owner,
          validation,
          nowMs,
          lockedUntilMs,
          expiresAtSec,
        });
      }
      if (acquired.acquired) {
        const taken: TakenLock = { key, owner, validation, startedMs, hardDeadlineMs, lockedUntilMs, expiresAtSec };
        const fresh = lease ? await confirmLease(this.#outcomes, taken, lease) : taken;
        if (fresh === 'lost') continue;
        options.logger.debug('Lock taken; running the call', { key });
        const held = holdLock(this.#outcomes, fresh, lease, invocationContext);
        return { key, decision: undefined, start: { action: 'run', lock: held } };
      }
      const settled = await settle(this.#waiting, acquired.existing, validation, waitUntilMs);
      if (settled !== 'retry') return settled;
    }
  }

  /**
   * Stores the result of a call that held the lock; retries while the lock lasts. A result that
   * can never be stored completes the record as "not stored": the caller still gets its result.
   */
  finish(lock: HeldLock, result: unknown): Promise<void> {
    return this.#end(lock, { result });
  }

  /**
   * After a failed call: stores the error as the outcome when `cacheErrors` accepts it,
   * otherwise releases the lock so a retry can run. Never throws, so never masks the call's own error.
   */
  abandon(lock: HeldLock, error?: unknown): Promise<void> {
    return this.#end(lock, error !== undefined && shouldCache(this.#options, lock.key, error) ? { error } : 'release');
  }

  // Every call that held the lock ends here, once: its lease stops, its outcome is stored or its
  // lock released, and its decision is reported.
  async #end(lock: HeldLock, outcome: CallOutcome | 'release'): Promise<void> {
    if (!endLock(lock)) return;
    const decision =
      outcome === 'release'
        ? await releaseLock(this.#outcomes, lock)
        : await storeOutcome(this.#outcomes, lock, outcome);
    this.#report(lock.key, decision, lock.startedMs);
  }

  #waitDeadline(waitMs: number, context: LambdaContextLike | undefined): number {
    const lambdaLeftMs = context ? context.getRemainingTimeInMillis() - DEADLINE_MARGIN_MS : Number.POSITIVE_INFINITY;
    return this.#clock.now() + Math.min(waitMs, lambdaLeftMs);
  }

  #report(key: string | undefined, decision: Decision, startedMs: number): void {
    const { onDecision, logger } = this.#options;
    if (onDecision === undefined) return;
    try {
      onDecision({ key, decision, durationMs: this.#clock.now() - startedMs });
    } catch (error) {
      // A failing observer must not change the call's outcome.
      logger.error('onDecision threw; the call goes on', { key, error });
    }
  }
}
