import { decodeError } from './cachedError.js';
import type { Decision } from './decision.js';
import type { Start } from './engine.js';
import {
  IdempotencyAlreadyInProgressError,
  IdempotencyPersistenceError,
  IdempotencyValidationError,
} from './errors.js';
import type { CachedResult, LocalCache } from './localCache.js';
import type { ResolvedOptions } from './options.js';
import { notStoredError } from './outcome.js';
import type { IdempotencyRecord } from './record.js';
import { decodeResult } from './result.js';

/**
 * How the engine's `start` ends, with the one decision it reports: a start (a replay, a call to
 * run unguarded, or a lock whose decision is reported when the call ends), or an error for the
 * caller. Expected outcomes are values here; `start` reports the decision once and then returns
 * or throws.
 */
export type Verdict =
  | { readonly key: string | undefined; readonly decision: Decision; readonly start: Start }
  | { readonly key: string | undefined; readonly decision: Decision; readonly error: unknown }
  | { readonly key: string; readonly decision: undefined; readonly start: Start & { action: 'run' } };

/** What answering from a record needs: the options, and this container's cache of results. */
export type Replies = Pick<ResolvedOptions, 'logger' | 'onReplay'> & { readonly localCache: LocalCache | undefined };

/**
 * A replay of a completed record (`decision` `'replayed'` or `'waited'`): one read from the store,
 * then kept in the local cache, or `cached`, a local cache hit.
 */
export const replayVerdict = (
  replies: Replies,
  record: IdempotencyRecord,
  validation: string | undefined,
  decision: 'replayed' | 'waited',
  cached?: CachedResult,
): Verdict => {
  const { logger, localCache } = replies;
  const invalid = validationVerdict(record, validation);
  if (invalid !== undefined) return invalid;
  const { key, data, error, notStored, expiresAtSec } = record;
  if (cached === undefined) {
    localCache?.set(key, { data, error, notStored, expiresAtSec, validation: record.validation });
    logger.debug(error === undefined ? 'Replaying the stored result' : 'Replaying the stored error', { key });
  }
  try {
    if (notStored !== undefined) throw notStoredError(record);
    if (error !== undefined) throw decodeError(error);
    return { key, decision, start: { action: 'replay', result: replayResult(replies, record, cached) } };
  } catch (replayError) {
    return { key, decision, error: replayError };
  }
};

/** A `'validation-failed'` verdict when `record` was written for a different validated part; `undefined` when it matches. */
export const validationVerdict = (record: IdempotencyRecord, validation: string | undefined): Verdict | undefined => {
  // A record written without validation (before `validate` was set) is accepted.
  if (validation === undefined || record.validation === undefined || record.validation === validation) return undefined;
  return {
    key: record.key,
    decision: 'validation-failed',
    error: new IdempotencyValidationError(
      `The payload for key "${record.key}" differs from the first call's at the validated part (validate); ` +
        'a replay must repeat it unchanged. Send a new idempotency key for a changed request.',
      { key: record.key },
    ),
  };
};

/** The `'in-progress'` verdict for a duplicate refused (`waited`: after waiting up to `waitMs`). */
export const inProgressVerdict = (record: IdempotencyRecord, waited: boolean): Verdict => {
  const until =
    record.lockedUntilMs === undefined ? 'its record expires' : new Date(record.lockedUntilMs).toISOString();
  const advice = waited
    ? 'it did not finish within whenInProgress.waitMs; retry later'
    : 'retry later or set whenInProgress: { waitMs }';
  return {
    key: record.key,
    decision: 'in-progress',
    error: new IdempotencyAlreadyInProgressError(
      `Call with key "${record.key}" is already in progress (lock held until ${until}); ${advice}.`,
      { key: record.key, lockedUntilMs: record.lockedUntilMs },
    ),
  };
};

const replayResult = (replies: Replies, record: IdempotencyRecord, cached: CachedResult | undefined): unknown => {
  const { localCache, onReplay } = replies;
  let result: unknown;
  try {
    result = cached && localCache ? localCache.result(record.key, cached) : decodeResult(record.data);
  } catch (error) {
    throw new IdempotencyPersistenceError(
      `The stored result of key "${record.key}" is not valid JSON; delete the record to let the call run again.`,
      { key: record.key, cause: error },
    );
  }
  return onReplay ? onReplay(result, record) : result;
};
