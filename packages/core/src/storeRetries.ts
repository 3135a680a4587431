import type { Clock } from './clock.js';
import { type IdempotencyError, IdempotencyPersistenceError, isIdempotencyError } from './errors.js';
import type { IdempotencyLogger } from './logger.js';
import type { AcquireResult, Completion, FencedOutcome, IdempotencyStore, LockRequest } from './store.js';

/** What a retried store request needs: the store, where to log a retry, and the clock to wait on. */
export interface StoreAccess {
  readonly store: IdempotencyStore;
  readonly logger: IdempotencyLogger;
  readonly clock: Clock;
}

const ACQUIRE_MAX_ATTEMPTS = 3;
const COMPLETE_MAX_ATTEMPTS = 6;
const BASE_DELAY_MS = 50;
const MAX_DELAY_MS = 1000;
// Stop retrying this long before the lock (and so the Lambda) runs out.
export const DEADLINE_MARGIN_MS = 200;

// Jitter between half and all of the delay, so retrying callers spread out.
const jitter = (ms: number): number => ms / 2 + Math.random() * (ms / 2);
const backoffMs = (attempt: number): number => jitter(Math.min(BASE_DELAY_MS * 2 ** attempt, MAX_DELAY_MS));

/**
 * Writes the lock, retrying failures with the same owner. A failed lock write may have been
 * applied (a timeout, a 500 after the write); writing the same owner again is safe because the
 * store admits its own owner. If every try fails, the lock is released (fenced on that owner)
 * so no stray lock blocks the client's retry, and the error is thrown.
 */
export const acquireWithRetries = async (access: StoreAccess, lock: LockRequest): Promise<AcquireResult> => {
  try {
    return await access.store.acquire(lock);
  } catch (error) {
    return retryAcquire(access, lock, error);
  }
};

/**
 * `acquireWithRetries` after its first attempt failed with `firstError`: the engine makes the
 * first attempt itself (one async step less on every call) and comes here only after a failure.
 */
export const retryAcquire = async (
  { store, logger, clock }: StoreAccess,
  lock: LockRequest,
  firstError: unknown,
): Promise<AcquireResult> => {
  let error = firstError;
  for (let attempt = 1; ; attempt++) {
    // A refused request (permissions, configuration) fails the same way again and wrote nothing.
    if (!isRetryable(error)) throw asPersistenceError(error, lock.key, 'taking the lock');
    if (attempt >= ACQUIRE_MAX_ATTEMPTS) break;
    logger.warn(`Taking the lock failed (attempt ${attempt}); retrying with the same owner`, { key: lock.key, error });
    await clock.sleep(backoffMs(attempt));
    try {
      return await store.acquire(lock);
    } catch (next) {
      error = next;
    }
  }
  await store.release(lock.key, lock.owner).catch((releaseError: unknown) => {
    logger.error('Could not release a lock that may have been written; it frees itself when it expires', {
      key: lock.key,
      error: releaseError,
    });
  });
  throw asPersistenceError(error, lock.key, 'taking the lock');
};

/**
 * How storing a result ended: stored, refused because another call holds the key, failed (the
 * lock stays until it ends), or refused for good by the store (`rejected`: too large, invalid).
 */
export type CompletionOutcome = 'stored' | 'lock-lost' | 'failed' | { readonly rejected: IdempotencyPersistenceError };

/** False for a store error that the same request would meet again (see `IdempotencyPersistenceError.retryable`). */
const isRetryable = (error: unknown): boolean =>
  !(
    isIdempotencyError(error) &&
    error.code === 'idempotency.persistence' &&
    (error as IdempotencyPersistenceError).retryable === false
  );

/**
 * Stores a result, retrying failures with backoff until `deadlineMs`: the side effect already
 * happened, so losing the completion would let a later retry run it twice. A non-retryable
 * failure is not retried but returned as `rejected`. Never throws.
 */
export const completeWithRetries = async (
  access: StoreAccess,
  completion: Completion,
  deadlineMs: number,
): Promise<CompletionOutcome> => {
  try {
    return completed(access.logger, completion.key, await access.store.complete(completion));
  } catch (error) {
    return retryComplete(access, completion, deadlineMs, error);
  }
};

/** What a completion write the store answered means, logged. */
export const completed = (logger: IdempotencyLogger, key: string, outcome: FencedOutcome): 'stored' | 'lock-lost' => {
  if (outcome === 'ok') {
    logger.debug('Result stored', { key });
    return 'stored';
  }
  logger.warn(
    'The lock was taken over while the call ran; its result goes to its caller but the newer record is kept',
    {
      key,
    },
  );
  return 'lock-lost';
};

/**
 * `completeWithRetries` after its first attempt failed with `firstError`: the outcome is stored
 * with one direct write on every call, and comes here only after a failure. Never throws.
 */
export const retryComplete = async (
  { store, logger, clock }: StoreAccess,
  completion: Completion,
  deadlineMs: number,
  firstError: unknown,
): Promise<CompletionOutcome> => {
  let error = firstError;
  for (let attempt = 1; ; attempt++) {
    if (!isRetryable(error)) return { rejected: error as IdempotencyPersistenceError };
    const delayMs = backoffMs(attempt);
    if (attempt >= COMPLETE_MAX_ATTEMPTS || clock.now() + delayMs > deadlineMs - DEADLINE_MARGIN_MS) {
      logger.error(
        `Could not store the result after ${attempt} attempt(s); the caller gets its result, but a retry after ` +
          `${new Date(deadlineMs).toISOString()} would run the call again`,
        { key: completion.key, error },
      );
      return 'failed';
    }
    logger.warn(`Storing the result failed (attempt ${attempt}); retrying`, { key: completion.key, error });
    await clock.sleep(delayMs);
    try {
      return completed(logger, completion.key, await store.complete(completion));
    } catch (next) {
      error = next;
    }
  }
};

/** A store failure as `IdempotencyPersistenceError` naming the key; oncely's own errors pass through. */
export const asPersistenceError = (error: unknown, key: string, doing: string): IdempotencyError =>
  isIdempotencyError(error)
    ? error
    : new IdempotencyPersistenceError(
        `The idempotency store failed while ${doing} for key "${key}": ${(error as Error).message}. ` +
          'The call did not run; retry it.',
        { key, cause: error },
      );
