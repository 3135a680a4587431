import { randomUUID } from 'node:crypto';
import {
  IdempotencyAlreadyInProgressError,
  IdempotencyError,
  IdempotencyKeyError,
  IdempotencyPersistenceError,
  IdempotencyValidationError,
} from './errors.js';
import { hashValue, idempotencyKey, isMissingKey } from './key.js';
import type { ResolvedOptions } from './options.js';
import { canTakeOver, type IdempotencyRecord, isCompleted } from './record.js';
import { decodeResult, encodeResult } from './result.js';
import type { AcquireResult, LockRequest } from './store.js';

/** The part of the Lambda context the engine reads. */
export interface LambdaContextLike {
  getRemainingTimeInMillis(): number;
}

/** Identity of one guarded call, bound before the handler runs. */
export interface HeldLock {
  readonly key: string;
  readonly owner: string;
  readonly lockedUntilMs: number;
  readonly validation: string | undefined;
}

/** What to do with a call: run it under a lock, run it unguarded, or answer with a replay. */
export type Start =
  | { readonly action: 'run'; readonly lock: HeldLock }
  | { readonly action: 'run-unguarded' }
  | { readonly action: 'replay'; readonly result: unknown };

// Completion retries: the side effect already happened, so keep trying while the lock is ours.
const COMPLETE_MAX_ATTEMPTS = 6;
const COMPLETE_BASE_DELAY_MS = 50;
const COMPLETE_MAX_DELAY_MS = 1000;
// Stop retrying (or waiting) this long before the Lambda or the lock runs out.
const DEADLINE_MARGIN_MS = 200;
const WAIT_FIRST_DELAY_MS = 50;
const WAIT_MAX_DELAY_MS = 1000;
const ACQUIRE_MAX_ATTEMPTS = 3;
// A refused lock whose record may be taken over is tried again; a store that keeps refusing is broken.
const MAX_ACQUIRE_ATTEMPTS = 3;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
// Full jitter between half and all of the delay, so retrying callers spread out.
const jitter = (ms: number): number => ms / 2 + Math.random() * (ms / 2);

const isLambdaContext = (value: unknown): value is LambdaContextLike =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as Partial<LambdaContextLike>).getRemainingTimeInMillis === 'function';

/**
 * The Lambda context among a call's arguments: the second argument of a handler, or any
 * argument that has `getRemainingTimeInMillis`.
 *
 * @example
 * ```ts
 * findLambdaContext([event, context]) === context; // true
 * ```
 */
export const findLambdaContext = (args: readonly unknown[]): LambdaContextLike | undefined => {
  if (isLambdaContext(args[1])) return args[1];
  return args.find(isLambdaContext);
};

/**
 * The one lifecycle behind every front door: derive the key, acquire the lock, then
 * `finish` (complete, fenced on owner) or `abandon` (release, fenced on owner).
 *
 * @example
 * ```ts
 * const engine = new IdempotencyEngine(resolveOptions({ store }), 'payments');
 * const result = await engine.execute([event, context], () => handler(event, context));
 * ```
 */
export class IdempotencyEngine {
  readonly #options: ResolvedOptions;
  readonly #keyPrefix: string;

  constructor(options: ResolvedOptions, defaultKeyPrefix: string) {
    this.#options = options;
    this.#keyPrefix = options.keyPrefix ?? defaultKeyPrefix;
    if (options.disabled) {
      options.logger.warn('Idempotency is disabled by ONCELY_DISABLED=true: every call runs', {
        keyPrefix: this.#keyPrefix,
      });
    }
  }

  get keyPrefix(): string {
    return this.#keyPrefix;
  }

  /** Runs `invoke` at most once per key and answers replays from the store. */
  async execute<T>(args: readonly unknown[], invoke: () => T | Promise<T>): Promise<T> {
    const start = await this.start(args[this.#options.payloadArgument], findLambdaContext(args));
    if (start.action === 'replay') return start.result as T;
    if (start.action === 'run-unguarded') return invoke();
    let result: T;
    try {
      result = await invoke();
    } catch (error) {
      await this.abandon(start.lock);
      throw error;
    }
    await this.finish(start.lock, result);
    return result;
  }

  /** Derives the key and takes the lock, or returns the stored result of an earlier call. */
  async start(payload: unknown, context: LambdaContextLike | undefined): Promise<Start> {
    const options = this.#options;
    if (options.disabled) return { action: 'run-unguarded' };
    const identity = this.#identify(payload, context);
    if (identity === undefined) return { action: 'run-unguarded' };
    const { key, validation } = identity;

    const cached = options.localCache?.get(key, Date.now());
    if (cached !== undefined) {
      const record: IdempotencyRecord = { key, status: 'COMPLETED', ...cached };
      this.#checkValidation(record, validation);
      options.logger.debug('Replaying from the local cache', { key });
      return { action: 'replay', result: this.#replay(record) };
    }

    const waitUntilMs = options.maxWaitMs === undefined ? undefined : this.#waitDeadline(options.maxWaitMs, context);
    for (let attempt = 1; ; attempt++) {
      const nowMs = Date.now();
      if (attempt > MAX_ACQUIRE_ATTEMPTS && (waitUntilMs === undefined || nowMs > waitUntilMs)) {
        throw new IdempotencyPersistenceError(
          `The store refused the lock for key "${key}" ${attempt - 1} times although its record could be taken over; ` +
            "check that the store's clock and condition agree with oncely's (see the store contract suite).",
          { key },
        );
      }
      const lock: HeldLock = {
        key,
        owner: randomUUID(),
        // A remaining time of 0 still sets an expiry: the lock must never outlive the Lambda.
        lockedUntilMs: nowMs + (context ? Math.max(0, context.getRemainingTimeInMillis()) : options.lockDurationMs),
        validation,
      };
      const acquired = await this.#acquire({
        key,
        owner: lock.owner,
        lockedUntilMs: lock.lockedUntilMs,
        expiresAtSec: Math.floor(nowMs / 1000) + options.expiresAfterSeconds,
        validation,
        nowMs,
      });
      if (acquired.acquired) {
        options.logger.debug('Lock taken; running the call', { key });
        return { action: 'run', lock };
      }
      const settled = await this.#settle(acquired.existing, validation, waitUntilMs);
      if (settled !== 'retry') return settled;
    }
  }

  /** Stores the result of a call that held the lock; retries while the lock lasts. */
  async finish(lock: HeldLock, result: unknown): Promise<void> {
    let data: string | undefined;
    try {
      data = encodeResult(result);
    } catch (error) {
      await this.abandon(lock);
      throw new IdempotencyPersistenceError(
        `The result of the call with key "${lock.key}" cannot be stored as JSON (${(error as Error).message}); ` +
          'the lock was released, so a retry runs the call again. Return JSON-serialisable values (no BigInt, cycles or functions).',
        { key: lock.key, cause: error },
      );
    }
    const expiresAtSec = Math.floor(Date.now() / 1000) + this.#options.expiresAfterSeconds;
    const stored = await this.#completeWithRetries(lock, data, expiresAtSec);
    if (stored) this.#options.localCache?.set(lock.key, { data, expiresAtSec, validation: lock.validation });
  }

  /** Releases the lock after a failed call so a retry can run; never masks the call's own error. */
  async abandon(lock: HeldLock): Promise<void> {
    const { logger, store } = this.#options;
    try {
      const outcome = await store.release(lock.key, lock.owner);
      if (outcome === 'lock-lost') {
        logger.warn('The lock was taken over before release; the newer record is left alone', { key: lock.key });
      } else {
        logger.debug('Lock released after a failed call', { key: lock.key });
      }
    } catch (error) {
      logger.error(`Could not release the lock; it frees itself at ${new Date(lock.lockedUntilMs).toISOString()}`, {
        key: lock.key,
        error,
      });
    }
  }

  #identify(payload: unknown, context: unknown): { key: string; validation: string | undefined } | undefined {
    const options = this.#options;
    let material: unknown;
    try {
      material = options.selectKey(payload);
    } catch (error) {
      throw new IdempotencyKeyError(
        `Could not select the idempotency key with ${options.keySource}: ${(error as Error).message}. Check the payload's shape.`,
        { cause: error },
      );
    }
    if (isMissingKey(material)) {
      if (options.requireKey) {
        throw new IdempotencyKeyError(
          `The payload has no idempotency key: ${options.keySource} selected ${JSON.stringify(material) ?? 'nothing'}. ` +
            'Send the key field, or set requireKey: false to run such calls without idempotency.',
        );
      }
      options.logger.warn(
        `No idempotency key in the payload (${options.keySource} selected nothing); running without idempotency`,
        {
          keyPrefix: this.#keyPrefix,
        },
      );
      return undefined;
    }
    let scope: string | undefined;
    if (options.scope) {
      scope = options.scope(payload, context);
      if (typeof scope !== 'string' || scope === '') {
        throw new IdempotencyKeyError(
          `The scope() option returned ${JSON.stringify(scope) ?? 'undefined'} for a call of ${this.#keyPrefix}; ` +
            'it must name the tenant or caller. Check the authorizer context, or remove scope.',
        );
      }
    }
    try {
      return {
        key: idempotencyKey(this.#keyPrefix, material, options.hash, scope),
        validation: options.selectValidation && hashValue(options.selectValidation(payload) ?? null, options.hash),
      };
    } catch (error) {
      throw new IdempotencyKeyError(
        `Could not hash the idempotency key or validation value of ${this.#keyPrefix}: ${(error as Error).message}.`,
        { cause: error },
      );
    }
  }

  // Decides what a call does about a record it could not lock: replay, fail, or wait and retry.
  async #settle(
    existing: IdempotencyRecord,
    validation: string | undefined,
    waitUntilMs: number | undefined,
  ): Promise<Start | 'retry'> {
    const { logger, store, localCache } = this.#options;
    let record: IdempotencyRecord | undefined = existing;
    for (let delayMs = WAIT_FIRST_DELAY_MS; ; delayMs = Math.min(delayMs * 2, WAIT_MAX_DELAY_MS)) {
      const nowMs = Date.now();
      if (record === undefined || canTakeOver(record, nowMs)) return 'retry';
      this.#checkValidation(record, validation);
      if (isCompleted(record, nowMs)) {
        localCache?.set(record.key, {
          data: record.data,
          expiresAtSec: record.expiresAtSec,
          validation: record.validation,
        });
        logger.debug('Replaying the stored result', { key: record.key });
        return { action: 'replay', result: this.#replay(record) };
      }
      if (waitUntilMs === undefined || nowMs + delayMs > waitUntilMs) {
        throw this.#inProgress(record, waitUntilMs !== undefined);
      }
      logger.debug('Waiting for the call in progress', { key: record.key });
      await sleep(jitter(delayMs));
      const key: string = record.key;
      record = await this.#store('reading the record', key, () => store.get(key));
    }
  }

  #checkValidation(record: IdempotencyRecord, validation: string | undefined): void {
    // A record written without validation (before validatePath was set) is accepted.
    if (validation === undefined || record.validation === undefined || record.validation === validation) return;
    throw new IdempotencyValidationError(
      `The payload for key "${record.key}" differs from the first call's at validatePath; ` +
        'a replay must repeat it unchanged. Send a new idempotency key for a changed request.',
      { key: record.key },
    );
  }

  #replay(record: IdempotencyRecord): unknown {
    let result: unknown;
    try {
      result = decodeResult(record.data);
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
      ? 'it did not finish within maxWaitMs; retry later'
      : 'retry later or set whenInProgress: { wait: true }';
    return new IdempotencyAlreadyInProgressError(
      `Call with key "${record.key}" is already in progress (lock held until ${until}); ${advice}.`,
      { key: record.key, lockedUntilMs: record.lockedUntilMs },
    );
  }

  #waitDeadline(maxWaitMs: number, context: LambdaContextLike | undefined): number {
    const nowMs = Date.now();
    const lambdaLeftMs = context ? context.getRemainingTimeInMillis() - DEADLINE_MARGIN_MS : Number.POSITIVE_INFINITY;
    return nowMs + Math.min(maxWaitMs, lambdaLeftMs);
  }

  async #completeWithRetries(lock: HeldLock, data: string | undefined, expiresAtSec: number): Promise<boolean> {
    const { logger, store } = this.#options;
    const completion = { key: lock.key, owner: lock.owner, data, expiresAtSec };
    for (let attempt = 1; ; attempt++) {
      try {
        const outcome = await store.complete(completion);
        if (outcome === 'ok') {
          logger.debug('Result stored', { key: lock.key });
          return true;
        }
        logger.warn(
          'The lock was taken over while the call ran; its result goes to its caller but the newer record is kept',
          { key: lock.key },
        );
        return false;
      } catch (error) {
        const delayMs = jitter(Math.min(COMPLETE_BASE_DELAY_MS * 2 ** attempt, COMPLETE_MAX_DELAY_MS));
        if (attempt >= COMPLETE_MAX_ATTEMPTS || Date.now() + delayMs > lock.lockedUntilMs - DEADLINE_MARGIN_MS) {
          logger.error(
            `Could not store the result after ${attempt} attempt(s); the caller gets its result, but a retry after ` +
              `${new Date(lock.lockedUntilMs).toISOString()} would run the call again`,
            { key: lock.key, error },
          );
          return false;
        }
        logger.warn(`Storing the result failed (attempt ${attempt}); retrying`, { key: lock.key, error });
        await sleep(delayMs);
      }
    }
  }

  // A failed lock write may have been applied (a timeout, a 500 after the write). Writing the
  // same owner again is safe, because the store admits its own owner; if every try fails, the
  // lock is released (fenced on that owner) so no stray lock blocks the client's retry.
  async #acquire(lock: LockRequest): Promise<AcquireResult> {
    const { logger, store } = this.#options;
    for (let attempt = 1; ; attempt++) {
      try {
        return await store.acquire(lock);
      } catch (error) {
        if (attempt < ACQUIRE_MAX_ATTEMPTS) {
          logger.warn(`Taking the lock failed (attempt ${attempt}); retrying with the same owner`, {
            key: lock.key,
            error,
          });
          await sleep(jitter(COMPLETE_BASE_DELAY_MS * 2 ** attempt));
          continue;
        }
        await store.release(lock.key, lock.owner).catch((releaseError: unknown) => {
          logger.error('Could not release a lock that may have been written; it frees itself when it expires', {
            key: lock.key,
            error: releaseError,
          });
        });
        throw error instanceof IdempotencyError
          ? error
          : new IdempotencyPersistenceError(
              `The idempotency store failed while taking the lock for key "${lock.key}": ${(error as Error).message}. ` +
                'The call did not run; retry it.',
              { key: lock.key, cause: error },
            );
      }
    }
  }

  async #store<T>(doing: string, key: string, operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      if (error instanceof IdempotencyError) throw error;
      throw new IdempotencyPersistenceError(
        `The idempotency store failed while ${doing} for key "${key}": ${(error as Error).message}. ` +
          'The call did not run; retry it.',
        { key, cause: error },
      );
    }
  }
}
