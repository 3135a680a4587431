import { encodeError } from './cachedError.js';
import type { Decision } from './decision.js';
import { IdempotencyResultNotStoredError } from './errors.js';
import type { HeldLock } from './heldLock.js';
import type { LocalCache } from './localCache.js';
import type { ResolvedOptions } from './options.js';
import type { IdempotencyRecord } from './record.js';
import { encodeResult } from './result.js';
import type { Completion } from './store.js';
import {
  type CompletionOutcome,
  completed,
  completeWithRetries,
  retryComplete,
  type StoreAccess,
} from './storeRetries.js';

/** Where an outcome goes: the store, and this container's cache of results. */
export type OutcomeStore = StoreAccess &
  Pick<ResolvedOptions, 'expiresAfterSeconds'> & {
    readonly localCache: LocalCache | undefined;
  };

/** How a call that held the lock ended: with a result, or with an error `cacheErrors` accepted. */
export type CallOutcome = { readonly result: unknown } | { readonly error: unknown };

/** Why a result was not stored, as kept in the record's `notStored` field. */
interface NotStored {
  reason: string;
  sizeBytes?: number | undefined;
  limitBytes?: number | undefined;
}

// The marker must stay a small item whatever the store said.
const MAX_REASON_CHARS = 300;
const clip = (text: string): string => (text.length > MAX_REASON_CHARS ? `${text.slice(0, MAX_REASON_CHARS)}…` : text);

/**
 * Stores what a call that held the lock ended with, retrying while the lock lasts. An outcome
 * that can never be stored (not JSON, or refused by the store for good: too large) still
 * completes the record, marked "not stored": the call has run, so it must not run again; its
 * caller keeps its result, and replays get `IdempotencyResultNotStoredError`. Never throws.
 * Returns the decision to report.
 */
export const storeOutcome = async (options: OutcomeStore, lock: HeldLock, outcome: CallOutcome): Promise<Decision> => {
  const expiresAtSec = Math.floor(options.clock.now() / 1000) + options.expiresAfterSeconds;
  const what = 'result' in outcome ? 'result' : 'error';
  const { key, owner } = lock;
  let completion: Completion;
  try {
    completion =
      'result' in outcome
        ? { key, owner, expiresAtSec, data: encodeResult(outcome.result), error: undefined }
        : { key, owner, expiresAtSec, data: undefined, error: encodeError(outcome.error) };
  } catch (error) {
    const reason = clip(`the ${what} is not JSON-serialisable (${(error as Error).message})`);
    return markNotStored(options, lock, { reason }, expiresAtSec);
  }
  // The first write is made here, and the retries (completeWithRetries) entered only after a
  // failure: one async step less on every call.
  let stored: CompletionOutcome;
  try {
    stored = completed(options.logger, key, await options.store.complete(completion));
  } catch (error) {
    stored = await retryComplete(options, completion, lock.heldUntilMs(), error);
  }
  if (stored === 'stored') {
    const { data, error } = completion;
    options.localCache?.set(key, { data, error, expiresAtSec, validation: lock.validation });
    return 'executed';
  }
  if (stored === 'lock-lost') return 'lock-taken-over';
  if (stored === 'failed') return 'executed';
  const { rejected } = stored;
  return markNotStored(
    options,
    lock,
    {
      reason: clip(`the store refused the ${what}: ${rejected.message}`),
      sizeBytes: rejected.sizeBytes,
      limitBytes: rejected.limitBytes,
    },
    expiresAtSec,
  );
};

const markNotStored = async (
  options: OutcomeStore,
  lock: HeldLock,
  notStored: NotStored,
  expiresAtSec: number,
): Promise<Decision> => {
  const { logger, localCache } = options;
  const marker = JSON.stringify(notStored);
  const completion = { key: lock.key, owner: lock.owner, expiresAtSec, notStored: marker };
  const stored = await completeWithRetries(options, completion, lock.heldUntilMs());
  if (stored === 'lock-lost') return 'lock-taken-over';
  const { sizeBytes, limitBytes } = notStored;
  if (stored !== 'stored') {
    logger.error(
      `The call ran, but neither its outcome nor a "not stored" mark could be written (${notStored.reason}); ` +
        `a retry after ${new Date(lock.heldUntilMs()).toISOString()} would run it again`,
      { key: lock.key, sizeBytes, limitBytes },
    );
    return 'result-not-stored';
  }
  localCache?.set(lock.key, { data: undefined, notStored: marker, expiresAtSec, validation: lock.validation });
  logger.error(
    `The call ran, but its outcome could not be stored (${notStored.reason}); its caller got it and the call ` +
      `will not run again: replays until ${new Date(expiresAtSec * 1000).toISOString()} fail with ` +
      'IdempotencyResultNotStoredError. Return a smaller, JSON-serialisable result (keep large ones elsewhere, such as S3).',
    { key: lock.key, sizeBytes, limitBytes },
  );
  return 'result-not-stored';
};

/**
 * The error a replay of a record marked "not stored" throws.
 *
 * @example
 * ```ts
 * if (record.notStored !== undefined) throw notStoredError(record);
 * ```
 */
export const notStoredError = (record: IdempotencyRecord): IdempotencyResultNotStoredError => {
  let stored: Partial<NotStored> = {};
  try {
    stored = JSON.parse(record.notStored ?? '{}') as Partial<NotStored>;
  } catch {
    // An unreadable mark still means "not stored".
  }
  const reason = typeof stored.reason === 'string' ? stored.reason : 'no reason was recorded';
  const size =
    typeof stored.sizeBytes === 'number' && typeof stored.limitBytes === 'number'
      ? ` (${stored.sizeBytes} bytes; the store holds at most ${stored.limitBytes})`
      : '';
  return new IdempotencyResultNotStoredError(
    `The call with key "${record.key}" ran once, but its result could not be stored: ${reason}${size}. ` +
      `It does not run again while its record lives (until ${new Date(record.expiresAtSec * 1000).toISOString()}); ` +
      'treat the request as done, or send a new idempotency key to run it again.',
    {
      key: record.key,
      reason,
      sizeBytes: typeof stored.sizeBytes === 'number' ? stored.sizeBytes : undefined,
      limitBytes: typeof stored.limitBytes === 'number' ? stored.limitBytes : undefined,
    },
  );
};

/**
 * Releases the lock of a call that failed (its error not cached), so a retry can run. Never
 * throws: a release that fails leaves the lock to expire. Returns the decision to report.
 */
export const releaseLock = async ({ logger, store }: StoreAccess, lock: HeldLock): Promise<Decision> => {
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
  return 'executed';
};
