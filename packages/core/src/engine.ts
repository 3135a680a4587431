import { randomUUID } from 'node:crypto';
import { decodeError } from './cachedError.js';
import type { Decision } from './decision.js';
import { continuedLockOwner, durableExecutionOf, durableOwner } from './durable.js';
import {
  IdempotencyAlreadyInProgressError,
  IdempotencyPersistenceError,
  IdempotencyValidationError,
} from './errors.js';
import { identifyCall } from './identify.js';
import {
  type DurableContextLike,
  findInvocationContext,
  type LambdaContextLike,
  lambdaContextOf,
} from './lambdaContext.js';
import { LeaseRenewal } from './lease.js';
import { type CachedResult, LocalCache } from './localCache.js';
import { contextlessLock, type LockOptions, type ResolvedOptions } from './options.js';
import { notStoredError, type OutcomeStore, storeOutcome } from './outcome.js';
import { claimDefaultKeyPrefix } from './prefixRegistry.js';
import { canTakeOver, type IdempotencyRecord, isCompleted } from './record.js';
import { answerWith } from './responses.js';
import { decodeResult } from './result.js';
import type { FencedOutcome } from './store.js';
import { acquireWithRetries, asPersistenceError, DEADLINE_MARGIN_MS, jitter, sleep } from './storeRetries.js';
import { bindIdempotencyToken } from './token.js';

/** Identity of one guarded call, bound before the handler runs. */
export interface HeldLock {
  readonly key: string;
  readonly owner: string;
  readonly validation: string | undefined;
  readonly startedMs: number;
  /** The record's expiry as the lock was written (never before the lock's end). */
  readonly expiresAtSec: number;
  /** Until when the lock is surely held: the lease's end, or the Lambda's deadline. */
  readonly heldUntilMs: () => number;
  /** Ends what runs for the call's duration (its token binding, its lease renewal). */
  readonly end: () => void;
}

/** What to do with a call: run it under a lock, run it unguarded, or answer with a replay. */
export type Start =
  | { readonly action: 'run'; readonly lock: HeldLock }
  | { readonly action: 'run-unguarded' }
  | { readonly action: 'replay'; readonly result: unknown };

const WAIT_FIRST_DELAY_MS = 50;
const WAIT_MAX_DELAY_MS = 1000;
// A refused lock whose record may be taken over is tried again; a store that keeps refusing is broken.
const MAX_ACQUIRE_ROUNDS = 3;

/**
 * The one lifecycle behind every front door: derive the key, acquire the lock, then
 * `finish` (complete, fenced on owner) or `abandon` (release, fenced on owner).
 *
 * @example
 * ```ts
 * const engine = new IdempotencyEngine(resolveOptions({ store }), 'payments', 'makeIdempotent');
 * const result = await engine.execute([event, context], () => handler(event, context));
 * ```
 */
export class IdempotencyEngine {
  readonly #options: ResolvedOptions;
  readonly #keyPrefix: string;
  readonly #localCache: LocalCache | undefined;
  // Where outcomes are stored: the store, and this container's cache of results.
  readonly #outcomes: OutcomeStore;

  /**
   * @param defaultKeyPrefix the prefix when `keyPrefix` is not set; claimed for this process.
   * @param frontDoor names the front door in the error for a prefix claimed twice.
   * @param guarded the function or method behind the door: wrapping it again may reuse its prefix.
   */
  constructor(options: ResolvedOptions, defaultKeyPrefix: string, frontDoor: string, guarded?: object) {
    this.#options = options;
    this.#keyPrefix = options.keyPrefix ?? defaultKeyPrefix;
    this.#localCache = options.localCache && new LocalCache(options.localCache);
    this.#outcomes = { ...options, localCache: this.#localCache };
    if (options.keyPrefix === undefined) claimDefaultKeyPrefix(defaultKeyPrefix, frontDoor, guarded);
    if (options.disabled) {
      options.logger.warn(
        'Idempotency is disabled by ONCELY_DISABLED=true or POWERTOOLS_IDEMPOTENCY_DISABLED: every call runs',
        {
          keyPrefix: this.#keyPrefix,
        },
      );
    }
  }

  get keyPrefix(): string {
    return this.#keyPrefix;
  }

  /** Runs `invoke` at most once per key and answers replays from the store. */
  async execute<T>(args: readonly unknown[], invoke: () => T | Promise<T>): Promise<T> {
    const { payloadArgument, responses } = this.#options;
    const start = await answerWith(responses, this.start(args[payloadArgument], findInvocationContext(args)));
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
    const options = this.#options;
    const context = lambdaContextOf(invocationContext);
    const durable = durableExecutionOf(invocationContext);
    const startedMs = Date.now();
    if (options.disabled) {
      this.#decide(undefined, 'disabled', startedMs);
      return { action: 'run-unguarded' };
    }
    let identity: ReturnType<typeof identifyCall>;
    try {
      identity = identifyCall(options, this.#keyPrefix, payload, context);
    } finally {
      if (identity === undefined) this.#decide(undefined, 'no-key', startedMs);
    }
    if (identity === undefined) return { action: 'run-unguarded' };
    const { key, validation } = identity;

    const cached = this.#localCache?.get(key, startedMs);
    if (cached !== undefined) {
      options.logger.debug('Replaying from the local cache', { key });
      return this.#answer({ key, status: 'COMPLETED', ...cached }, validation, startedMs, false, cached);
    }

    const waitUntilMs = options.waitMs === undefined ? undefined : this.#waitDeadline(options.waitMs, context);
    for (let round = 1; ; round++) {
      const nowMs = Date.now();
      if (round > MAX_ACQUIRE_ROUNDS && (waitUntilMs === undefined || nowMs > waitUntilMs)) {
        throw new IdempotencyPersistenceError(
          `The store refused the lock for key "${key}" ${round - 1} times although its record could be taken over; ` +
            "check that the store's clock and condition agree with oncely's (see the store contract suite).",
          { key },
        );
      }
      let owner = durable ? durableOwner(durable) : randomUUID();
      // Without a Lambda deadline the lock is a heartbeat lease, so it lasts as long as the call
      // does and frees within one lease after a crash.
      const lease = options.lock ?? (context ? undefined : contextlessLock);
      // A remaining time of 0 still sets an expiry: the lock must never outlive the Lambda.
      const hardDeadlineMs = context ? nowMs + Math.max(0, context.getRemainingTimeInMillis()) : undefined;
      const lockedUntilMs = lease
        ? Math.min(nowMs + lease.durationMs, hardDeadlineMs ?? Number.POSITIVE_INFINITY)
        : (hardDeadlineMs as number);
      // The record must not expire before its lock ends: an expired record may be taken over.
      const expiresAtSec = Math.max(
        Math.floor(nowMs / 1000) + options.expiresAfterSeconds,
        Math.ceil(lockedUntilMs / 1000),
      );
      const lock = { key, lockedUntilMs, expiresAtSec, validation, nowMs };
      let acquired = await acquireWithRetries(options.store, options.logger, { ...lock, owner });
      // A durable function's replay invocation runs the handler again from the start, over the lock
      // its suspended earlier invocation still holds: the lock is taken over under that invocation's
      // owner (the store admits an INPROGRESS record's own owner), only for the same execution.
      const continued = acquired.acquired ? undefined : continuedLockOwner(acquired.existing, durable);
      if (continued !== undefined) {
        options.logger.debug('Continuing the lock of an earlier invocation of this durable execution', { key });
        owner = continued;
        acquired = await acquireWithRetries(options.store, options.logger, { ...lock, owner });
      }
      if (acquired.acquired) {
        const call = { key, owner, validation, startedMs, expiresAtSec, lockedUntilMs, hardDeadlineMs };
        const fresh = lease ? await this.#freshLease(call, lease) : call;
        if (fresh === 'lost') continue;
        options.logger.debug('Lock taken; running the call', { key });
        return { action: 'run', lock: this.#hold(fresh, lease, invocationContext) };
      }
      const settled = await this.#settle(acquired.existing, validation, waitUntilMs, startedMs);
      if (settled !== 'retry') return settled;
    }
  }

  // A lease's end was set before its lock write; a write that took long (retries, a slow store)
  // may confirm a lease that is nearly or already over, so another call could take the key while
  // the handler runs. Such a lease is renewed before the handler starts; if it was taken over in
  // between, the call starts over and meets the new holder's record.
  async #freshLease<C extends { key: string; owner: string; expiresAtSec: number; lockedUntilMs: number }>(
    call: C & { hardDeadlineMs: number | undefined },
    lease: Readonly<Required<LockOptions>>,
  ): Promise<C | 'lost'> {
    const nowMs = Date.now();
    if (call.lockedUntilMs - nowMs > lease.durationMs / 2) return call;
    const { store, logger } = this.#options;
    const lockedUntilMs = Math.min(nowMs + lease.durationMs, call.hardDeadlineMs ?? Number.POSITIVE_INFINITY);
    const expiresAtSec = Math.max(call.expiresAtSec, Math.ceil(lockedUntilMs / 1000));
    let outcome: FencedOutcome;
    try {
      outcome = await store.extend(call.key, call.owner, lockedUntilMs, expiresAtSec);
    } catch (error) {
      if (Date.now() < call.lockedUntilMs) return call;
      await store.release(call.key, call.owner).catch(() => {});
      throw asPersistenceError(error, call.key, 'renewing a lease that ran out while it was taken');
    }
    if (outcome === 'lock-lost') {
      logger.warn('The lease ran out while the lock was being taken, and another call took the key', {
        key: call.key,
      });
      return 'lost';
    }
    return { ...call, lockedUntilMs, expiresAtSec };
  }

  // Binds the call's token to its context and starts its lease renewal, if any.
  #hold(
    call: {
      key: string;
      owner: string;
      validation: string | undefined;
      startedMs: number;
      expiresAtSec: number;
      lockedUntilMs: number;
      hardDeadlineMs: number | undefined;
    },
    lease: ResolvedOptions['lock'],
    // The token is bound to the context the handler received, durable or not.
    context: LambdaContextLike | DurableContextLike | undefined,
  ): HeldLock {
    const { key, owner, validation, startedMs, expiresAtSec, lockedUntilMs, hardDeadlineMs } = call;
    const unbind = bindIdempotencyToken(context, { key, owner });
    const { store, logger } = this.#options;
    const held = { key, owner, validation, startedMs, expiresAtSec };
    if (lease === undefined || !lease.renew) {
      // A lease that is not renewed ends at its first term, however long the Lambda may run.
      const untilMs = lease === undefined ? (hardDeadlineMs ?? lockedUntilMs) : lockedUntilMs;
      return { ...held, heldUntilMs: () => untilMs, end: unbind };
    }
    const renewal = new LeaseRenewal(
      {
        key,
        owner,
        untilMs: lockedUntilMs,
        hardDeadlineMs: hardDeadlineMs ?? Number.POSITIVE_INFINITY,
        expiresAtSec,
      },
      lease.durationMs,
      store,
      logger,
    );
    return {
      ...held,
      heldUntilMs: () => renewal.untilMs,
      end: () => {
        renewal.stop();
        unbind();
      },
    };
  }

  /**
   * Stores the result of a call that held the lock; retries while the lock lasts. A result that
   * can never be stored completes the record as "not stored": the caller still gets its result.
   */
  async finish(lock: HeldLock, result: unknown): Promise<void> {
    lock.end();
    this.#decide(lock.key, await storeOutcome(this.#outcomes, lock, { result }), lock.startedMs);
  }

  /**
   * After a failed call: stores the error as the outcome when `cacheErrors` accepts it,
   * otherwise releases the lock so a retry can run. Never throws, so never masks the call's own error.
   */
  async abandon(lock: HeldLock, error?: unknown): Promise<void> {
    lock.end();
    const { logger, store } = this.#options;
    if (error !== undefined && this.#shouldCache(lock.key, error)) {
      this.#decide(lock.key, await storeOutcome(this.#outcomes, lock, { error }), lock.startedMs);
      return;
    }
    try {
      const outcome = await store.release(lock.key, lock.owner);
      if (outcome === 'lock-lost') {
        logger.warn('The lock was taken over before release; the newer record is left alone', { key: lock.key });
      } else {
        logger.debug('Lock released after a failed call', { key: lock.key });
      }
    } catch (releaseError) {
      logger.error(`Could not release the lock; it frees itself at ${new Date(lock.heldUntilMs()).toISOString()}`, {
        key: lock.key,
        error: releaseError,
      });
    }
    this.#decide(lock.key, 'executed', lock.startedMs);
  }

  // A throwing `cacheErrors` predicate counts as "do not cache": the lock is released and the
  // call's own error goes on.
  #shouldCache(key: string, error: unknown): boolean {
    const { cacheErrors, logger } = this.#options;
    if (cacheErrors === undefined) return false;
    try {
      return cacheErrors(error) === true;
    } catch (predicateError) {
      logger.error('The cacheErrors predicate threw; the error is not cached and the lock is released', {
        key,
        error: predicateError,
      });
      return false;
    }
  }

  // Decides what a call does about a record it could not lock: replay, fail, or wait and retry.
  async #settle(
    existing: IdempotencyRecord,
    validation: string | undefined,
    waitUntilMs: number | undefined,
    startedMs: number,
  ): Promise<Start | 'retry'> {
    const { logger, store } = this.#options;
    let record: IdempotencyRecord | undefined = existing;
    for (let delayMs = WAIT_FIRST_DELAY_MS, waited = false; ; delayMs = Math.min(delayMs * 2, WAIT_MAX_DELAY_MS)) {
      const nowMs = Date.now();
      if (record === undefined || canTakeOver(record, nowMs)) return 'retry';
      if (isCompleted(record, nowMs)) return this.#answer(record, validation, startedMs, waited);
      this.#checkValidation(record, validation, startedMs);
      if (waitUntilMs === undefined || nowMs + delayMs > waitUntilMs) {
        this.#decide(record.key, 'in-progress', startedMs);
        throw this.#inProgress(record, waitUntilMs !== undefined);
      }
      logger.debug('Waiting for the call in progress', { key: record.key });
      await sleep(jitter(delayMs));
      waited = true;
      const key: string = record.key;
      try {
        record = await store.get(key);
      } catch (error) {
        throw asPersistenceError(error, key, 'reading the record');
      }
    }
  }

  // Answers a call from a completed record: one read from the store (then kept in the local
  // cache), or `cached`, a local cache hit.
  #answer(
    record: IdempotencyRecord,
    validation: string | undefined,
    startedMs: number,
    waited: boolean,
    cached?: CachedResult,
  ): Start {
    const { logger } = this.#options;
    const localCache = this.#localCache;
    this.#checkValidation(record, validation, startedMs);
    const { key, data, error, notStored, expiresAtSec } = record;
    if (cached === undefined) {
      localCache?.set(key, { data, error, notStored, expiresAtSec, validation: record.validation });
      logger.debug(error === undefined ? 'Replaying the stored result' : 'Replaying the stored error', { key });
    }
    this.#decide(key, waited ? 'waited' : 'replayed', startedMs);
    if (notStored !== undefined) throw notStoredError(record);
    if (error !== undefined) throw decodeError(error);
    return { action: 'replay', result: this.#replay(record, cached) };
  }

  #checkValidation(record: IdempotencyRecord, validation: string | undefined, startedMs: number): void {
    // A record written without validation (before `validate` was set) is accepted.
    if (validation === undefined || record.validation === undefined || record.validation === validation) return;
    this.#decide(record.key, 'validation-failed', startedMs);
    throw new IdempotencyValidationError(
      `The payload for key "${record.key}" differs from the first call's at the validated part (validate); ` +
        'a replay must repeat it unchanged. Send a new idempotency key for a changed request.',
      { key: record.key },
    );
  }

  #replay(record: IdempotencyRecord, cached: CachedResult | undefined): unknown {
    const localCache = this.#localCache;
    let result: unknown;
    try {
      result = cached && localCache ? localCache.result(record.key, cached) : decodeResult(record.data);
    } catch (error) {
      throw new IdempotencyPersistenceError(
        `The stored result of key "${record.key}" is not valid JSON; delete the record to let the call run again.`,
        { key: record.key, cause: error },
      );
    }
    const { onReplay } = this.#options;
    return onReplay ? onReplay(result, record) : result;
  }

  #inProgress(record: IdempotencyRecord, waited: boolean): IdempotencyAlreadyInProgressError {
    const until =
      record.lockedUntilMs === undefined ? 'its record expires' : new Date(record.lockedUntilMs).toISOString();
    const advice = waited
      ? 'it did not finish within whenInProgress.waitMs; retry later'
      : 'retry later or set whenInProgress: { waitMs }';
    return new IdempotencyAlreadyInProgressError(
      `Call with key "${record.key}" is already in progress (lock held until ${until}); ${advice}.`,
      { key: record.key, lockedUntilMs: record.lockedUntilMs },
    );
  }

  #waitDeadline(waitMs: number, context: LambdaContextLike | undefined): number {
    const lambdaLeftMs = context ? context.getRemainingTimeInMillis() - DEADLINE_MARGIN_MS : Number.POSITIVE_INFINITY;
    return Date.now() + Math.min(waitMs, lambdaLeftMs);
  }

  #decide(key: string | undefined, decision: Decision, startedMs: number): void {
    const { onDecision, logger } = this.#options;
    if (onDecision === undefined) return;
    try {
      onDecision({ key, decision, durationMs: Date.now() - startedMs });
    } catch (error) {
      // A failing observer must not change the call's outcome.
      logger.error('onDecision threw; the call goes on', { key, error });
    }
  }
}
