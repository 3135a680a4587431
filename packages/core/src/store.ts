import type { IdempotencyRecord } from './record.js';

/** What `acquire` asks the store to write: a new INPROGRESS record owned by `owner`. */
export interface LockRequest {
  key: string;
  owner: string;
  /** The lock is held until this epoch millisecond. */
  lockedUntilMs: number;
  /** The record is void after this epoch second (its TTL). */
  expiresAtSec: number;
  validation?: string | undefined;
  /** The caller's clock, so the store and the engine agree on what has expired. */
  nowMs: number;
}

/** `acquired: false` carries the record that holds the key, read in the same round trip. */
export type AcquireResult = { acquired: true } | { acquired: false; existing: IdempotencyRecord };

/** What `complete` writes over the caller's own INPROGRESS record. */
export interface Completion {
  key: string;
  owner: string;
  /** The result as JSON text; absent when the result was `undefined`. */
  data?: string | undefined;
  /** A cached error outcome as JSON text (`cacheErrors`); when set, `data` is absent. */
  error?: string | undefined;
  /**
   * Set when the call ran but its result cannot be stored (too large, not JSON): JSON text
   * `{ reason, sizeBytes?, limitBytes? }`. The record completes without `data` or `error`, so the
   * call never runs again while it lives; replays fail with `IdempotencyResultNotStoredError`.
   */
  notStored?: string | undefined;
  expiresAtSec: number;
}

/**
 * Outcome of an owner-fenced write: `lock-lost` means another call holds the key now
 * (or it is gone) and nothing was written.
 */
export type FencedOutcome = 'ok' | 'lock-lost';

/**
 * Where idempotency records live. Every implementation must pass the store contract suite
 * (`runStoreContract` from `@oncely/core/testing`).
 *
 * - `acquire` writes the lock when the key is free, its record expired, its lock expired, or
 *   the record is an INPROGRESS lock that already names `owner` (an SDK retry of our own write
 *   after an ambiguous error); otherwise it returns the existing record. A COMPLETED record that
 *   names `owner` is never locked again: a late copy of the lock write must not undo a result.
 * - `complete`, `release` and `extend` act only while `owner` still holds the record
 *   (`extend` only while it is INPROGRESS).
 * - `extend` moves the lock's end and the record's expiry together, so a record never expires
 *   before its lock ends.
 * - `get` is strongly consistent.
 * - Stores throw only for real failures, as `IdempotencyPersistenceError` with the cause.
 *
 * @example
 * ```ts
 * const result = await store.acquire({ key, owner, lockedUntilMs, expiresAtSec, nowMs: Date.now() });
 * if (!result.acquired) console.log(result.existing.status);
 * ```
 */
export interface IdempotencyStore {
  acquire(lock: LockRequest): Promise<AcquireResult>;
  complete(completion: Completion): Promise<FencedOutcome>;
  release(key: string, owner: string): Promise<FencedOutcome>;
  /**
   * Moves the lock's end to `lockedUntilMs` and the record's expiry to `expiresAtSec` (a heartbeat
   * lease renewal; `expiresAtSec * 1000` is never before `lockedUntilMs`).
   */
  extend(key: string, owner: string, lockedUntilMs: number, expiresAtSec: number): Promise<FencedOutcome>;
  get(key: string): Promise<IdempotencyRecord | undefined>;
}

/** The operations of an `IdempotencyStore`, for messages and fault rules. */
export type StoreOperation = keyof IdempotencyStore;
